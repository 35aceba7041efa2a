"""Довіра / Trust — is trust rising where officers serve?"""

import streamlit as st

from monitor import app_state, survey, trust
from monitor.db import NATIONAL
from monitor.figures.trust import trend_figure
from monitor.formatting import fmt_wave
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("nav.trust", "trust.question")

scopes = app_state.scope_options(lang)
c_scope, c_metric, c_polls = st.columns([2.6, 3, 2], vertical_alignment="bottom")
scope = app_state.url_select("oblast", t("trust.scope", lang), scopes, NATIONAL, container=c_scope)
metric = app_state.url_select(
    "question",
    t("trust.metric", lang),
    {m: t(f"trust.metric.{m}", lang) for m in trust.METRICS},
    "trust",
    widget="segmented",
    container=c_metric,
)
with c_polls:
    show_polls = app_state.url_toggle("polls", t("trust.show_polls", lang), True, disabled=metric != "trust")

series = trust.mark_shown(app_state.data(trust.trust_series, scope, metric))
rule = app_state.data(survey.reporting_rule)
gaps = app_state.data(trust.gap_series, scope, metric)
if series.empty:
    st.info(t("trust.no_data", lang))
    st.stop()

st.subheader(t("trust.latest", lang, wave=fmt_wave(trust.latest_wave(series), lang)))
for col, tile in zip(st.columns(4), trust.latest_tiles(series, gaps, lang), strict=True):
    if tile is not None:
        with col:
            app_state.show_tile(tile)

polls = app_state.data(trust.national_polls) if (show_polls and metric == "trust") else None
fig = trend_figure(
    series,
    lang,
    polls=polls,
    title=t("trust.chart_title", lang, metric=t(f"trust.metric.{metric}", lang), scope=scopes[scope]),
)
app_state.plotly(fig, key="trust_trend")
st.caption(t("trust.causal_note", lang))
st.caption(trust.method_note(rule, lang))
if polls is not None:
    st.caption(t("trust.polls_note", lang))

st.subheader(t("trust.table_title", lang))
app_state.show_table(
    trust.series_table(series, lang),
    trust.series_download(series),
    f"trust_{metric}_{scope}",
    lang,
    key="trust_table",
)
