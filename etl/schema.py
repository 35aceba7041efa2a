"""The warehouse schema and its checks, both drawn from the vocabulary.

- `create_schema(con)` runs etl/sql/schema.sql with each `{name}` filled in by the codes of a
  vocabulary list, so the core tables' CHECK constraints accept exactly the declared codes.
- `check_derived(con)` runs the derived tables' tests after they are built (jaffle_shop's
  vocabulary: unique keys, not-null and accepted values): a derived table that breaks its key or
  produces a code the vocabulary does not declare stops the build instead of reaching a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

import vocabulary

SQL_DIR = Path(__file__).resolve().parent / "sql"
METRICS = ("trust", "knows_officer")  # trust_summary.metric


def _codes(codes) -> str:
    return ", ".join("'" + c.replace("'", "''") + "'" for c in codes)


def check_lists() -> dict[str, str]:
    """Placeholder name -> SQL list of codes, as schema.sql's CHECK constraints use them."""
    return {
        "hromada_types": _codes(vocabulary.HROMADA_TYPES.codes),
        "territory_statuses_listed": _codes(c for c in vocabulary.TERRITORY_STATUSES.codes if c != "none"),
        "station_kinds": _codes(vocabulary.STATION_KINDS.codes),
        "age_groups": _codes(vocabulary.AGE_GROUPS.codes),
        "reject_reasons": _codes(vocabulary.REJECT_REASONS.codes),
        "file_kinds": _codes(vocabulary.FILE_KINDS.codes),
    }


def schema_sql() -> str:
    return (SQL_DIR / "schema.sql").read_text(encoding="utf-8").format_map(check_lists())


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every core, reference and quality table in an empty database."""
    con.execute(schema_sql())


# ---------------------------------------------------------------- derived tables' tests
@dataclass(frozen=True)
class Check:
    table: str
    unique: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    accepted: tuple[tuple[str, tuple[str, ...]], ...] = ()


DERIVED_CHECKS = (
    Check("hromada_state_steps", unique=("katottg", "from_date"),
          accepted=(("territory_status", vocabulary.TERRITORY_STATUSES.codes),)),
    Check("coverage_monthly", unique=("on_date", "katottg"), not_null=("status", "is_assessable"),
          accepted=(("status", vocabulary.STATUSES.codes),
                    ("territory_status", vocabulary.TERRITORY_STATUSES.codes))),
    Check("rollout_monthly", unique=("on_date", "scope_katottg")),
    Check("trust_summary", unique=("wave", "scope_katottg", "grp", "metric"),
          accepted=(("grp", vocabulary.SURVEY_GROUPS.codes), ("metric", METRICS))),
)


class DerivedCheckError(RuntimeError):
    pass


def check_derived(con: duckdb.DuckDBPyConnection, checks=DERIVED_CHECKS) -> None:
    """Raise DerivedCheckError naming every failed check. Identifiers come from DERIVED_CHECKS,
    never from input; the accepted codes are bound."""
    failures = []
    for c in checks:
        if c.unique:
            cols = ", ".join(c.unique)
            (n,) = con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {c.table} GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()
            if n:
                failures.append(f"{c.table}: {n} repeated key(s) ({cols})")
        for col in c.not_null:
            (n,) = con.execute(f"SELECT count(*) FROM {c.table} WHERE {col} IS NULL").fetchone()
            if n:
                failures.append(f"{c.table}.{col}: {n} NULL value(s)")
        for col, codes in c.accepted:
            rows = con.execute(
                f"SELECT DISTINCT {col} FROM {c.table} WHERE NOT list_contains(?::VARCHAR[], {col})",
                [list(codes)],
            ).fetchall()
            if rows:
                failures.append(f"{c.table}.{col}: values not in the vocabulary: {sorted(r[0] for r in rows)}")
    if failures:
        raise DerivedCheckError("; ".join(failures))
