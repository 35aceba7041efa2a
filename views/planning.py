"""Планування / Planning — where should the next officers go, when will every hromada have one,
does an officer raise trust? One question at a time (?part=), the area (?oblast=) shared."""

import streamlit as st

from monitor import app_state, coverage
from monitor.formatting import fmt_int, fmt_pct
from monitor.i18n import t
from monitor.planning import effect, figures, forecast, planner, tables, universe

PARTS = ("where", "when", "effect")

lang = app_state.lang()
app_state.page_header("planning.title", "planning.question")
is_demo = app_state.data(universe.is_demo)
outside = app_state.data(universe.outside_oblasts)
oblasts = {c: n for c, n in app_state.oblast_options(lang).items() if c not in outside}


def url_number(param: str, label: str, default, low, high, step, *, widget: str = "slider", help=None):
    """A number widget whose value lives in ?<param>= (read on the first run, written on every run)."""
    key = app_state.url_key(param)
    if key not in st.session_state:
        try:
            value = type(default)(float(app_state.url_param(param, str(default))))
        except ValueError:
            value = default
        st.session_state[key] = min(max(value, low), high)
    if widget == "number":
        st.number_input(label, min_value=low, max_value=high, step=step, key=key, help=help)
    else:
        st.slider(label, min_value=low, max_value=high, step=step, key=key, help=help)
    value = st.session_state[key]
    app_state.set_url_param(param, f"{value:g}")
    return value


part = app_state.url_select("part", t("planning.part", lang), {p: t(f"planning.part.{p}", lang) for p in PARTS},
                            "where", widget="segmented")
c_scope, _ = st.columns([2, 3])
scope = app_state.url_select("oblast", t("planning.scope", lang), {"UA": t("common.national", lang), **oblasts},
                             "UA", container=c_scope, help=t("planning.scope_help", lang))
scope_name = t("common.national", lang) if scope == "UA" else oblasts[scope]


def where_next() -> None:
    st.header(t("planning.where.heading", lang))
    c_n, c_weights = st.columns([1, 3])
    with c_n:
        n_officers = url_number("n", t("planning.n", lang), 50, 1, 5000, 10, widget="number",
                                help=t("planning.n_help", lang))
    with c_weights, st.expander(t("planning.weights", lang), expanded=False):
        st.caption(t("planning.weights_help", lang))
        weights = []
        for col, key in zip(st.columns(len(planner.COMPONENTS)), planner.COMPONENTS, strict=True):
            with col:
                weights.append(url_number(f"w_{key}", t(f"planning.component.{key}", lang),
                                          planner.DEFAULT_WEIGHTS[key], 0.0, 5.0, 0.5,
                                          help=t(f"planning.component.{key}.help", lang)))
    if sum(weights) == 0:
        st.warning(t("planning.weights_zero", lang))
        return
    plan = planner.plan_from(app_state.data(planner.candidates), int(n_officers), tuple(weights),
                             None if scope == "UA" else scope)

    st.subheader(t("planning.what_if", lang, n=fmt_int(plan["n_placed"], lang), scope=scope_name))
    # Two tiles a row: four side by side cut their labels at 1,024 px.
    for col, row in zip([*st.columns(2), *st.columns(2)], tables.what_if_rows(plan, lang), strict=True):
        col.metric(row["label"], row["value"], delta=row["change_text"], delta_color="off", delta_arrow="off",
                   border=True)
    if plan["n_placed"] < plan["n_requested"]:
        st.info(t("planning.all_placed", lang, n=fmt_int(plan["n_requested"], lang),
                  gap=fmt_int(plan["n_placed"], lang)))
    st.caption(t("planning.what_if_note", lang, hromadas=fmt_int(len(plan["chosen"]), lang)))

    base_map = app_state.data(figures.status_map, scope, lang, app_state.map_geometry("hromadas"),
                              app_state.map_geometry("oblasts"))
    app_state.plotly(figures.add_plan(base_map, plan, lang), key="plan_map")
    st.caption(t("planning.map_note", lang))
    st.caption(app_state.data(coverage.territory_list).note(lang))

    st.subheader(t("planning.chosen_heading", lang))
    app_state.show_table(tables.chosen_display(plan, lang), tables.candidates_download(plan, lang, is_demo),
                         f"plan_{scope}", lang, key="plan_table", height=420)
    st.caption(t("planning.download_note", lang))
    with st.expander(t("planning.formula_heading", lang)):
        st.markdown(t("planning.formula", lang))
        st.markdown(tables.weights_markdown(plan, lang))


