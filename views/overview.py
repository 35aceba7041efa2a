"""Огляд / Overview — where does the programme stand today?"""

import streamlit as st

from monitor import app_state, coverage, overview, rollout
from monitor.db import NATIONAL
from monitor.figures import maps
from monitor.figures.overview import national_vs_published
from monitor.formatting import fmt_date
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("overview.title", "overview.question")
as_of = app_state.as_of_date()
before = rollout.year_before(as_of).isoformat()

# ---------------------------------------------------------------- KPI tiles
kpi_tiles = overview.kpi_tiles(app_state.data(overview.national_kpis, as_of), lang)
trust_tiles = overview.trust_tiles(app_state.data(overview.trust_gap, as_of), lang)
st.subheader(t("overview.kpis_heading", lang, date=fmt_date(as_of, lang)))
st.caption(t("overview.kpis_note", lang, before=fmt_date(before, lang)))
row1, row2 = st.columns(4), st.columns(4)
for col, tile in zip([*row1, *row2[:3]], [*kpi_tiles, *trust_tiles], strict=True):
    with col:
        app_state.show_tile(tile)
with row2[3]:
    st.caption(t("overview.trust_note", lang))
    st.caption(t("trust.causal_note", lang))
st.caption(app_state.data(coverage.territory_list).note(lang))

# ---------------------------------------------------------------- map and national line
left, right = st.columns([1, 1])
with left:
    st.subheader(t("overview.map_heading", lang))
    cov = app_state.data(coverage.coverage_on, as_of)
    spec = maps.country_thumbnail(app_state.data(coverage.outside_programme), app_state.map_geometry("oblasts"))
    fig = maps.coverage_figure(coverage.with_geometry(cov), app_state.map_geometry("hromadas"), lang, spec)
    app_state.plotly(fig, key="overview_map")
    st.caption(t("overview.map_more", lang))  # the OSM attribution is on the map
    st.caption(app_state.data(coverage.territory_list).note(lang))
with right:
    st.subheader(t("overview.published_heading", lang))
    published = app_state.data(overview.published_vs_data)
    metric = app_state.url_select(
        "series", t("overview.metric_select", lang),
        {m: t(f"metric.{m}", lang) for m in overview.PUBLISHED_METRICS}, "officers")
    series = app_state.data(rollout.monthly, (NATIONAL,))
    fig = national_vs_published(series, overview.PUBLISHED_METRICS[metric], published, metric, lang, rollout.EVENTS)
    app_state.plotly(fig, key="overview_published")
    st.caption(t("overview.published_note", lang))

# ---------------------------------------------------------------- published vs data table
st.subheader(t("overview.table_heading", lang))
app_state.show_table(overview.published_table(published, lang), overview.published_download(published, lang),
                     "published_vs_data", lang)
