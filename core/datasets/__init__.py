"""MNIST itself: the four IDX files, verified and loaded, and the lecture's 55,000 / 5,000 split."""
