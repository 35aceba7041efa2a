"""The rollout page in AppTest, both languages: no exception, the league table equals the
database's, and the oblast choice comes from (and goes to) the URL."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_int, fmt_pct, fmt_signed_pp
from monitor.i18n import t
from monitor.rollout import default_oblasts
from tests import apptest

PAGE = "views/rollout.py"


def run_page(lang: str, **params) -> AppTest:
    return apptest.run_page(PAGE, lang, **params)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_league_table_equals_the_database(dash_db, con, lang):
    at = run_page(lang)
    assert at.title[0].value == t("rollout.title", lang)
    name = "name_en" if lang == "en" else "name_uk"
    expected = con.execute(
        f"""SELECT o.{name}, r.hromadas_with_officer, r.hromadas_assessable, r.with_officer_share
            FROM rollout_monthly AS r JOIN oblasts AS o ON o.oblast_katottg = r.scope_katottg
            WHERE r.on_date = (SELECT max(on_date) FROM rollout_monthly)""").fetchall()
    # the programme's oblasts: not Crimea, Sevastopol or Kyiv city (config/universe.toml)
    n_oblasts = con.execute("SELECT count(*) FROM oblasts WHERE oblast_katottg NOT IN "
                            "(SELECT oblast_katottg FROM outside_programme)").fetchone()[0]
    assert n_oblasts == 24

    table = at.dataframe[0].value
    assert len(table) == n_oblasts
    rows = {r[t("col.oblast", lang)]: r for _, r in table.iterrows()}
    for oblast, covered, assessable, share in expected:
        row = rows[oblast]
        assert row[t("col.with_officer_share", lang)] == fmt_pct(share, lang)
        assert row[t("col.hromadas_with_officer", lang)] == t("rollout.n_of", lang, n=fmt_int(covered, lang),
                                                              total=fmt_int(assessable, lang))
    # rank 1 holds the highest share
    best = max(s for *_, s in expected if s is not None)
    first = table.iloc[0]
    assert first[t("col.rank", lang)] == "1"
    assert first[t("col.with_officer_share", lang)] == fmt_pct(best, lang)


def test_oblasts_metric_and_view_from_the_url(dash_db, con):
    codes = [r[0] for r in con.execute("SELECT oblast_katottg FROM oblasts WHERE oblast_katottg NOT IN "
                                       "(SELECT oblast_katottg FROM outside_programme) "
                                       "ORDER BY oblast_katottg LIMIT 2").fetchall()]
    at = run_page("en", oblasts=",".join(codes), measure="officers_serving_assessable")
    assert at.multiselect[0].value == codes
    assert at.query_params["oblasts"] == ",".join(codes)
    assert at.query_params["measure"] == "officers_serving_assessable"
    # one line per chosen oblast (no national line for counts)
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_small_multiples_view(dash_db, lang):
    at = run_page(lang, view="all")
    assert len(at.get("plotly_chart")) == 1
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = [a["text"] for a in spec["layout"].get("annotations", [])]
    assert not any("Крим" in x or "Crimea" in x or "Севастополь" in x or "Sevastopol" in x for x in titles)
    assert not at.multiselect


def test_default_leaders_and_laggards_skip_oblasts_with_few_assessable_hromadas():
    league = pd.DataFrame({
        "oblast_katottg": ["A", "B", "C", "D", "E", "F"],
        "rank": [1, 2, 3, 4, 5, None],
        "hromadas_assessable": [2, 40, 50, 60, 1, 0],
    })
    assert default_oblasts(league, n=1) == ["B", "D"]


def test_reset_filters_puts_the_page_back_to_its_defaults(dash_db):
    at = run_page("uk", measure="officers_serving_assessable", view="all")
    assert at.query_params["measure"] == "officers_serving_assessable"
    at.button(key="reset_filters").click().run()
    assert not at.exception
    assert at.query_params.get("measure") in (None, "with_officer_share")
    assert at.query_params.get("view") in (None, "compare") and at.query_params["lang"] == "uk"
    assert at.selectbox(key="_url_rollout_measure").value == "with_officer_share"


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_league_says_the_gap_to_the_country_in_points(dash_db, con, lang):
    """Not only ▲/▼: the first oblast's gap to the national share, in percentage points (issue 10)."""
    at = run_page(lang)
    share, national = con.execute(
        """SELECT max(r.with_officer_share) FILTER (WHERE r.scope_katottg <> 'UA'),
                  max(r.with_officer_share) FILTER (WHERE r.scope_katottg = 'UA')
           FROM rollout_monthly AS r WHERE r.on_date = (SELECT max(on_date) FROM rollout_monthly)""").fetchone()
    first = at.dataframe[0].value.iloc[0]
    assert first[t("col.position", lang)] == "▲ " + fmt_signed_pp(share - national, lang)
    assert len(at.dataframe[0].value.columns) <= 11  # read without scrolling sideways; the download has all
