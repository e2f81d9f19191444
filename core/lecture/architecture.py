"""What a spec builds, without TensorFlow: its layers, their shapes, parameter counts and a time estimate.

`layer_table(spec)` follows `core.lecture.network.build_network` layer by layer, so the page can show
the architecture before anything is imported or trained; its total equals Keras'
`model.count_params()` (batch-norm statistics included). `estimate_epoch_seconds(spec)` turns
the spec's multiply-adds into seconds on this 2-core machine, from timings of plain Keras
`fit` measured here (docs/SPEED.md: softmax ≈ 32k samples/s, 4×512 MLP ≈ 5.7k, seed CNN ≈
1.1–1.5k); finished runs' measured speed, when given, corrects it.
"""

from __future__ import annotations

import dataclasses
import math
import re
import statistics
from typing import Iterable

from core.datasets.mnist import LECTURE_TRAIN_SIZE, LECTURE_VALIDATION_SIZE
from core.i18n import N_, _
from core.lecture.precision import MIXED_BFLOAT16, training_policy
from core.lecture.spec import IMAGE_SIZE, NUM_CLASSES, ModelSpec

# Cost model, fitted by `python -m bench.estimates` to one real epoch of every preset on this 2-core CPU
# (Keras 3.15 / TF 2.21, the project's fused batch norm and Adam, uint8 pipeline, steps_per_execution 10):
# seconds per training batch = BATCH_OVERHEAD + layers × LAYER_OVERHEAD + BN/dropout layers × HEAVY_LAYER_OVERHEAD
#                              + batch × (dense MACs × DENSE + conv MACs × CONV + activations × ELEMENT).
# Fitted on relative error by bench.estimates over two passes of 24 presets each (batch 32–256, softmax … deep
# CNN; 2026-12-08, 15 minutes apart), each preset's second epoch (the first is slower: tracing, and ~20 layer
# probes that cost an MLP as much as its steps): 23 of 24 within ±25% of their measured epoch in each pass.
# Fitted on one pass and judged on the other: 21 of 24 both ways (this VM: the same tiny net 0.70 s, then 1.16 s).
# Without the batch-norm and dropout term, one pass: 22 in-sample (keras-bn-dropout-earlystop −44%).
BATCH_OVERHEAD_SECONDS = 4.48e-4  # Python + TF dispatch per step (ten steps per call into TensorFlow)
LAYER_OVERHEAD_SECONDS = 4.18e-5  # per computing layer per step: forward, backward and update kernels each start
HEAVY_LAYER_OVERHEAD_SECONDS = 1.68e-4  # a batch norm (statistics, moving averages) or dropout (random mask) layer
DENSE_SECONDS_PER_MAC = 4.49e-11  # forward + backward + update, per multiply-add of a dense layer
CONV_SECONDS_PER_MAC = 3.93e-11  # oneDNN convolutions on 28×28 images…
ELEMENT_SECONDS = 4.53e-10  # …plus memory traffic: per activation value per layer (conv, ReLU, BN, dropout, pool)
EVALUATION_FRACTION = 0.35  # a forward pass costs about a third of a training step
BFLOAT16_MAC_FACTOR = 0.50  # a multiply-add's cost in bfloat16 against float32 (mixed-precision presets; fitted too)


@dataclasses.dataclass(frozen=True)
class LayerRow:
    """One row of the architecture table."""

    layer: str
    output_shape: tuple[int, ...]  # without the batch dimension
    parameters: int
    multiply_adds: int = 0  # per sample, forward pass


@dataclasses.dataclass(frozen=True)
class EpochEstimate:
    """How long one epoch should take, and what the figure is based on."""

    seconds_per_epoch: float
    samples_per_second: float
    basis: str


