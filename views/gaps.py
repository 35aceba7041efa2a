"""Громади без офіцера / Hromadas without an officer — which have no officer, or fewer than
required, largest first?"""

import streamlit as st

from monitor import app_state, coverage, gaps
from monitor.db import NATIONAL
from monitor.formatting import fmt_date, fmt_int
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("gaps.title", "gaps.question")
as_of = app_state.as_of_date()
scopes = app_state.scope_options(lang)

c_scope, c_show, c_sort = st.columns([2, 3, 2], vertical_alignment="bottom")
scope = app_state.url_select("oblast", t("gaps.scope", lang), scopes, NATIONAL, container=c_scope)
show = app_state.url_select("show", t("gaps.show", lang), {s: t(f"gaps.show.{s}", lang) for s in gaps.SHOW},
                            "all", widget="segmented", container=c_show)
sort = app_state.url_select("sort", t("gaps.sort", lang), {s: t(f"gaps.sort.{s}", lang) for s in gaps.SORTS},
                            "population", container=c_sort)

listed = app_state.data(gaps.gap_list, as_of, scope)
counts = gaps.summary(listed)
for col, key in zip(st.columns(4), ("no_officer", "below_strength", "officers_short", "residents"), strict=True):
    with col:
        app_state.kpi(t(f"gaps.kpi.{key}", lang), fmt_int(counts[key], lang))

rows = gaps.shown(listed, show, sort)
st.subheader(t("gaps.list_heading", lang, scope=scopes[scope], n=fmt_int(len(rows), lang), date=fmt_date(as_of, lang)))
if rows.empty:
    st.success(t("gaps.none", lang))
else:
    numbers = ("no", "population", "officers_serving", "officers_required", "officer_gap", "nearest_station_km")
    # Numbers to the right; widths left to the headers (a fixed narrow width cut them).
    columns = {t(f"col.{c}", lang): st.column_config.TextColumn(alignment="right") for c in numbers}
    columns[t("col.profile", lang)] = st.column_config.LinkColumn(display_text=t("gaps.open_profile", lang))
    app_state.show_table(gaps.gaps_display(rows, lang), gaps.gaps_download(rows, lang), f"gaps_{scope}", lang,
                         key="gaps_table", height=560, column_config=columns)
st.caption(t("gaps.note", lang))
st.caption(app_state.data(coverage.territory_list).note(lang))
