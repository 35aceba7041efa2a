"""When will coverage be complete? A Monte Carlo of monthly arrivals resampled from the recent pace.

For each oblast and each kind of progress:

    officer   an assessable hromada without an officer gets one (has an officer)
    required  an assessable hromada below its required strength reaches it (at required strength)

the **pace** is, for each of the last 12 whole months (month end m-1 -> m), the *rate relative to
the remaining pool*: r_m = hromadas of the pool at m-1 that made the step by m / the pool at m-1,
the pool being the hromadas assessable at both month ends that had not made the step at m-1.

A simulated month draws one of the oblast's 12 rates at random (a bootstrap of months) and moves
Binomial(pool, r) hromadas out of the pool. Because arrivals are a share of what is left, the last
hromadas take longest (a straight line, or a constant count per month, would finish the last 5 %
as fast as the first). The country's pool is the sum of its oblasts' simulated pools, so an oblast
that stalls holds the country back. An oblast with no pool in any of the 12 months takes the
national pace. 2,000 simulations, 120 months ahead, seeded: the same warehouse always gives the
same months. A milestone's month is the first simulated month at which the count reaches the
target (95 %, 99 % and 100 % of the assessable hromadas having an officer; 100 % at required
strength); P10 / P50 / P90 over the simulations. Status 'never' when the hromadas that can still
arrive at the recent pace are too few for the target (an oblast whose 12 rates are all zero never
adds any); 'not_within_horizon' when the P50 lies beyond the 120 months.

Assumptions, stated on the page: the assessable hromadas stay those of the as-of date; officers
who leave are replaced (departures are not simulated); the two kinds are simulated separately.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd

from monitor.db import query
from monitor.planning import universe

NATIONAL = "UA"
KINDS = ("officer", "required")
# (milestone key, kind, share of the assessable hromadas)
MILESTONES = (
    ("officer_95", "officer", 0.95),
    ("officer_99", "officer", 0.99),
    ("officer_100", "officer", 1.0),
    ("required_100", "required", 1.0),
)
PACE_MONTHS = 12
N_SIMS = 2000
HORIZON_MONTHS = 120
SEED = 20190529
_CAP = 1e6  # a cumulative hazard no wait reaches (see simulate_pools)


# ---------------------------------------------------------------- the simulation (pure)
def simulate_pools(pools, rates: list, n_sims: int = N_SIMS, horizon: int = HORIZON_MONTHS,
                   rng: np.random.Generator | None = None) -> np.ndarray:
    """Hromadas still in each pool after each simulated month: int32 [n_pools, n_sims, horizon + 1]
    (month 0 = today). In pool i each simulated month draws one of `rates[i]` at random, and each
    hromada still in the pool leaves that month with that probability (so the month's arrivals are
    Binomial(pool, rate)); a pool whose rates are empty never shrinks.

    Drawn exactly but without a month-by-month loop: given a simulation's rates r_1..r_H, a
    hromada is still waiting after month k with probability prod_j<=k (1 - r_j) = exp(-H_k),
    H_k = -sum log(1 - r_j), so it leaves in the first month with H_k >= E, E ~ Exp(1)."""
    rng = rng if rng is not None else np.random.default_rng(SEED)
    pools = np.asarray(pools, dtype=np.int64)
    out = np.empty((pools.size, n_sims, horizon + 1), dtype=np.int32)
    for i, (pool, r) in enumerate(zip(pools, rates, strict=True)):
        r = np.clip(np.asarray(r, dtype="float64"), 0.0, 1.0)
        out[i, :, 0] = pool
        if r.size == 0 or pool == 0:
            out[i, :, 1:] = pool
            continue
        with np.errstate(divide="ignore"):
            hazard = -np.log1p(-r[rng.integers(0, r.size, (n_sims, horizon))])
        # Capped so that a rate of 1 (infinite hazard) still compares; waits never come near it.
        cum = np.minimum(np.cumsum(hazard, axis=1), _CAP)  # [n_sims, horizon]
        waits = np.sort(np.minimum(rng.exponential(size=(n_sims, int(pool))), _CAP / 2), axis=1)
        # Per simulation, the hromadas whose wait is over by month k: one searchsorted over all
        # simulations at once, each simulation's values shifted into its own band.
        band = (np.arange(n_sims) * 2 * _CAP)[:, None]
        done = np.searchsorted((waits + band).ravel(), (cum + band).ravel(), side="right").reshape(n_sims, horizon)
        out[i, :, 1:] = pool - (done - np.arange(n_sims)[:, None] * int(pool))
    return out


def simulate(pool: int, rates, n_sims: int = N_SIMS, horizon: int = HORIZON_MONTHS,
             rng: np.random.Generator | None = None) -> np.ndarray:
    """simulate_pools() of one pool (NaN rates dropped): [n_sims, horizon + 1]."""
    r = np.asarray(rates, dtype="float64")
    return simulate_pools([pool], [r[~np.isnan(r)]], n_sims, horizon, rng)[0]


def months_to_reach(remaining: np.ndarray, max_left: int) -> np.ndarray:
    """Per simulation, the first month at which at most `max_left` are left in the pool (0 = now);
    inf when not within the horizon."""
    hit = remaining <= max_left
    first = hit.argmax(axis=-1).astype("float64")
    first[~hit.any(axis=-1)] = np.inf
    return first


def quantile_months(months: np.ndarray) -> tuple[float, float, float]:
    """P10, P50, P90 of months to reach (discrete: each is a simulated month, or inf)."""
    q = np.quantile(months, [0.1, 0.5, 0.9], method="inverted_cdf")
    return float(q[0]), float(q[1]), float(q[2])


def target_count(total: int, share: float) -> int:
    """Hromadas a milestone needs: ceil(share x total)."""
    return math.ceil(share * total - 1e-9)


def milestone_row(total: int, current: int, remaining: np.ndarray, share: float, stalled: int = 0) -> dict:
    """One milestone from simulated pools `remaining` [n_sims, horizon + 1]; `stalled`: hromadas of
    the pool in oblasts whose 12 rates are all zero (they never arrive at this pace).

    status: 'reached' (already), 'forecast' (P50 within the horizon), 'not_within_horizon', or
    'never'. p10 / p50 / p90 in months from today (inf = not within the horizon)."""
    target = target_count(total, share)
    row = {"total": int(total), "current": int(current), "target": int(target)}
    if current >= target:
        return {**row, "status": "reached", "p10": 0.0, "p50": 0.0, "p90": 0.0}
    if total - stalled < target:
        return {**row, "status": "never", "p10": math.inf, "p50": math.inf, "p90": math.inf}
    p10, p50, p90 = quantile_months(months_to_reach(remaining, total - target))
    status = "forecast" if math.isfinite(p50) else "not_within_horizon"
    return {**row, "status": status, "p10": p10, "p50": p50, "p90": p90}


def fan(remaining: np.ndarray, total: int) -> pd.DataFrame:
    """P10 / P50 / P90 of the hromadas having made the step, by month ahead (0 = today)."""
    ordered = np.sort(remaining, axis=0)
    n = ordered.shape[0]
    # inverted-CDF quantiles (each a simulated value): the ceil(q n)-th smallest.
    q = {p: ordered[max(math.ceil(p * n) - 1, 0)] for p in (0.1, 0.5, 0.9)}
    return pd.DataFrame({"month": np.arange(remaining.shape[1]), "p10": total - q[0.9], "p50": total - q[0.5],
                         "p90": total - q[0.1]})


def milestones_from(totals, currents, rates: list, scopes: list[str], n_sims: int = N_SIMS,
                    horizon: int = HORIZON_MONTHS, rng: np.random.Generator | None = None,
                    kind: str = "officer") -> tuple[list[dict], list[pd.DataFrame]]:
    """Milestone rows and fans of one kind for the oblasts `scopes` and the country (their sum)."""
    totals = np.asarray(totals, dtype=np.int64)
    currents = np.asarray(currents, dtype=np.int64)
    remaining = simulate_pools(totals - currents, rates, n_sims, horizon, rng)
    stalled = np.array([not (np.asarray(r) > 0).any() for r in rates], dtype=np.int64) * (totals - currents)
    per_scope = [(NATIONAL, remaining.sum(axis=0), int(totals.sum()), int(currents.sum()), int(stalled.sum()))]
    per_scope += [(s, remaining[i], int(totals[i]), int(currents[i]), int(stalled[i])) for i, s in enumerate(scopes)]
    rows, fans = [], []
    for scope, rem, total, current, stuck in per_scope:
        fans.append(fan(rem, total).assign(scope_katottg=scope, kind=kind))
        for key, m_kind, share in MILESTONES:
            if m_kind == kind:
                rows.append({"scope_katottg": scope, "milestone": key, "kind": kind, "share": share,
                             **milestone_row(total, current, rem, share, stuck)})
    return rows, fans


# ---------------------------------------------------------------- from the warehouse
def pace(con: duckdb.DuckDBPyConnection, as_of: str, months: int = PACE_MONTHS) -> pd.DataFrame:
    """Per scope (UA and each oblast), kind and each of the last `months` whole months up to the
    as-of date: pool (assessable at both month ends, not there at the first), gains (there at the
    second), rate = gains / pool (NaN for an empty pool). Columns: scope_katottg, kind, on_date,
    pool, gains, rate. The as-of date itself is "today", not a month, unless it is a month end."""
    states = universe.monthly_states_sql()
    df = query(
        con,
        f"""
        WITH ends AS (
            SELECT DISTINCT on_date FROM coverage_monthly
            WHERE on_date = last_day(on_date) AND on_date <= ?::DATE
        ),
        window_ends AS (
            SELECT on_date, lag(on_date) OVER (ORDER BY on_date) AS prev_date FROM ends
            QUALIFY row_number() OVER (ORDER BY on_date DESC) <= ?
        ),
        pairs AS (
            SELECT w.on_date, c.oblast_katottg,
                   c.is_assessable AND p.is_assessable AS both_assessable,
                   p.has_officer AS prev_officer, c.has_officer AS now_officer,
                   p.at_required AS prev_required, c.at_required AS now_required
            FROM window_ends AS w
            JOIN ({states}) AS c ON c.on_date = w.on_date
            JOIN ({states}) AS p ON p.on_date = w.prev_date AND p.katottg = c.katottg
        ),
        counts AS (
            SELECT on_date,
                CASE WHEN grouping(oblast_katottg) = 1 THEN 'UA' ELSE oblast_katottg END AS scope_katottg,
                count(*) FILTER (WHERE both_assessable AND NOT prev_officer) AS officer_pool,
                count(*) FILTER (WHERE both_assessable AND NOT prev_officer AND now_officer) AS officer_gains,
                count(*) FILTER (WHERE both_assessable AND NOT prev_required) AS required_pool,
                count(*) FILTER (WHERE both_assessable AND NOT prev_required AND now_required) AS required_gains
            FROM pairs
            GROUP BY GROUPING SETS ((on_date, oblast_katottg), (on_date))
        )
        SELECT scope_katottg, 'officer' AS kind, on_date, officer_pool AS pool, officer_gains AS gains
        FROM counts
        UNION ALL
        SELECT scope_katottg, 'required', on_date, required_pool, required_gains FROM counts
        ORDER BY scope_katottg, kind, on_date
        """,  # noqa: S608 - constants of monitor.planning.universe
        [as_of, months + 1],
    )
    # The first of the months + 1 month ends only opens the window.
    first = df["on_date"].min()
    df = df[df["on_date"] > first] if df["on_date"].nunique() > months else df
    df = df.astype({"pool": "int64", "gains": "int64"})
    df["rate"] = (df["gains"] / df["pool"].where(df["pool"] > 0)).astype("float64")
    return df.reset_index(drop=True)


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per report date and scope (UA and each oblast, universe only): assessable, has_officer,
    at_required, officers_serving."""
    return query(
        con,
        f"""
        SELECT on_date,
            CASE WHEN grouping(oblast_katottg) = 1 THEN 'UA' ELSE oblast_katottg END AS scope_katottg,
            count(*) FILTER (WHERE is_assessable) AS assessable,
            count(*) FILTER (WHERE has_officer) AS has_officer,
            count(*) FILTER (WHERE at_required) AS at_required,
            sum(officers_serving) AS officers_serving
        FROM ({universe.monthly_states_sql()})
        GROUP BY GROUPING SETS ((on_date, oblast_katottg), (on_date))
        ORDER BY scope_katottg, on_date
        """,  # noqa: S608 - constants of monitor.planning.universe
    )


