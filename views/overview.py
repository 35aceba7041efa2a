"""Огляд / Overview — where does the programme stand today?"""

import streamlit as st

from monitor import app_state, charts, coverage, maps, overview, rollout
from monitor import trust as trust_mod
from monitor.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed_int, fmt_signed_pp
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("overview.title", "overview.question")
as_of = app_state.as_of_date()
before = rollout.year_before(as_of).isoformat()

# ---------------------------------------------------------------- KPI tiles
kpis = app_state.data(overview.national_kpis, as_of)
now, prev = kpis.loc["now"], kpis.loc["year_before"]
st.subheader(t("overview.kpis_heading", lang, date=fmt_date(as_of, lang)))
st.caption(t("overview.kpis_note", lang, before=fmt_date(before, lang)))
yoy = t("common.yoy", lang)

row1 = st.columns(4)
with row1[0]:
    share_change = now["covered_share"] - prev["covered_share"]
    app_state.kpi(
        t("kpi.hromadas_covered", lang, n=fmt_int(now["hromadas_covered"], lang),
          total=fmt_int(now["hromadas_assessable"], lang)),
        fmt_pct(now["covered_share"], lang),
        share_change,
        t("overview.change_with_count", lang, pp=fmt_signed_pp(share_change, lang),
          change=fmt_signed_int(now["hromadas_covered"] - prev["hromadas_covered"], lang)),
        help=t("kpi.hromadas_covered_help", lang), description=yoy,
    )
for col, key in zip(row1[1:], ("officers_serving", "residents_covered", "stations_open"), strict=True):
    with col:
        change = now[key] - prev[key]
        app_state.kpi(t(f"kpi.{key}", lang), fmt_int(now[key], lang), change,
                      fmt_signed_int(change, lang), help=t(f"kpi.{key}_help", lang), description=yoy)

row2 = st.columns(4)
with row2[0]:
    change = now["memoranda_active"] - prev["memoranda_active"]
    app_state.kpi(t("kpi.memoranda_active", lang), fmt_int(now["memoranda_active"], lang), change,
                  fmt_signed_int(change, lang), help=t("kpi.memoranda_active_help", lang), description=yoy)

trust = app_state.data(overview.trust_gap, as_of, trust_mod.min_effective_n())
for col, grp in zip(row2[1:3], ("covered", "not_covered"), strict=True):
    with col:
        cur = trust[(trust["when"] == "now") & (trust["grp"] == grp)]
        old = trust[(trust["when"] == "year_before") & (trust["grp"] == grp)]
        label = t(f"kpi.trust_{grp}", lang)
        if cur.empty:
            app_state.kpi(label, t("overview.no_survey", lang))
            continue
        c = cur.iloc[0]
        value = t("overview.too_few", lang) if c["too_few"] else fmt_pct(c["share"], lang)
        help_text = t("kpi.trust_help", lang, wave=c["wave"], end=fmt_date(c["wave_end"], lang),
                      n=fmt_int(c["n_effective"], lang), low=fmt_pct(c["ci_low"], lang),
                      high=fmt_pct(c["ci_high"], lang))
        if old.empty or c["too_few"] or old.iloc[0]["too_few"]:
            app_state.kpi(label, value, help=help_text)
        else:
            o = old.iloc[0]
            app_state.kpi(label, value, c["share"] - o["share"], fmt_signed_pp(c["share"] - o["share"], lang),
                          help=help_text, description=t("overview.vs_wave", lang, wave=o["wave"]))
with row2[3]:
    st.caption(t("overview.trust_note", lang))

# ---------------------------------------------------------------- map and national line
left, right = st.columns([1, 1])
with left:
    st.subheader(t("overview.map_heading", lang))
    cov = app_state.data(coverage.coverage_on, as_of)
    geometry = app_state.map_geometry("hromadas")
    # The whole country in the half-width column (~480 x 320 px above the legend at 1440 px).
    view = maps.view_for_bounds(None, aspect=1.5)
    fig = maps.coverage_figure(cov[cov["has_geometry"]], geometry, lang=lang, height=430, view=view,
                               uirevision="overview")
    app_state.plotly(fig, key="overview_map")
    st.caption(t("overview.map_more", lang))  # the OSM attribution is on the map
with right:
    st.subheader(t("overview.published_heading", lang))
    published = app_state.data(overview.published_vs_data)
    metric = app_state.url_select(
        "metric", t("overview.metric_select", lang),
        {m: t(f"metric.{m}", lang) for m in overview.PUBLISHED_METRICS}, "officers")
    series = app_state.data(overview.national_series)
    column = overview.PUBLISHED_METRICS[metric]
    app_state.plotly(charts.national_vs_published(series, column, published, metric, lang, rollout.EVENTS),
                     key="overview_published")
    st.caption(t("overview.published_note", lang))

# ---------------------------------------------------------------- published vs data table
st.subheader(t("overview.table_heading", lang))
display = overview.published_table(published, lang)
app_state.show_table(display, overview.published_download(published, lang), "published_vs_data", lang)
