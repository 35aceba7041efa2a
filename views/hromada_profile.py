"""Профіль громади / Hromada profile — one hromada in depth, and against its peers."""

import pandas as pd
import streamlit as st

from monitor import app_state, profile
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct
from monitor.i18n import t
from monitor.maps import status_label
from monitor.trust import latest_waves, min_effective_n

lang = app_state.lang()
app_state.page_header("nav.hromada", "profile.question")

index = app_state.data(profile.hromada_index)
labels = profile.search_labels(index, lang)

# ?hromada=CODE (a link, or a click on the map) selects the hromada whenever it changes.
url_code = st.query_params.get("hromada")
if url_code and url_code != st.session_state.get("_profile_url_applied"):
    st.session_state["_profile_url_applied"] = url_code
    if url_code in labels:
        st.session_state["profile_hromada"] = url_code
    else:
        st.warning(t("profile.unknown_code", lang, code=url_code))
code = st.selectbox(
    t("profile.search", lang),
    list(labels),
    index=None,
    format_func=labels.get,
    placeholder=t("profile.search_placeholder", lang),
    key="profile_hromada",
)
app_state.set_url_param("hromada", code)
st.session_state["_profile_url_applied"] = code
if not code:
    st.info(t("profile.choose_prompt", lang))
    st.stop()

as_of = app_state.as_of_date()
facts = app_state.data(profile.hromada_facts, code).iloc[0]
history = app_state.data(profile.status_history, code)
now = history.iloc[-1] if len(history) else None
name = facts["name_en"] if lang == "en" and pd.notna(facts["name_en"]) else facts["name_uk"]
oblast_name = facts["oblast_name_en"] if lang == "en" else facts["oblast_name_uk"]

st.header(f"{name} — {oblast_name}")
st.subheader(t("profile.facts", lang))
cols = st.columns(5)
cols[0].metric(
    t("profile.population", lang),
    fmt_int(facts["population_count"], lang),
    border=True,
    help=t("profile.population_help", lang),
)
cols[1].metric(t("profile.area", lang), fmt_num(facts["area_km2"], lang, 1), border=True)
cols[2].metric(t("profile.settlements", lang), fmt_int(facts["settlements_count"], lang), border=True)
cols[3].metric(t("profile.required_officers", lang), fmt_int(facts["required_officers"], lang), border=True)
cols[4].metric(
    t("profile.officers_now", lang), fmt_int(now["officers_serving"] if now is not None else None, lang), border=True
)
if now is not None:
    st.markdown(f"**{t('profile.status_now', lang)}:** {status_label(now['status'], lang)}")
type_label = (t(f"hromada_type.{facts['type_en']}", lang) if pd.notna(facts["type_en"])
              else t("profile.type_unknown", lang))
raion = facts["raion_name_en"] if lang == "en" else facts["raion_name_uk"]
st.markdown(
    " · ".join(
        [
            f"**{t('profile.type', lang)}:** {type_label}",
            f"**{t('profile.raion', lang)}:** {raion if pd.notna(raion) else '—'}",
            f"**{t('profile.oblast', lang)}:** {oblast_name}",
            f"**{t('profile.size_band', lang)}:** {facts['size_band']}",
            f"**{t('profile.code', lang)}:** `{code}`",
        ]
        + ([f"**{t('profile.occupied_before_2022', lang)}**"] if facts["is_occupied_before_2022"] else [])
    )
)

st.subheader(t("profile.status_history", lang))
app_state.plotly(profile.status_figure(history, lang), key="profile_status")

st.subheader(t("profile.officers_over_time", lang))
assignments = (app_state.data(profile.officer_assignments, code)
               if app_state.sees_assignments(facts["oblast_katottg"]) else None)
if assignments is None:
    st.info(t("access.assignments_hidden", lang))
elif assignments.empty:
    st.info(t("profile.no_officers", lang))
else:
    app_state.plotly(profile.officers_figure(assignments, history, as_of, lang), key="profile_officers")
    app_state.show_table(profile.officers_display(assignments, lang), assignments, f"officers_{code}", lang,
                         key="profile_officers_tbl")

# Stations full width (names are long); memorandum and territory status side by side below.
st.markdown("#### " + t("profile.stations", lang))
stations = app_state.data(profile.stations_of, code)
if stations.empty:
    st.caption(t("profile.no_stations", lang))
