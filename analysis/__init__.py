"""The insight engine behind `relance analyze` (issue #5): statistics over the warehouse marts.

``run_all(warehouse)`` runs every analysis and replaces the warehouse's ``insights`` schema;
each analysis is also a plain function of a DuckDB connection and ``Filters``. See README.md.
"""

from analysis.db import Filters
from analysis.runner import RunSummary, run_all

__all__ = ["Filters", "RunSummary", "run_all"]
