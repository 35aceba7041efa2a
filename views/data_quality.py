"""Якість даних / Data quality & method — what was loaded, what was rejected, how the figures
are defined and where the data comes from."""

import streamlit as st

from monitor import app_state, quality
from monitor.formatting import fmt_date, fmt_datetime, fmt_int
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("quality.title", "quality.question")
info = app_state.build_info()

if app_state.is_demo():
    st.info(t("quality.demo_notice", lang, seed=info.get("demo_seed", "—"), scale=info.get("demo_scale", "—")),
            icon=":material/science:")

# ---------------------------------------------------------------- freshness
st.subheader(t("quality.freshness", lang))
c1, c2, c3 = st.columns(3)
with c1:
    app_state.kpi(t("quality.built_at", lang), fmt_datetime(info.get("built_at"), lang))
with c2:
    app_state.kpi(t("quality.as_of", lang), fmt_date(info.get("as_of_date"), lang))
overlaps = app_state.quality_rows(app_state.data(quality.overlaps), "first_oblast", "second_oblast")
with c3:
    app_state.kpi(t("quality.overlaps_count", lang), fmt_int(len(overlaps), lang),
                  help=t("quality.overlaps_help", lang))
fresh = app_state.data(quality.freshness)
app_state.show_table(quality.freshness_display(fresh, lang), fresh, "freshness", lang)

# ---------------------------------------------------------------- load log
st.subheader(t("quality.load_log", lang))
st.caption(t("quality.load_log_note", lang))
log = app_state.data(quality.load_log)
app_state.show_table(quality.load_log_display(log, lang), log, "load_log", lang)

# ---------------------------------------------------------------- rejects
st.subheader(t("quality.rejects", lang))
counts = app_state.data(quality.reject_counts)
if counts.empty:
    st.success(t("quality.no_rejects", lang))
else:
    st.caption(t("quality.rejects_note", lang, n=fmt_int(int(counts["rejects"].sum()), lang)))
    app_state.show_table(quality.reject_counts_display(counts, lang), counts, "reject_counts", lang)
    f1, f2 = st.columns(2)
    files = {"all": t("quality.all_files", lang)} | {f: f for f in sorted(counts["file"].unique())}
    reasons = {"all": t("quality.all_reasons", lang)} | {
        r: quality.reason_text(r, lang) for r in sorted(counts["reason"].unique())}
    with f1:
        file = app_state.url_select("file", t("quality.filter_file", lang), files, "all")
    with f2:
        reason = app_state.url_select("reason", t("quality.filter_reason", lang), reasons, "all")
    rows = app_state.quality_rows(app_state.data(quality.rejects, None if file == "all" else file,
                                                 None if reason == "all" else reason), "oblast_katottg")
    app_state.quality_scope_note()
    shown = rows.head(quality.REJECTS_SHOWN)  # reading stops at a screenful; the downloads hold all
    st.caption(t("quality.rejects_shown", lang, n=fmt_int(len(shown), lang), total=fmt_int(len(rows), lang)))
    app_state.show_table(quality.rejects_display(shown, lang), quality.rejects_download(rows, lang),
                         "rejects", lang, height=360)

# ---------------------------------------------------------------- overlaps
st.subheader(t("quality.overlaps", lang))
st.caption(t("quality.overlaps_help", lang))
if overlaps.empty:
    st.success(t("quality.no_overlaps", lang))
else:
    app_state.show_table(quality.overlaps_display(overlaps, lang), overlaps, "officer_overlaps", lang,
                         height=300)

# ---------------------------------------------------------------- definitions
st.subheader(t("quality.definitions", lang))
method = quality.methodology_markdown()
st.markdown(t("quality.definitions_summary", lang))
if method:
    with st.expander(t("quality.method_full", lang), expanded=(lang == "en")):
        st.markdown(method)
else:
    st.caption(t("quality.method_missing", lang))

# ---------------------------------------------------------------- sources and licences
st.subheader(t("quality.sources", lang))
st.markdown(t("quality.sources_list", lang))
