"""The `relance report` step (issue #7): per-merchant HTML and PDF recommendation reports.

``render_html(warehouse, merchant_id)`` returns one report as a self-contained HTML page (the
dashboard's Merchants page previews it); ``write_reports(warehouse, merchant_ids, formats, out)``
writes HTML and PDF files and an index; ``reports.cli.report`` is the command.
"""

from reports.writer import render_html, write_reports

__all__ = ["render_html", "write_reports"]
