"""The planning page in AppTest, both languages: each question's figures on the page equal the
planning functions', and N, the weights, the area and the question come from (and go to) the URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_int, fmt_signed_pp
from monitor.i18n import t
from monitor.planning import forecast, planner, tables
from tests import apptest

PAGE = "views/planning.py"


def run_page(lang: str, **params) -> AppTest:
    return apptest.run_page(PAGE, lang, **params)


@pytest.fixture(scope="module")
def demo_forecast(demo_db) -> dict:
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return forecast.forecast(con)
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_where_shows_the_planners_what_if_and_hromadas(dash_db, con, lang):
    at = run_page(lang)
    assert at.title[0].value == t("planning.title", lang)
    plan = planner.plan(con, 50)
    shown = [(m.label, m.value) for m in at.metric]
    assert shown == [(r["label"], r["value"]) for r in tables.what_if_rows(plan, lang)]
    table = at.dataframe[0].value
    expected = tables.chosen_display(plan, lang)
    assert len(table) == len(plan["chosen"]) > 0
    assert table[t("col.hromada", lang)].tolist() == expected[t("col.hromada", lang)].tolist()
    assert table[t("planning.col.score", lang)].tolist() == expected[t("planning.col.score", lang)].tolist()
    assert at.get("plotly_chart")


def test_n_weights_and_area_come_from_the_url(dash_db, con):
    oblast = con.execute(
        "SELECT oblast_katottg FROM coverage_on((SELECT value::DATE FROM build_info WHERE key = 'as_of_date')) "
        "WHERE is_assessable AND officers_serving < required_officers GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    weights = {"w_need": "0", "w_area": "3", "w_distance": "0", "w_memorandum": "0", "w_trust": "1"}
    at = run_page("en", n="4", oblast=oblast, **weights)
    plan = planner.plan(con, 4, (0, 3, 0, 0, 1), oblast)
    assert at.number_input[0].value == 4
    assert [s.value for s in at.slider] == [0.0, 3.0, 0.0, 0.0, 1.0]
    assert at.query_params["n"] == "4" and at.query_params["w_area"] == "3"
    table = at.dataframe[0].value
    assert table["Hromada"].tolist() == plan["chosen"]["name_en"].tolist()
    assert [m.value for m in at.metric] == [r["value"] for r in tables.what_if_rows(plan, "en")]


def test_all_weights_zero_asks_for_one(dash_db):
    zero = {f"w_{k}": "0" for k in planner.COMPONENTS}
    at = run_page("en", **zero)
    assert at.warning[-1].value == t("planning.weights_zero", "en")
    assert not at.dataframe


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_when_shows_the_forecasts_milestones(dash_db, demo_forecast, lang):
    at = run_page(lang, part="when")
    expected = tables.milestones_display(demo_forecast, "UA", lang)
    table = at.dataframe[0].value
    assert table.values.tolist() == expected.values.tolist()
    assert at.get("plotly_chart")
    # a stalled oblast is named (Kyiv city gets no officer in the demo data)
    if tables.stalled_scopes(demo_forecast):
        assert at.warning[-1].value == t("planning.stalled", lang)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_effect_shows_the_estimate_its_interval_and_the_planted_value(dash_db, demo_trust_estimate, lang):
    at = run_page(lang, part="effect")
    est = demo_trust_estimate
    metrics = {m.label: m for m in at.metric}
    main = metrics[t("planning.es.kpi_estimate", lang)]
    assert main.value == fmt_signed_pp(est["overall"]["estimate"], lang)
    words = tables.effect_texts(est, lang)
    assert words["interval"] in str(main.proto.delta)
    assert metrics[t("planning.es.kpi_planted", lang)].value == fmt_signed_pp(0.08, lang)
    assert metrics[t("planning.es.kpi_sample", lang)].value == words["sample_value"]
    assert fmt_int(est["n_hromadas"], lang) in words["sample_value"]
    table = at.dataframe[0].value
    assert len(table) == int(est["event_study"]["shown"].sum())
    assert t("planning.caveats", lang).splitlines()[0] in [m.value.splitlines()[0] for m in at.markdown]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_planning_key_families_exist(lang):
    from monitor.i18n import catalogue
    from monitor.planning import effect

    keys = [f"planning.component.{k}" for k in planner.COMPONENTS]
    keys += [f"planning.component.{k}.help" for k in planner.COMPONENTS]
    keys += [f"planning.col.c_{k}" for k in planner.COMPONENTS]
    keys += [f"planning.kpi.{k}" for k in ("has_officer", "at_required")]
    keys += [f"planning.fc.kind.{k}" for k in forecast.KINDS] + ["planning.fc.plans_1", "planning.fc.plans_2"]
    keys += [f"planning.milestone.{m}" for m, _, _ in forecast.MILESTONES]
    keys += [f"planning.col.{q}" for q in ("p10", "p50", "p90")]
    keys += [f"planning.fc.status.{s}" for s in ("reached", "never", "beyond")]
    keys += [f"planning.metric.{m}" for m in effect.METRICS]
    keys += [f"planning.part.{p}" for p in ("where", "when", "effect")]
    keys += [f"planning.es.{k}" for k in ("pre", "post", "before", "after", "inside", "outside")]
    table = catalogue()
    assert [k for k in keys if not table.get(k, {}).get(lang)] == []
