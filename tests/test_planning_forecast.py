"""The forecast: on hand-built series it gives the expected month, a stalled series says so, the
country is held back by a stalled oblast; on the demo warehouse the pace is counted as defined."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor.planning import forecast
from monitor.planning.forecast import milestone_row, milestones_from, months_to_reach, quantile_months, simulate


def analytic_quantiles(pool: int, rate: float, qs=(0.1, 0.5, 0.9)) -> list[int]:
    """With the same rate every month, each hromada is still waiting after k months with
    probability (1 - rate)^k, so all `pool` have arrived by month k with (1 - (1 - rate)^k)^pool."""
    out = []
    for q in qs:
        k = 0
        while (1 - (1 - rate) ** k) ** pool < q:
            k += 1
        out.append(k)
    return out


def test_a_steady_pace_gives_the_analytic_months():
    remaining = simulate(64, [0.5] * 12, n_sims=4000, rng=np.random.default_rng(1))
    p10, p50, p90 = quantile_months(months_to_reach(remaining, 0))
    expected = analytic_quantiles(64, 0.5)  # [5, 7, 10]
    assert expected == [5, 7, 10]
    assert abs(p10 - expected[0]) <= 1 and p50 == expected[1] and abs(p90 - expected[2]) <= 1


def test_the_last_hromadas_take_longest():
    # 100 waiting, 10 % a month: the first half arrive in 7 months, the last 5 take ~20 more
    # (a straight line through the first 7 months would bring them in within one).
    remaining = simulate(100, [0.1] * 12, rng=np.random.default_rng(2))
    half = quantile_months(months_to_reach(remaining, 50))[1]
    last5 = quantile_months(months_to_reach(remaining, 0))[1] - quantile_months(months_to_reach(remaining, 5))[1]
    assert half == 7
    assert last5 > 2 * half


def test_everyone_arriving_every_month_means_next_month():
    row = milestone_row(100, 90, simulate(10, [1.0]), 1.0)
    assert (row["status"], row["p10"], row["p50"], row["p90"]) == ("forecast", 1.0, 1.0, 1.0)


def test_a_milestone_already_reached_says_so():
    row = milestone_row(100, 96, simulate(4, [0.2]), 0.95)
    assert row["status"] == "reached" and row["target"] == 95


def test_a_stalled_series_says_never():
    rates = [0.0] * 12
    row = milestone_row(100, 80, simulate(20, rates), 0.95, stalled=20)
    assert row["status"] == "never" and math.isinf(row["p50"])


def test_a_slow_pace_beyond_the_horizon_is_not_a_date():
    row = milestone_row(1000, 500, simulate(500, [0.001] * 12, horizon=120), 1.0)
    assert row["status"] == "not_within_horizon" and math.isinf(row["p50"])


def test_a_stalled_oblast_holds_the_country_back_but_not_its_95_percent():
    # Oblast A: 90 of 100, moving fast; oblast B: 99 of 100, its one waiting hromada never moves.
    rows, fans = milestones_from([100, 100], [90, 99], [[0.5] * 12, [0.0] * 12], ["A", "B"],
                                 rng=np.random.default_rng(3))
    by = {(r["scope_katottg"], r["milestone"]): r for r in rows}
    assert by[("UA", "officer_100")]["status"] == "never"
    assert by[("B", "officer_100")]["status"] == "never"
    assert by[("A", "officer_100")]["status"] == "forecast"
    # 189 of 200 have one, 190 needed: A brings the one more next month, whatever B does
    ua95 = by[("UA", "officer_95")]
    assert (ua95["target"], ua95["status"], ua95["p50"], ua95["p90"]) == (190, "forecast", 1.0, 1.0)


def test_the_same_seed_gives_the_same_months():
    a = simulate(50, [0.05, 0.1, 0.02], rng=np.random.default_rng(7))
    b = simulate(50, [0.05, 0.1, 0.02], rng=np.random.default_rng(7))
    assert (a == b).all()


def test_fan_quantiles_are_simulated_counts():
    remaining = simulate(10, [0.3] * 12, rng=np.random.default_rng(4))
    f = forecast.fan(remaining, 100)
    assert f.loc[0, ["p10", "p50", "p90"]].tolist() == [90, 90, 90]
    assert (f["p10"] <= f["p50"]).all() and (f["p50"] <= f["p90"]).all()
    assert f["p50"].iloc[-1] == 100


# ---------------------------------------------------------------- on the demo warehouse
def test_pace_on_the_demo_warehouse_counts_the_pool_and_its_arrivals(demo_con):
    as_of = demo_con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0]
    p = forecast.pace(demo_con, as_of)
    ua = p[(p["scope_katottg"] == "UA") & (p["kind"] == "officer")]
    assert len(ua) == forecast.PACE_MONTHS
    # the country's pool and arrivals are its oblasts' sums
    oblasts = p[(p["scope_katottg"] != "UA") & (p["kind"] == "officer")].groupby("on_date")[["pool", "gains"]].sum()
    assert (oblasts.loc[ua["on_date"]].to_numpy() == ua[["pool", "gains"]].to_numpy()).all()
    # one month checked against coverage_monthly directly
    last = ua.iloc[-1]
    pool, gains = demo_con.execute(
        """SELECT count(*) FILTER (WHERE p.is_assessable AND c.is_assessable AND NOT p.has_officer),
                  count(*) FILTER (WHERE p.is_assessable AND c.is_assessable AND NOT p.has_officer AND c.has_officer)
           FROM coverage_monthly AS c JOIN coverage_monthly AS p USING (katottg)
           WHERE c.on_date = ? AND p.on_date = last_day(c.on_date - INTERVAL 1 MONTH)
             AND c.in_programme""",
        [last["on_date"]]).fetchone()
    assert (last["pool"], last["gains"]) == (pool, gains)
    assert last["rate"] == pytest.approx(gains / pool)
