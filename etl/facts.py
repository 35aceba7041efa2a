"""Published figures (../shared/facts) -> facts_milestones, facts_plans, facts_trust_polls.

They are shown beside the data as "published figures", never mixed into it.

Dates are published at three precisions; each is resolved to one day so it can be plotted:

- 'YYYY-MM-DD' -> that day (precision 'day');
- 'YYYY-MM'    -> the 15th of the month (precision 'month'): the middle, so the error is at most
  about two weeks either way;
- 'YYYY'       -> 1 February of that year (precision 'year'). Every bare-year row in the bundle
  is an "early <year>" statement (results of the previous year, reported at the January/February
  summary meeting), so the middle of the year would misplace them by months.

The published text is kept (``date_text`` / ``fieldwork_end_text``) with the precision, so a chart
can mark approximate dates. A row whose date, number or oblast cannot be read is logged and
counted as rejected in load_log; a missing file or column stops the build (InputFileError).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from etl import bundle
from etl.errors import InputFileError
from etl.geometry import sha256_file

logger = logging.getLogger(__name__)

MILESTONES_CSV = "program_milestones.csv"
PLANS_CSV = "program_plans.csv"
POLLS_CSV = "national_trust_polls.csv"

MILESTONE_COLUMNS = ("date", "oblast", "metric", "value", "source_url", "source_name", "quote_or_note", "confidence")
PLAN_COLUMNS = ("announced", "metric", "value", "by_date", "scope", "source", "note")
POLL_COLUMNS = (
    "fieldwork_end",
    "pollster",
    "question_note",
    "trust_pct",
    "distrust_pct",
    "sample_n",
    "source_url",
    "confidence",
)

MONTH_DAY = 15  # 'YYYY-MM' -> the 15th
YEAR_MONTH_DAY = (2, 1)  # 'YYYY' -> 1 February
POG_CLAIM_NOTE_PREFIX = "pog-specific"


def resolve_date(text: str) -> tuple[date, str]:
    """(day, precision) for 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'; ValueError otherwise."""
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        return date.fromisoformat(t), "day"
    if re.fullmatch(r"\d{4}-\d{2}", t):
        year, month = map(int, t.split("-"))
        return date(year, month, MONTH_DAY), "month"
    if re.fullmatch(r"\d{4}", t):
        return date(int(t), *YEAR_MONTH_DAY), "year"
    raise ValueError(f"unreadable date {text!r}")


def is_pog_claim(pollster: str, note: str) -> bool:
    """A statement about trust in community officers, not a poll: pollster '… (claim)' AND a note
    starting 'POG-specific'. ('MVS (claim)' of 40.8 % is a claim about the whole police: FALSE.)"""
    return "(claim)" in pollster.lower() and note.strip().lower().startswith(POG_CLAIM_NOTE_PREFIX)


def load_facts(con: duckdb.DuckDBPyConnection, facts_dir: Path) -> list[dict]:
    """Load the three files (oblast names are resolved against ``oblasts`` already in ``con``)."""
    facts_dir = Path(facts_dir)
    oblasts = con.execute("SELECT oblast_katottg, name_uk FROM oblasts").fetchall()

    def milestone(r: dict) -> dict:
        day, precision = resolve_date(r["date"])
        return {
            "date_text": r["date"],
            "milestone_date": day,
            "date_precision": precision,
            "oblast_katottg": oblast_code(r["oblast"], oblasts),
            "metric": _required(r["metric"], "metric"),
            "value": float(r["value"]),
            "source_name": r["source_name"] or None,
            "source_url": r["source_url"] or None,
            "note": r["quote_or_note"] or None,
            "confidence": r["confidence"] or None,
        }

    def plan(r: dict) -> dict:
        return {
            "announced_on": resolve_date(r["announced"])[0] if r["announced"] else None,
            "metric": _required(r["metric"], "metric"),
            "value": float(r["value"]),
            "by_date": resolve_date(r["by_date"])[0] if r["by_date"] else None,
            "scope": r["scope"] or None,
            "source": r["source"] or None,
            "note": r["note"] or None,
        }

    def poll(r: dict) -> dict:
        return {
            "fieldwork_end_text": r["fieldwork_end"],
            "fieldwork_end": resolve_date(r["fieldwork_end"])[0],
            "pollster": _required(r["pollster"], "pollster"),
            "is_pog_claim": is_pog_claim(r["pollster"], r["question_note"]),
            "trust_pct": _float_or_none(r["trust_pct"]),
            "distrust_pct": _float_or_none(r["distrust_pct"]),
            "sample_n": int(r["sample_n"]) if r["sample_n"] else None,
            "note": r["question_note"] or None,
            "source_url": r["source_url"] or None,
            "confidence": r["confidence"] or None,
        }

    return [
        _load_file(con, facts_dir / MILESTONES_CSV, MILESTONE_COLUMNS, "facts_milestones", milestone),
        _load_file(con, facts_dir / PLANS_CSV, PLAN_COLUMNS, "facts_plans", plan),
        _load_file(con, facts_dir / POLLS_CSV, POLL_COLUMNS, "facts_trust_polls", poll),
    ]


def _load_file(con, path: Path, columns: tuple[str, ...], table: str, convert) -> dict:
    """Read one facts file, convert each row (a row that cannot be read is logged and skipped),
    insert the rows into `table`; return its load_log row."""
    raw = _read(path, columns)
    rows, rejected = [], 0
    for i, r in enumerate(raw.to_dict("records"), start=2):
        try:
            rows.append(convert(r))
        except ValueError as exc:
            rejected += 1
            logger.warning("%s row %d: %s — skipped", path.name, i, exc)
    _insert(con, table, rows)
    return _log_row(path, len(raw), len(rows), rejected)


def oblast_code(short_name: str, oblasts: list[tuple[str, str]]) -> str | None:
    """'Дніпропетровська' -> its oblast code (oblasts.name_uk starts with it); '' -> None (national)."""
    name = short_name.strip()
    if not name:
        return None
    matches = [code for code, name_uk in oblasts if name_uk.lower().startswith(name.lower())]
    if len(matches) != 1:
        raise ValueError(f"oblast {short_name!r} matches {len(matches)} oblasts")
    return matches[0]


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise InputFileError(path.name, f"facts file not found in {path.parent}")
    return bundle.read_csv(path, columns)[0]


def _required(value: str, name: str) -> str:
    if not value:
        raise ValueError(f"{name} is empty")
    return value


def _float_or_none(value: str) -> float | None:
    return float(value) if value else None


# Column lists per table: the INSERT names them, so the frame's order does not matter.
_TABLE_COLUMNS = {
    "facts_milestones": (
        "date_text",
        "milestone_date",
        "date_precision",
        "oblast_katottg",
        "metric",
        "value",
        "source_name",
        "source_url",
        "note",
        "confidence",
    ),
    "facts_plans": ("announced_on", "metric", "value", "by_date", "scope", "source", "note"),
    "facts_trust_polls": (
        "fieldwork_end_text",
        "fieldwork_end",
        "pollster",
        "is_pog_claim",
        "trust_pct",
        "distrust_pct",
        "sample_n",
        "note",
        "source_url",
        "confidence",
    ),
}


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    columns = _TABLE_COLUMNS[table]
    if not rows:
        return
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
        [tuple(r[c] for c in columns) for r in rows],
    )


def _log_row(path: Path, read: int, loaded: int, rejected: int) -> dict:
    return {
        "file": path.name,
        "kind": "facts",
        "sha256": sha256_file(path),
        "rows_read": read,
        "rows_loaded": loaded,
        "rows_rejected": rejected,
        "ignored_columns": None,
    }
