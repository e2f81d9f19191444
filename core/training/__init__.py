"""Training a spec on MNIST: the trainer, its input pipelines and augmentation; it reports through callbacks."""
