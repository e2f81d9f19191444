"""Benchmark: the project's training path against plain `model.fit`, same spec and batch size.

    python -m bench.training_speed [--presets softmax,nn-dropout,cnn-lab] [--train-limit N] [--repeats 2]

For each preset it times, interleaved A/B/A/B in one process:
  plain  — the same network, with Keras' own Adam and batch norm (not the project's fused
           kernels), compiled with Keras' defaults, `model.fit(x, y, batch_size, epochs=1,
           validation_data=…)`, as a student would write it;
  ours   — `core.training.train(spec, data, on_progress=…)` with its per-step progress events.
Both start from the uint8 digits (the timing includes x / 255 and building the model), train
one epoch on the same digits and validate on the same 5,000. Prints samples/s for
each and the ratio ours/plain (≥ 1.0 means the project is at least as fast). Timings take the
best of the repeats: on a shared 2-core machine the minimum is the least noisy estimate.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np  # noqa: E402

from core import settings  # noqa: E402
from core.datasets.mnist import load_mnist  # noqa: E402
from core.lecture.presets import get_preset  # noqa: E402

settings.quiet_tensorflow()


def plain_keras_fit(spec, train_images, train_labels, validation) -> float:
    """Seconds for one epoch of plain Keras as a student writes it: x / 255, build, default compile, fit."""
    import keras

    from core.lecture.network import build_network, make_loss, make_optimizer

    started = time.perf_counter()
    train_inputs = (train_images / 255.0).astype(np.float32).reshape(-1, 28, 28, 1)
    keras.utils.set_random_seed(spec.seed)
    model = stock_layers(build_network(spec))
    model.compile(optimizer=stock_optimizer(make_optimizer(spec)), loss=make_loss(spec), metrics=["accuracy"])
    model.fit(train_inputs, train_labels, batch_size=spec.batch_size, epochs=1, validation_data=validation, verbose=0)
    return time.perf_counter() - started


def stock_layers(model):
    """The same network with Keras' own BatchNormalization where the project uses its fused one."""
    import keras

    from core.lecture.fused import FusedBatchNormalization

    def stock(layer):
        if isinstance(layer, FusedBatchNormalization):
            return keras.layers.BatchNormalization.from_config(layer.get_config())
        return layer.__class__.from_config(layer.get_config())

    return keras.models.clone_model(model, clone_function=stock)


def stock_optimizer(optimizer):
    """Keras' own Adam where the project uses its fused one (same settings); other optimizers as they are."""
    import keras

    from core.lecture.fused import FusedAdam

    return keras.optimizers.Adam.from_config(optimizer.get_config()) if isinstance(optimizer, FusedAdam) else optimizer


def project_training(spec, data, train_limit) -> float:
    """Seconds for one epoch through core.training.train, with progress events consumed."""
    from core.training.trainer import train

    events = []
    result = train(spec, data, on_progress=events.append, train_limit=train_limit)
    assert events, "the training path emitted no progress events"
    return result.seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table (and JSON with --json)."""
    parser = argparse.ArgumentParser(prog="python -m bench.training_speed")
    parser.add_argument("--presets", default="softmax,nn-dropout,cnn-lab")
    parser.add_argument("--train-limit", type=int, default=None, help="digits per epoch (default: all 55,000)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from core.training.batches import images_to_inputs

    data = load_mnist()
    (train_images, train_labels), (validation_images, validation_labels) = data.lecture_split()
    if args.train_limit:
        train_images, train_labels = train_images[: args.train_limit], train_labels[: args.train_limit]
    validation = (images_to_inputs(validation_images), validation_labels.astype(np.int32))
    rows = []
    for name in args.presets.split(","):
        spec = get_preset(name).spec.replace(epochs=1, steps=None, early_stopping_patience=None, ensemble_members=1)
        plain, ours = [], []
        for _ in range(args.repeats):
            plain.append(plain_keras_fit(spec, train_images, train_labels.astype(np.int32), validation))
            ours.append(project_training(spec, data, args.train_limit))
        samples = len(train_images)
        row = {
            "preset": name, "samples": samples, "batch_size": spec.batch_size,
            "plain_samples_per_second": samples / min(plain), "ours_samples_per_second": samples / min(ours),
            "ratio": min(plain) / min(ours), "plain_seconds": plain, "ours_seconds": ours,
        }
        rows.append(row)
        print(f"{name:12s} plain {row['plain_samples_per_second']:8.0f} samples/s   ours {row['ours_samples_per_second']:8.0f} "
              f"samples/s   ratio ours/plain {row['ratio']:.2f}", flush=True)
    if args.json:
        print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
