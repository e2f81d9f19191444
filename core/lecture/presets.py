"""The lecture models as one-click presets, each with its source and published accuracy.

Every row of docs/LECTURES.md is here. `published_accuracy` is the test accuracy the course
printed; the app shows it beside what the app itself achieved. Titles, sources, notes and
lessons are English message ids (marked with N_): translate them where they are shown, `_(preset.lesson)`.
"""

from __future__ import annotations

import dataclasses

from core.i18n import N_
from core.lecture.spec import ModelSpec


@dataclasses.dataclass(frozen=True)
class Preset:
    """A lecture model: its id, where it comes from, what it teaches and what it scored."""

    name: str
    title: str
    source: str
    spec: ModelSpec
    published_accuracy: float | None  # None: no published figure (a lesson from the videos, or the app's own)
    published_note: str
    lesson: str
    expect_divergence: bool = False
    # The cost the lecture's file printed after each epoch ("Epoch: 0001 cost = …"), drawn on the Curves page.
    published_costs: tuple[float, ...] = ()

    @property
    def is_lecture(self) -> bool:
        """A row of the course (labs, class notes, videos), not the app's own model."""
        return self.source != APP_SOURCE


APP_SOURCE = N_("this app")
_DEEP_128 = (128,) * 8
# The app's fast CNNs (bench.fast_cnn): 3×3 convs without bias → fused batch norm (momentum 0.9: short runs)
# → ReLU, no pool after the last block, a one-cycle learning rate peaking at 0.01, batches of 128.
_FAST_CNN = dict(batch_norm=True, batch_norm_momentum=0.9, pool_last_block=False, use_bias=False, schedule="one_cycle",
                 learning_rate=0.01, batch_size=128, epochs=None)

_SOFTMAX_SEED = ModelSpec(
    weight_init="zeros", bias_init="zeros", optimizer="gradient_descent", learning_rate=0.01,
    loss_reduction="sum", batch_size=100, epochs=None, steps=1000,
)
# Lab 10-1/10-2 drew W and b from N(0, 1) under tf.set_random_seed(777): start from those very weights.
_LAB10_NORMAL = dict(weight_init="random_normal", weight_stddev=1.0, bias_init="random_normal", bias_stddev=1.0,
                     tf1_draw_seed=777)
_LAB10_XAVIER = dict(weight_init="xavier", bias_init="random_normal", bias_stddev=1.0)
_FOUR_BY_512 = (512, 512, 512, 512)
# The CNNs compute in bfloat16 where the CPU has it (core.lecture.precision): 1.3–1.5× faster here, the same results.
_LAB11_CONV = dict(conv_weight_init="random_normal", conv_weight_stddev=0.01, weight_init="xavier", bias_init="zeros",
                   mixed_precision=True)
