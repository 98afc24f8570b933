"""The `relance report` step (issue #7)."""
