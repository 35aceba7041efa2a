"""Data quality & method: what was loaded, what was rejected and why, how fresh the data is.
Pure functions over a read-only connection (plus the methodology document on disk)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from monitor.db import query
from monitor.formatting import fmt_date, fmt_datetime, fmt_int
from monitor.i18n import name_col, t_or

METHODOLOGY_MD = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"

# Newest date of each table (freshness): table -> SQL expression over it. Fixed identifiers,
# never user input.
FRESHNESS = {
    "officers": "greatest(max(start_date), max(end_date))",
    "stations": "greatest(max(opened_on), max(closed_on))",
    "memoranda": "greatest(max(signed_on), max(ended_on))",
    "trust_survey": "max(interview_date)",
    "territory_status_periods": "greatest(max(start_date), max(end_date))",
    "facts_milestones": "max(milestone_date)",
    "facts_trust_polls": "max(fieldwork_end)",
}


def load_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The load log: file, kind, sha256 (first 12 hex), rows read/loaded/rejected, ignored columns,
    built at. Ordered by kind then file."""
    return query(
        con,
        """
        SELECT file, kind, left(sha256, 12) AS sha256_short, rows_read, rows_loaded, rows_rejected,
               coalesce(ignored_columns, '') AS ignored_columns, built_at
        FROM load_log
        ORDER BY kind, file
        """,
    )


REJECTS_SHOWN = 1000  # rows of the rejects table shown on the page (downloads hold every row)


def rejects(con: duckdb.DuckDBPyConnection, file: str | None = None,
            reason: str | None = None) -> pd.DataFrame:
    """Rejected rows (file, row, column, value, reason code, the row's oblast), optionally for one
    file / reason."""
    return query(
        con,
        """
        SELECT file, "row", "column", value, reason, oblast_katottg
        FROM rejects
        WHERE (?::VARCHAR IS NULL OR file = ?) AND (?::VARCHAR IS NULL OR reason = ?)
        ORDER BY file, "row", "column"
        """,
        [file, file, reason, reason],
    )


def reject_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rejected rows per file and reason: file, reason, rejects."""
    return query(
        con,
        "SELECT file, reason, count(*) AS rejects FROM rejects GROUP BY file, reason ORDER BY file, reason",
    )


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The newest date in each table and its row count: table, rows, newest (ISO or None)."""
    parts = [
        f"SELECT '{name}' AS table_name, count(*) AS rows, strftime({expr}, '%Y-%m-%d') AS newest "
        f"FROM {name}"
        for name, expr in FRESHNESS.items()
    ]
    return query(con, " UNION ALL ".join(parts))


def overlaps(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Officers assigned to two hromadas at once (officer_overlaps view), with hromada names and
    the oblast of each."""
    return query(
        con,
        """
        SELECT o.officer_id, o.first_hromada, h1.name_uk AS first_name_uk,
               coalesce(h1.name_en, h1.name_uk) AS first_name_en,
               o.second_hromada, h2.name_uk AS second_name_uk,
               coalesce(h2.name_en, h2.name_uk) AS second_name_en,
               strftime(o.overlap_start, '%Y-%m-%d') AS overlap_start,
               strftime(o.overlap_end, '%Y-%m-%d') AS overlap_end,
               h1.oblast_katottg AS first_oblast, h2.oblast_katottg AS second_oblast
        FROM officer_overlaps AS o
        LEFT JOIN hromadas AS h1 ON h1.katottg = o.first_hromada
        LEFT JOIN hromadas AS h2 ON h2.katottg = o.second_hromada
        ORDER BY o.officer_id, o.overlap_start
        """,
    )


def methodology_markdown(path: Path = METHODOLOGY_MD) -> str | None:
    """docs/methodology.md as text, or None when it has not been written yet."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


# ---------------------------------------------------------------- for reading (formatted text)
def reason_text(code: str, lang: str) -> str:
    return t_or(f"reason.{code}", lang, str(code))


def load_log_display(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "file": df["file"],
        "kind": [t_or(f"kind.{k}", lang, str(k)) for k in df["kind"]],
        "sha256_short": df["sha256_short"],
        "rows_read": [fmt_int(x, lang) for x in df["rows_read"]],
        "rows_loaded": [fmt_int(x, lang) for x in df["rows_loaded"]],
        "rows_rejected": [fmt_int(x, lang) for x in df["rows_rejected"]],
        "ignored_columns": df["ignored_columns"],
        "built_at": [fmt_datetime(x, lang) for x in df["built_at"]],
    })


def rejects_display(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "file": df["file"],
        "row": [fmt_int(x, lang) for x in df["row"]],
        "column": df["column"].fillna("—"),
        "value": df["value"].fillna(""),
        "reason": [reason_text(r, lang) for r in df["reason"]],
    })


def rejects_download(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = df.copy()
    texts = {r: reason_text(r, lang) for r in df["reason"].unique()}  # a few reasons, many rows
    out.insert(len(out.columns), "reason_text", df["reason"].map(texts))
    return out


def reject_counts_display(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "file": df["file"],
        "reason": [reason_text(r, lang) for r in df["reason"]],
        "rejects": [fmt_int(x, lang) for x in df["rejects"]],
    })


def freshness_display(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "table_name": [t_or(f"table.{n}", lang, n) for n in df["table_name"]],
        "rows": [fmt_int(x, lang) for x in df["rows"]],
        "newest": [fmt_date(x, lang) for x in df["newest"]],
    })


def overlaps_display(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    name = name_col(lang)
    return pd.DataFrame({
        "officer_id": df["officer_id"],
        "first_hromada": df[f"first_{name}"].fillna(df["first_hromada"]),
        "second_hromada": df[f"second_{name}"].fillna(df["second_hromada"]),
        "overlap_start": [fmt_date(x, lang) for x in df["overlap_start"]],
        "overlap_end": [fmt_date(x, lang) if x else "…" for x in df["overlap_end"]],
    })
