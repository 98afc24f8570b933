"""The `relance simulate` step (issue #2)."""
