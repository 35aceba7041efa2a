"""The gaps page in AppTest: the list equals the read side, in words of the language; the oblast,
what is shown and the order come from the URL."""

from __future__ import annotations

import pytest

from monitor import coverage, gaps
from monitor.formatting import fmt_int
from monitor.i18n import t
from tests import apptest

PAGE = "views/gaps.py"


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_list_is_the_read_sides(dash_db, con, lang):
    at = apptest.run_page(PAGE, lang)
    assert at.title[0].value == t("gaps.title", lang)
    listed = gaps.gap_list(con, "2026-11-15")
    table = at.dataframe[0].value
    assert len(table) == len(listed)
    assert list(table[t("col.population", lang)]) == [fmt_int(v, lang) for v in listed["population_count"]]
    assert table[t("col.lack", lang)].iloc[0] == t(f"status.{listed['status'].iloc[0]}", lang)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[t("gaps.kpi.no_officer", lang)] == fmt_int((~listed["has_officer"]).sum(), lang)
    # "assessable" decides who is listed: the territory list's date stands beside it (issue 8 §6)
    assert coverage.territory_list(con).note(lang) in [c.value for c in at.caption]


def test_oblast_show_and_order_come_from_the_url(dash_db, con):
    oblast = "UA12000000000090473"
    at = apptest.run_page(PAGE, "uk", oblast=oblast, show="no_officer", sort="officer_gap")
    expected = gaps.shown(gaps.gap_list(con, "2026-11-15", oblast), "no_officer", "officer_gap")
    table = at.dataframe[0].value if len(expected) else None
    if table is not None:
        assert list(table[t("col.hromada", "uk")]) == list(expected["name_uk"])
    assert at.query_params["show"] == "no_officer" and at.query_params["oblast"] == oblast
