"""core.training.synthetic: stroke-drawn training digits, as the canvas would give them, drawn once and kept."""

import numpy as np

from core.lecture.spec import ModelSpec
from core.training import synthetic
from core.training.trainer import train


def test_digits_are_drawn_once_kept_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_DATA_DIR", str(tmp_path))
    images, labels = synthetic.synthetic_training_digits(30, seed=5)
    assert images.shape == (30, 28, 28) and images.dtype == np.uint8 and labels.tolist() == [i % 10 for i in range(30)]
    assert synthetic.cache_path(30, seed=5).is_file()
    again, again_labels = synthetic.synthetic_training_digits(30, seed=5)
    assert np.array_equal(images, again) and np.array_equal(labels, again_labels)
    centre = np.array([np.mean(np.nonzero(image)[axis]) for image in images for axis in (0, 1)])
    assert np.all(np.abs(centre - 13.5) < 3)  # centred like MNIST, as a canvas drawing is


def test_a_spec_can_train_on_them_beside_mnist(tmp_path, monkeypatch, mnist):
    monkeypatch.setenv("MNIST_LAB_DATA_DIR", str(tmp_path))
    from core.datasets import mnist as mnist_files
    from core.settings import DEFAULT_DATA_DIR

    monkeypatch.setattr(mnist_files, "data_dir", lambda: DEFAULT_DATA_DIR)  # MNIST from the real cache
    result = train(ModelSpec(hidden_units=(32,), epochs=1, synthetic_digits=500), mnist, train_limit=2_500)
    assert result.steps_run == 30  # (2,500 MNIST + 500 drawn) / 100 per batch
