"""Хід впровадження / Rollout by region — which oblasts are ahead or behind?"""

import streamlit as st

from monitor import app_state, coverage, rollout
from monitor.figures.rollout import rollout_lines, small_multiples
from monitor.formatting import fmt_date, fmt_pct
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("rollout.title", "rollout.question")
as_of = app_state.as_of_date()

league = app_state.data(rollout.league_table, as_of)
series = app_state.data(rollout.monthly)
national = series[series["scope_katottg"] == rollout.NATIONAL]
national_share = float(national["with_officer_share"].iloc[-1]) if not national.empty else float("nan")
# the programme's oblasts only: the league (rollout_on_dates) has no row outside the universe
oblast_names = {c: n for c, n in app_state.oblast_options(lang).items() if c in set(league["oblast_katottg"])}

# ---------------------------------------------------------------- controls (all in the URL)
c1, c2 = st.columns([3, 2])
with c1:
    metric = app_state.url_select(
        "measure", t("rollout.metric", lang), {m: t(f"metric.{m}", lang) for m in rollout.METRICS},
        "with_officer_share")
with c2:
    view = app_state.url_select(
        "view", t("rollout.view", lang),
        {"compare": t("rollout.view_compare", lang), "all": t("rollout.view_all", lang)},
        "compare", widget="segmented")
kind = rollout.METRICS[metric]

# ---------------------------------------------------------------- chart
if view == "compare":
    chosen = app_state.url_multiselect(
        "oblasts", t("rollout.oblasts", lang), oblast_names, rollout.default_oblasts(league),
        help=t("rollout.oblasts_help", lang), max_selections=8)
    if chosen:
        fig = rollout_lines(series[series["scope_katottg"].isin(chosen)], metric, kind,
                                   {c: oblast_names[c] for c in chosen}, lang, rollout.EVENTS,
                                   national if kind == "share" else None)
        app_state.plotly(fig, key="rollout_lines")
    else:
        st.info(t("rollout.choose_oblasts", lang))
    if kind != "share":
        st.caption(t("rollout.national_only_share", lang))
else:
    # Only oblasts with an assessable hromada: Crimea and Sevastopol would be empty panels.
    with_programme = league[league["hromadas_assessable"].fillna(0) > 0]
    order = [c for c in with_programme["oblast_katottg"] if c in oblast_names]
    fig = small_multiples(series, metric, kind, {c: oblast_names[c] for c in order}, lang,
                                 rollout.EVENTS, national)
    app_state.plotly(fig, key="rollout_multiples")
    st.caption(t("rollout.multiples_note", lang))
st.caption(t("rollout.events_note", lang))
territory_note = app_state.data(coverage.territory_list).note(lang)
st.caption(territory_note)

# ---------------------------------------------------------------- league table
st.subheader(t("rollout.league_heading", lang, date=fmt_date(as_of, lang)))
st.caption(t("rollout.league_note", lang, national=fmt_pct(national_share, lang)))
app_state.show_table(rollout.league_display(league, national_share, lang),
                     rollout.league_download(league, lang), "rollout_league", lang,
                     height=35 * (len(league) + 1) + 3)  # every oblast in view, no scroll inside the table
st.caption(territory_note)
