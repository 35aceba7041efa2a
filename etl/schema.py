"""The warehouse schema and its checks, both drawn from the vocabulary.

- `create_schema(con)` runs etl/sql/schema.sql with each `{name}` filled in by the codes of a
  vocabulary list, so the core tables' CHECK constraints accept exactly the declared codes.
- `check_derived(con)` runs the derived tables' tests after they are built (jaffle_shop's
  vocabulary: unique keys, not-null and accepted values, and ranges for shares and counts): a
  derived table that breaks its key, produces a code the vocabulary does not declare or a share
  outside 0..1 stops the build instead of reaching a page.
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
    """The tests of one derived table or view. A key (``unique``) is also not null."""

    table: str
    unique: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    accepted: tuple[tuple[str, tuple[str, ...]], ...] = ()
    between: tuple[tuple[str, float, float | None], ...] = ()  # (column, low, high or None); NULL passes


SHARE = (0.0, 1.0)
TRUST_KEY = ("wave", "scope_katottg", "grp", "metric")
TRUST_CODES = (("grp", vocabulary.SURVEY_GROUPS.codes), ("metric", METRICS),
               ("reporting", vocabulary.SURVEY_REPORTING.codes))

DERIVED_CHECKS = (
    Check("hromada_state_steps", unique=("katottg", "from_date"),
          not_null=("territory_status", "is_partial_territory", "is_assessable"),
          accepted=(("territory_status", vocabulary.TERRITORY_STATUSES.codes),),
          between=(("officers_serving", 0, None), ("stations_open", 0, None), ("memoranda_in_force", 0, None))),
    Check("coverage_monthly", unique=("on_date", "katottg"), not_null=("status", "is_assessable"),
          accepted=(("status", vocabulary.STATUSES.codes),
                    ("territory_status", vocabulary.TERRITORY_STATUSES.codes))),
    Check("rollout_monthly", unique=("on_date", "scope_katottg"),
          between=(("with_officer_share", *SHARE), ("at_required_strength_share", *SHARE),
                   ("strength_weighted_share", *SHARE), ("officers_short", 0, None),
                   ("officers_above_required", 0, None))),
    Check("reporting_rule", not_null=("min_effective_n", "caution_effective_n", "min_hromadas",
                                      "max_hromada_weight_share", "confidence", "fdr_level")),
    Check("trust_summary", unique=TRUST_KEY,
          not_null=("share", "n_unweighted", "n_effective", "se", "df", "n_psu", "reporting"), accepted=TRUST_CODES,
          between=(("share", *SHARE), ("ci_low", *SHARE), ("ci_high", *SHARE), ("n_unweighted", 1, None),
                   ("se", 0, None), ("n_psu", 1, None), ("max_psu_weight_share", *SHARE),
                   ("city_100k_weight_share", *SHARE))),
    Check("trust_gaps", unique=("wave", "scope_katottg", "metric"), not_null=("gap", "reporting", "is_significant"),
          accepted=TRUST_CODES[1:], between=(("se", 0, None), ("p_value", *SHARE))),
    Check("wave_changes", unique=TRUST_KEY, not_null=("prev_wave", "change", "reporting", "is_significant"),
          accepted=TRUST_CODES, between=(("p_value", *SHARE), ("p_adjusted", *SHARE))),
    # Pairs of overlapping assignments of one officer. No set of its columns is unique (an officer
    # with two overlapping assignments in one hromada makes two pairs with a third), so the pair's
    # columns are held present and the overlap to last at least a day.
    Check("officer_overlaps", not_null=("officer_id", "first_hromada", "second_hromada", "overlap_start"),
          between=(("overlap_days", 1, None),)),
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
            [(n,)] = con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {c.table} GROUP BY ALL HAVING count(*) > 1)"
            ).fetchall()
            if n:
                failures.append(f"{c.table}: {n} repeated key(s) ({cols})")
        # the row-wise tests of a table in one scan: (failure text, SQL condition, bound values)
        tests = [(f"{col}: {{}} NULL value(s)", f"{col} IS NULL", []) for col in (*c.unique, *c.not_null)]
        for col, low, high in c.between:
            bounds = f"{low}..{'' if high is None else high}"
            if high is None:
                tests.append((f"{col}: {{}} value(s) outside {bounds}", f"{col} < ?", [low]))
            else:
                tests.append((f"{col}: {{}} value(s) outside {bounds}", f"{col} NOT BETWEEN ? AND ?", [low, high]))
        if tests:
            [counts] = con.execute(  # fetchall: a result left unfinished would block the build's next query
                "SELECT " + ", ".join(f"count(*) FILTER (WHERE {cond})" for _, cond, _ in tests) + f" FROM {c.table}",
                [v for _, _, values in tests for v in values],
            ).fetchall()
            failures += [f"{c.table}.{text.format(n)}" for (text, _, _), n in zip(tests, counts, strict=True) if n]
        for col, codes in c.accepted:
            rows = con.execute(
                f"SELECT DISTINCT {col} FROM {c.table} WHERE NOT list_contains(?::VARCHAR[], {col})",
                [list(codes)],
            ).fetchall()
            if rows:
                failures.append(f"{c.table}.{col}: values not in the vocabulary: {sorted(r[0] for r in rows)}")
    if failures:
        raise DerivedCheckError("; ".join(failures))