else:
    app_state.show_table(profile.stations_display(stations, lang), stations, f"stations_{code}", lang,
                         key="profile_stations_tbl")
c_memo, c_terr = st.columns(2)
with c_memo:
    st.markdown("#### " + t("profile.memoranda", lang))
    memoranda = app_state.data(profile.memoranda_of, code)
    if memoranda.empty:
        st.caption(t("profile.no_memoranda", lang))
    else:
        app_state.show_table(profile.memoranda_display(memoranda, lang), memoranda, f"memoranda_{code}", lang,
                             key="profile_memoranda_tbl")
with c_terr:
    st.markdown("#### " + t("profile.territory", lang))
    periods = app_state.data(profile.territory_periods, code)
    if periods.empty:
        st.caption(t("profile.no_territory", lang))
    else:
        app_state.show_table(profile.territory_display(periods, lang), periods, f"territory_{code}", lang,
                             key="profile_territory_tbl")

min_n = min_effective_n()
st.subheader(t("profile.trust", lang, oblast=oblast_name))
trust = app_state.data(latest_waves, facts["oblast_katottg"], 4)
if trust.empty:
    st.caption(t("profile.no_trust", lang))
else:
    app_state.show_table(profile.oblast_trust_table(trust, min_n, lang), trust, f"trust_{code}", lang,
                         key="profile_trust_tbl")
    st.caption(t("profile.trust_note", lang, min_n=fmt_int(min_n, lang)))

st.subheader(t("profile.peers", lang, type=type_label, band=facts["size_band"]))
peer_df = app_state.data(profile.peers, code, as_of, min_n)
summary = profile.peer_summary(peer_df)
me = peer_df[peer_df["is_self"]].iloc[0]
st.caption(
    t("profile.peer_count", lang, n=fmt_int(summary["peers"], lang))
    + " · "
    + t("profile.peers_note", lang, date=fmt_date(as_of, lang))
)
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    t("profile.m.officers_per_10k", lang),
    fmt_num(me["officers_per_10k"], lang, 2),
    help=f"{t('profile.peers_median', lang)}: {fmt_num(summary['officers_per_10k'], lang, 2)}",
    border=True,
)
m1.caption(f"{t('profile.peers_median', lang)}: {fmt_num(summary['officers_per_10k'], lang, 2)}")
m2.metric(
    t("profile.m.share_covered", lang),
    t("profile.covered_yes", lang) if me["is_covered"] else t("profile.covered_no", lang),
    border=True,
)
m2.caption(t("profile.peers_share", lang, value=fmt_pct(summary["share_covered"], lang)))
m3.metric(t("profile.m.months_since_first", lang), fmt_int(me["months_since_first_officer"], lang), border=True)
m3.caption(f"{t('profile.peers_median', lang)}: {fmt_int(summary['months_since_first_officer'], lang)}")
m4.metric(t("profile.m.trust", lang), fmt_pct(me["trust_share"], lang), border=True)
m4.caption(f"{t('profile.peers_median', lang)}: {fmt_pct(summary['trust_share'], lang)}")

peer_display = pd.DataFrame(
    {
        t("profile.col.hromada", lang): [
            (f"▶ {n}" if s else n)
            for n, s in zip(peer_df["name_en" if lang == "en" else "name_uk"], peer_df["is_self"], strict=True)
        ],
        t("profile.col.oblast", lang): peer_df["oblast_name_en" if lang == "en" else "oblast_name_uk"],
        t("profile.col.population", lang): [fmt_int(v, lang) for v in peer_df["population_count"]],
        t("profile.col.status", lang): [status_label(s, lang) for s in peer_df["status"]],
        t("profile.col.officers", lang): [fmt_int(v, lang) for v in peer_df["officers_serving"]],
        t("profile.col.per10k", lang): [fmt_num(v, lang, 2) for v in peer_df["officers_per_10k"]],
        t("profile.col.months", lang): [fmt_int(v, lang) for v in peer_df["months_since_first_officer"]],
        t("profile.col.trust", lang): [
            fmt_pct(v, lang) if pd.notna(v) else "—" if pd.isna(n) else t("trust.too_few", lang)
            for v, n in zip(peer_df["trust_share"], peer_df["trust_n_effective"], strict=True)
        ],
    }
)
app_state.show_table(peer_display, peer_df, f"peers_{code}", lang, key="profile_peers", height=320)
