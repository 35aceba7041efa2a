"""trust_summary on the demo warehouse's microdata: its standard errors equal samplics' Taylor
linearisation (tests/survey_reference.py) to 1e-9, Kyiv city is a certainty stratum, and every
figure's reporting class follows config/reporting.toml."""

from __future__ import annotations

import pytest

from etl import reporting
from tests import survey_reference

KYIV_CITY = "UA80000000000093317"


@pytest.fixture(scope="module")
def wave_and_micro(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    # the latest wave with a full fieldwork (the last one may still be running on the as-of date)
    (wave,) = con.execute(
        "SELECT wave FROM trust_summary GROUP BY wave ORDER BY max(wave_start) DESC LIMIT 1 OFFSET 1"
    ).fetchone()
    micro = survey_reference.wave_microdata(con, wave)
    certainty = survey_reference.certainty_strata(con)
    yield con, wave, micro, certainty
    con.close()


def test_standard_errors_equal_samplics(wave_and_micro):
    con, wave, micro, certainty = wave_and_micro
    assert certainty == {KYIV_CITY}
    # the country, Kyiv city (certainty), the oblast with the most and the one with the fewest PSUs
    oblasts = [s for (s,) in con.execute(
        "SELECT scope_katottg FROM trust_summary WHERE wave = ? AND scope_katottg NOT IN ('UA', ?)"
        " AND grp = 'all' AND metric = 'trust' ORDER BY n_psu DESC, scope_katottg", [wave, KYIV_CITY]).fetchall()]
    scopes = ["UA", KYIV_CITY, oblasts[0], oblasts[-1]]
    rows = con.execute(
        "SELECT scope_katottg, grp, metric, share, se, df FROM trust_summary WHERE wave = ?"
        " AND list_contains(?, scope_katottg) AND share > 0 AND share < 1 ORDER BY ALL",
        [wave, scopes],
    ).fetchall()
    assert len(rows) >= 16
    for scope, grp, metric, share, se, df in rows:
        ref = survey_reference.taylor_ratio(micro, certainty, scope, grp, metric)
        assert share == pytest.approx(ref["share"], abs=1e-12), (scope, grp, metric)
        assert se == pytest.approx(ref["se"], abs=1e-9), (scope, grp, metric)
        if scope == "UA":
            assert df == ref["df"]  # PSUs − strata of the whole design, as samplics counts them


def test_kyiv_city_is_a_certainty_stratum(wave_and_micro):
    con, wave, micro, _ = wave_and_micro
    row = con.execute(
        "SELECT n_unweighted, n_psu, n_hromadas, df FROM trust_summary WHERE wave = ? AND scope_katottg = ?"
        " AND grp = 'all' AND metric = 'knows_officer'", [wave, KYIV_CITY]).fetchone()
    in_kyiv = micro["stratum"] == KYIV_CITY
    answered = int(micro.loc[in_kyiv, "knows_answered"].sum())
    # every respondent is a PSU: the domain's PSUs are its answers; df = the stratum's PSUs − 1
    assert row == (answered, answered, 1, int(in_kyiv.sum()) - 1)


def test_every_figure_is_classified_by_the_rule(demo_con):
    rule = reporting.read_rule()
    df = demo_con.execute("SELECT * FROM trust_summary").df()
    too_few = ((df["n_psu"] < rule["min_hromadas"]) | (df["max_psu_weight_share"] > rule["max_hromada_weight_share"])
               | (df["n_effective"] < rule["caution_effective_n"]))
    expected = too_few.map({True: "too_few", False: None}).fillna(
        (df["n_effective"] < rule["min_effective_n"]).map({True: "caution", False: "reportable"}))
    assert (df["reporting"] == expected).all()
    assert set(df["reporting"]) == {"reportable", "caution", "too_few"}  # the demo has all three
    assert (df["n_effective"] <= df["n_unweighted"] + 1e-9).all()
    stored = demo_con.execute("SELECT * FROM reporting_rule").df().iloc[0].to_dict()
    assert stored == pytest.approx(rule)


def test_no_significant_change_from_too_few_or_a_zero_se(demo_con):
    bad = demo_con.execute(
        "SELECT count(*) FROM wave_changes WHERE is_significant AND (reporting = 'too_few' OR NOT se_change > 0"
        " OR p_adjusted > (SELECT fdr_level FROM reporting_rule))"
    ).fetchone()[0]
    assert bad == 0
    # the adjusted p is never below the raw one, and at least one change is still flagged on the demo
    assert demo_con.execute("SELECT count(*) FROM wave_changes WHERE p_adjusted < p_value - 1e-15").fetchone()[0] == 0
    assert demo_con.execute("SELECT count(*) FROM wave_changes WHERE is_significant").fetchone()[0] > 0


def test_group_gap_standard_error_is_the_linearised_domain_difference(wave_and_micro):
    con, wave, micro, certainty = wave_and_micro
    rows = con.execute(
        "SELECT g.scope_katottg, g.metric, g.gap, g.se, s1.se AS se_has, s2.se AS se_no FROM trust_gaps AS g"
        " JOIN trust_summary AS s1 ON s1.wave = g.wave AND s1.scope_katottg = g.scope_katottg"
        "  AND s1.metric = g.metric AND s1.grp = 'has_officer'"
        " JOIN trust_summary AS s2 ON s2.wave = g.wave AND s2.scope_katottg = g.scope_katottg"
        "  AND s2.metric = g.metric AND s2.grp = 'no_officer'"
        " WHERE g.wave = ? AND (g.scope_katottg = 'UA' OR g.scope_katottg IN"
        "  (SELECT scope_katottg FROM trust_gaps WHERE wave = ? AND scope_katottg <> 'UA' ORDER BY ALL LIMIT 3))",
        [wave, wave],
    ).fetchall()
    assert len(rows) >= 6
    for scope, metric, gap, se, *_ in rows:
        ref = survey_reference.linearised_gap(micro, certainty, scope, metric)
        assert gap == pytest.approx(ref["gap"], abs=1e-12) and se == pytest.approx(ref["se"], abs=1e-9), scope
    # the covariance is real: the gap's se is not the independent-samples √(se₁² + se₂²)
    national = [r for r in rows if r[0] == "UA"]
    assert any(abs(se - (se_has**2 + se_no**2) ** 0.5) > 1e-4 for _, _, _, se, se_has, se_no in national)


def test_the_groups_are_the_coverage_macros_words_on_the_interview_date(demo_con):
    """'has an officer' / 'no officer' per respondent is coverage_on_dates' has_officer on the
    interview date; not assessable there (Kyiv city, outside the programme, included) is in 'all' only."""
    expected = dict(demo_con.execute(
        """SELECT coalesce(CASE WHEN NOT c.is_assessable THEN 'none' WHEN c.has_officer THEN 'has_officer'
                                ELSE 'no_officer' END, '?') AS grp, count(*)
           FROM trust_survey AS r
           JOIN coverage_on_dates((SELECT list(DISTINCT interview_date) FROM trust_survey)) AS c
             ON c.katottg = r.hromada_katottg AND c.on_date = r.interview_date
           WHERE r.trust_police BETWEEN 1 AND 4 GROUP BY 1""").fetchall())
    got = dict(demo_con.execute(
        "SELECT grp, sum(n_unweighted) FROM trust_summary WHERE scope_katottg = 'UA' AND metric = 'trust' "
        "GROUP BY 1").fetchall())
    assert got["has_officer"] == expected["has_officer"] and got["no_officer"] == expected["no_officer"]
    assert got["all"] == sum(expected.values())
    kyiv = demo_con.execute("SELECT count(*) FROM trust_survey WHERE hromada_katottg LIKE 'UA80%' "
                            "AND trust_police BETWEEN 1 AND 4").fetchone()[0]
    assert kyiv > 0 and expected.get("none", 0) >= kyiv  # Kyiv city's respondents: in no group
