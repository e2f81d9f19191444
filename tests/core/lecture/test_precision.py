"""core.lecture.precision: bfloat16 only where the spec asks and the CPU has it; trained models come back in float32."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.lecture import precision
from core.lecture.fused import FusedBatchNormalization
from core.lecture.network import as_float32, build_network
from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec, SpecError
from core.training.trainer import train

SMALL_CNN = ModelSpec(conv_filters=(8, 16), hidden_units=(32,), batch_norm=True, batch_norm_momentum=0.9,
                      batch_size=64, epochs=None, steps=80, mixed_precision=True)


@pytest.fixture()
def bfloat16_cpu(monkeypatch):
    """Say this CPU multiplies bfloat16 natively (the hardware is outside the project; elsewhere it is emulated)."""
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda: True)


@pytest.mark.parametrize("flags, expected", [
    ("fpu sse avx2 avx512f avx512_bf16 avx512_vnni", True),
    ("fpu sse amx_bf16 amx_tile", True),
    ("fpu sse avx2 avx512f avx512bw", False),
])
def test_the_cpu_flags_say_whether_bfloat16_is_native(tmp_path, flags, expected):
    cpuinfo = tmp_path / f"cpuinfo-{expected}-{len(flags)}"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n\nprocessor\t: 1\n")
    assert precision.cpu_has_bfloat16(cpuinfo) is expected
    assert precision.cpu_has_bfloat16(tmp_path / "missing") is False


def test_the_policy_follows_the_spec_the_cpu_and_the_setting(monkeypatch, bfloat16_cpu):
    assert precision.training_policy(SMALL_CNN) == "mixed_bfloat16"
    assert precision.training_policy(SMALL_CNN.replace(mixed_precision=False)) == "float32"
    monkeypatch.setenv("MNIST_LAB_MIXED_PRECISION", "off")
    assert precision.training_policy(SMALL_CNN) == "float32"
    monkeypatch.delenv("MNIST_LAB_MIXED_PRECISION")
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda: False)
    assert precision.training_policy(SMALL_CNN) == "float32"


def test_the_lecture_cnns_ask_for_bfloat16_and_the_lessons_about_gradients_do_not():
    for name in ("cnn", "cnn-lab", "cnn-deep", "ensemble", "cnn-fast", "cnn-five-minutes"):
        assert get_preset(name).spec.mixed_precision, name
    # 24·48·96 channels (cnn-minute) ran 1.4× slower in bfloat16 here: oneDNN's fast kernels want multiples of 16.
    for name in ("softmax", "nn-xavier", "nn-sigmoid-deep", "nn-zeros", "nn-he", "cnn-minute", "cnn-fast-ensemble"):
        assert not get_preset(name).spec.mixed_precision, name
    with pytest.raises(SpecError) as error:
        SMALL_CNN.replace(mixed_precision="yes").validate()
    assert error.value.field == "mixed_precision"


def test_a_mixed_network_computes_in_bfloat16_and_its_float32_copy_answers_alike():
    mixed = build_network(SMALL_CNN, dtype="mixed_bfloat16")
    computing = {layer.name: layer.compute_dtype for layer in mixed.layers}
    assert computing["probabilities"] == "float32"
    assert {dtype for name, dtype in computing.items() if name not in ("probabilities", "image")} == {"bfloat16"}
    assert {weight.dtype for weight in mixed.weights} == {"float32"}
    images = np.random.default_rng(0).random((16, 28, 28, 1)).astype(np.float32)
    copy = as_float32(mixed, SMALL_CNN)
    assert {layer.compute_dtype for layer in copy.layers} == {"float32"} and copy.name == mixed.name
    for ours, theirs in zip(copy.get_weights(), mixed.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    answers = np.asarray(copy(images, training=False))
    assert answers.dtype == np.float32
    np.testing.assert_allclose(answers, np.asarray(mixed(images, training=False)), atol=0.03)
    assert as_float32(copy, SMALL_CNN) is copy


def test_fused_batch_norm_takes_bfloat16_and_keeps_float32_statistics():
    data = np.random.default_rng(2).normal(2.0, 3.0, size=(32, 6, 6, 5)).astype(np.float32)
    half, full = (FusedBatchNormalization(momentum=0.9, dtype=dtype) for dtype in ("mixed_bfloat16", "float32"))
    outputs = [layer(tf.constant(data), training=True) for layer in (half, full)]
    assert outputs[0].dtype == tf.bfloat16 and half.moving_mean.dtype == "float32"
    np.testing.assert_allclose(tf.cast(outputs[0], tf.float32), outputs[1], atol=0.05)
    np.testing.assert_allclose(half.moving_mean, full.moving_mean, rtol=0.02)


def test_a_mixed_precision_run_learns_and_returns_a_float32_model(mnist, tmp_path, bfloat16_cpu):
    result = train(SMALL_CNN, mnist, train_limit=5_000)
    assert result.diverged_at_step is None and result.steps_run == 80
    assert result.test_accuracy > 0.85  # 80 steps of 64 digits: it learned
    assert {layer.compute_dtype for layer in result.model.layers} == {"float32"}
    result.model.save(tmp_path / "mixed.keras")
    again = keras.saving.load_model(tmp_path / "mixed.keras", safe_mode=True)
    assert {layer.compute_dtype for layer in again.layers} == {"float32"}
    images = mnist.test_images[:200].reshape(-1, 28, 28, 1).astype(np.float32) / 255.0
    np.testing.assert_allclose(again.predict_on_batch(images), result.model.predict_on_batch(images), atol=1e-6)
