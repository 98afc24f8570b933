"""The global filters in the sidebar, bound to the URL query string.

Streamlit's ``bind="query-params"`` keeps each widget and its query parameter in step, so the
address bar always holds the current view (``?period=...&period=...&merchant=...&country=...&
plan=...``) and opening that address restores it. The URL carries an option's label, so merchants
are labelled "name (id)" (unique) and plan types by their id. The widgets live in the entry
script, so they keep their values when the user moves between pages.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard import queries
from dashboard.filters import Filters

DEFAULT_WINDOW_DAYS = 180


def _default_period(first: date, last: date) -> tuple[date, date]:
    """The last six months of data: recent enough to act on, long enough to be stable."""
    return max(first, last - timedelta(days=DEFAULT_WINDOW_DAYS - 1)), last


def global_filters() -> Filters:
    """Render the filters and return what they select (empty selections mean "all")."""
    options = queries.filter_options()
    with st.sidebar:
        st.markdown("**Filters**")
        start = end = None
        if options.first_date and options.last_date:
            chosen = st.date_input(
                "Period",
                value=_default_period(options.first_date, options.last_date),
                min_value=options.first_date,
                max_value=options.last_date,
                key="period",
                bind="query-params",
                help="Cases opened, contacts sent or installments due in this period; "
                "KPI deltas compare it with the period of the same length just before.",
            )
            if isinstance(chosen, tuple | list) and len(chosen) == 2:
                start, end = chosen
            elif isinstance(chosen, tuple | list) and len(chosen) == 1:
                start = end = chosen[0]
        merchants = st.multiselect(
            "Merchant", options.merchants,
            format_func=lambda m: f"{options.merchant_names.get(m, m)} ({m})",
            key="merchant", bind="query-params", placeholder="All merchants",
        )
        countries = st.multiselect(
            "Country", options.countries, key="country", bind="query-params",
            placeholder="All countries",
        )
        plan_types = st.multiselect(
            "Plan type", options.plan_types, key="plan",
            bind="query-params", placeholder="All plan types",
        )
        st.caption("The address bar holds these filters: copy it to share this view.")
        if options.as_of:
            built = f" (warehouse built {options.built_at} UTC)" if options.built_at else ""
            st.caption(f"Data as of {options.as_of}{built}.")
    return Filters(start=start, end=end, merchants=tuple(merchants),
                   countries=tuple(countries), plan_types=tuple(plan_types))


def current() -> Filters:
    """The filters chosen in this run (set by the entry script before the page runs)."""
    return st.session_state.get("filters", Filters())
