"""Довіра / Trust — is trust rising where officers serve?"""

import streamlit as st

from monitor import app_state, trust
from monitor.formatting import fmt_int, fmt_signed_pp
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("nav.trust", "trust.question")

oblasts = app_state.oblast_options(lang)
c_scope, c_metric, c_polls = st.columns([2, 3, 2], vertical_alignment="bottom")
scope = app_state.url_select(
    "oblast", t("trust.scope", lang), {"UA": t("common.national", lang), **oblasts}, "UA", container=c_scope
)
metric = app_state.url_select(
    "metric",
    t("trust.metric", lang),
    {m: t(f"trust.metric.{m}", lang) for m in trust.METRICS},
    "trust",
    widget="segmented",
    container=c_metric,
)
with c_polls:
    show_polls = st.toggle(t("trust.show_polls", lang), value=True, key="trust_polls", disabled=metric != "trust")

min_n = trust.min_effective_n()
series = trust.mark_reportable(app_state.data(trust.trust_series, scope, metric), min_n)
if series.empty:
    st.info(t("trust.no_data", lang))
    st.stop()

scope_name = t("common.national", lang) if scope == "UA" else oblasts[scope]
latest_wave = series.sort_values(["wave_start", "wave"])["wave"].iloc[-1]
latest = series[series["wave"] == latest_wave].set_index("grp")
st.subheader(t("trust.latest", lang, wave=latest_wave))
cols = st.columns(4)
for col, grp in zip(cols, trust.GROUPS, strict=False):
    if grp in latest.index:
        r = latest.loc[grp]
        col.metric(
            t(f"group.{grp}", lang),
            trust.value_text(r["share"], bool(r["is_reportable"]), lang),
            help=t(
                "trust.hover.n",
                lang,
                n=fmt_int(r["n_unweighted"], lang),
                n_eff=fmt_int(r["n_effective"], lang),
            ),
            border=True,
        )
if {"covered", "not_covered"} <= set(latest.index):
    a, b = latest.loc["not_covered"], latest.loc["covered"]
    if a["is_reportable"] and b["is_reportable"]:
        _, significant = trust.z_test(a["share"], a["se"], b["share"], b["se"])
        cols[3].metric(
            t("trust.gap", lang),
            fmt_signed_pp(b["share"] - a["share"], lang),
            delta=t("trust.gap_sig", lang) if significant else t("trust.gap_ns", lang),
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    else:
        cols[3].metric(t("trust.gap", lang), t("trust.too_few", lang), border=True)

polls = app_state.data(trust.national_polls) if (show_polls and metric == "trust") else None
fig = trust.trend_figure(
    series,
    lang,
    polls=polls,
    title=t("trust.chart_title", lang, metric=t(f"trust.metric.{metric}", lang), scope=scope_name),
)
app_state.plotly(fig, key="trust_trend")
st.caption(t("trust.causal_note", lang))
st.caption(t("trust.method_note", lang, min_n=fmt_int(min_n, lang)))
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
