"""How much the drawn-digit augmentation costs, against the CNN training step it feeds (one run, one machine).

    python -m bench.augment_speed [--batches 100]

Prints milliseconds per augmented batch of 100 and per cnn-drawn training step of 100, and
their ratio: augmentation must stay a small share of a step, or it slows every augmented epoch.
(Measured before as ≈5 ms per batch against ≈70 ms per CNN step on 2 cores.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from core import settings
from core.datasets.mnist import load_mnist
from core.lecture.presets import get_preset

settings.quiet_tensorflow()
BATCH = 100


def milliseconds_per_batch(iterator, batches: int) -> float:
    """Median milliseconds per `next(iterator)` over `batches` calls, after one warm-up call."""
    next(iterator)
    timings = []
    for _ in range(batches):
        started = time.perf_counter()
        next(iterator)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main(argv: list[str] | None = None) -> int:
    """CLI: augmentation vs training step, in milliseconds per batch of 100."""
    parser = argparse.ArgumentParser(prog="python -m bench.augment_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=100)
    args = parser.parse_args(argv)
    from core.lecture.network import build_model
    from core.training.augment import augmented_dataset
    from core.training.batches import images_to_inputs

    data = load_mnist()
    inputs, labels = images_to_inputs(data.train_images[:10_000]), data.train_labels[:10_000].astype("int32")
    augment_ms = milliseconds_per_batch(iter(augmented_dataset(inputs, labels, BATCH, seed=0)), args.batches)
    model = build_model(get_preset("cnn-drawn").spec)
    batch = (inputs[:BATCH], labels[:BATCH])
    step_ms = milliseconds_per_batch(iter(lambda: model.train_on_batch(*batch), None), args.batches)
    result = {"augment_ms_per_batch": round(augment_ms, 2), "cnn_step_ms_per_batch": round(step_ms, 2),
              "augment_share_of_step": round(augment_ms / step_ms, 3)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
