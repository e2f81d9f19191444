"""One frozen dataclass describes every model the course builds.

A `ModelSpec` can express each row of docs/LECTURES.md: softmax regression, ReLU nets of any
depth and width, CNNs (conv blocks + dense head), the lecture's initialisers, dropout in the
lecture's words (keep_prob), batch norm, L2, the five optimizers of lab 10, the seed's summed
cost, training length in epochs or steps, early stopping and a seed. `validate()` rejects
impossible values with a `SpecError` that names the setting and says what is allowed;
`core.lecture.network.build_model` is the one constructor. The spec also owns the training
length: steps per epoch, epochs and total steps for a given number of training digits. The spec is plain data (JSON round-trips), so it travels to worker
processes and is saved beside the weights.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.i18n import N_, _

NUM_CLASSES = 10
IMAGE_SIZE = 28

ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "elu")
WEIGHT_INITIALIZERS = ("zeros", "random_normal", "truncated_normal", "xavier", "he")
BIAS_INITIALIZERS = ("zeros", "random_normal", "constant")
OPTIMIZERS = ("gradient_descent", "momentum", "adagrad", "rmsprop", "adam")
SCHEDULES = ("constant", "one_cycle")
MAX_SHIFT_PIXELS = 4
MAX_SYNTHETIC_DIGITS = 100_000
LOSS_REDUCTIONS = ("mean", "sum")
MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 4096
MAX_CONV_BLOCKS = 3  # each block halves 28 → 14 → 7 → 3
MAX_FILTERS = 512
CONV_KERNEL_SIZES = (3, 5, 7)
MAX_BATCH_SIZE = 60_000
MAX_EPOCHS = 500
MAX_STEPS = 1_000_000
MAX_ENSEMBLE_MEMBERS = 10


class SpecError(ValueError):
    """An impossible setting: `field` names the ModelSpec field it belongs to, the message says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """Everything needed to build and train one model, in the lecture's words."""

    # Architecture. No conv blocks and no hidden layers = softmax regression (784 → 10).
    conv_filters: tuple[int, ...] = ()  # one conv + 2×2 max-pool block per entry
    conv_kernel_size: int = 3
    hidden_units: tuple[int, ...] = ()  # dense layers after the (flattened) input / conv blocks
    activation: str = "relu"
    use_bias: bool = True
    # Initialisers. sigma is used by random_normal / truncated_normal.
    weight_init: str = "xavier"
    weight_stddev: float = 1.0
    conv_weight_init: str | None = None  # None: same as weight_init
    conv_weight_stddev: float | None = None  # None: same as weight_stddev
    bias_init: str = "zeros"
    bias_stddev: float = 1.0  # for bias_init="random_normal"
    bias_value: float = 0.0  # for bias_init="constant"
    # Lab 10-1/10-2 called tf.set_random_seed(777), then drew W and b with TF1's tf.random_normal. A graph
    # seed here draws the dense layers' random-normal W and b exactly as those files did, so a preset starts
    # from the very weights the published run started from (core.lecture.network.tf1_random_normal). The files'
    # batches came from numpy's unseeded shuffle: `seed` still drives the order. None: Keras draws from seed.
    tf1_draw_seed: int | None = None
    # Regularisation. keep_prob is the lecture's word: Keras Dropout(rate = 1 - keep_prob).
    keep_prob: float = 1.0  # after every hidden dense layer
    conv_keep_prob: float = 1.0  # after every conv block
    batch_norm: bool = False
    batch_norm_before_activation: bool = True  # lab-10-6: dense → BN → ReLU; seed 003: dense(ReLU) → BN
    batch_norm_momentum: float = 0.99  # Keras' default; short runs need 0.9 or the moving statistics lag far behind
    pool_last_block: bool = True  # False: no 2×2 pool after the last conv block (the dense head sees 7×7, not 4×4)
    l2: float = 0.0  # Keras L2 factor; TF1's beta * l2_loss(W) is L2(beta / 2)
    # Optimisation.
    optimizer: str = "adam"
    learning_rate: float = 0.001
    momentum: float = 0.9  # for optimizer="momentum"
    loss_reduction: str = "mean"  # "sum": the seed's -reduce_sum(y * log(softmax)), unclipped
    label_smoothing: float = 0.0  # train toward 1 − ε on the right digit and ε/10 on every digit
    schedule: str = "constant"  # "one_cycle": warm up from lr/10 to lr over the first fifth, then cosine down to 0
    batch_size: int = 100
    epochs: int | None = 15
    steps: int | None = None  # if set, train for this many batches instead of epochs
    early_stopping_patience: int | None = None  # epochs without a better validation accuracy
    augment: bool = False  # random shift/scale/rotation/stroke width, for drawn digits
    shift_pixels: int = 0  # random shifts of up to ± this many pixels in training (cheap augmentation)
    synthetic_digits: int = 0  # stroke-drawn digits added to the training digits (core.training.synthetic)
    class_drawings: bool = False  # the class's labelled drawings (training part) added (core.drawing.labelled)
    ensemble_members: int = 1  # >1: train this many copies (seeds seed, seed+1, …) and average them
    mixed_precision: bool = False  # bfloat16 layers, float32 weights, where the CPU has it (core.lecture.precision)
    seed: int = 777

    def validate(self) -> "ModelSpec":
        """Raise SpecError naming the setting and the allowed values if any setting is impossible; return self."""
        _check_choice("activation", self.activation, ACTIVATIONS)
        _check_choice("weight_init", self.weight_init, WEIGHT_INITIALIZERS)
        if self.conv_weight_init is not None:
            _check_choice("conv_weight_init", self.conv_weight_init, WEIGHT_INITIALIZERS)
        _check_choice("bias_init", self.bias_init, BIAS_INITIALIZERS)
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("loss_reduction", self.loss_reduction, LOSS_REDUCTIONS)
        _check_choice("schedule", self.schedule, SCHEDULES)
        if len(self.hidden_units) > MAX_HIDDEN_LAYERS:
            raise SpecError("hidden_units", _("hidden_units: at most {limit} hidden layers, got {count}").format(
                limit=MAX_HIDDEN_LAYERS, count=len(self.hidden_units)))
        for units in self.hidden_units:
            _check_int_range(N_("hidden layer width"), units, 1, MAX_UNITS, field="hidden_units")
        if len(self.conv_filters) > MAX_CONV_BLOCKS:
            raise SpecError("conv_filters", _("conv_filters: at most {limit} conv blocks (each halves the 28×28 image), "
                                              "got {count}").format(limit=MAX_CONV_BLOCKS, count=len(self.conv_filters)))
        for filters in self.conv_filters:
            _check_int_range(N_("conv filters"), filters, 1, MAX_FILTERS, field="conv_filters")
        if self.conv_kernel_size not in CONV_KERNEL_SIZES:
            raise SpecError("conv_kernel_size", _("conv_kernel_size must be one of {allowed}, got {value}").format(
                allowed=CONV_KERNEL_SIZES, value=repr(self.conv_kernel_size)))
        if self.tf1_draw_seed is not None:
            _check_int_range("tf1_draw_seed", self.tf1_draw_seed, 0, 2**31 - 1)
            if self.conv_filters or self.weight_init != "random_normal" or self.bias_init != "random_normal" or not self.use_bias:
                raise SpecError("tf1_draw_seed", _(
                    "tf1_draw_seed repeats the TF1 draws of lab 10-1/10-2: it needs a dense net (no conv blocks) "
                    "with random_normal weights and biases; set it to None for other initialisers"))
        self._check_regularisation_and_training()
        return self

    def _check_regularisation_and_training(self) -> None:
        _check_probability("keep_prob", self.keep_prob)
        _check_probability("conv_keep_prob", self.conv_keep_prob)
        if not _is_number(self.batch_norm_momentum) or not 0 < self.batch_norm_momentum < 1:
            raise SpecError("batch_norm_momentum", _("batch_norm_momentum must be a number in (0, 1), got {value}")
                            .format(value=repr(self.batch_norm_momentum)))
        if not _is_number(self.label_smoothing) or not 0 <= self.label_smoothing < 1:
            raise SpecError("label_smoothing", _("label_smoothing must be a number in [0, 1), got {value}").format(
                value=repr(self.label_smoothing)))
        _check_int_range("shift_pixels", self.shift_pixels, 0, MAX_SHIFT_PIXELS)
        _check_int_range("synthetic_digits", self.synthetic_digits, 0, MAX_SYNTHETIC_DIGITS)
        for name in ("class_drawings", "mixed_precision"):
            if not isinstance(getattr(self, name), bool):
                raise SpecError(name, _("{name} must be true or false, got {value}").format(
                    name=name, value=repr(getattr(self, name))))
        for name in ("weight_stddev", "bias_stddev"):
            value = getattr(self, name)
            if not _is_number(value) or not (0 < value <= 10):
                raise SpecError(name, _("{name} (σ) must be a number in (0, 10], got {value}").format(
                    name=name, value=repr(value)))
        if self.conv_weight_stddev is not None and (
            not _is_number(self.conv_weight_stddev) or not (0 < self.conv_weight_stddev <= 10)
        ):
            raise SpecError("conv_weight_stddev", _("{name} (σ) must be a number in (0, 10], got {value}").format(
                name="conv_weight_stddev", value=repr(self.conv_weight_stddev)))
        if not _is_number(self.bias_value) or abs(self.bias_value) > 10:
            raise SpecError("bias_value", _("bias_value must be a number in [-10, 10], got {value}").format(
                value=repr(self.bias_value)))
        if not _is_number(self.l2) or not (0 <= self.l2 <= 1):
            raise SpecError("l2", _("l2 must be a number in [0, 1] (0 = off), got {value}").format(value=repr(self.l2)))
        if not _is_number(self.learning_rate) or not (0 < self.learning_rate <= 10):
            raise SpecError("learning_rate", _("learning_rate must be a positive number, at most 10, got {value}").format(
                value=repr(self.learning_rate)))
        if not _is_number(self.momentum) or not (0 <= self.momentum < 1):
            raise SpecError("momentum", _("momentum must be a number in [0, 1), got {value}").format(
                value=repr(self.momentum)))
        _check_int_range("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        if (self.epochs is None) == (self.steps is None):
            raise SpecError("epochs", _("give exactly one training length: epochs (1 to 500) or steps (1 to 1,000,000)"))
        if self.epochs is not None:
            _check_int_range("epochs", self.epochs, 1, MAX_EPOCHS)
        if self.steps is not None:
            _check_int_range("steps", self.steps, 1, MAX_STEPS)
        if self.early_stopping_patience is not None:
            _check_int_range("early_stopping_patience", self.early_stopping_patience, 1, MAX_EPOCHS)
        _check_int_range("ensemble_members", self.ensemble_members, 1, MAX_ENSEMBLE_MEMBERS)
        _check_int_range("seed", self.seed, 0, 2**31 - 1)

    def steps_per_epoch(self, train_size: int = LECTURE_TRAIN_SIZE) -> int:
        """Batches in one pass over `train_size` training digits (the last batch may be smaller)."""
        return math.ceil(train_size / self.batch_size)

    def epochs_per_member(self, train_size: int = LECTURE_TRAIN_SIZE) -> int:
        """Epochs one network trains (a step-limited run's last epoch is partial) if nothing stops it early."""
        return self.epochs if self.epochs is not None else math.ceil(self.steps / self.steps_per_epoch(train_size))

    def steps_per_member(self, train_size: int = LECTURE_TRAIN_SIZE) -> int:
        """Batches one network trains if nothing stops it early."""
        return self.steps if self.steps is not None else self.epochs * self.steps_per_epoch(train_size)

    def total_steps(self, train_size: int = LECTURE_TRAIN_SIZE) -> int:
        """Batches the whole run trains (every ensemble member) if nothing stops it early."""
        return self.steps_per_member(train_size) * self.ensemble_members

    def training_digits(self, mnist_digits: int = LECTURE_TRAIN_SIZE) -> int:
        """Digits one epoch passes over: the MNIST digits used plus the stroke-drawn ones the spec adds."""
        return mnist_digits + self.synthetic_digits

    def epochs_of_data(self, train_size: int = LECTURE_TRAIN_SIZE) -> float:
        """Passes over the training digits, all members together (fractional for step-limited runs)."""
        return self.total_steps(train_size) / self.steps_per_epoch(train_size)

    @property
    def kind(self) -> str:
        """'cnn', 'mlp' or 'softmax': the family shown to users."""
        if self.conv_filters:
            return "cnn"
        return "mlp" if self.hidden_units else "softmax"

    def describe(self) -> str:
        """A one-line human summary in the language in use, e.g. 'MLP 784→256→256→10, relu, keep_prob 0.7'."""
        if self.conv_filters:
            blocks = "→".join(f"conv{self.conv_kernel_size}×{self.conv_kernel_size}×{f}" for f in self.conv_filters)
            head = "→".join(str(u) for u in self.hidden_units)
            text = f"CNN {blocks}" + (f"→FC {head}" if head else "") + "→10"
        elif self.hidden_units:
            text = "MLP 784→" + "→".join(str(u) for u in self.hidden_units) + "→10"
        else:
            text = "softmax 784→10"
        extras = [self.activation] if (self.hidden_units or self.conv_filters) else []
        if self.keep_prob < 1 or self.conv_keep_prob < 1:
            extras.append(f"keep_prob {self.keep_prob:g}" + (f"/{self.conv_keep_prob:g} conv" if self.conv_keep_prob < 1 else ""))
        if self.batch_norm:
            extras.append(_("batch norm"))
        if self.l2:
            extras.append(f"L2 {self.l2:g}")
        if self.augment:
            extras.append(_("augmented"))
        if self.synthetic_digits:
            extras.append(_("+{count} stroke-drawn digits").format(count=f"{self.synthetic_digits:,}"))
        if self.class_drawings:
            extras.append(_("+ the class's drawings"))
        if self.shift_pixels:
            extras.append(_("shifts ±{pixels} px").format(pixels=self.shift_pixels))
        if self.label_smoothing:
            extras.append(_("label smoothing {value}").format(value=f"{self.label_smoothing:g}"))
        if self.schedule == "one_cycle":
            extras.append(_("one-cycle learning rate"))
        if self.mixed_precision:
            extras.append(_("bfloat16 arithmetic"))
        if self.ensemble_members > 1:
            text = _("ensemble of {count} × {model}").format(count=self.ensemble_members, model=text)
        return text + (", " + ", ".join(extras) if extras else "")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists)."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in dataclasses.asdict(self).items()}

    def to_json(self) -> str:
        """The spec as a JSON string."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "ModelSpec":
        """Build a spec from a dict (as saved in a model card); unknown keys raise ValueError."""
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown spec settings: {', '.join(unknown)}")
        cleaned = dict(values)
        for key in ("conv_filters", "hidden_units"):
            if key in cleaned:
                cleaned[key] = tuple(int(v) for v in cleaned[key])
        return cls(**cleaned)

    def replace(self, **changes: Any) -> "ModelSpec":
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(name, _("{name} must be one of {allowed}; got {value}").format(
            name=name, allowed=", ".join(allowed), value=repr(value)))


_NAMED_COUNTS = ("hidden layer width", "conv filters")  # plain words, translated; the other names are settings


def _check_int_range(name: str, value: Any, low: int, high: int, field: str | None = None) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not (low <= value <= high):
        raise SpecError(field or name, _("{name} must be a whole number from {low} to {high}, got {value}").format(
            name=_(name) if name in _NAMED_COUNTS else name, low=f"{low:,}", high=f"{high:,}", value=repr(value)))


def _check_probability(name: str, value: Any) -> None:
    if not _is_number(value) or not (0 < value <= 1):
        raise SpecError(name, _("{name} must be in (0, 1]: the fraction of units kept (1.0 = no dropout; 0 would drop "
                                "every unit), got {value}").format(name=name, value=repr(value)))
