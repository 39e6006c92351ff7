"""Schema steps, applied in the order of their numbers by `portal db upgrade`."""
