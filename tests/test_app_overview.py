"""The overview page in AppTest, both languages: no exception, and the figures shown equal the
database's (computed here with direct queries, independently of monitor.*)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from monitor import overview
from monitor.formatting import fmt_int, fmt_pct, fmt_signed_int
from monitor.i18n import t
from tests import apptest


def run_page(lang: str, page: str | None = None, **params) -> AppTest:
    return apptest.run_page(page, lang, **params)


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def captions(at: AppTest) -> str:
    """Every caption of the page, one per line (a substring test finds a sentence in any)."""
    return "\n".join(c.value for c in at.caption)


def national(con, day: str) -> dict:
    row = con.execute(
        """SELECT count(*) FILTER (WHERE has_officer), count(*) FILTER (WHERE is_assessable),
                  sum(officers_serving) FILTER (WHERE is_assessable),
                  round(sum(coalesce(population_count, 0) * least(1, officers_serving / greatest(required_officers, 1)))
                        FILTER (WHERE is_assessable)),
                  sum(stations_open) FILTER (WHERE in_programme)
           FROM coverage_on(?::DATE)""", [day]).fetchone()
    return dict(zip(["with_officer", "assessable", "officers", "residents", "stations"], row, strict=True))


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_overview_kpis_equal_the_database(dash_db, con, lang):
    at = run_page(lang)
    assert at.title[0].value == t("overview.title", lang)
    as_of = con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    year, rest = as_of[:4], as_of[4:]
    before = f"{int(year) - 1}{rest if rest != '-02-29' else '-02-28'}"
    now, prev = national(con, as_of), national(con, before)

    tile = metric(at, t("kpi.hromadas_with_officer", lang, n=fmt_int(now["with_officer"], lang),
                        total=fmt_int(now["assessable"], lang)))
    assert tile.value == fmt_pct(now["with_officer"] / now["assessable"], lang)
    assert tile.delta.endswith(f"({fmt_signed_int(now['with_officer'] - prev['with_officer'], lang)})")

    for key, col in (("officers_serving_assessable", "officers"), ("residents_strength_weighted", "residents"),
                     ("stations_open", "stations")):
        tile = metric(at, t(f"kpi.{key}", lang))
        assert tile.value == fmt_int(now[col], lang)
        assert tile.delta == fmt_signed_int(now[col] - prev[col], lang)

    # the rollout_monthly row of the as-of date agrees with the macro (one definition)
    officers = con.execute("SELECT officers_serving_assessable FROM rollout_monthly WHERE scope_katottg = 'UA' "
                           "AND on_date = ?::DATE", [as_of]).fetchone()[0]
    assert metric(at, t("kpi.officers_serving_assessable", lang)).value == fmt_int(officers, lang)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_overview_trust_and_published_table(dash_db, con, lang):
    at = run_page(lang)
    as_of = con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    latest = con.execute(
        """SELECT wave FROM trust_summary WHERE scope_katottg = 'UA' AND metric = 'trust'
           AND wave_end <= ?::DATE ORDER BY wave_end DESC, wave DESC LIMIT 1""", [as_of]).fetchone()
    if latest:
        share, reporting, cities = con.execute(
            """SELECT share, reporting, city_100k_weight_share FROM trust_summary WHERE wave = ?
               AND scope_katottg = 'UA' AND metric = 'trust' AND grp = 'no_officer'""", [latest[0]]).fetchone()
        tile = metric(at, t("kpi.trust_no_officer", lang))
        assert tile.value == (t("reporting.too_few", lang) if reporting == "too_few" else fmt_pct(share, lang))
        # who is in the group, computed: today about half of its weight is cities of 100k+ (Kyiv city,
        # outside the programme, is in neither group)
        assert 0.4 < cities < 0.7
        assert t("overview.trust_cities", lang, share=fmt_pct(cities, lang, 0)) in captions(at)
        assert t("trust.causal_note", lang) in captions(at)

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


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_trust_tiles_write_survey_waves_the_languages_way(con, lang):
    """'2025-H1' is a code: the tiles say «I півріччя 2025» / 'H1 2025' (issue 10)."""
    as_of = con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    tiles = overview.trust_tiles(overview.trust_gap(con, as_of), lang)
    text = " ".join(f"{tile.description or ''} {tile.help or ''}" for tile in tiles)
    assert ("півріччя" if lang == "uk" else " 20") in text
    assert not re.search(r"\d{4}-H[12]", text), text
