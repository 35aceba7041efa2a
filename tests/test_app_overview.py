"""The overview page in AppTest, both languages: no exception, and the figures shown equal the
database's (computed here with direct queries, independently of monitor.*)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_int, fmt_pct, fmt_signed_int
from monitor.i18n import t
from tests import apptest


def run_page(lang: str, page: str | None = None, **params) -> AppTest:
    return apptest.run_page(page, lang, **params)


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def national(con, day: str) -> dict:
    row = con.execute(
        """SELECT count(*) FILTER (WHERE is_covered), count(*) FILTER (WHERE is_assessable),
                  sum(officers_serving), sum(residents_covered), sum(stations_open)
           FROM coverage_on(?::DATE)""", [day]).fetchone()
    return dict(zip(["covered", "assessable", "officers", "residents", "stations"], row, strict=True))


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_overview_kpis_equal_the_database(dash_db, con, lang):
    at = run_page(lang)
    assert at.title[0].value == t("overview.title", lang)
    as_of = con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    year, rest = as_of[:4], as_of[4:]
    before = f"{int(year) - 1}{rest if rest != '-02-29' else '-02-28'}"
    now, prev = national(con, as_of), national(con, before)

    tile = metric(at, t("kpi.hromadas_covered", lang, n=fmt_int(now["covered"], lang),
                        total=fmt_int(now["assessable"], lang)))
    assert tile.value == fmt_pct(now["covered"] / now["assessable"], lang)
    assert tile.delta.endswith(f"({fmt_signed_int(now['covered'] - prev['covered'], lang)})")

    for key, col in (("officers_serving", "officers"), ("residents_covered", "residents"),
                     ("stations_open", "stations")):
        tile = metric(at, t(f"kpi.{key}", lang))
        assert tile.value == fmt_int(now[col], lang)
        assert tile.delta == fmt_signed_int(now[col] - prev[col], lang)

    # the rollout_monthly row of the as-of date agrees with the macro (one definition)
    officers = con.execute("SELECT officers_serving FROM rollout_monthly WHERE scope_katottg = 'UA' "
                           "AND on_date = ?::DATE", [as_of]).fetchone()[0]
    assert metric(at, t("kpi.officers_serving", lang)).value == fmt_int(officers, lang)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_overview_trust_and_published_table(dash_db, con, lang):
    at = run_page(lang)
    as_of = con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    latest = con.execute(
        """SELECT wave FROM trust_summary WHERE scope_katottg = 'UA' AND metric = 'trust'
           AND wave_end <= ?::DATE ORDER BY wave_end DESC, wave DESC LIMIT 1""", [as_of]).fetchone()
    if latest:
        share = con.execute(
            """SELECT share FROM trust_summary WHERE wave = ? AND scope_katottg = 'UA'
               AND metric = 'trust' AND grp = 'covered'""", [latest[0]]).fetchone()[0]
        assert metric(at, t("kpi.trust_covered", lang)).value in (fmt_pct(share, lang),
                                                                  t("overview.too_few", lang))

    published = con.execute(
        """SELECT count(*) FROM facts_milestones WHERE oblast_katottg IS NULL
           AND metric IN ('officers', 'hromadas_covered', 'residents_covered', 'police_stations')"""
    ).fetchone()[0]
    table = at.dataframe[0].value
    assert len(table) == published
    assert t("col.published", lang) in table.columns and t("col.data", lang) in table.columns


def test_overview_metric_from_the_url(dash_db):
    at = run_page("en", series="residents_covered")
    assert at.query_params["series"] == "residents_covered"
    assert at.query_params["lang"] == "en"
