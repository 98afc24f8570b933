"""The `relance build` step (issue #3): a contract dataset into a tested dbt-duckdb warehouse.

`build_warehouse(data, warehouse)` is the Python API; `warehouse.cli.build` the command.
"""

from warehouse.build import BuildInProgressError, BuildSummary, build_warehouse
from warehouse.dbt import DbtBuildError
from warehouse.reconcile import ReconciliationError
from warehouse.structure import StructuralError

__all__ = [
    "BuildInProgressError",
    "BuildSummary",
    "DbtBuildError",
    "ReconciliationError",
    "StructuralError",
    "build_warehouse",
]
