"""The effect estimate on the demo warehouses: it recovers the planted effect inside its interval,
the waves before arrival are near zero, and with no planted effect the interval covers zero.

The demo survey plants trust_effect_pp (8 pp) for respondents in hromadas with an officer serving
on the interview date, on top of a selection effect (hromadas that joined by the end of 2020 trust
+5 pp, in 2021 +2 pp, before and after their officer) — a level difference that the hromada
differencing of the design removes (docs/demo-data.md, docs/methodology.md)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from monitor.planning import effect, universe


@pytest.fixture(scope="module")
def trust(demo_trust_estimate) -> dict:
    return demo_trust_estimate


@pytest.fixture(scope="module")
def trust_without_effect(demo_db_no_effect) -> dict:
    con = duckdb.connect(str(demo_db_no_effect), read_only=True)
    try:
        return effect.estimate(con, "trust")
    finally:
        con.close()


def test_the_planted_trust_effect_lies_inside_the_interval(trust):
    o = trust["overall"]
    assert trust["is_demo"] and trust["planted"] == pytest.approx(0.08)
    assert o["ci_low"] <= trust["planted"] <= o["ci_high"]
    assert o["ci_low"] > 0  # and the estimate says there is an effect
    assert 0.005 < o["se"] < 0.03
    # the cross-check agrees within its own interval
    c = trust["cross_check"]
    assert c["ci_low"] <= trust["planted"] <= c["ci_high"]


def test_waves_before_arrival_are_near_zero(trust):
    es = trust["event_study"]
    pre = es[es["is_pre"] & es["shown"] & ~es["is_reference"]]
    assert len(pre) >= 5
    assert ((pre["ci_low"] <= 0) & (pre["ci_high"] >= 0)).all(), pre
    assert abs(pre["estimate"].mean()) < 0.02
    post = es[~es["is_pre"] & es["shown"]]
    assert (post["estimate"] > 0.02).all()
    # the reference wave is the one just before arrival, and it is zero by construction
    ref = es[es["is_reference"]]
    assert ref["event_time"].tolist() == [-1] and ref["estimate"].tolist() == [0.0]


def test_without_a_planted_effect_the_interval_covers_zero(trust, trust_without_effect):
    o = trust_without_effect["overall"]
    assert trust_without_effect["planted"] == 0.0
    assert o["ci_low"] <= 0 <= o["ci_high"]
    # Both builds share every random draw except the answers of served respondents, so the two
    # estimates differ by the planted effect (as far as the served respondents carry it).
    assert trust["overall"]["estimate"] - o["estimate"] == pytest.approx(0.08, abs=0.015)


def test_knowing_the_officer_recovers_its_planted_effect(demo_con):
    est = effect.estimate(demo_con, "knows_officer")
    o = est["overall"]
    assert est["planted"] == pytest.approx(0.35)
    assert o["ci_low"] <= 0.35 <= o["ci_high"]


def test_sample_counts_and_exclusions(trust, demo_con):
    panel, waves, counts = effect.cells(demo_con, "trust")
    assert trust["n_waves"] == len(waves) == demo_con.execute(
        "SELECT count(DISTINCT wave) FROM trust_survey").fetchone()[0]
    assert trust["n_hromadas"] + trust["left_out"]["already_served_hromadas"] == panel["katottg"].nunique()
    assert trust["n_treated_hromadas"] + trust["n_never_treated_hromadas"] == trust["n_hromadas"]
    # respondents of hromadas not assessable on the interview date would be left out and counted; the
    # demo interviews nobody there (tests/test_territory_demo.py), so none are
    assert counts["not_assessable"] == 0
    assert trust["n_respondents"] < demo_con.execute(
        "SELECT count(*) FROM trust_survey WHERE trust_police IS NOT NULL").fetchone()[0]


def test_the_cohort_is_the_first_wave_ending_on_or_after_the_first_officer(demo_con):
    panel, waves, _ = effect.cells(demo_con, "trust")
    code, first = demo_con.execute(
        "SELECT hromada_katottg, min(start_date) FROM officers GROUP BY 1 HAVING min(start_date) > DATE '2022-01-01' "
        "ORDER BY 1 LIMIT 1").fetchone()
    expected = int(waves.loc[pd.to_datetime(waves["wave_end"]) >= pd.Timestamp(first), "wave_no"].min())
    assert set(panel.loc[panel["katottg"] == code, "cohort"]) == {expected}


def test_the_respondents_states_equal_the_coverage_macro(demo_con):
    fast = demo_con.execute(
        f"SELECT respondent_id, wave, is_assessable, officers_serving FROM ({universe.respondent_states_sql()}) "
        "WHERE in_programme AND wave IN ('2022-H1', '2024-H2') ORDER BY 1, 2").fetchall()
    macro = demo_con.execute(
        """SELECT r.respondent_id, r.wave, c.is_assessable, c.officers_serving
           FROM trust_survey AS r
           JOIN coverage_on_dates((SELECT list(DISTINCT interview_date) FROM trust_survey
                                   WHERE wave IN ('2022-H1', '2024-H2'))) AS c
             ON c.on_date = r.interview_date AND c.katottg = r.hromada_katottg
           WHERE r.wave IN ('2022-H1', '2024-H2')
             AND c.in_programme
           ORDER BY 1, 2""").fetchall()
    assert len(fast) > 10_000 and fast == macro


def test_an_unknown_metric_is_refused(demo_con):
    with pytest.raises(ValueError, match="unknown metric"):
        effect.cells(demo_con, "happiness")


def test_a_survey_too_small_is_refused_in_words():
    import pandas as pd

    def panel(waves, cohort):
        return pd.DataFrame([{"katottg": h, "wave_no": w, "y": 0.5, "weight_sum": 1.0, "respondents": 1,
                              "cohort": cohort(h)} for h in ("A", "B", "C") for w in waves])

    with pytest.raises(effect.NotEstimable, match="at least 3"):
        effect._check_design(panel([1, 2], lambda h: 2 if h == "A" else 0))
    with pytest.raises(effect.NotEstimable, match="before its first officer"):
        effect._check_design(panel([1, 2, 3], lambda h: 1))
    effect._check_design(panel([1, 2, 3], lambda h: 2 if h == "A" else 0))  # usable
