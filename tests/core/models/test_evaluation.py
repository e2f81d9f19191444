"""core.models.evaluation: every saved model measured now equals its card; a broken one is skipped, not fatal."""

import shutil

from core.models.evaluation import CARD_TOLERANCE, Evaluation, evaluate_all


def test_every_model_matches_its_card(small_models_dir):
    results, problems = evaluate_all(small_models_dir)
    assert problems == [] and [row.name for row in results] == ["small-nn-xavier", "small-softmax"]
    assert all(row.matches_card for row in results)
    # One epoch: the MLP is far along, lab 10-1's N(0, 1) start needs more than 100 steps of softmax.
    assert {row.name: row.test_accuracy > 0.8 for row in results} == {"small-nn-xavier": True, "small-softmax": False}


def test_a_corrupt_model_is_reported_and_the_others_are_still_measured(models_copy):
    (models_copy / "small-softmax.keras").write_bytes(b"not a zip file")
    results, problems = evaluate_all(models_copy)
    assert [row.name for row in results] == ["small-nn-xavier"]
    assert len(problems) == 1 and "small-softmax.keras" in problems[0]


def test_a_card_that_disagrees_with_its_weights_is_flagged(models_copy):
    from core.models.store import load_model

    model = load_model("small-nn-xavier", models_copy)
    model.set_weights([weights * 0 for weights in model.get_weights()])  # the same architecture, other weights
    model.save(models_copy / "small-nn-xavier.keras")
    results, problems = evaluate_all(models_copy)
    assert not problems and not {row.name: row for row in results}["small-nn-xavier"].matches_card


def test_weights_of_another_architecture_under_a_card_are_skipped_with_the_reason(models_copy):
    shutil.copy(models_copy / "small-softmax.keras", models_copy / "small-nn-xavier.keras")  # softmax under an MLP card
    results, problems = evaluate_all(models_copy)
    assert [row.name for row in results] == ["small-softmax"]
    assert problems == ["small-nn-xavier.keras: its weights (7,850 parameters) are not the model its card describes "
                        "(MLP 784→64→10, relu, 50,890 parameters)"]


def test_the_json_form_carries_the_verdict():
    row = Evaluation("m", "mlp", None, 0.97, 0.97 + CARD_TOLERANCE / 2, None)
    assert row.matches_card and row.to_dict()["matches_card"] is True
