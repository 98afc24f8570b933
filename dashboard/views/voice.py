"""Voice of the customer: why people say they do not pay, in their (redacted) words."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, sidebar, ui

filters = sidebar.current()
st.title("Voice of the customer")

with ui.section("Reasons from calls and comments",
                "Top reason mined from each transcript and feedback comment."):
    reasons = ui.require_rows(queries.voice_reasons(filters), "mined reasons")
    ui.applied_filters(queries.reason_filters_applied(filters))
    ui.chart(charts.bars(reasons, "reason", "texts", color="source", barmode="stack",
                         x_title="", y_title="texts"), "voice-reasons")
    ui.table(reasons, "reasons by source")

with ui.section("Transcripts",
                "Redacted call transcripts; the sentence that supports the mined reason is "
                "highlighted."):
    search_col, reason_col = st.columns([3, 1])
    search = search_col.text_input("Search transcripts", key="voice-search",
                                   placeholder="e.g. salary, refund, lost my job")
    reason = reason_col.selectbox("Reason", ["all", *queries.REASON_CODES],
                                  key="voice-reason")
    counts = queries.transcript_counts()
    if counts.empty:
        st.caption("No recorded calls in this warehouse: `relance transcribe` transcribes a "
                   "dataset's recordings and mines its feedback comments.")
    else:
        st.caption("Recorded calls by transcription status: " + ", ".join(
            f"{row.status} {row.calls:,}" for row in counts.itertuples()) + ".")
    calls = ui.require_rows(queries.transcripts(search, reason, filters), "transcripts")
    st.caption(f"{len(calls)} call(s) shown (at most {queries.TRANSCRIPT_LIMIT}).")
    for call in calls.itertuples():
        reason = call.reason if isinstance(call.reason, str) else "no reason found"
        title = f"{call.call_id} · {ui.day(call.call_date)} · {reason} · {call.duration_s:.0f} s"
        with st.expander(title):
            st.markdown(queries.highlight(call.text, call.quote))
            audio = queries.audio_file(call.audio_path)
            if audio is not None:
                st.audio(str(audio))
            else:
                st.caption("Recording not available on this machine.")

with ui.section("Emerging themes",
                "Recurring topics that fit no reason in the taxonomy, for analysts to name."):
    ui.table(ui.require_rows(queries.themes(), "themes"), "emerging themes")

with ui.section("Vulnerability and tension flags",
                "Texts flagged for vulnerability (illness, bereavement, job loss, mental health) "
                "or tension (anger, threats, complaints about contact frequency)."):
    flags = ui.require_rows(queries.flag_counts(filters), "flags")
    ui.chart(charts.bars(flags, "detail", "texts", color="flag", x_title="", y_title="texts"),
             "voice-flags")
    ui.table(queries.flag_examples(filters), "flagged texts")
