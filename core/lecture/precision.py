"""Which arithmetic a model trains in: float32, or bfloat16 where the spec asks for it and the CPU has it.

Mixed precision (Keras' "mixed_bfloat16" policy) keeps the weights, the optimizer's state, the
softmax and the cost in float32 and computes the convolutions and dense layers in bfloat16,
which has float32's range and 8 bits of mantissa. On a CPU with AVX-512 BF16 (or AMX) oneDNN's
bfloat16 kernels do twice the multiply-adds per instruction: measured on this 2-core machine
(docs/SPEED.md), the lecture CNNs trained 1.3–1.5× faster per sample. Without those
instructions bfloat16 is emulated and slower, so the spec's wish is ignored there. Trained
models are always saved in float32 (`core.lecture.network.as_float32`), so everything that
loads a model (the Draw page, the Models page) computes as before.
"""

from __future__ import annotations

import functools
from pathlib import Path

from core.lecture.spec import ModelSpec
from core.settings import mixed_precision_allowed

FLOAT32 = "float32"
MIXED_BFLOAT16 = "mixed_bfloat16"
BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")  # Linux /proc/cpuinfo names of the instructions oneDNN uses
CPUINFO = Path("/proc/cpuinfo")


@functools.lru_cache(maxsize=None)
def cpu_has_bfloat16(cpuinfo: Path = CPUINFO) -> bool:
    """True when this CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX); False if unknown."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return False
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return any(flag in flags for flag in BFLOAT16_CPU_FLAGS)


def training_policy(spec: ModelSpec) -> str:
    """The Keras dtype policy `spec` trains under on this machine: "mixed_bfloat16" or "float32"."""
    if spec.mixed_precision and mixed_precision_allowed() and cpu_has_bfloat16():
        return MIXED_BFLOAT16
    return FLOAT32
