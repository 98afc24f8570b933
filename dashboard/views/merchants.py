"""Merchants: preview and download a merchant's recommendation report."""

from __future__ import annotations

import streamlit as st

from dashboard import queries, sidebar, ui

filters = sidebar.current()
st.title("Merchants")

with ui.section("Recommendation report",
                "What each merchant receives: its KPIs against anonymised peers, its root causes "
                "and what to change, with the money at stake."):
    names = queries.merchant_names()
    if not names:
        raise ui.NeedsStep("The merchant dimension", queries.BUILD)
    merchants = list(names)
    preselected = filters.merchants[0] if filters.merchants else merchants[0]
    merchant = st.selectbox("Merchant", merchants, index=merchants.index(preselected),
                            format_func=lambda m: f"{names[m]} ({m})",
                            # a new global merchant filter resets the choice to that merchant
                            key=f"merchant-report-{'-'.join(filters.merchants)}")
    report = queries.merchant_report(merchant)
    if report.html is None:
        st.info(f"No report for {names[merchant]} yet: run `relance report --all` to write "
                f"every merchant's report. ({report.problem})", icon=":material/pending:")
        if st.button("Render a preview now", key="report-preview",
                     icon=":material/visibility:"):
            report = queries.render_report_preview(merchant)
            if report.problem:
                st.error(report.problem)
    if report.html is not None:
        buttons = st.columns([1, 1, 3])
        buttons[0].download_button("Download HTML", report.html.encode(),
                                   file_name=f"{merchant}.html", mime="text/html",
                                   key="report-html", icon=":material/download:")
        if report.pdf is not None:
            buttons[1].download_button("Download PDF", report.pdf, file_name=f"{merchant}.pdf",
                                       mime="application/pdf", key="report-pdf",
                                       icon=":material/picture_as_pdf:")
        else:
            buttons[1].caption("No PDF yet: `relance report --all` writes it.")
        buttons[2].caption(report.source)
        st.iframe(report.html, height=900)
