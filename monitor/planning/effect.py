"""Does an officer raise trust? A staggered difference-in-differences on the survey's hromadas.

Design (docs/methodology.md, "Effect of an officer"):

- Unit: the hromada; time: the survey wave (numbered by fieldwork start). Each hromada x wave cell
  holds the survey-weighted mean of the metric over its respondents, Σ w·y / Σ w, and its weight
  sum Σ w. The survey is a fresh sample of people every wave, but the *hromadas* recur (most are
  sampled in most waves), so they form an (unbalanced) panel, and differencing within a hromada
  removes its fixed level (villages, early joiners' selection, local premium).
- Respondents are left out when their hromada is not assessable on the interview date (occupied
  or under active hostilities), or outside the programme (Crimea, Sevastopol).
- Cohort g: the first wave whose fieldwork ended on or after the hromada's first officer's
  start date (its first spell); 0 = no officer by the last wave. Hromadas whose first officer came
  before the first wave have no pre-rollout wave and are left out (counted).
- Estimator: Callaway & Sant'Anna group-time effects ATT(g, t) with not-yet-treated hromadas as
  controls (diff-diff's CallawaySantAnna, outcome regression without covariates, base period g-1
  for every cell: 'universal'), aggregated to an event study (effect by waves since arrival; the
  waves before arrival test parallel trends) and an overall effect (the cell-size weighted mean of
  the post-arrival ATT(g, t)). Each hromada weighs by its mean weight sum per wave (its share of
  the surveyed population; diff-diff's panel mode takes one weight per unit); errors are
  clustered by hromada (the hromada is the sampling unit and the PSU). 95 % intervals.
- Cross-check: pyfixest's did2s (Gardner's two-stage DiD: hromada and wave fixed effects fitted
  on not-yet-treated cells, then the residuals on event-time dummies), cells weighted by their
  weight sum, errors clustered by hromada. A static two-way fixed-effects regression is not shown:
  it is biased when effects differ by cohort or grow with time since arrival.

The treatment is the *first arrival*: an officer who later leaves (turnover, occupation) does
not end it, so the estimate is the effect of having had an officer arrive, averaged over what
followed.
"""

from __future__ import annotations

import math
import warnings
from importlib.metadata import version

import duckdb
import numpy as np
import pandas as pd

from monitor.db import query
from monitor.planning import universe

METRICS = {
    # y = 1 when trust_police is 1 or 2 of 1..4, 0 when 3 or 4; "hard to say" (NULL) left out —
    # the same rule as trust_summary's metric 'trust' (etl/sql/derived_50_trust_summary.sql).
    "trust": "CASE WHEN r.trust_police IN (1, 2) THEN 1.0 WHEN r.trust_police IN (3, 4) THEN 0.0 END",
    "knows_officer": "CAST(r.knows_officer AS DOUBLE)",
}
# The demo_truth parameter that holds each metric's planted effect (demo builds only).
PLANTED = {"trust": "trust_effect_pp", "knows_officer": "knows_effect_pp"}
ALPHA = 0.05
# Event times shown on the chart: those that at least this many cohorts inform.
MIN_COHORTS = 3


class NotEstimable(ValueError):
    """The survey cannot carry the estimate (too few waves, no hromada with a wave before and after
    its officer's arrival, or no comparison hromadas): said in one line, never as a traceback."""


