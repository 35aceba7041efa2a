"""The one adapter between the planning package and the warehouse's words.

Everything in monitor.planning reads hromada states through this module, so a rename in the
warehouse is one edit here:

- programme universe: the warehouse's `hromadas.in_programme` / `outside_programme` table (from
  config/universe.toml: Crimea, Sevastopol and Kyiv city are outside; `in_programme_sql`,
  `outside_oblasts`), used in every count the package makes;
- `has_officer`   = the coverage macro's `has_officer` (assessable and >= 1 officer serving);
- `at_required`   = the coverage macro's `is_at_required_strength` (assessable, serving >= required);
- `is_assessable` = the coverage macro's `is_assessable` (in the programme, not occupied, not
  under active hostilities on the date);
- strength-weighted residents served = population x min(1, serving / required).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from monitor.db import build_info, query
from monitor.survey import is_shown

# The coverage macro's columns under the names this package uses (the rename lives here only).
_STATE_COLUMNS = """
    c.katottg,
    c.oblast_katottg,
    c.population_count,
    c.required_officers,
    c.officers_serving,
    c.officer_gap,
    c.is_assessable,
    c.has_officer,
    c.is_at_required_strength AS at_required,
    c.has_memorandum,
    c.status,
    c.territory_status,
    c.is_partial_territory,
    c.officers_per_10k
"""


def in_programme_sql(column: str) -> str:
    """A SQL predicate: the oblast code in `column` (a constant of this package, never user
    input) is inside the programme's universe (not a unit of the warehouse's outside_programme)."""
    return f"({column} NOT IN (SELECT oblast_katottg FROM outside_programme))"


def outside_oblasts(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The oblast-level codes outside the programme's universe (config/universe.toml, via the
    warehouse)."""
    return frozenset(query(con, "SELECT oblast_katottg FROM outside_programme")["oblast_katottg"])


def served_residents(population, serving, required) -> np.ndarray:
    """Strength-weighted residents served: population x min(1, serving / required).

    A hromada at its required strength counts all its residents, one with 1 of 3 officers a third
    of them. Unknown population counts 0; a requirement below 1 counts as 1."""
    pop = np.nan_to_num(np.asarray(population, dtype="float64"))
    need = np.maximum(np.asarray(required, dtype="float64"), 1.0)
    return pop * np.minimum(1.0, np.asarray(serving, dtype="float64") / need)


def as_of(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's as-of date, 'YYYY-MM-DD'."""
    return build_info(con).get("as_of_date", "")[:10]


def hromada_state(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Every hromada of the programme universe on `on_date`, with what planning needs.

    Columns: the state columns above plus name_uk, name_en, type_en, area_km2, centre_lat,
    centre_lon, has_geometry, oblast_name_uk, oblast_name_en. Ordered by katottg.
    """
    return query(
        con,
        f"""
        SELECT {_STATE_COLUMNS},
            h.name_uk, coalesce(h.name_en, h.name_uk) AS name_en, h.type_en, h.area_km2,
            h.centre_lat, h.centre_lon, h.has_geometry,
            o.name_uk AS oblast_name_uk, o.name_en AS oblast_name_en
        FROM coverage_on(?::DATE) AS c
        JOIN hromadas AS h USING (katottg)
        JOIN oblasts AS o ON o.oblast_katottg = c.oblast_katottg
        WHERE {in_programme_sql('c.oblast_katottg')}
        ORDER BY c.katottg
        """,  # noqa: S608 - the interpolated parts are constants of this module
        [on_date],
    )


def respondent_states_sql() -> str:
    """A SELECT of every trust_survey row with its hromada's state on the interview date:
    the respondent's columns plus oblast_katottg, in_programme, is_assessable, officers_serving.

    Read from hromada_state_steps with an ASOF join, as the coverage macro does, with the macro's
    defaults for a hromada without any step (assessable, no officer): the same values as
    coverage_on_dates(interview dates) (tested), ten times faster than evaluating the macro on
    every fieldwork day."""
    return f"""
        SELECT r.*, h.oblast_katottg, {in_programme_sql('h.oblast_katottg')} AS in_programme,
               coalesce(s.is_assessable, TRUE) AS is_assessable,
               coalesce(s.officers_serving, 0) AS officers_serving
        FROM trust_survey AS r
        JOIN hromadas AS h ON h.katottg = r.hromada_katottg
        ASOF LEFT JOIN hromada_state_steps AS s
            ON s.katottg = r.hromada_katottg AND r.interview_date >= s.from_date
    """


def monthly_states_sql() -> str:
    """A SELECT over coverage_monthly, universe only, under this package's names: on_date, katottg,
    oblast_katottg, is_assessable, has_officer, at_required, officers_serving."""
    return f"""
        SELECT c.on_date, c.katottg, c.oblast_katottg, c.is_assessable,
               c.has_officer, c.is_at_required_strength AS at_required, c.officers_serving
        FROM coverage_monthly AS c
        WHERE {in_programme_sql('c.oblast_katottg')}
    """


def oblast_trust(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Per oblast, trust (share, all respondents) of the latest wave started on or before
    `on_date`, where the reporting rule lets that figure be shown (an oblast whose latest figure
    is "too few responses" has no row). Columns: oblast_katottg, wave, share, n_effective, reporting."""
    df = query(
        con,
        """
        SELECT scope_katottg AS oblast_katottg, wave, share, n_effective, reporting
        FROM trust_summary
        WHERE metric = 'trust' AND grp = 'all' AND scope_katottg <> 'UA' AND wave_start <= ?::DATE
        QUALIFY row_number() OVER (PARTITION BY scope_katottg ORDER BY wave_start DESC, wave DESC) = 1
        """,
        [on_date],
    )
    return df[is_shown(df["reporting"])].reset_index(drop=True)


def demo_truth(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """The planted effects (parameter -> value, in pp) when the build is demo data, else {}."""
    if not is_demo(con):
        return {}
    df = query(con, "SELECT parameter, value FROM demo_truth")
    return {str(p): float(v) for p, v in zip(df["parameter"], df["value"], strict=True)}


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the build is demo data (build_info is_demo)."""
    return build_info(con).get("is_demo", "").lower() == "true"
