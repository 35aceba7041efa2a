"""Карта покриття / Coverage map — where are the gaps?"""

import time

import streamlit as st

from monitor import app_state, coverage, profile, survey, trust
from monitor.db import NATIONAL
from monitor.figures import maps
from monitor.formatting import fmt_date, fmt_int, fmt_month
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("nav.coverage_map", "map.question")

dates = app_state.data(coverage.available_dates)
scopes = app_state.scope_options(lang)

# A replay step asked for on the previous run (see _replay_step).
if "_map_next_date" in st.session_state:
    st.session_state["map_date"] = st.session_state.pop("_map_next_date")
if st.session_state.pop("_map_replay_stop", False):
    st.session_state["map_replay"] = False
    st.session_state.pop("_map_replay_running", None)

# The date is the one URL-bound widget app_state.url_select does not cover (a select slider):
# taken from ?date= when the link changes it, written back on every run.
url_date = app_state.url_param("date", dates[-1], dates)
if "map_date" not in st.session_state or st.session_state.get("_map_date_url") != url_date:
    st.session_state["map_date"] = url_date

c_oblast, c_metric = st.columns([2, 3])
oblast = app_state.url_select("oblast", t("map.oblast", lang), scopes, NATIONAL, container=c_oblast)
metric = app_state.url_select(
    "layer",
    t("map.metric", lang),
    {m: maps.metric_label(m, lang) for m in maps.METRICS},
    "status",
    widget="segmented",
    container=c_metric,
    help=t("map.metric_help", lang),
)
on_date = st.select_slider(
    t("map.date", lang),
    dates,
    key="map_date",
    format_func=lambda d: fmt_month(d, lang) if d != dates[-1] else fmt_date(d, lang),
)
# The toggles on their own row: beside the slider a 1,024 px screen split their labels mid-word.
c_stations, c_replay, c_speed = st.columns([1.3, 2, 3.5], vertical_alignment="center")
with c_stations:
    show_stations = app_state.url_toggle("stations", t("map.stations", lang), True)
with c_replay:
    replay = st.toggle(t("map.replay", lang), key="map_replay", help=t("map.replay_help", lang))
# Replay speed: seconds per month step.
SPEEDS = {"slow": 3.0, "normal": 1.5, "fast": 0.8}
step_s = SPEEDS["normal"]
if replay:
    step_s = SPEEDS[app_state.url_select("speed", t("map.replay_speed", lang),
                                         {s: t(f"map.replay_speed.{s}", lang) for s in SPEEDS}, "normal",
                                         widget="segmented", container=c_speed)]
app_state.set_url_param("date", None if on_date == dates[-1] else on_date)
st.session_state["_map_date_url"] = on_date


@st.fragment(run_every=step_s if replay else None)
def _replay_step() -> None:
    """While replaying, ask for the next month on each tick (from May 2019 if at the as-of date).

    The step is applied before the widgets are drawn (top of the page), since a widget's state
    cannot change after the widget is drawn in the same run.
    """
    now = time.monotonic()
    if now - st.session_state.get("_map_replay_t", 0.0) < step_s * 0.85:
        return  # the full rerun that follows a step
    st.session_state["_map_replay_t"] = now
    i = dates.index(on_date)
    if i == len(dates) - 1 and st.session_state.get("_map_replay_running"):
        st.session_state["_map_replay_stop"] = True
    else:
        st.session_state["_map_next_date"] = dates[0] if i == len(dates) - 1 else dates[i + 1]
        st.session_state["_map_replay_running"] = True
    st.rerun(scope="app")


if replay:
    _replay_step()
else:
    st.session_state.pop("_map_replay_running", None)

cov_all = app_state.data(coverage.coverage_on, on_date)
if metric == "trust":
    cov_all = trust.with_oblast_trust(cov_all, app_state.data(trust.oblast_latest, on_date))
scope = coverage.map_scope(oblast, cov_all, app_state.data(coverage.display_geometry, "hromadas"),
                           app_state.data(coverage.display_geometry, "oblasts"))
stations = app_state.data(coverage.stations_open_on, on_date) if show_stations else None
spec = maps.scope_spec(scope, metric, app_state.map_geometry("oblasts"), stations,
                       app_state.data(coverage.outside_programme))
fig = maps.coverage_figure(coverage.with_geometry(cov_all), app_state.map_geometry("hromadas"), lang, spec)
event = st.plotly_chart(
    fig, key="coverage_map", on_select="rerun", selection_mode="points", config=app_state.PLOTLY_CONFIG
)
chosen = maps.selected_hromada(event)
if chosen:
    st.switch_page("views/hromada_profile.py", query_params={"hromada": chosen, "lang": lang})

st.caption(t("map.attribution", lang))
territory_note = app_state.data(coverage.territory_list).note(lang)
st.caption(territory_note)
if metric == "trust":
    st.caption(t("map.trust_note", lang) + " " + survey.rule_note(app_state.data(survey.reporting_rule), lang))
n_without = scope.without_geometry(cov_all)
if n_without:
    st.caption(t("map.no_geometry", lang, n=fmt_int(n_without, lang)))

st.caption(t("map.click_hint", lang))
labels = profile.search_labels(scope.hromadas_by_name(cov_all, lang), lang)
pick = app_state.hromada_picker(t("map.open_profile", lang), labels, t("map.choose_hromada", lang), "map_pick")
if pick:
    st.switch_page("views/hromada_profile.py", query_params={"hromada": pick, "lang": lang})

st.subheader(t("map.table_title", lang, scope=scopes[oblast], date=fmt_date(on_date, lang)))
counts = coverage.status_counts(cov_all, scope.count_oblast)
app_state.show_table(coverage.status_display(counts, lang), coverage.status_download(counts, lang, on_date, oblast),
                     "coverage_by_status", lang)
st.caption(t("map.table_note", lang) + " " + territory_note)
