"""The trust survey's reporting rule on the read side: one column, written once by the warehouse.

The ETL classifies every figure with config/reporting.toml (docs/methodology.md, "Survey
figures"): trust_summary.reporting and wave_changes.reporting are 'reportable' (shown),
'caution' (shown, marked "use with caution") or 'too_few' (never shown as a number). Pages,
tiles, charts and downloads read that column through the functions here and nothing else; the
thresholds themselves are only read back (reporting_rule) to be named in captions. Wave-to-wave
significance is wave_changes.is_significant (Benjamini–Hochberg) and the gap between the groups'
trust_gaps.is_significant, both tested in the warehouse.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from monitor.db import query
from monitor.formatting import fmt_int, fmt_pct, is_missing
from monitor.i18n import t

SHOWN = ("reportable", "caution")


def is_shown(reporting):
    """Whether a figure of this class may be shown as a number: a bool for a scalar, a bool Series
    for a Series. A missing class (no survey) is never shown."""
    if isinstance(reporting, pd.Series):
        return reporting.isin(SHOWN).astype(bool)
    return not is_missing(reporting) and reporting in SHOWN


def is_caution(reporting):
    """Whether a figure is shown marked "use with caution" (bool, or a bool Series)."""
    if isinstance(reporting, pd.Series):
        return reporting.eq("caution").fillna(False).astype(bool)
    return not is_missing(reporting) and reporting == "caution"


def value_text(share, reporting, lang: str) -> str:
    """A share as text: the number, the number marked "use with caution", or "too few responses"
    — never a number for a figure that is not shown."""
    if not is_shown(reporting):
        return t("reporting.too_few", lang)
    if is_caution(reporting):
        return t("trust.value_caution", lang, value=fmt_pct(share, lang), caution=t("reporting.caution", lang))
    return fmt_pct(share, lang)


def reporting_rule(con: duckdb.DuckDBPyConnection) -> dict:
    """The rule the warehouse was classified with (reporting_rule): min_effective_n,
    caution_effective_n, min_hromadas, max_hromada_weight_share, confidence, fdr_level."""
    return query(con, "SELECT * FROM reporting_rule").iloc[0].to_dict()


def rule_note(rule: dict, lang: str) -> str:
    """The reporting rule in one sentence, with the thresholds of reporting_rule()."""
    return t(
        "reporting.rule_note",
        lang,
        min_n=fmt_int(rule["min_effective_n"], lang),
        caution_n=fmt_int(rule["caution_effective_n"], lang),
        min_hromadas=fmt_int(rule["min_hromadas"], lang),
        max_share=fmt_pct(rule["max_hromada_weight_share"], lang, 0),
    )
