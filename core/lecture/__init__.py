"""What the course teaches: the model spec, the lecture presets, the layer table and the Keras builder."""
