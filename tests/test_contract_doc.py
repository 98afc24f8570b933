"""data/CONTRACT.md and relance/contract.py describe the same contract, table by table."""

from __future__ import annotations

import re
from pathlib import Path

from relance.contract import REASON_CODES, TABLES

DOC = (Path(__file__).resolve().parents[1] / "data" / "CONTRACT.md").read_text(encoding="utf-8")


def _documented_tables() -> dict[str, list[str]]:
    """Table name -> column names, read from the doc's `### table` sections."""
    tables: dict[str, list[str]] = {}
    tables_part = DOC.split("## Tables")[1].split("\n## ")[0]
    for section in re.split(r"^### ", tables_part, flags=re.MULTILINE)[1:]:
        name = section.split()[0]
        rows = re.findall(r"^\| ([a-z_]+) \|", section, flags=re.MULTILINE)
        tables[name] = [r for r in rows if r != "column"]
    return tables


def test_doc_lists_every_table_and_column_in_order() -> None:
    documented = _documented_tables()
    assert set(documented) == set(TABLES)
    for name, table in TABLES.items():
        assert documented[name] == list(table.column_names), name


def test_doc_lists_every_enum_value() -> None:
    for table in TABLES.values():
        for column in table.columns:
            for value in column.enum or ():
                assert f"`{value}`" in DOC, f"{table.name}.{column.name}: {value}"


def test_doc_lists_the_reason_taxonomy() -> None:
    taxonomy = DOC.split("## Why people default")[1]
    assert re.findall(r"^\| `([a-z_]+)` \|", taxonomy, flags=re.MULTILINE) == list(REASON_CODES)


def test_optional_markers_match() -> None:
    documented = _documented_tables()
    for name, table in TABLES.items():
        header = re.search(rf"^### {name} — (.*)$", DOC, flags=re.MULTILINE)
        assert header is not None
        assert ("optional" in header.group(1)) == table.optional, name
        section = DOC.split(f"### {name} ")[1].split("### ")[0]
        for column in table.columns:
            row = re.search(rf"^\| {column.name} \|[^|]*\|([^|]*)\|", section, flags=re.MULTILINE)
            assert row is not None, (name, column.name)
            is_optional = row.group(1).strip().startswith("optional")
            assert is_optional == (not column.required), (name, column.name)
    assert documented
