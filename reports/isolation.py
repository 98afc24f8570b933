"""Tenant isolation: a merchant's report must never name or identify another merchant.

The scanner looks for every other merchant's id and name in a report's text, as whole words
(so ``M01`` does not match inside ``M010``) and case-insensitively. The embedded plotly.js
library is the same bytes in every report and holds no data, so it is removed before scanning:
its minified source would otherwise match short names by chance.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Leak:
    """One other merchant's identifier or name found in a report."""

    merchant_id: str
    found: str
    context: str


@cache
def _plotly_library() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def scannable_text(report: str) -> str:
    """The report's text with library code removed and HTML entities and JSON escapes decoded.

    Chart data sits in the page as JSON, where ``é`` may be written ``\\u00e9``: decoding both
    kinds of escapes means a name is found however the page happens to spell it.
    """
    text = report.replace(_plotly_library(), "") if len(report) > 1_000_000 else report
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text.replace("\\/", "/"))


def find_leaks(text: str, others: Mapping[str, str]) -> list[Leak]:
    """Every occurrence in ``text`` of another merchant's id or name (``others``: id -> name).

    One regular expression holds every term, so a report is read once whatever the number of
    merchants.
    """
    owner: dict[str, str] = {}
    for other_id, name in others.items():
        for term in (other_id, name or ""):
            if len(term.strip()) >= 2:
                owner.setdefault(term.lower(), other_id)
    if not owner:
        return []
    alternatives = "|".join(re.escape(t) for t in sorted(owner, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    leaks = []
    for match in pattern.finditer(text):
        start, end = max(match.start() - 40, 0), match.end() + 40
        leaks.append(Leak(owner[match.group(0).lower()], match.group(0), text[start:end]))
    return leaks


def pdf_text(path: Path) -> str:
    """The text a reader of the PDF sees, extracted page by page."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def scan_files(paths: Iterable[Path], others: Mapping[str, str]) -> list[Leak]:
    """Scan written reports (``.html`` and ``.pdf``) for other merchants' ids and names."""
    leaks: list[Leak] = []
    for path in paths:
        if path.suffix == ".pdf":
            text = pdf_text(path)
        else:
            text = scannable_text(path.read_text(encoding="utf-8"))
        leaks.extend(find_leaks(text, others))
    return leaks
