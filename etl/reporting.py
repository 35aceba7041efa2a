"""The survey reporting rule and the t distribution, made available to the derived SQL.

- `reporting_rule` (table, one row): config/reporting.toml [survey] as the build read it, so the
  warehouse says which rule classified its figures and the read side can name the thresholds.
- `t_quantile(prob, df)` and `t_two_sided_p(t, df)`: scalar functions over scipy's Student t
  (DuckDB has no t distribution). They exist only on the build's connection: the SQL that calls
  them writes tables, never views or macros, so the warehouse file never depends on them.

etl/sql/derived_50_trust_summary.sql and derived_60_wave_changes.sql use all three.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import duckdb
from scipy import special

from etl.errors import InputFileError
from vocabulary.locations import CONFIG_DIR

REPORTING_TOML = CONFIG_DIR / "reporting.toml"
# name -> (type, check) of every value of [survey]; all are required
RULE_FIELDS = {
    "min_effective_n": (float, lambda v: v > 0),
    "caution_effective_n": (float, lambda v: v > 0),
    "min_hromadas": (int, lambda v: v >= 2),
    "max_hromada_weight_share": (float, lambda v: 0 < v <= 1),
    "confidence": (float, lambda v: 0 < v < 1),
    "fdr_level": (float, lambda v: 0 < v < 1),
}


def read_rule(path: Path = REPORTING_TOML) -> dict[str, float]:
    """[survey] of config/reporting.toml, checked; InputFileError (one line naming the file and
    the value) when it is unreadable, a value is missing or out of range."""
    try:
        with path.open("rb") as f:
            survey = tomllib.load(f).get("survey", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError(path.name, f"cannot be read ({exc})") from exc
    rule = {}
    for name, (kind, ok) in RULE_FIELDS.items():
        value = survey.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not ok(kind(value)):
            raise InputFileError(path.name, f"[survey] {name} is missing or out of range ({value!r})")
        rule[name] = kind(value)
    if rule["caution_effective_n"] > rule["min_effective_n"]:
        raise InputFileError(path.name, "[survey] caution_effective_n is above min_effective_n")
    return rule


def t_quantile(prob: float | None, df: float | None) -> float | None:
    """The `prob` quantile of Student's t with `df` degrees of freedom; NULL when df < 1."""
    if prob is None or df is None or df < 1:
        return None
    return float(special.stdtrit(df, prob))


def t_two_sided_p(t: float | None, df: float | None) -> float | None:
    """P(|T| >= |t|) for Student's t with `df` degrees of freedom; NULL when t is missing or df < 1."""
    if t is None or df is None or df < 1 or math.isnan(t):
        return None
    return float(2.0 * special.stdtr(df, -abs(t)))


def prepare(con: duckdb.DuckDBPyConnection, path: Path = REPORTING_TOML) -> None:
    """Write `reporting_rule` and register the t functions on `con`, before the derived SQL runs."""
    rule = read_rule(path)
    columns = ", ".join(f"?::{'INTEGER' if RULE_FIELDS[n][0] is int else 'DOUBLE'} AS {n}" for n in rule)
    con.execute(f"CREATE OR REPLACE TABLE reporting_rule AS SELECT {columns}", list(rule.values()))
    for name, fn, types in (
        ("t_quantile", t_quantile, ["DOUBLE", "DOUBLE"]),
        ("t_two_sided_p", t_two_sided_p, ["DOUBLE", "DOUBLE"]),
    ):
        try:
            con.remove_function(name)
        except duckdb.InvalidInputException:
            pass  # not registered on this connection yet
        con.create_function(name, fn, types, "DOUBLE", null_handling="special", side_effects=False)
