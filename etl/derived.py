"""Derived tables: run etl/sql/derived_*.sql, in file-name order, against a loaded connection.

The SQL files hold the definitions (docs/methodology.md states them in words); this module only
checks the precondition they share — an as-of date in build_info — makes the survey reporting rule
and the t distribution available to them (etl.reporting.prepare) and runs them. It opens no
transaction of its own: the build wraps everything in one.
"""

import datetime as dt
import logging
import time
from pathlib import Path

import duckdb

from etl import reporting, schema
from etl.schema import SQL_DIR

log = logging.getLogger(__name__)

DERIVED_GLOB = "derived_*.sql"


def derived_sql_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    """The derived SQL files in the order they run (the number in the name orders them)."""
    return sorted(sql_dir.glob(DERIVED_GLOB))


def as_of_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """build_info['as_of_date'] as a date; ValueError when it is missing or not YYYY-MM-DD."""
    row = con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()
    if row is None:
        raise ValueError("build_info has no 'as_of_date': load build_info before the derived tables")
    try:
        return dt.date.fromisoformat(row[0])
    except ValueError as exc:
        raise ValueError(f"build_info 'as_of_date' is not a YYYY-MM-DD date: {row[0]!r}") from exc


def build_derived(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """Create (or replace) every derived table, view and macro from the core tables in `con`."""
    as_of = as_of_date(con)
    files = derived_sql_files(sql_dir)
    if not files:
        raise FileNotFoundError(f"no {DERIVED_GLOB} in {sql_dir}")
    log.info("building derived tables as of %s", as_of.isoformat())
    reporting.prepare(con)
    for path in files:
        started = time.perf_counter()
        con.execute(path.read_text(encoding="utf-8"))
        log.info("%s: %.2f s", path.name, time.perf_counter() - started)
    schema.check_derived(con)
