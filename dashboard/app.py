"""The dashboard's single entry point: page configuration, navigation and the global filters.

Run it with `relance dashboard` (or `streamlit run dashboard/app.py` with ``RELANCE_WAREHOUSE``
set). Each page is one file in ``dashboard/views/`` holding layout only.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import data, sidebar

VIEWS = Path(__file__).resolve().parent / "views"

st.set_page_config(page_title="Relance", page_icon=":material/payments:", layout="wide")

PAGES = {
    "How are we doing": [
        st.Page(VIEWS / "overview.py", title="Overview", icon=":material/dashboard:",
                url_path="overview", default=True),
        st.Page(VIEWS / "recovery.py", title="Recovery", icon=":material/trending_up:",
                url_path="recovery"),
        st.Page(VIEWS / "channels.py", title="Channels", icon=":material/campaign:",
                url_path="channels"),
    ],
    "Why": [
        st.Page(VIEWS / "root_causes.py", title="Root causes", icon=":material/troubleshoot:",
                url_path="root-causes"),
        st.Page(VIEWS / "voice.py", title="Voice of the customer",
                icon=":material/record_voice_over:", url_path="voice"),
    ],
    "What to do": [
        st.Page(VIEWS / "segments.py", title="Segments and allocation", icon=":material/groups:",
                url_path="segments"),
        st.Page(VIEWS / "compliance.py", title="Compliance", icon=":material/gavel:",
                url_path="compliance"),
        st.Page(VIEWS / "merchants.py", title="Merchants", icon=":material/storefront:",
                url_path="merchants"),
    ],
}

page = st.navigation(PAGES)

try:
    with data.connection_per_run():
        st.session_state["filters"] = sidebar.global_filters()
        page.run()
except data.WarehouseMissing as missing:
    st.title(page.title)
    st.warning(
        f"No warehouse at `{missing}` yet. Build it with `relance build` "
        "(or run `relance demo` for the whole pipeline on simulated data).",
        icon=":material/database:",
    )
except data.WarehouseUnreadable as unreadable:
    st.title(page.title)
    st.error(
        f"The warehouse could not be read: {unreadable}. Rebuild it with `relance build`.",
        icon=":material/error:",
    )
