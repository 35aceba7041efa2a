"""The coverage-map page in AppTest, both languages: no exception, and what it shows equals the
database (the status table and the hromadas drawn on the map)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from monitor.coverage import PROGRAMME_STATUSES
from monitor.formatting import fmt_int
from monitor.i18n import t
from tests import apptest


def _run(lang: str, **params) -> AppTest:
    return apptest.run_page("views/coverage_map.py", lang, **params)


def _map_locations(at: AppTest) -> list[str]:
    charts = at.get("plotly_chart")
    assert charts, "no map drawn"
    spec = json.loads(charts[0].proto.spec)
    return [
        loc
        for tr in spec["data"]
        if tr["type"] == "choropleth" and tr.get("meta") == "hromadas"
        for loc in tr["locations"]
    ]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_map_page_matches_the_database(app_db, demo_con, lang):
    at = _run(lang)
    as_of = demo_con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    expected = dict(
        demo_con.execute("SELECT status, count(*) FROM coverage_on(?::DATE) GROUP BY status", [as_of]).fetchall()
    )

    table = at.dataframe[0].value
    shown = dict(zip(table[t("map.col.status", lang)], table[t("map.col.hromadas", lang)], strict=True))
    for status in PROGRAMME_STATUSES:
        assert shown[t(f"status.{status}", lang)] == fmt_int(expected.get(status, 0), lang)
    assert t("status.outside_programme", lang) not in shown  # outside the universe: not counted

    locations = _map_locations(at)
    assert len(locations) == 1469 == len(set(locations))  # Kyiv city is drawn as outside the programme
    # the territory outside the programme, from the oblast layer, labelled: Crimea as occupied, Kyiv city
    outside = {tr["name"]: tr["locations"] for tr in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
               if tr.get("meta") == "outside"}
    labels = dict(demo_con.execute(
        f"SELECT oblast_katottg, label_{lang} FROM outside_programme").fetchall())
    assert set(outside) == {labels["UA01000000000013043"], labels["UA80000000000093317"]}
    assert "UA01000000000013043" in outside[labels["UA01000000000013043"]]  # Sevastopol's code too, if any
    assert outside[labels["UA80000000000093317"]] == ["UA80000000000093317"]
    assert any(c.value.startswith(t("common.territory_list", lang, date="", as_of="")[:12]) for c in at.caption)
    assert at.title[0].value == t("nav.coverage_map", lang)


def test_oblast_metric_and_date_come_from_the_url(app_db, demo_con):
    oblast = "UA12000000000090473"  # Dnipropetrovsk: the pilot oblast
    at = _run("en", oblast=oblast, layer="officers_per_10k", date="2020-12-31")
    assert at.selectbox(key="_url_coverage-map_oblast").value == oblast
    assert at.select_slider(key="map_date").value == "2020-12-31"
    assert at.segmented_control(key="_url_coverage-map_layer").value == "officers_per_10k"
    expected = dict(
        demo_con.execute(
            "SELECT status, count(*) FROM coverage_on(DATE '2020-12-31') WHERE oblast_katottg = ? GROUP BY status",
            [oblast],
        ).fetchall()
    )
    table = at.dataframe[0].value
    shown = dict(zip(table[t("map.col.status", "en")], table[t("map.col.hromadas", "en")], strict=True))
    assert shown[t("status.at_required_strength", "en")] == fmt_int(expected.get("at_required_strength", 0), "en")
    assert len(_map_locations(at)) == 1469  # the whole country stays drawn; the view zooms in
    chart = at.get("plotly_chart")[0].proto
    geo = json.loads(chart.spec)["layout"]["geo"]
    west, east = geo["lonaxis"]["range"]
    south, north = geo["lataxis"]["range"]
    assert 32 < west < 34 and 36 < east < 38 and 47 < south < 48 and 49 < north < 50  # Dnipropetrovsk
    outlines = [tr for tr in json.loads(chart.spec)["data"] if tr.get("meta") == "outline"]
    assert [len(tr["locations"]) for tr in outlines] == [26, 1]  # all oblasts, the chosen one bold
    assert json.loads(chart.config)["topojsonURL"].startswith("data:application/json,")


def test_trust_metric_runs(app_db):
    at = _run("uk", layer="trust")
    assert len(_map_locations(at)) == 1469
