"""An independent reference for trust_summary's standard errors: samplics' Taylor linearisation
of a ratio on the respondents themselves (not on the warehouse's own sums).

The design as docs/methodology.md states it: stratum = the oblast of the respondent's hromada,
PSU = the hromada, each respondent a PSU in a stratum of a single hromada (Kyiv city;
samplics' `SinglePSUEst.certainty` with the respondent as the SSU). A domain (scope x group x
answered) is estimated as the ratio of Σ w·y·d to Σ w·d over the WHOLE wave, d the domain's 0/1,
which is what estimating a domain (rather than subsetting the design) means. The group of a
respondent is read from the persisted coverage macro on the interview date, not from the ETL's
own join.
"""

from __future__ import annotations

import warnings

import duckdb
import numpy as np
import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # "samplics is archived": the 0.6.1 code is what we check against
    from samplics import PopParam, SinglePSUEst, TaylorEstimator


def wave_microdata(con: duckdb.DuckDBPyConnection, wave: str) -> pd.DataFrame:
    """One row per respondent of `wave`: respondent_id, stratum, psu (the hromada), weight, grp
    ('has_officer' | 'no_officer' | None when not assessable), trust_y / trust_answered,
    knows_y / knows_answered."""
    df = con.execute(
        """
        SELECT r.respondent_id, r.interview_date, r.hromada_katottg AS psu, h.oblast_katottg AS stratum,
               r.weight, r.trust_police, r.knows_officer
        FROM trust_survey AS r JOIN hromadas AS h ON h.katottg = r.hromada_katottg
        WHERE r.wave = ?
        """,
        [wave],
    ).df()
    states = pd.concat(
        con.execute(
            "SELECT ?::DATE AS interview_date, katottg AS psu, officers_serving, is_assessable"
            " FROM coverage_on(?::DATE)",
            [d, d],
        ).df()
        for d in sorted(df["interview_date"].astype(str).unique())
    )
    states["interview_date"] = states["interview_date"].astype(df["interview_date"].dtype)
    df = df.merge(states, on=["interview_date", "psu"], how="left", validate="many_to_one")
    df["grp"] = np.where(~df["is_assessable"], None, np.where(df["officers_serving"] >= 1, "has_officer", "no_officer"))
    trust = df["trust_police"].astype("float64")  # NULL ("hard to say") -> NaN
    df["trust_answered"] = trust.between(1, 4).astype(float)
    df["trust_y"] = (trust <= 2).astype(float)
    df["knows_answered"] = df["knows_officer"].notna().astype(float)
    df["knows_y"] = df["knows_officer"].fillna(False).astype(float)
    return df


def certainty_strata(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {s for (s,) in con.execute("SELECT oblast_katottg FROM hromadas GROUP BY 1 HAVING count(*) = 1").fetchall()}


def taylor_ratio(micro: pd.DataFrame, certainty: set[str], scope: str, grp: str, metric: str) -> dict:
    """share, se and the design df of one domain by samplics, over the whole wave's design (a
    share strictly between 0 and 1: samplics divides by it)."""
    prefix = "trust" if metric == "trust" else "knows"
    in_domain = micro[f"{prefix}_answered"].to_numpy(dtype=float)
    if scope != "UA":
        in_domain = in_domain * (micro["stratum"] == scope).to_numpy(dtype=float)
    if grp != "all":
        in_domain = in_domain * (micro["grp"] == grp).to_numpy(dtype=float)
    strata = micro["stratum"].to_numpy()
    psu = micro["psu"].to_numpy(dtype=object).copy()
    singletons = np.isin(strata, list(certainty))
    est = TaylorEstimator(PopParam.ratio)
    est.estimate(
        y=micro[f"{prefix}_y"].to_numpy(dtype=float) * in_domain,
        x=in_domain,
        samp_weight=micro["weight"].to_numpy(dtype=float),
        stratum=strata,
        psu=psu,
        ssu=micro["respondent_id"].to_numpy(dtype=object),
        single_psu=SinglePSUEst.certainty if singletons.any() else SinglePSUEst.error,
    )
    return {"share": float(est.point_est), "se": float(est.stderror), "df": int(est.degree_of_freedom)}


def _domain(micro: pd.DataFrame, scope: str, grp: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    prefix = "trust" if metric == "trust" else "knows"
    d = micro[f"{prefix}_answered"].to_numpy(dtype=float)
    if scope != "UA":
        d = d * (micro["stratum"] == scope).to_numpy(dtype=float)
    if grp != "all":
        d = d * (micro["grp"] == grp).to_numpy(dtype=float)
    return d, micro[f"{prefix}_y"].to_numpy(dtype=float)


def linearised_gap(micro: pd.DataFrame, certainty: set[str], scope: str, metric: str) -> dict:
    """gap = p(has_officer) − p(no_officer) and its se, written out from the textbook Taylor
    linearisation on the respondents (no warehouse sums): z_j = d₁w(y − p₁)/W₁ − d₂w(y − p₂)/W₂,
    summed per PSU (the respondent in a certainty stratum), v = Σ_h n_h/(n_h−1) Σ_i (z_hi − z̄_h)²."""
    w = micro["weight"].to_numpy(dtype=float)
    z = np.zeros(len(micro))
    shares = []
    for sign, grp in ((1.0, "has_officer"), (-1.0, "no_officer")):
        d, y = _domain(micro, scope, grp, metric)
        p = (d * w * y).sum() / (d * w).sum()
        shares.append(p)
        z += sign * d * w * (y - p) / (d * w).sum()
    psu = np.where(micro["stratum"].isin(certainty), micro["respondent_id"], micro["psu"])
    by_psu = pd.DataFrame({"stratum": micro["stratum"], "psu": psu, "z": z}).groupby(["stratum", "psu"])["z"].sum()
    v = 0.0
    for _, zs in by_psu.groupby(level="stratum"):
        n_h = len(zs)
        if n_h > 1:
            v += n_h / (n_h - 1) * ((zs - zs.mean()) ** 2).sum()
    return {"gap": shares[0] - shares[1], "se": float(np.sqrt(v))}
