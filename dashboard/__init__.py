"""The `relance dashboard` step (issue #6)."""
