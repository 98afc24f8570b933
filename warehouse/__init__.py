"""The `relance build` step (issue #3)."""