def planned_officers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The targets (planned officers) per year, per oblast and for UA (the sum over the oblasts
    that have one), universe only. Columns: scope_katottg, year, planned_officers."""
    return query(
        con,
        f"""
        SELECT CASE WHEN grouping(oblast_katottg) = 1 THEN 'UA' ELSE oblast_katottg END AS scope_katottg,
               year, sum(planned_officers) AS planned_officers
        FROM targets
        WHERE {universe.in_programme_sql('oblast_katottg')}
        GROUP BY GROUPING SETS ((oblast_katottg, year), (year))
        ORDER BY scope_katottg, year
        """,  # noqa: S608 - constants of monitor.planning.universe
    )


def public_plans(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The programme's published plans (facts_plans, from ../shared/facts/program_plans.csv)."""
    return query(con, "SELECT announced_on, metric, value, by_date, scope, source, note FROM facts_plans "
                      "ORDER BY by_date NULLS LAST, announced_on")


def forecast(con: duckdb.DuckDBPyConnection, n_sims: int = N_SIMS, horizon: int = HORIZON_MONTHS,
             seed: int = SEED) -> dict:
    """Milestones for every oblast and the country (see the module docstring).

    Returns a dict: as_of, n_sims, horizon, seed, pace_months,
      milestones  scope_katottg, milestone, kind, share, total, current, target, status,
                  p10, p50, p90 (months from the as-of date; inf = not within the horizon),
                  p10_date, p50_date, p90_date (NaT when not reached), national_pace (bool)
      pace        pace() rows;  fans: scope_katottg, kind, month, date, p10, p50, p90
      history     history() rows;  planned: planned_officers();  plans: public_plans()
    """
    d = universe.as_of(con)
    p = pace(con, d)
    hist = history(con)
    today = hist[pd.to_datetime(hist["on_date"]) == pd.Timestamp(d)].set_index("scope_katottg")
    oblasts = [s for s in today.index if s != NATIONAL]
    rng = np.random.default_rng(seed)
    rows, fans = [], []
    borrowed: set[str] = set()
    for kind in KINDS:
        col = "has_officer" if kind == "officer" else "at_required"
        rates_of = {s: g["rate"].dropna().to_numpy() for s, g in p[p["kind"] == kind].groupby("scope_katottg")}
        national = rates_of.get(NATIONAL, np.array([]))
        uses_national = {s for s in oblasts if rates_of.get(s, np.array([])).size == 0}
        borrowed |= {f"{s}:{kind}" for s in uses_national}
        r, f = milestones_from(today.loc[oblasts, "assessable"], today.loc[oblasts, col],
                               [national if s in uses_national else rates_of[s] for s in oblasts],
                               oblasts, n_sims, horizon, rng, kind)
        rows += r
        fans += f
    milestones = pd.DataFrame(rows)
    milestones["national_pace"] = [f"{s}:{k}" in borrowed for s, k in zip(milestones["scope_katottg"],
                                                                          milestones["kind"], strict=True)]
    month_dates = [pd.Timestamp(d) + pd.DateOffset(months=k) for k in range(horizon + 1)]
    for q in ("p10", "p50", "p90"):
        milestones[f"{q}_date"] = [month_dates[int(m)] if math.isfinite(m) else pd.NaT for m in milestones[q]]
    fans = pd.concat(fans, ignore_index=True)
    fans["date"] = [month_dates[m] for m in fans["month"]]
    return {"as_of": d, "n_sims": n_sims, "horizon": horizon, "seed": seed, "pace_months": PACE_MONTHS,
            "milestones": milestones, "pace": p, "fans": fans, "history": hist,
            "planned": planned_officers(con), "plans": public_plans(con)}
