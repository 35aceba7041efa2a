"""Read-only access to the warehouse: one connection, bound parameters only."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from vocabulary import locations

# scope_katottg of the whole country in rollout_monthly and trust_summary (else an oblast code).
NATIONAL = "UA"


def db_path() -> Path:
    """The database the dashboard reads: env POG_DB, else data/processed/pog.duckdb."""
    return locations.db_path()


def db_stamp(path: Path | str | None = None) -> tuple[str, int]:
    """(path, mtime_ns) of the database: changes when the ETL swaps in a new build."""
    p = Path(path) if path is not None else db_path()
    try:
        return str(p), os.stat(p).st_mtime_ns
    except FileNotFoundError:
        return str(p), 0


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database read-only (the ETL is the only writer)."""
    p = Path(path) if path is not None else db_path()
    if not p.exists():
        raise FileNotFoundError(p)
    return duckdb.connect(str(p), read_only=True)


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | dict = ()) -> pd.DataFrame:
    """Run one SQL statement with bound parameters and return a DataFrame.

    Each call uses its own cursor, so one cached connection can serve Streamlit's threads.
    """
    cur = con.cursor()
    try:
        return cur.execute(sql, params if isinstance(params, dict) else list(params)).df()
    finally:
        cur.close()


def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """build_info as a dict: is_demo, built_at, as_of_date, seed, ..."""
    df = query(con, "SELECT key, value FROM build_info")
    return dict(zip(df["key"], df["value"], strict=True))


def oblasts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """oblast_katottg, name_uk, name_en, short_code, ordered by the Ukrainian name."""
    return query(
        con,
        "SELECT oblast_katottg, name_uk, name_en, short_code FROM oblasts ORDER BY name_uk",
    )
