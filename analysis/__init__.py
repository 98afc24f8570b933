"""The `relance analyze` step (issue #5)."""
