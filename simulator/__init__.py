"""The `relance simulate` step (issue #2): a vectorised BNPL portfolio simulator with planted
root causes and a record of their true sizes (``_truth.json``, see simulator/TRUTH.md)."""

from simulator.core import simulate_dataset
from simulator.schema import validate_dataset

__all__ = ["simulate_dataset", "validate_dataset"]
