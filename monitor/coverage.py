"""Coverage of hromadas on a date: the map's data. Pure functions over a read-only connection.

The status of a hromada on a date has one definition, the table macro `coverage_on(d)` that the
ETL persists in the database; this module only joins names to it and summarises it.
"""

from __future__ import annotations

import duckdb
import pandas as pd

import vocabulary
from monitor.db import query


def available_dates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The dates of coverage_monthly (month ends from May 2019, then the as-of date), ISO strings."""
    df = query(con, "SELECT DISTINCT on_date FROM coverage_monthly ORDER BY on_date")
    return [d.isoformat()[:10] for d in pd.to_datetime(df["on_date"])]


def coverage_on(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Every hromada's coverage on `on_date` (coverage_on macro) with names in both languages.

    Columns: those of coverage_on plus name_uk, name_en, type_uk, type_en, raion_name_uk,
    raion_name_en, has_geometry, oblast_name_uk, oblast_name_en. Ordered by katottg.
    """
    return query(
        con,
        """
        SELECT
            c.*,
            h.name_uk,
            coalesce(h.name_en, h.name_uk) AS name_en,
            h.type_uk,
            h.type_en,
            h.raion_name_uk,
            h.raion_name_en,
            h.has_geometry,
            o.name_uk AS oblast_name_uk,
            o.name_en AS oblast_name_en
        FROM coverage_on(?::DATE) AS c
        JOIN hromadas AS h USING (katottg)
        JOIN oblasts AS o ON o.oblast_katottg = c.oblast_katottg
        ORDER BY c.katottg
        """,
        [on_date],
    )


def status_counts(cov: pd.DataFrame, oblast: str | None = None) -> pd.DataFrame:
    """Hromadas, residents and officers by status (every status listed, even with zero).

    `cov` is a coverage_on() frame; `oblast` limits it to one oblast code. Columns: status,
    hromadas, population, officers_serving, required_officers.
    """
    df = cov if not oblast else cov[cov["oblast_katottg"] == oblast]
    grouped = df.groupby("status").agg(
        hromadas=("katottg", "size"),
        population=("population_count", "sum"),
        officers_serving=("officers_serving", "sum"),
        required_officers=("required_officers", "sum"),
    )
    out = grouped.reindex(list(vocabulary.STATUSES.codes), fill_value=0).reset_index(names="status")
    return out.astype({c: "int64" for c in out.columns if c != "status"})


# Above this many open stations the map shows one marker per hromada and kind (at their mean
# position, with the count): tens of thousands of points would make every rerun slow and hide the map.
MAX_STATION_MARKERS = 5000


def stations_open_on(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Stations open on `on_date` (closed_on is the day it closed: exclusive), with hromada names.

    One row per station, or, when more than MAX_STATION_MARKERS are open, one row per hromada and
    kind. Columns: hromada_katottg, oblast_katottg, kind, name, opened_on (the first), lat, lon,
    is_location_imputed (all of the row's stations), n_stations, hromada_name_uk, hromada_name_en.
    """
    (open_count,) = con.execute(
        "SELECT count(*) FROM stations WHERE opened_on <= ?::DATE AND (closed_on IS NULL OR closed_on > ?::DATE)",
        [on_date, on_date],
    ).fetchone()
    group = "s.station_id" if open_count <= MAX_STATION_MARKERS else "s.hromada_katottg, s.kind"
    return query(
        con,
        f"""
        SELECT
            s.hromada_katottg, any_value(h.oblast_katottg) AS oblast_katottg, s.kind,
            CASE WHEN count(*) = 1 THEN any_value(s.name) END AS name,
            min(s.opened_on) AS opened_on, avg(s.lat) AS lat, avg(s.lon) AS lon,
            bool_and(s.is_location_imputed) AS is_location_imputed, count(*) AS n_stations,
            any_value(h.name_uk) AS hromada_name_uk, any_value(coalesce(h.name_en, h.name_uk)) AS hromada_name_en
        FROM stations AS s
        JOIN hromadas AS h ON h.katottg = s.hromada_katottg
        WHERE s.opened_on <= ?::DATE AND (s.closed_on IS NULL OR s.closed_on > ?::DATE)
        GROUP BY s.hromada_katottg, s.kind, {group}
        ORDER BY s.kind, s.hromada_katottg, min(s.opened_on)
        """,  # noqa: S608 - `group` is one of two constants above
        [on_date, on_date],
    )


def oblast_trust_latest(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Per oblast, the trust share of the latest wave that started on or before `on_date`.

    Oblast level (group 'all'): the survey's samples per hromada are too small for a hromada
    estimate. Columns: oblast_katottg, wave, share, n_effective, n_unweighted.
    """
    return query(
        con,
        """
        SELECT scope_katottg AS oblast_katottg, wave, share, n_effective, n_unweighted
        FROM trust_summary
        WHERE metric = 'trust' AND grp = 'all' AND scope_katottg <> 'UA'
          AND wave_start <= ?::DATE
        QUALIFY row_number() OVER (PARTITION BY scope_katottg ORDER BY wave_start DESC, wave DESC) = 1
        """,
        [on_date],
    )


def with_oblast_trust(cov: pd.DataFrame, trust: pd.DataFrame, min_effective_n: float) -> pd.DataFrame:
    """cov plus trust_share (NaN when the oblast's effective n is below the minimum), trust_wave,
    trust_n_effective and trust_too_few (bool)."""
    t = trust.rename(columns={"share": "trust_share", "wave": "trust_wave", "n_effective": "trust_n_effective"})
    out = cov.merge(
        t[["oblast_katottg", "trust_share", "trust_wave", "trust_n_effective"]],
        on="oblast_katottg",
        how="left",
    )
    too_few = out["trust_n_effective"].notna() & (out["trust_n_effective"] < min_effective_n)
    out["trust_too_few"] = too_few
    out.loc[too_few, "trust_share"] = float("nan")
    return out


def display_geometry(con: duckdb.DuckDBPyConnection, layer: str) -> str:
    """The simplified GeoJSON FeatureCollection of a layer ('hromadas' | 'oblasts'), as text."""
    df = query(con, "SELECT geojson FROM display_geometry WHERE layer = ?", [layer])
    if df.empty:
        raise LookupError(f"display_geometry has no layer {layer!r}")
    return str(df["geojson"].iloc[0])
