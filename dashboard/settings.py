"""Settings shared by the CLI and the app, kept free of Streamlit so `relance` starts fast."""

from __future__ import annotations

WAREHOUSE_ENV = "RELANCE_WAREHOUSE"
REPORTS_ENV = "RELANCE_REPORTS_DIR"
