"""The `relance transcribe` step (issue #4)."""
