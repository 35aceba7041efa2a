"""The hromada profile in AppTest, both languages: opened by ?hromada=CODE, no exception, and its
facts and peer count equal the database's."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_int
from monitor.i18n import t
from tests import apptest


def _run(lang: str, **params) -> AppTest:
    return apptest.run_page("views/hromada_profile.py", lang, **params)


@pytest.fixture()
def covered_code(demo_con) -> str:
    """A hromada that has had officers (so every section of the page has content)."""
    return demo_con.execute(
        "SELECT hromada_katottg FROM officers GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()[0]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_profile_matches_the_database(app_db, demo_con, covered_code, lang):
    at = _run(lang, hromada=covered_code)
    assert at.selectbox(key="profile_hromada").value == covered_code
    pop, required, type_uk, band = demo_con.execute(
        "SELECT population_count, required_officers, type_uk, size_band FROM hromadas WHERE katottg = ?", [covered_code]
    ).fetchone()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("profile.population", lang)] == fmt_int(pop, lang)
    assert metrics[t("profile.required_officers", lang)] == fmt_int(required, lang)
    serving = demo_con.execute(
        "SELECT officers_serving FROM coverage_monthly WHERE katottg = ? ORDER BY on_date DESC LIMIT 1", [covered_code]
    ).fetchone()[0]
    assert metrics[t("profile.officers_now", lang)] == fmt_int(serving, lang)
    # peers: the same type and band, assessable on the as-of date (and the hromada itself)
    peers = demo_con.execute(
        "SELECT count(*) FROM hromadas AS h JOIN coverage_on((SELECT value::DATE FROM build_info "
        "WHERE key = 'as_of_date')) AS c USING (katottg) WHERE h.size_band = ? AND h.type_uk IS NOT DISTINCT FROM ? "
        "AND (c.is_assessable OR h.katottg = ?)", [band, type_uk, covered_code]
    ).fetchone()[0]
    assert len(at.dataframe[-1].value) == peers
    n_assignments = demo_con.execute(
        "SELECT count(*) FROM officers WHERE hromada_katottg = ?", [covered_code]
    ).fetchone()[0]
    officer_table = at.dataframe[0].value
    assert len(officer_table) == n_assignments


def test_profile_without_a_choice_prompts(app_db):
    at = _run("en")
    assert any(i.value == t("profile.choose_prompt", "en") for i in at.info)


def test_unknown_code_warns(app_db):
    at = _run("uk", hromada="UA00000000000000000")
    assert any(w.value == t("profile.unknown_code", "uk", code="UA00000000000000000") for w in at.warning)


def test_profile_whose_peers_never_had_an_officer(app_db, demo_con):
    """Crimea's hromadas (no type, size band unknown) have peers none of which ever had an officer:
    the peers' median months is shown as '—' (it raised a TypeError on a nullable integer's NA)."""
    (code,) = demo_con.execute(
        """SELECT h.katottg FROM hromadas AS h
           WHERE NOT EXISTS (SELECT 1 FROM officers AS o JOIN hromadas AS p ON p.katottg = o.hromada_katottg
                             WHERE p.size_band = h.size_band AND p.type_uk IS NOT DISTINCT FROM h.type_uk)
           ORDER BY h.katottg LIMIT 1"""
    ).fetchone()
    at = _run("en", hromada=code)
    assert f"{t('profile.peers_median', 'en')}: —" in [c.value for c in at.caption]


def test_status_and_officers_charts_share_one_time_axis(demo_con):
    import datetime as dt

    from monitor import profile
    from monitor.figures.profile import officers_figure, status_figure

    code = demo_con.execute("SELECT hromada_katottg FROM officers ORDER BY start_date, 1 LIMIT 1").fetchone()[0]
    history = profile.status_history(demo_con, code)
    figs = [status_figure(history, "uk"),
            officers_figure(profile.officer_assignments(demo_con, code), history, "2026-11-15", "uk")]
    ranges = [tuple(pd.Timestamp(v) for v in f.layout.xaxis.range) for f in figs]
    assert ranges[0] == ranges[1] and ranges[0][0] < pd.Timestamp(dt.date(2019, 6, 1))
    assert figs[0].layout.margin.l == figs[1].layout.margin.l
