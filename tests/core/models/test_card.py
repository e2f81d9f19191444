"""core.models.card: the card is made from a training summary, once, and read back leniently but not blindly."""

import pytest

from core.datasets.mnist import DATA_HASH
from core.lecture.presets import get_preset
from core.models.card import CARD_VERSION, ModelCard, make_card
from core.training.summary import TrainingSummary

SUMMARY = TrainingSummary(test_accuracy=0.9781, train_accuracy=0.995, validation_accuracy=0.98, diverged_at_step=None,
                          epochs_run=15, steps_run=8_250, seconds=123.456, samples_per_second=6_683.04,
                          parameters=269_322, member_test_accuracies=[])


def test_a_preset_run_gets_a_card_with_its_lecture_and_its_results():
    preset = get_preset("nn-xavier")
    card = make_card("nn-xavier", preset.spec, SUMMARY, preset)
    assert card.preset == "nn-xavier" and card.published_accuracy == 0.9783 and card.kind == "mlp"
    assert card.test_accuracy == 0.9781 and card.parameters == 269_322 and card.training_seconds == 123.46
    assert card.samples_per_second == 6_683.0 and card.data_hash == DATA_HASH and card.seed == preset.spec.seed
    assert card.spec == preset.spec.to_dict() and card.description == preset.spec.describe()
    assert card.card_version == CARD_VERSION and not card.diverged


def test_a_custom_model_has_no_preset_or_published_figure():
    card = make_card("mine", get_preset("nn").spec.replace(hidden_units=(32,)), SUMMARY, None)
    assert card.preset is None and card.published_accuracy is None


def test_reading_ignores_keys_from_a_newer_version_but_needs_the_essentials():
    card = make_card("nn-xavier", get_preset("nn-xavier").spec, SUMMARY, None)
    values = {**card.__dict__, "a_future_field": 1}
    assert ModelCard.from_dict(values) == card
    del values["test_accuracy"]
    with pytest.raises(ValueError, match="card lacks test_accuracy"):
        ModelCard.from_dict(values)


def test_a_quick_runs_card_says_so():
    card = make_card("nn-quick-3f2a", get_preset("nn-xavier").spec, SUMMARY, None, train_limit=5_000)
    assert card.train_limit == 5_000 and card.is_quick
    assert not make_card("nn", get_preset("nn-xavier").spec, SUMMARY, None, train_limit=55_000).is_quick


def test_a_card_is_validated_field_by_field():
    from core.models.card import CardError, validate_card

    card = make_card("nn-xavier", get_preset("nn-xavier").spec, SUMMARY, None)
    assert validate_card(card) is card
    for field, value in [("test_accuracy", "very high"), ("parameters", 7_850), ("diverged", "no"),
                         ("member_test_accuracies", [2.0]), ("training_seconds", float("nan")), ("seed", -1)]:
        with pytest.raises(CardError) as error:
            validate_card(ModelCard(**{**card.__dict__, field: value}))
        assert error.value.field == field
