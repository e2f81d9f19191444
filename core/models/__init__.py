"""Saved models: `<name>.keras` plus a JSON card each, the model store and their evaluation."""
