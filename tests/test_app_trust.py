"""The trust page in AppTest, both languages: no exception; the latest wave's values equal
trust_summary as its reporting class allows, a value with too few responses is never shown as a
number, and a value to use with caution says so."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_signed_pp, fmt_wave
from monitor.i18n import t
from monitor.survey import value_text
from tests import apptest


def _run(lang: str, **params) -> AppTest:
    return apptest.run_page("views/trust.py", lang, **params)


def _latest(demo_con, scope: str, metric: str) -> dict[str, tuple]:
    rows = demo_con.execute(
        """
        SELECT grp, share, reporting FROM trust_summary
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
    for grp, (share, reporting) in latest.items():
        assert metrics[t(f"group.{grp}", lang)] == value_text(share, reporting, lang)
    gap, reporting, significant = demo_con.execute(
        "SELECT gap, reporting, is_significant FROM trust_gaps WHERE scope_katottg = 'UA' AND metric = 'trust'"
        " ORDER BY wave DESC LIMIT 1").fetchone()
    tile = [m for m in at.metric if m.label == t("trust.gap", lang)][0]
    assert tile.value == (t("reporting.too_few", lang) if reporting == "too_few" else fmt_signed_pp(gap, lang))
    assert tile.delta == t("trust.gap_sig" if significant else "trust.gap_ns", lang)
    wave = demo_con.execute("SELECT wave FROM trust_summary WHERE scope_katottg = 'UA' ORDER BY wave_start DESC, wave "
                            "DESC LIMIT 1").fetchone()[0]
    assert at.subheader[0].value == t("trust.latest", lang, wave=fmt_wave(wave, lang))  # not the code '2026-H2'
    assert at.get("plotly_chart")
    n_rows = demo_con.execute(
        "SELECT count(*) FROM trust_summary WHERE scope_katottg = 'UA' AND metric = 'trust'"
    ).fetchone()[0]
    assert len(at.dataframe[0].value) == n_rows


@pytest.mark.parametrize("reporting", ["too_few", "caution"])
def test_oblast_table_marks_each_figure_by_its_reporting_class(app_db, demo_con, reporting):
    row = demo_con.execute(
        "SELECT scope_katottg, metric FROM trust_summary WHERE scope_katottg <> 'UA' AND reporting = ? "
        "GROUP BY ALL ORDER BY count(*) DESC, scope_katottg, metric LIMIT 1",
        [reporting],
    ).fetchone()
    assert row is not None, f"the demo warehouse has no {reporting} figure in an oblast"
    scope, metric = row
    at = _run("en", oblast=scope, question=metric)
    shares = at.dataframe[0].value[t("trust.col.share", "en")]
    expected = demo_con.execute(
        "SELECT count(*) FROM trust_summary WHERE scope_katottg = ? AND metric = ? AND reporting = ?",
        [scope, metric, reporting],
    ).fetchone()[0]
    if reporting == "too_few":
        assert (shares == t("reporting.too_few", "en")).sum() == expected
    else:
        marked = shares.str.endswith("(use with caution: few responses)")
        assert marked.sum() == expected and not shares[marked].str.startswith("Too few").any()


def test_knows_officer_metric(app_db):
    at = _run("uk", question="knows_officer")
    assert at.segmented_control(key="_url_trust_question").value == "knows_officer"
