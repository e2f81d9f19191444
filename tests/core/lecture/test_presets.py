"""The lecture presets: every row of docs/LECTURES.md, valid, with its source, published figure and lesson."""

import pytest

from core.lecture.presets import PRESETS, get_preset
from core.lecture.spec import ModelSpec


def test_every_preset_is_valid_and_round_trips_through_json():
    for preset in PRESETS.values():
        spec = preset.spec.validate()
        assert ModelSpec.from_dict(spec.to_dict()) == spec


def test_the_lecture_presets_are_all_there_with_their_published_accuracy():
    expected = {
        "softmax-gd": 0.91, "softmax-lr-too-high": 0.098, "softmax": 0.9035, "nn": 0.9455, "nn-xavier": 0.9783,
        "nn-deep": 0.9742, "nn-dropout": 0.9804, "nn-dropout-256": 0.9746, "nn-batchnorm": 0.9737,
        "nn-bn-dropout": 0.9826, "keras-bn-dropout-earlystop": 0.9742, "keras-l2": 0.9577, "cnn": 0.9883,
        "cnn-lab": 0.9885, "cnn-deep": 0.9938, "ensemble": 0.9952,
    }
    for name, accuracy in expected.items():
        assert get_preset(name).published_accuracy == accuracy
    assert get_preset("softmax-lr-too-high").expect_divergence


def test_every_preset_says_where_it_comes_from_and_what_it_teaches():
    for preset in PRESETS.values():
        assert preset.source and preset.title and preset.lesson and preset.published_note
        assert preset.published_accuracy is None or 0 < preset.published_accuracy <= 1
    lessons_from_the_videos = {"nn-sigmoid-deep", "nn-he", "nn-zeros"}
    apps_own = {name for name, preset in PRESETS.items() if not preset.is_lecture}
    assert apps_own == {"cnn-fast", "cnn-minute", "cnn-five-minutes", "cnn-fast-ensemble", "cnn-drawn", "cnn-handwriting"}
    assert {name for name, preset in PRESETS.items() if preset.published_accuracy is None} == \
        lessons_from_the_videos | apps_own - {"cnn-drawn"}


def test_the_printed_epoch_costs_belong_to_epoch_presets_and_fall():
    with_costs = {name: preset for name, preset in PRESETS.items() if preset.published_costs}
    assert set(with_costs) == {"softmax", "nn", "nn-xavier", "nn-deep", "nn-dropout"}
    for preset in with_costs.values():
        assert len(preset.published_costs) == preset.spec.epochs
        assert preset.published_costs[-1] < preset.published_costs[0]


def test_an_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="known presets: softmax-gd"):
        get_preset("resnet")


def test_the_handwriting_cnn_is_lab_11_2s_with_stroke_drawn_digits_in_every_style():
    deep, handwriting = get_preset("cnn-deep").spec, get_preset("cnn-handwriting").spec
    assert handwriting == deep.replace(epochs=12, synthetic_digits=30_000, schedule="one_cycle", shift_pixels=1)
    assert not handwriting.augment and get_preset("cnn-handwriting").published_accuracy is None


def test_the_five_minute_cnn_is_cnn_minute_wider_longer_and_in_bfloat16():
    minute, five = get_preset("cnn-minute").spec, get_preset("cnn-five-minutes").spec
    assert five == minute.replace(conv_filters=(32, 64, 128), steps=6450, shift_pixels=2, mixed_precision=True)
    assert all(filters % 16 == 0 for filters in five.conv_filters)  # oneDNN's bfloat16 fast path
    assert five.epochs_of_data(55_000) == pytest.approx(15.0, abs=0.02)