_CNN_DEEP = ModelSpec(conv_filters=(32, 64, 128), hidden_units=(625,), keep_prob=0.7, conv_keep_prob=0.7, **_LAB11_CONV)

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in [
        Preset(
            "softmax-gd", N_("Softmax, gradient descent (summed cost)"), N_("seed 001 homework 1"),
            _SOFTMAX_SEED, 0.91,
            N_("0.91 after 1,000 steps; 0.9233 after 6,000; 0.9243 after 10,000"),
            N_("A linear classifier: W and b start at zero and plain gradient descent still reaches ~91%."),
        ),
        Preset(
            "softmax-lr-too-high", N_("Softmax, learning rate too high"), N_("seed 001 homework 1-2"),
            _SOFTMAX_SEED.replace(learning_rate=0.03), 0.098,
            N_("0.098: the cost becomes NaN; a model that predicts one class scores 980/10,000"),
            N_("The summed cost multiplies the step by the batch size: lr 0.03 overshoots, the cost "
            "explodes to NaN and the model predicts one digit for everything."),
            expect_divergence=True,
        ),
        Preset(
            "softmax", N_("Softmax, Adam"), "lab-10-1",
            ModelSpec(**_LAB10_NORMAL), 0.9035,
            N_("0.9035 after 15 epochs (0.9194 after 50)"),
            N_("The baseline every later model is compared with."),
            published_costs=(
                5.88885, 1.86062, 1.15904, 0.892341, 0.751155, 0.662485, 0.601544, 0.556526, 0.521187, 0.493068,
                0.469686, 0.449967, 0.433519, 0.419000, 0.406491
            ),
        ),
        Preset(
            "nn", N_("3-layer ReLU net, random-normal init"), "lab-10-2",
            ModelSpec(hidden_units=(256, 256), **_LAB10_NORMAL), 0.9455,
            N_("0.9455 (epoch-1 cost ≈ 141)"),
            N_("Two hidden ReLU layers beat softmax, but weights drawn from N(0, 1) start with a huge cost."),
            published_costs=(
                141.208, 38.7884, 23.9775, 16.3151, 11.7026, 8.57314, 6.37100, 4.53718, 3.21690, 2.32971, 1.71555,
                1.18986, 0.820965, 0.624131, 0.454634
            ),
        ),
        Preset(
            "nn-xavier", N_("3-layer ReLU net, Xavier init"), "lab-10-3",
            ModelSpec(hidden_units=(256, 256), **_LAB10_XAVIER), 0.9783,
            N_("0.9783 (epoch-1 cost ≈ 0.30)"),
            N_("Same net, Xavier initialisation: the first cost drops from ~141 to ~0.3 and accuracy jumps."),
            published_costs=(
                0.301499, 0.107253, 0.0648889, 0.0444630, 0.0299516, 0.0206634, 0.0158530, 0.0117644, 0.00859826,
                0.00738312, 0.00683914, 0.00467296, 0.00397944, 0.00271426, 0.00470766
            ),
        ),
        Preset(
            "nn-deep", N_("5-layer ReLU net (4×512), Xavier"), "lab-10-4",
            ModelSpec(hidden_units=_FOUR_BY_512, **_LAB10_XAVIER), 0.9742,
            N_("0.9742 (deeper but worse: overfits)"),
            N_("Deeper is not automatically better: this net memorises the training set."),
            published_costs=(
                0.266062, 0.0807966, 0.0490758, 0.0347723, 0.0247805, 0.0170728, 0.0140314, 0.0137634, 0.00916405,
                0.00829139, 0.00731974, 0.00643402, 0.00568438, 0.00478121, 0.00434231
            ),
        ),
        Preset(
            "nn-dropout", N_("5-layer ReLU net with dropout"), "lab-10-5",
            ModelSpec(hidden_units=_FOUR_BY_512, keep_prob=0.7, **_LAB10_XAVIER), 0.9804,
            N_("0.9804 (keep_prob 0.7 in training, 1.0 at test)"),
            N_("Dropout (keep_prob 0.7 in training, every unit at test) cures the deep net's overfitting."),
            published_costs=(
                0.447323, 0.157286, 0.121885, 0.0981287, 0.0829018, 0.0753376, 0.0697525, 0.0608844, 0.0552764,
                0.0546313, 0.0496752, 0.0491253, 0.0472319, 0.0412901, 0.0436211
            ),
        ),
        Preset(
            "nn-dropout-256", N_("3-layer net, no bias, dropout 0.8"), N_("seed 000"),
            ModelSpec(hidden_units=(256, 256), use_bias=False, weight_init="random_normal", weight_stddev=0.01,
                      keep_prob=0.8),
            0.9746,
            N_("0.9746 (the seed evaluated with keep_prob 0.8 by mistake; the app always tests with 1.0)"),
            N_("Evaluation must use every unit: testing with dropout on lowers the score."),
        ),
        Preset(
            "nn-batchnorm", N_("Small net with batch norm"), "lab-10-6",
            ModelSpec(hidden_units=(32, 32), batch_norm=True, learning_rate=0.01, batch_size=32, epochs=10),
            0.9737,
            N_("0.9737 (0.9513 without batch norm)"),
            N_("Batch norm lets a tiny 32-32 net train fast at a high learning rate."),
        ),
        Preset(
            "nn-bn-dropout", N_("4×512 net, batch norm + dropout"), "lab-10-7",
            ModelSpec(hidden_units=_FOUR_BY_512, batch_norm=True, keep_prob=0.7, learning_rate=0.01, weight_init="xavier"),
            0.9826,
            N_("0.9826"),
            N_("Batch norm and dropout together: the best fully connected model of lab 10."),
        ),
        Preset(
            "keras-bn-dropout-earlystop", N_("Keras 50-50, batch norm, dropout 0.1, early stopping"), N_("seed 003"),
            ModelSpec(hidden_units=(50, 50), batch_norm=True, batch_norm_before_activation=False, keep_prob=0.9,
                      epochs=30, early_stopping_patience=4),
            0.9742,
            N_("train 0.9766 / test 0.9742 (dropout 0.1); 0.9729 / 0.9738 (dropout 0.2)"),
            N_("Early stopping halts when validation accuracy stops improving (patience 4)."),
        ),
        Preset(
            "keras-l2", N_("Keras 50-50 with L2"), N_("seed 003"),
            ModelSpec(hidden_units=(50, 50), l2=0.01, epochs=30), 0.9577,
            N_("train 0.9666 / test 0.9577 (without L2: train 0.9954 / test 0.9727)"),
            N_("L2 (Keras default 0.01) closes the train/test gap, here at the cost of accuracy."),
        ),
        Preset(
            "cnn", N_("CNN 5×5 (TensorFlow tutorial)"), N_("seed 001 homework 3"),
            ModelSpec(conv_filters=(32, 64), conv_kernel_size=5, hidden_units=(1024,), keep_prob=0.5,
                      weight_init="truncated_normal", weight_stddev=0.1, bias_init="constant", bias_value=0.1,
                      learning_rate=1e-4, batch_size=50, epochs=None, steps=5000, mixed_precision=True),
            0.9883,
            N_("0.9883 after 5,000 steps of 50"),
            N_("Convolutions see strokes and shapes: two conv layers beat every fully connected net."),
        ),
        Preset(
            "cnn-lab", N_("CNN 3×3, two conv layers"), "lab-11-1",
            ModelSpec(conv_filters=(32, 64), **_LAB11_CONV), 0.9885,
            N_("0.9885"),
            N_("The lab's first CNN: 3×3 filters, max-pooling, one fully connected layer."),
        ),
        Preset(
            "cnn-deep", N_("Deep CNN 32-64-128 with dropout"), "lab-11-2", _CNN_DEEP,
            0.9938,
            N_("0.9938"),
            N_("Three conv blocks and dropout after every layer."),
        ),
        Preset(
            "ensemble", N_("Ensemble of deep CNNs"), "lab-11-5",
            ModelSpec(conv_filters=(32, 64, 128), hidden_units=(625,), keep_prob=0.5, conv_keep_prob=0.7,
                      epochs=20, ensemble_members=2, **_LAB11_CONV),
            0.9952,
            N_("members 0.9933–0.9949, ensemble 0.9952"),
            N_("Averaging several independently trained CNNs beats each one of them."),
        ),
        Preset(
            "nn-sigmoid-deep", N_("Deep sigmoid net (8×128): vanishing gradients"), N_("lecture 10-1 (video)"),
            ModelSpec(hidden_units=_DEEP_128, activation="sigmoid", epochs=3), None,
            N_("no published figure: the lecture shows deep sigmoid nets hardly learning (about 81% here after 3 epochs)"),
            N_("Each sigmoid layer multiplies the gradient by at most 0.25: in eight layers it all but vanishes before "
               "the first layers. Look at the gradient per layer on the Curves page."),
        ),
        Preset(
            "nn-he", N_("Deep ReLU net (8×128), He initialisation"), N_("lecture 10-2 (video)"),
            ModelSpec(hidden_units=_DEEP_128, activation="relu", weight_init="he", epochs=3), None,
            N_("no published figure: the same net as the deep sigmoid one learns (about 97% here after 3 epochs)"),
            N_("ReLU passes the gradient through unchanged where a unit is active, and He's initial weights keep "
               "every layer's signal the same size: the gradient reaches the first layers."),
        ),
        Preset(
            "nn-zeros", N_("All-zero initial weights"), N_("lecture 10-2 (video)"),
            ModelSpec(hidden_units=(256, 256), activation="sigmoid", weight_init="zeros", epochs=3), None,
            N_("no published figure: about 27% here after 3 epochs"),
            N_("Start every weight at 0 and every unit of a layer computes the same thing and gets the same update: "
               "the symmetry is never broken, and 256 units learn like one."),
        ),
        Preset(
            "cnn-fast", N_("Fast CNN: 99% in seconds"), APP_SOURCE,
            ModelSpec(conv_filters=(16, 32, 64), steps=630, mixed_precision=True, **_FAST_CNN), None,
            N_("the app's own: 99% on the test digits in about 15 s on a 2-core CPU (1.5 epochs)"),
            N_("A small CNN with batch norm and a one-cycle learning rate beats the lecture's CNNs in a fraction of "
               "their time: how today's practice trains fast."),
        ),
        Preset(
            "cnn-minute", N_("CNN in a minute: 99.4%"), APP_SOURCE,
            ModelSpec(conv_filters=(24, 48, 96), steps=1290, label_smoothing=0.1, shift_pixels=1, **_FAST_CNN), None,
            N_("the app's own: 99.4% on the test digits in about a minute (3 epochs)"),
            N_("Wider, three epochs, digits shifted by a pixel and label smoothing: each buys a little accuracy."),
        ),
        Preset(
            "cnn-five-minutes", N_("CNN in five minutes: 99.6%"), APP_SOURCE,
            # bench.fast_presets: 15 epochs of 128 digits a step; 32·64·128 channels keep oneDNN's bfloat16 fast path
            ModelSpec(conv_filters=(32, 64, 128), steps=6450, label_smoothing=0.1, shift_pixels=2, mixed_precision=True,
                      **_FAST_CNN), None,
            N_("the app's own: 99.6% on the test digits in under five minutes (15 epochs), above the lecture's "
               "ensemble (0.9952)"),
            N_("One CNN, wider than cnn-minute, trained five times as long on digits shifted by up to two pixels: "
               "longer training on moved digits beats the lecture's ensemble of deep CNNs in a fraction of its time."),
        ),
        Preset(
            "cnn-fast-ensemble", N_("Ensemble of three fast CNNs"), APP_SOURCE,
            ModelSpec(conv_filters=(24, 48, 96), steps=1720, label_smoothing=0.1, shift_pixels=2, ensemble_members=3,
                      **_FAST_CNN), None,
            N_("the app's own: the lecture's ensemble idea with fast members, in about 5 minutes"),
            N_("Three fast CNNs trained from different starts, their answers averaged (lab-11-5's idea)."),
        ),
        Preset(
            "cnn-drawn", N_("CNN trained for drawn digits (augmented)"), APP_SOURCE,
            # No batch norm: as accurate here, twice as fast on 2 CPU cores, and no moving statistics that
            # lag behind early in training (with BN, inference-mode accuracy trailed training mode badly).
            ModelSpec(conv_filters=(32, 64, 128), hidden_units=(256,), keep_prob=0.7, conv_keep_prob=0.8,
                      epochs=12, augment=True),
            0.9938,
            N_("no published figure; compared with lab-11-2's 0.9938"),
            N_("MNIST digits are neat; visitors' digits are not. Random slants, rotations, squeezes and stroke "
            "widths in training (then MNIST's own size and centre normalisation, exactly as a drawing gets "
            "it) make the model recognise real drawings."),
        ),
        Preset(
            "cnn-handwriting", N_("CNN for real handwriting (school styles)"), APP_SOURCE,
            # lab-11-2's CNN, 12 epochs of MNIST plus 30,000 stroke-drawn digits in every template, a one-cycle
            # learning rate and shifts of ±1 px (docs/HANDWRITING.md: each measured on the pen-drawn digits)
            _CNN_DEEP.replace(epochs=12, synthetic_digits=30_000, schedule="one_cycle", shift_pixels=1), None,
            N_("the app's own: measured on real pen-drawn digits of people no model saw (bench/handwriting.py)"),
            N_("MNIST's writers rarely wrote a 1 with a long up-stroke, a crossed 7 or a 9 with a hooked tail: "
               "stroke-drawn digits in those school styles teach the lab-11-2 CNN to read people it never saw."),
        ),
    ]
}


def get_preset(name: str) -> Preset:
    """The preset called `name`; ValueError listing the known names otherwise."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; known presets: {', '.join(PRESETS)}")
    return PRESETS[name]
