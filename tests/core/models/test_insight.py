"""core.models.insight: a model's answers on the test digits, kept beside it until the model changes."""

import shutil

import numpy as np

from core.models import insight


def test_the_confusion_matrix_equals_a_direct_count():
    rng = np.random.default_rng(3)
    probabilities = rng.random((500, 10)).astype(np.float32)
    labels = rng.integers(0, 10, 500)
    matrix = insight.confusion_matrix(probabilities, labels)
    direct = np.zeros((10, 10), int)
    for probability, label in zip(probabilities, labels):
        direct[label, int(np.argmax(probability))] += 1
    assert np.array_equal(matrix, direct) and matrix.sum() == 500
    assert np.allclose(insight.per_digit_accuracy(matrix), np.diag(direct) / direct.sum(axis=1))


def test_answers_are_kept_beside_the_model_and_refreshed_when_the_model_changes(models_copy, mnist):
    images = mnist.test_images
    first = insight.answers_on_test_digits("small-softmax", images, models_copy)
    assert insight.cache_path("small-softmax", models_copy).is_file()
    assert np.allclose(insight.cached_probabilities("small-softmax", models_copy), first, atol=1e-3)
    for suffix in (".keras", ".json"):  # the model changed: retrained into another one under the same name
        shutil.copy(models_copy / f"small-nn-xavier{suffix}", models_copy / f"small-softmax{suffix}")
    assert insight.cached_probabilities("small-softmax", models_copy) is None
    again = insight.answers_on_test_digits("small-softmax", images, models_copy)
    assert not np.allclose(again, first, atol=1e-3)
    accuracy = np.mean(np.argmax(again, axis=1) == mnist.test_labels)
    assert accuracy > np.mean(np.argmax(first, axis=1) == mnist.test_labels)  # the better model's answers now


def test_confused_digits_and_confident_mistakes_come_most_confident_first():
    probabilities = np.full((6, 10), 0.01, np.float32)
    for index, (answer, confidence) in enumerate([(3, 0.6), (3, 0.9), (5, 0.99), (3, 0.7), (5, 0.5), (5, 0.8)]):
        probabilities[index, answer] = confidence
    labels = np.array([5, 5, 5, 5, 3, 3])
    assert insight.confused(probabilities, labels, true_digit=5, answered=3).tolist() == [1, 3, 0]
    assert insight.confident_mistakes(probabilities, labels).tolist() == [1, 5, 3, 0, 4]


def test_two_models_side_by_side_count_who_is_right_where_they_differ():
    labels = np.array([1, 2, 3, 4])
    first = np.eye(10)[[1, 2, 9, 8]]  # right, right, wrong, wrong
    second = np.eye(10)[[1, 7, 3, 7]]  # same, wrong, right, wrong
    result = insight.disagreement(first, second, labels)
    assert sorted(result.indices.tolist()) == [1, 2, 3]
    assert (result.first_right, result.second_right, result.neither_right) == (1, 1, 1)