def cells(con: duckdb.DuckDBPyConnection, metric: str = "trust") -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(hromada x wave cells, the waves, counts of what was left out).

    cells: katottg, wave_no, y (weighted mean), weight_sum, respondents, cohort (wave_no of the
    first officer's wave, 0 = none yet). waves: wave_no, wave, wave_start, wave_end.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r} (one of {', '.join(METRICS)})")
    respondents = universe.respondent_states_sql()
    waves_cte = """
        WITH waves AS (
            SELECT wave, min(interview_date) AS wave_start, max(interview_date) AS wave_end
            FROM trust_survey GROUP BY wave
        ),
        numbered AS (
            SELECT *, row_number() OVER (ORDER BY wave_start, wave) AS wave_no FROM waves
        )"""
    ctes = waves_cte + f""",
        first_officer AS (
            SELECT hromada_katottg AS katottg, min(start_date) AS first_start FROM officers GROUP BY 1
        ),
        cohorts AS (
            SELECT f.katottg, min(n.wave_no) AS cohort
            FROM first_officer AS f JOIN numbered AS n ON n.wave_end >= f.first_start
            GROUP BY f.katottg
        ),
        answers AS (
            SELECT r.hromada_katottg AS katottg, n.wave_no, r.weight, {METRICS[metric]} AS y,
                   r.is_assessable, r.in_programme
            FROM ({respondents}) AS r
            JOIN numbered AS n USING (wave)
        )"""  # noqa: S608 - METRICS and the universe SQL are constants of this package
    # One pass over the respondents, grouped as finely as the cells and the left-out counts need.
    groups = query(con, ctes + """
        SELECT a.katottg, a.wave_no, a.is_assessable, a.in_programme, a.y IS NULL AS no_answer,
               sum(a.weight * a.y) AS wy, sum(a.weight) AS weight_sum, count(*) AS respondents,
               coalesce(c.cohort, 0) AS cohort
        FROM answers AS a LEFT JOIN cohorts AS c USING (katottg)
        GROUP BY ALL""")
    answered = groups[~groups["no_answer"]]
    kept = answered[answered["is_assessable"] & answered["in_programme"]]
    out = (kept.assign(y=kept["wy"] / kept["weight_sum"])[["katottg", "wave_no", "y", "weight_sum", "respondents",
                                                            "cohort"]]
           .astype({"wave_no": "int64", "cohort": "int64", "respondents": "int64", "y": "float64"})
           .sort_values(["katottg", "wave_no"]).reset_index(drop=True))
    counts = {
        "not_assessable": int(answered.loc[answered["in_programme"] & ~answered["is_assessable"], "respondents"].sum()),
        "outside_programme": int(answered.loc[~answered["in_programme"], "respondents"].sum()),
        "no_answer": int(groups.loc[groups["no_answer"], "respondents"].sum()),
    }
    waves = query(con, waves_cte + " SELECT wave_no, wave, wave_start, wave_end FROM numbered ORDER BY wave_no")
    return out, waves, counts


def _check_design(panel: pd.DataFrame) -> None:
    """Refuse, in words, a survey the design cannot use."""
    waves = panel["wave_no"].nunique()
    if waves < 3:
        raise NotEstimable(f"{waves} survey wave(s): the estimate needs at least 3")
    treated = panel[panel["cohort"] > 0]
    before = treated[treated["wave_no"] < treated["cohort"]]["katottg"].nunique()
    if before == 0:
        raise NotEstimable("no hromada has a survey wave before its first officer's arrival")
    if not ((panel["cohort"] == 0) | (panel["cohort"] > panel["wave_no"])).any():
        raise NotEstimable("no hromada without an officer yet to compare with")


def _interval(est: float, se: float) -> tuple[float, float]:
    z = 1.959963984540054
    return est - z * se, est + z * se


def callaway_santanna(panel: pd.DataFrame) -> tuple[dict, pd.DataFrame, list[str]]:
    """CS group-time effects on `panel` (katottg, wave_no, y, weight_sum, cohort), aggregated.

    Returns (overall {estimate, se, ci_low, ci_high, p_value}, event study frame: event_time,
    estimate, se, ci_low, ci_high, n_cohorts, is_reference, warnings)."""
    from diff_diff import CallawaySantAnna, SurveyDesign

    data = panel.assign(unit_weight=panel.groupby("katottg")["weight_sum"].transform("mean"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cs = CallawaySantAnna(control_group="not_yet_treated", estimation_method="reg",
                              base_period="universal", alpha=ALPHA, rank_deficient_action="silent")
        res = cs.fit(data, outcome="y", unit="katottg", time="wave_no", first_treat="cohort",
                     survey_design=SurveyDesign(weights="unit_weight", psu="katottg"))
        simple = res.aggregate("simple").to_dataframe().iloc[0]
        es = res.aggregate("event_study").to_dataframe()
    cohorts_at: dict[int, int] = {}
    for (g, t), cell in res.group_time_effects.items():
        if np.isfinite(cell.get("effect", np.nan)):
            cohorts_at[int(t - g)] = cohorts_at.get(int(t - g), 0) + 1
    overall = {"estimate": float(simple["att"]), "se": float(simple["se"]),
               "ci_low": float(simple["conf_int_lower"]), "ci_high": float(simple["conf_int_upper"]),
               "p_value": float(simple["p_value"])}
    event = pd.DataFrame({
        "event_time": es["event_time"].astype(int),
        "estimate": es["att"].astype(float),
        "se": es["se"].astype(float),
        "ci_low": es["conf_int_lower"].astype(float),
        "ci_high": es["conf_int_upper"].astype(float),
        "is_reference": es["is_reference"].astype(bool),
    })
    event["n_cohorts"] = event["event_time"].map(cohorts_at).fillna(0).astype(int)
    return overall, event, sorted({str(w.message).split(".")[0] for w in caught})


def did2s(panel: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Gardner's two-stage DiD event study (pyfixest) on the same cells, and its pooled effect
    (the post-arrival coefficients averaged with the weight sums of their cells).

    Only hromadas with at least two not-yet-treated cells enter (the first stage needs their fixed
    effect). Returns (overall {estimate, se, ci_low, ci_high}, frame: event_time, estimate, se,
    ci_low, ci_high)."""
    import pyfixest as pf

    d = panel.copy()
    d["treated"] = ((d["cohort"] > 0) & (d["wave_no"] >= d["cohort"])).astype(int)
    untreated = d[d["treated"] == 0].groupby("katottg").size()
    d = d[d["katottg"].isin(untreated[untreated >= 2].index)].copy()
    # Integer ids: pyfixest's clustered two-stage variance compares the cluster column per cluster.
    d["unit"] = pd.factorize(d["katottg"])[0]
    d["rel"] = np.where(d["cohort"] > 0, d["wave_no"] - d["cohort"], -1).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.did2s(d, yname="y", first_stage="~ 0 | unit + wave_no", second_stage="~ i(rel, ref=-1.0)",
                       treatment="treated", cluster="unit", weights="weight_sum")
    tidy = fit.tidy()
    names = list(tidy.index)
    times = [float(n.split("::")[1]) for n in names]
    frame = pd.DataFrame({"event_time": [int(x) for x in times], "estimate": tidy["Estimate"].to_numpy(),
                          "se": tidy["Std. Error"].to_numpy(), "ci_low": tidy["2.5%"].to_numpy(),
                          "ci_high": tidy["97.5%"].to_numpy()}).sort_values("event_time").reset_index(drop=True)
    # Pooled: a = the post cells' weight shares per event time; estimate a'b, variance a'Va
    # (fit._vcov is the two-stage GMM variance that pyfixest's did2s sets on the fit).
    mass = d[d["treated"] == 1].groupby("rel")["weight_sum"].sum()
    a = np.array([mass.get(t, 0.0) if t >= 0 else 0.0 for t in times])
    a = a / a.sum()
    b = tidy["Estimate"].to_numpy()
    est = float(a @ b)
    se = float(math.sqrt(a @ np.asarray(fit._vcov) @ a))
    lo, hi = _interval(est, se)
    return {"estimate": est, "se": se, "ci_low": lo, "ci_high": hi}, frame


def estimate(con: duckdb.DuckDBPyConnection, metric: str = "trust") -> dict:
    """The effect of an officer's arrival on `metric` ('trust' | 'knows_officer').

    Estimates are differences of shares (0.08 = 8 percentage points). Returns a dict:
      metric, as_of, estimator, cross_check_estimator, overall {estimate, se, ci_low, ci_high,
      p_value}, event_study (frame: event_time, estimate, se, ci_low, ci_high, n_cohorts,
      is_reference, is_pre, shown), cross_check {estimate, se, ci_low, ci_high},
      cross_check_event_study (frame), n_hromadas, n_treated_hromadas, n_never_treated_hromadas,
      n_waves, n_cells, n_respondents, left_out {not_assessable, outside_programme,
      already_served_hromadas, no_answer}, waves (frame), pre_max_abs (largest |pre-arrival
      estimate| of the shown waves), is_demo, planted (share units, None if not demo), warnings.
    """
    panel, waves, counts = cells(con, metric)
    first_wave = int(waves["wave_no"].min())
    always = panel.loc[(panel["cohort"] > 0) & (panel["cohort"] <= first_wave), "katottg"].unique()
    panel = panel[~panel["katottg"].isin(always)].reset_index(drop=True)
    _check_design(panel)
    try:
        overall, event, notes = callaway_santanna(panel)
        cross, cross_event = did2s(panel)
    except (ValueError, np.linalg.LinAlgError) as exc:
        raise NotEstimable(f"the estimators could not be fitted on this survey ({exc})") from exc
    event["is_pre"] = event["event_time"] < 0
    event["shown"] = (event["n_cohorts"] >= MIN_COHORTS) | event["is_reference"]
    truth = universe.demo_truth(con)
    planted_pp = truth.get(PLANTED[metric])
    pre = event[event["is_pre"] & event["shown"] & ~event["is_reference"]]
    return {
        "metric": metric,
        "as_of": universe.as_of(con),
        "estimator": f"Callaway–Sant'Anna, not-yet-treated controls (diff-diff {version('diff-diff')})",
        "cross_check_estimator": f"two-stage DiD, Gardner (pyfixest {version('pyfixest')})",
        "overall": overall,
        "event_study": event,
        "cross_check": cross,
        "cross_check_event_study": cross_event,
        "n_hromadas": int(panel["katottg"].nunique()),
        "n_treated_hromadas": int(panel.loc[panel["cohort"] > 0, "katottg"].nunique()),
        "n_never_treated_hromadas": int(panel.loc[panel["cohort"] == 0, "katottg"].nunique()),
        "n_waves": int(panel["wave_no"].nunique()),
        "n_cells": int(len(panel)),
        "n_respondents": int(panel["respondents"].sum()),
        "left_out": {**counts, "already_served_hromadas": int(len(always))},
        "waves": waves,
        "pre_max_abs": float(pre["estimate"].abs().max()) if len(pre) else float("nan"),
        "is_demo": universe.is_demo(con),
        "planted": planted_pp / 100.0 if planted_pp is not None else None,
        "warnings": notes,
    }
