"""The trust page in AppTest, both languages: no exception; the latest wave's values equal
trust_summary, and a value with too few responses is never shown as a number."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.i18n import t
from monitor.settings import min_effective_n
from monitor.trust import value_text
from tests import apptest


def _run(lang: str, **params) -> AppTest:
    return apptest.run_page("views/trust.py", lang, **params)


def _latest(demo_con, scope: str, metric: str) -> dict[str, tuple]:
    rows = demo_con.execute(
        """
        SELECT grp, share, n_effective FROM trust_summary
        WHERE scope_katottg = ? AND metric = ?
        QUALIFY wave_start = max(wave_start) OVER ()
        """,
        [scope, metric],
    ).fetchall()
    return {g: (s, n) for g, s, n in rows}


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_national_latest_wave_matches_the_database(app_db, demo_con, lang):
    at = _run(lang)
    latest = _latest(demo_con, "UA", "trust")
    metrics = {m.label: m.value for m in at.metric}
    for grp, (share, n_eff) in latest.items():
        assert metrics[t(f"group.{grp}", lang)] == value_text(share, n_eff >= min_effective_n(), lang)
    assert at.get("plotly_chart")
    n_rows = demo_con.execute(
        "SELECT count(*) FROM trust_summary WHERE scope_katottg = 'UA' AND metric = 'trust'"
    ).fetchone()[0]
    assert len(at.dataframe[0].value) == n_rows


def test_small_oblast_sample_shows_too_few_not_a_number(app_db, demo_con):
    row = demo_con.execute(
        "SELECT scope_katottg, metric FROM trust_summary WHERE scope_katottg <> 'UA' AND n_effective < ? "
        "ORDER BY n_effective LIMIT 1",
        [min_effective_n()],
    ).fetchone()
    if row is None:
        pytest.skip("the demo warehouse has no cell below the minimum effective n")
    scope, metric = row
    at = _run("en", oblast=scope, question=metric)
    table = at.dataframe[0].value
    few = demo_con.execute(
        "SELECT count(*) FROM trust_summary WHERE scope_katottg = ? AND metric = ? AND n_effective < ?",
        [scope, metric, min_effective_n()],
    ).fetchone()[0]
    assert (table[t("trust.col.share", "en")] == t("trust.too_few", "en")).sum() == few


def test_knows_officer_metric(app_db):
    at = _run("uk", question="knows_officer")
    assert at.segmented_control(key="_url_trust_question").value == "knows_officer"
