"""Customer-segmentation warehouse tooling."""
