"""Rollout by region: the monthly series per oblast and the league table of oblasts.

Pure functions over a read-only connection (first argument), cached by monitor.app_state.data.
Every count comes from the ETL's one definition of coverage (coverage_on_dates / rollout_monthly);
this module only selects, compares and ranks.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from monitor.db import NATIONAL, query
from monitor.formatting import fmt_int, fmt_pct, fmt_signed_pp
from monitor.i18n import name_col, t

# Metrics the rollout chart can show: column of rollout_monthly -> kind of number.
METRICS = {
    "with_officer_share": "share",
    "at_required_strength_share": "share",
    "hromadas_with_officer": "int",
    "hromadas_at_required_strength": "int",
    "officers_serving_assessable": "int",
    "residents_strength_weighted": "int",
    "stations_open": "int",
}
# Events marked on time axes: key (translated 'event.<key>') -> date.
EVENTS = {"pilot_start": dt.date(2019, 5, 29), "invasion": dt.date(2022, 2, 24)}


def year_before(d: dt.date | str) -> dt.date:
    """The same calendar date a year earlier (29 Feb -> 28 Feb)."""
    day = dt.date.fromisoformat(d[:10]) if isinstance(d, str) else d
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def scope_summary(con: duckdb.DuckDBPyConnection, dates: tuple[str, ...]) -> pd.DataFrame:
    """The rollout_monthly columns for any dates, per oblast and national (NATIONAL).

    The ETL's rollout_on_dates macro — the one definition rollout_monthly is built from — so a
    date that is not a month end (the as-of date a year ago, a published milestone's date) is
    counted exactly as rollout_monthly counts its dates. on_date is returned as an ISO string.
    """
    return query(
        con,
        """
        SELECT strftime(on_date, '%Y-%m-%d') AS on_date, * EXCLUDE (on_date)
        FROM rollout_on_dates(?::DATE[])
        ORDER BY on_date, scope_katottg
        """,
        [list(dates)],
    )


def monthly(con: duckdb.DuckDBPyConnection, scopes: tuple[str, ...] = ()) -> pd.DataFrame:
    """rollout_monthly for the given scopes (all when empty), on_date as a Timestamp."""
    sql = "SELECT * FROM rollout_monthly"
    params: list = []
    if scopes:
        sql += " WHERE list_contains(?::VARCHAR[], scope_katottg)"
        params = [list(scopes)]
    df = query(con, sql + " ORDER BY scope_katottg, on_date", params)
    df["on_date"] = pd.to_datetime(df["on_date"])
    return df


# The league's columns (and its download's), in order.
LEAGUE_COLUMNS = [
    "rank", "oblast_katottg", "name_uk", "name_en", "hromadas_assessable", "hromadas_with_officer",
    "with_officer_share", "with_officer_share_change", "hromadas_with_officer_change",
    "hromadas_at_required_strength", "at_required_strength_share", "residents_strength_weighted",
    "strength_weighted_share", "residents_at_required_strength", "population_assessable",
    "officers_serving_assessable", "officers_required", "officers_vs_required", "officers_short",
    "officers_above_required", "residents_per_officer", "planned_officers", "officers_serving",
    "officers_vs_planned", "officers_change",
]


def league(now: pd.DataFrame, before: pd.DataFrame, oblasts: pd.DataFrame) -> pd.DataFrame:
    """Rank oblasts by the share of assessable hromadas that have an officer (pure; frames as above).

    now/before: scope_summary rows of one date each (oblast rows; NATIONAL ignored). Only oblasts
    with a row in `now` are listed: rollout_on_dates counts the programme's universe only, so
    Crimea, Sevastopol and Kyiv city (config/universe.toml) have none.
    oblasts: oblast_katottg, name_uk, name_en. Planned officers come with `now` (the targets of
    its year, from rollout_on_dates).
    Returns one row per oblast, ranked (1 = highest share; ties share a rank; oblasts with
    nothing assessable get no rank and go last), with the 12-month changes. Officers serving are
    set beside officers required on the same hromadas (the assessable ones).
    """
    cur = now[now["scope_katottg"] != NATIONAL].rename(columns={"scope_katottg": "oblast_katottg"})
    prev = before[before["scope_katottg"] != NATIONAL].rename(columns={"scope_katottg": "oblast_katottg"})
    prev = prev[["oblast_katottg", "with_officer_share", "hromadas_with_officer", "officers_serving"]].add_suffix(
        "_before").rename(columns={"oblast_katottg_before": "oblast_katottg"})
    df = (oblasts[["oblast_katottg", "name_uk", "name_en"]]
          .merge(cur, on="oblast_katottg", how="inner")
          .merge(prev, on="oblast_katottg", how="left"))
    df["officers_vs_required"] = df["officers_serving_assessable"] / df["officers_required"].replace(0, np.nan)
    df["officers_vs_planned"] = df["officers_serving"] / df["planned_officers"].replace(0, np.nan)
    df["with_officer_share_change"] = df["with_officer_share"] - df["with_officer_share_before"]
    df["hromadas_with_officer_change"] = df["hromadas_with_officer"] - df["hromadas_with_officer_before"]
    df["officers_change"] = df["officers_serving"] - df["officers_serving_before"]
    df["rank"] = df["with_officer_share"].rank(method="min", ascending=False).astype("Int64")
    df = df.sort_values(["rank", "strength_weighted_share", "name_uk"], ascending=[True, False, True],
                        na_position="last").reset_index(drop=True)
    return df[LEAGUE_COLUMNS]


def league_table(con: duckdb.DuckDBPyConnection, as_of: str) -> pd.DataFrame:
    """The league of oblasts on `as_of` with changes against the same date a year before."""
    before = year_before(as_of).isoformat()
    summary = scope_summary(con, (as_of, before))
    oblasts = query(con, "SELECT oblast_katottg, name_uk, name_en FROM oblasts")
    return league(summary[summary["on_date"] == as_of[:10]], summary[summary["on_date"] == before], oblasts)


def league_display(df: pd.DataFrame, national_share: float, lang: str) -> pd.DataFrame:
    """The league as formatted text for reading (headers are 'col.*' keys): the columns an oblast
    head compares, few enough to read without scrolling sideways; the download keeps them all
    (league_download). The comparison with the country is the gap in points, with its arrow."""
    def position(share) -> str:
        if pd.isna(share):
            return t("rollout.position_na", lang)
        gap = share - national_share
        arrow = "▲" if gap > 0 else "▼" if gap < 0 else "="
        return f"{arrow} {fmt_signed_pp(gap, lang)}"

    def of(n, total) -> str:
        return t("rollout.n_of", lang, n=fmt_int(n, lang), total=fmt_int(total, lang))

    return pd.DataFrame({
        "rank": [fmt_int(r, lang) for r in df["rank"]],
        "oblast": df[name_col(lang)],
        "with_officer_share": [fmt_pct(x, lang) for x in df["with_officer_share"]],
        "position": [position(x) for x in df["with_officer_share"]],
        "hromadas_with_officer": [of(n, tot) for n, tot in zip(df["hromadas_with_officer"],
                                                               df["hromadas_assessable"], strict=True)],
        "with_officer_share_change": [fmt_signed_pp(x, lang) for x in df["with_officer_share_change"]],
        "hromadas_at_required_strength": [of(n, tot) for n, tot in zip(df["hromadas_at_required_strength"],
                                                                       df["hromadas_assessable"], strict=True)],
        "strength_weighted_share": [fmt_pct(x, lang) for x in df["strength_weighted_share"]],
        "officers_vs_required_text": [of(n, tot) for n, tot in zip(df["officers_serving_assessable"],
                                                                   df["officers_required"], strict=True)],
        "officers_short": [fmt_int(x, lang) for x in df["officers_short"]],
        "officers_vs_planned_text": [of(n, tot) for n, tot in zip(df["officers_serving"], df["planned_officers"],
                                                                  strict=True)],
    })


def league_download(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The league for download: raw numbers, oblast names in the language."""
    out = df.drop(columns=["name_uk", "name_en"]).copy()
    out.insert(1, "oblast", df[name_col(lang)])
    return out


# An oblast with fewer assessable hromadas than this is left out of the default
# leaders/laggards: 2 of 2 with an officer near the front line says little about a rollout.
MIN_ASSESSABLE_FOR_DEFAULT = 10


def default_oblasts(df: pd.DataFrame, n: int = 2) -> list[str]:
    """The `n` leading and `n` trailing ranked oblasts of a league: ahead and behind at a glance
    (among oblasts with at least MIN_ASSESSABLE_FOR_DEFAULT assessable hromadas)."""
    ranked = df[df["rank"].notna() & (df["hromadas_assessable"] >= MIN_ASSESSABLE_FOR_DEFAULT)]
    codes = list(ranked["oblast_katottg"].head(n)) + list(ranked["oblast_katottg"].tail(n))
    return list(dict.fromkeys(codes))