def layer_table(spec: ModelSpec) -> list[LayerRow]:
    """The layers `core.lecture.network.build_network(spec)` makes (one ensemble member), in order."""
    rows = [LayerRow("Input", (IMAGE_SIZE, IMAGE_SIZE, 1), 0)]
    height = width = IMAGE_SIZE
    channels = 1
    bias = 1 if spec.use_bias else 0
    kernel = spec.conv_kernel_size
    for block, filters in enumerate(spec.conv_filters, start=1):
        parameters = kernel * kernel * channels * filters + bias * filters
        macs = height * width * kernel * kernel * channels * filters  # padding="same": one output per pixel
        rows.append(LayerRow(f"Conv2D {kernel}×{kernel} ({block})", (height, width, filters), parameters, macs))
        rows.extend(_normalise_and_activate(spec, (height, width, filters)))
        channels = filters
        if spec.pool_last_block or block < len(spec.conv_filters):
            height, width = math.ceil(height / 2), math.ceil(width / 2)
            rows.append(LayerRow("MaxPooling2D 2×2", (height, width, channels), 0))
        if spec.conv_keep_prob < 1:
            rows.append(LayerRow(f"Dropout (keep_prob {spec.conv_keep_prob:g})", (height, width, channels), 0))
    features = height * width * channels
    rows.append(LayerRow("Flatten", (features,), 0))
    for units in spec.hidden_units:
        rows.append(LayerRow(f"Dense {units}", (units,), features * units + bias * units, features * units))
        rows.extend(_normalise_and_activate(spec, (units,)))
        if spec.keep_prob < 1:
            rows.append(LayerRow(f"Dropout (keep_prob {spec.keep_prob:g})", (units,), 0))
        features = units
    rows.append(LayerRow("Dense 10 (logits)", (NUM_CLASSES,), features * NUM_CLASSES + bias * NUM_CLASSES,
                         features * NUM_CLASSES))
    rows.append(LayerRow("Softmax", (NUM_CLASSES,), 0))
    return rows


def _normalise_and_activate(spec: ModelSpec, shape: tuple[int, ...]) -> list[LayerRow]:
    """Batch norm (4 numbers per channel: γ, β, moving mean and variance) before or after the activation."""
    norm = LayerRow("BatchNormalization", shape, 4 * shape[-1])
    activation = LayerRow(spec.activation, shape, 0)
    if not spec.batch_norm:
        return [activation]
    return [norm, activation] if spec.batch_norm_before_activation else [activation, norm]


