"""Drawings: preprocessing to 28×28 the MNIST way, stroke-drawn digits, and every model answering together."""