def when_complete() -> None:
    st.header(t("planning.when.heading", lang))
    with st.spinner(t("planning.computing", lang)):
        fc = app_state.data(forecast.forecast)
    pace = tables.pace_summary(fc, scope)
    st.markdown(t("planning.pace", lang, scope=scope_name, gains=fmt_int(pace["gains"], lang),
                  rate=fmt_pct(pace["mean_rate"], lang)))
    app_state.plotly(figures.forecast_figure(fc, scope, lang), key="forecast_chart")
    st.subheader(t("planning.milestones_heading", lang, scope=scope_name))
    app_state.show_table(tables.milestones_display(fc, scope, lang),
                         tables.milestones_download(fc, oblasts, lang, is_demo), "forecast_milestones", lang,
                         key="milestones")
    stalled = tables.stalled_scopes(fc)
    if stalled and (scope == "UA" or scope in stalled):
        st.warning(t("planning.stalled", lang))
        st.dataframe({t("col.oblast", lang): [oblasts.get(s, s) for s in stalled]}, hide_index=True)
    st.caption(t("planning.forecast_note", lang, sims=fmt_int(fc["n_sims"], lang),
                 years=fmt_int(fc["horizon"] // 12, lang)))


def does_it_work() -> None:
    st.header(t("planning.effect.heading", lang))
    metric = app_state.url_select("outcome", t("planning.metric", lang),
                                  {m: t(f"planning.metric.{m}", lang) for m in effect.METRICS}, "trust",
                                  widget="segmented")
    try:
        with st.spinner(t("planning.computing", lang)):
            est = app_state.data(effect.estimate, metric)
    except effect.NotEstimable:
        st.info(t("planning.es.not_estimable", lang))
        return
    words = tables.effect_texts(est, lang)
    cols = [*st.columns(2), *st.columns(2)]
    cols[0].metric(t("planning.es.kpi_estimate", lang), words["estimate"], delta=words["interval"],
                   delta_color="off", delta_arrow="off", border=True, help=t("planning.es.kpi_estimate_help", lang))
    cols[1].metric(t("planning.es.kpi_sample", lang), words["sample_value"], delta=words["sample"],
                   delta_color="off", delta_arrow="off", border=True, help=words["sample_help"])
    cols[2].metric(t("planning.es.kpi_cross", lang), words["cross_value"], delta=words["cross_interval"],
                   delta_color="off", delta_arrow="off", border=True, help=t("planning.es.kpi_cross_help", lang))
    if est["planted"] is not None:
        cols[3].metric(t("planning.es.kpi_planted", lang), words["planted_value"], delta=words["planted_inside"],
                       delta_color="off", delta_arrow="off", border=True)
    if scope != "UA":
        st.caption(t("planning.es.national_only", lang))
    app_state.plotly(figures.event_study_figure(est, lang), key="event_study")
    st.caption(t("planning.es.chart_note", lang, min_cohorts=fmt_int(effect.MIN_COHORTS, lang)))
    st.markdown(t("planning.caveats", lang))
    st.caption(words["left_out"])
    st.subheader(t("planning.es.table_heading", lang))
    app_state.show_table(tables.event_study_display(est, lang), tables.event_study_download(est, is_demo),
                         f"effect_{metric}", lang, key="effect_table")


{"where": where_next, "when": when_complete, "effect": does_it_work}[part]()