_LAYER_NAMES = [  # (English row name pattern, message id): what the page shows in the visitor's language
    (re.compile(r"Conv2D (?P<size>\d+×\d+) \((?P<block>\d+)\)"), N_("Conv2D {size} ({block})")),
    (re.compile(r"MaxPooling2D (?P<size>\d+×\d+)"), N_("MaxPooling2D {size}")),
    (re.compile(r"Dropout \(keep_prob (?P<value>[\d.]+)\)"), N_("Dropout (keep_prob {value})")),
    (re.compile(r"Dense 10 \(logits\)"), N_("Dense 10 (logits)")),
    (re.compile(r"Dense (?P<units>\d+)"), N_("Dense {units}")),
    (re.compile(r"Input"), N_("Input")), (re.compile(r"Flatten"), N_("Flatten")),
    (re.compile(r"BatchNormalization"), N_("BatchNormalization")),
]
_ACTIVATION_NAMES = {"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "leaky_relu": "leaky ReLU", "elu": "ELU"}


def display_name(layer: str) -> str:
    """A layer table row's name in the language in use (the Keras name stays beside the lecture's word)."""
    for pattern, message in _LAYER_NAMES:
        if match := pattern.fullmatch(layer):
            return _(message).format(**match.groupdict())
    return _ACTIVATION_NAMES.get(layer, layer)


def parameter_count(spec: ModelSpec) -> int:
    """Total weights of the model, as Keras counts them (every ensemble member)."""
    return sum(row.parameters for row in layer_table(spec)) * spec.ensemble_members


def cost_terms(spec: ModelSpec) -> tuple[int, int, int]:
    """(dense multiply-adds, conv multiply-adds, activation values) per sample for one member."""
    dense = conv = elements = 0
    for row in layer_table(spec):
        if row.layer.startswith("Conv2D"):
            conv += row.multiply_adds
        else:
            dense += row.multiply_adds
        if row.parameters or not row.layer.startswith(("Input", "Flatten")):
            elements += math.prod(row.output_shape)
    return dense, conv, elements


def layer_operations(spec: ModelSpec) -> int:
    """Layers that compute at every step (one member): every row but Input and Flatten, and an L2 penalty per weighted layer."""
    rows = [row for row in layer_table(spec) if not row.layer.startswith(("Input", "Flatten"))]
    weighted = sum(1 for row in rows if row.layer.startswith(("Conv2D", "Dense")))
    return len(rows) + (weighted if spec.l2 > 0 else 0)


def layer_counts(spec: ModelSpec) -> tuple[int, int]:
    """`layer_operations` split in two: (other layers, batch norm and dropout layers), each of the latter costing
    several kernels a step; the formula's two per-layer terms."""
    heavy = sum(1 for row in layer_table(spec) if row.layer.startswith(("BatchNormalization", "Dropout")))
    return layer_operations(spec) - heavy, heavy


def formula_samples_per_second(spec: ModelSpec) -> float:
    """Training samples per second predicted from the layers and multiply-adds (one member, this machine)."""
    dense, conv, elements = cost_terms(spec)
    per_sample = (mac_factor(spec) * (dense * DENSE_SECONDS_PER_MAC + conv * CONV_SECONDS_PER_MAC)
                  + elements * ELEMENT_SECONDS)
    light, heavy = layer_counts(spec)
    per_batch = BATCH_OVERHEAD_SECONDS + light * LAYER_OVERHEAD_SECONDS + heavy * HEAVY_LAYER_OVERHEAD_SECONDS
    return spec.batch_size / (per_batch + spec.batch_size * per_sample)


def mac_factor(spec: ModelSpec) -> float:
    """How much a multiply-add costs in the arithmetic `spec` trains in on this machine, against float32."""
    return BFLOAT16_MAC_FACTOR if training_policy(spec) == MIXED_BFLOAT16 else 1.0


def epoch_seconds(samples_per_second: float, train_size: int) -> float:
    """One pass over `train_size` digits plus the 5,000-digit validation."""
    return (train_size + LECTURE_VALIDATION_SIZE * EVALUATION_FRACTION) / samples_per_second


def _architecture_key(spec: ModelSpec) -> ModelSpec:
    """The spec with everything that does not change the speed set to defaults."""
    return ModelSpec(conv_filters=spec.conv_filters, conv_kernel_size=spec.conv_kernel_size,
                     hidden_units=spec.hidden_units, use_bias=spec.use_bias, batch_norm=spec.batch_norm,
                     keep_prob=spec.keep_prob, conv_keep_prob=spec.conv_keep_prob, batch_size=spec.batch_size,
                     mixed_precision=training_policy(spec) == MIXED_BFLOAT16,
                     optimizer="adam" if spec.optimizer in ("adam", "rmsprop", "adagrad") else "gradient_descent")


def estimate_epoch_seconds(spec: ModelSpec, train_size: int = LECTURE_TRAIN_SIZE,
                           measured: Iterable[tuple[ModelSpec, float]] = ()) -> EpochEstimate:
    """Seconds per epoch (of one ensemble member) on this machine; `measured` = (spec, samples/s) of finished runs refines it.

    A finished run with the same architecture and batch size gives its own speed; otherwise the
    median ratio of measured to predicted speed over the finished runs scales the formula.
    """
    predicted = formula_samples_per_second(spec)
    key = _architecture_key(spec)
    same, ratios = [], []
    for measured_spec, samples_per_second in measured:
        if not samples_per_second or samples_per_second <= 0:
            continue
        if _architecture_key(measured_spec) == key:
            same.append(samples_per_second)
        ratios.append(samples_per_second / formula_samples_per_second(measured_spec))
    if same:
        speed, basis = statistics.median(same), f"measured: {len(same)} finished run(s) of this model"
    elif ratios:
        speed = predicted * statistics.median(ratios)
        basis = f"multiply-adds, calibrated by {len(ratios)} finished run(s) on this machine"
    else:
        speed, basis = predicted, "multiply-adds, calibrated on a 2-core CPU"
    return EpochEstimate(epoch_seconds(speed, train_size), speed, basis)


def training_seconds(spec: ModelSpec, estimate: EpochEstimate, train_size: int = LECTURE_TRAIN_SIZE) -> float:
    """The whole run's expected length: epochs (or steps) × epoch time, for every ensemble member."""
    return estimate.seconds_per_epoch * spec.epochs_of_data(train_size)
