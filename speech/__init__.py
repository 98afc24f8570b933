"""The `relance transcribe` step (issue #4): offline transcription, PII redaction, reason mining.

``transcribe_dataset(data, model=None)`` is the Python API the CLI uses.
"""

from speech.pipeline import TranscribeSummary, transcribe_dataset

__all__ = ["TranscribeSummary", "transcribe_dataset"]
