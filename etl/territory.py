"""The official list of hostilities / occupied territories -> per-hromada status periods.

Source: territories_hostilities_occupation_<date>.csv, columns ``table, caption, katottg, name,
start, end``. Sections (``table``): 0 possible hostilities, 1 and 2 active hostilities (2 = where
state e-services still work), 3 and 4 temporarily occupied.

How a row becomes periods of hromadas (rules in docs/methodology-territory.md):

- the code is a hromada in the registry -> that hromada; partial when the name says
  'за винятком' (except some settlements);
- a settlement (level-4 code, characters 10-12 not '000') -> the hromada whose OCHA p-code is the
  code's first 9 characters; always partial;
- a raion (characters 7-9 '000') or an oblast code (Crimea) -> every hromada of that raion / oblast,
  partial when 'за винятком';
- anything else (the Chornobyl-zone towns, Sevastopol which has no hromadas in the registry)
  matches nothing: it is skipped, logged, and returned in ``skipped``.

A cell may hold several dates, one per line (entered, left, re-entered): start[i] pairs with
end[i]; when there are more starts than ends the last period is still open. Dates are normalised
('12.11 2022', '31.03. 2022' -> DD.MM.YYYY). ``end`` is the last day inclusive; start == end is a
one-day period.

Settlement rows make a hromada partial, unless together they cover it: on the days when the
number of distinct listed settlements in status S *or a more severe one* reaches the hromada's
``settlements_count``, the whole hromada is at least S, and a full (is_partial FALSE) period of
the most severe such S is added. (Zaporizhzhia's occupied hromadas, for instance, are listed
settlement by settlement only.)

Finally periods are merged per (katottg, status, is_partial): overlapping or adjacent periods
become one, keeping the source_table/source_row of the earliest.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

import vocabulary
from etl import bundle
from etl.errors import InputFileError

logger = logging.getLogger(__name__)

LIST_COLUMNS = ("table", "caption", "katottg", "name", "start", "end")
PERIOD_COLUMNS = (
    "katottg",
    "status",
    "start_date",
    "end_date",
    "is_partial",
    "source_table",
    "source_row",
)
# The statuses, the list's sections that give them, and their severity: vocabulary/territory_statuses.toml.
_LISTED = [t for t in vocabulary.TERRITORY_STATUSES if t["list_sections"]]
STATUS_BY_TABLE = {section: t.code for t in _LISTED for section in t["list_sections"]}
# Severity orders the statuses: settlement listings are promoted to the most severe status that
# covers the whole hromada (the rule for one day, in etl/sql/derived_10_*, uses the same order).
SEVERITY = {t.code: t["severity"] for t in _LISTED}
EXCEPT_MARKER = "за винятком"

_OPEN = date.max.toordinal()  # an open period ends "never" while sweeping


@dataclass
class StatusList:
    periods: pd.DataFrame  # columns PERIOD_COLUMNS
    skipped: pd.DataFrame  # source_row, katottg, name, reason
    rows_read: int = 0


def status_periods(list_csv: Path, hromadas: pd.DataFrame) -> pd.DataFrame:
    """Periods with the columns of ``territory_status_periods``.

    ``hromadas`` needs ``katottg, ocha_pcode, raion_katottg, oblast_katottg`` and, to promote
    settlement listings that cover a whole hromada, ``settlements_count`` (optional).
    Rows that match no hromada are in ``result.attrs['skipped']`` (see also ``read_status_list``).
    """
    parsed = read_status_list(list_csv, hromadas)
    periods = parsed.periods
    periods.attrs["skipped"] = parsed.skipped
    return periods


def read_status_list(list_csv: Path, hromadas: pd.DataFrame) -> StatusList:
    raw = _read_list(Path(list_csv))
    resolver = _Resolver(hromadas)
    records: list[dict] = []
    skipped: list[dict] = []

    for i, row in enumerate(raw.itertuples(index=False), start=1):
        code = row.katottg.strip()
        name = " ".join(row.name.split())
        try:
            table = int(row.table.strip())
            status = STATUS_BY_TABLE[table]
        except (ValueError, KeyError):
            skipped.append(_skip(i, code, name, f"unknown table {row.table!r}"))
            continue
        targets, partial, settlement = resolver.resolve(code, name)
        if not targets:
            skipped.append(_skip(i, code, name, "matches no hromada"))
            continue
        try:
            periods = pair_periods(row.start, row.end)
        except ValueError as exc:
            skipped.append(_skip(i, code, name, str(exc)))
            continue
        for start, end in periods:
            for k in targets:
                records.append(
                    {
                        "katottg": k,
                        "status": status,
                        "start": start.toordinal(),
                        "end": end.toordinal() if end else _OPEN,
                        "is_partial": partial,
                        "source_table": table,
                        "source_row": i,
                        "settlement": settlement,
                    }
                )

    if skipped:  # one line per build, not one per row: the rows are also returned and counted
        logger.warning(
            "%s: %d row(s) skipped: %s",
            Path(list_csv).name,
            len(skipped),
            "; ".join(f"row {s['source_row']} {s['katottg']} {s['name']} ({s['reason']})" for s in skipped),
        )
    raw_periods = pd.DataFrame.from_records(
        records,
        columns=["katottg", "status", "start", "end", "is_partial", "source_table", "source_row", "settlement"],
    )
    promoted = _promote_settlement_coverage(raw_periods, resolver.settlements_count)
    merged = _merge(pd.concat([raw_periods, promoted], ignore_index=True))
    return StatusList(
        periods=_to_output(merged),
        skipped=pd.DataFrame(skipped, columns=["source_row", "katottg", "name", "reason"]),
        rows_read=len(raw),
    )


# ---------------------------------------------------------------- parsing


def _read_list(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputFileError(path.name, "file not found")
    return bundle.read_csv(path, LIST_COLUMNS)[0][list(LIST_COLUMNS)]


def parse_date(text: str) -> date:
    """'DD.MM.YYYY', tolerating stray spaces and dots: '12.11 2022', '31.03. 2022'."""
    cleaned = re.sub(r"[\s.]+", ".", text.strip()).strip(".")
    try:
        return datetime.strptime(cleaned, "%d.%m.%Y").date()
    except ValueError:
        raise ValueError(f"unreadable date {text!r}") from None


def parse_dates(cell: str) -> list[date]:
    """All dates of a cell, one per line; empty lines ignored."""
    return [parse_date(part) for part in str(cell).splitlines() if part.strip()]


def pair_periods(start_cell: str, end_cell: str) -> list[tuple[date, date | None]]:
    """start[i] pairs with end[i]; starts beyond the ends are open (None)."""
    starts, ends = parse_dates(start_cell), parse_dates(end_cell)
    if not starts:
        raise ValueError("no start date")
    if len(ends) > len(starts):
        raise ValueError(f"{len(ends)} end dates for {len(starts)} start dates")
    periods = []
    for i, start in enumerate(starts):
        end = ends[i] if i < len(ends) else None
        if end is not None and end < start:
            raise ValueError(f"period ends before it starts ({start} > {end})")
        periods.append((start, end))
    return periods


def _skip(i: int, code: str, name: str, reason: str) -> dict:
    return {"source_row": i, "katottg": code, "name": name, "reason": reason}


class _Resolver:
    """Maps a code of any level to the registry hromadas it covers."""

    def __init__(self, hromadas: pd.DataFrame):
        h = hromadas
        self.hromadas = set(h["katottg"])
        self.by_pcode = dict(zip(h["ocha_pcode"], h["katottg"], strict=True))
        self.by_raion: dict[str, list[str]] = {}
        self.by_oblast: dict[str, list[str]] = {}
        for k, r, o in zip(h["katottg"], h["raion_katottg"], h["oblast_katottg"], strict=True):
            if isinstance(r, str) and r:
                self.by_raion.setdefault(r, []).append(k)
            self.by_oblast.setdefault(o, []).append(k)
        self.settlements_count: dict[str, int] = {}
        if "settlements_count" in h.columns:
            counts = pd.to_numeric(h["settlements_count"], errors="coerce")
            self.settlements_count = {
                k: int(n) for k, n in zip(h["katottg"], counts, strict=True) if pd.notna(n) and n > 0
            }

    def resolve(self, code: str, name: str) -> tuple[list[str], bool, str | None]:
        """(hromada codes, is_partial, settlement code or None)."""
        excepted = EXCEPT_MARKER in name.lower()
        if code in self.hromadas:  # also Kyiv city, whose code is at oblast level
            return [code], excepted, None
        if code in self.by_raion:
            return list(self.by_raion[code]), excepted, None
        if code in self.by_oblast:
            return list(self.by_oblast[code]), excepted, None
        if len(code) == 19 and code[9:12] != "000" and code[:9] in self.by_pcode:
            return [self.by_pcode[code[:9]]], True, code
        return [], False, None


# ---------------------------------------------------------------- periods


def _promote_settlement_coverage(raw: pd.DataFrame, settlements_count: dict[str, int]) -> pd.DataFrame:
    """Full periods for the days when the listed settlements cover the whole hromada.

    Sweeps the day segments between period boundaries; on each, the most severe status S such
    that the distinct settlements listed in S or worse number at least ``settlements_count``
    gives a full period of S (source row: the first listed row of S counting towards it).
    """
    out: list[dict] = []
    sett = raw[raw["settlement"].notna()]
    by_hromada: dict[str, list[tuple]] = {}
    for rec in zip(
        sett["katottg"],
        sett["status"],
        sett["start"],
        sett["end"],
        sett["source_table"],
        sett["source_row"],
        sett["settlement"],
        strict=True,
    ):
        by_hromada.setdefault(rec[0], []).append(rec)
    levels = sorted(SEVERITY.items(), key=lambda kv: -kv[1])  # most severe first
    for katottg, rows in sorted(by_hromada.items()):
        n = settlements_count.get(katottg)
        if not n or len({r[6] for r in rows}) < n:
            continue  # even all periods together never name every settlement
        rows.sort(key=lambda r: r[5])
        bounds = sorted({r[2] for r in rows} | {r[3] + 1 for r in rows if r[3] != _OPEN})
        for a, b in zip(bounds, bounds[1:] + [_OPEN + 1], strict=True):
            live = [r for r in rows if r[2] <= a <= r[3]]
            for status, level in levels:
                at_least = [r for r in live if SEVERITY[r[1]] >= level]
                if len({r[6] for r in at_least}) >= n:
                    # provenance: the first row in this very status, else the first more severe one
                    src = next((r for r in at_least if r[1] == status), at_least[0])
                    out.append(
                        {
                            "katottg": katottg,
                            "status": status,
                            "start": a,
                            "end": b - 1,
                            "is_partial": False,
                            "source_table": int(src[4]),
                            "source_row": int(src[5]),
                            "settlement": None,
                        }
                    )
                    break
    return pd.DataFrame.from_records(out, columns=raw.columns)


def _merge(periods: pd.DataFrame) -> pd.DataFrame:
    """Merge overlapping or adjacent periods per (katottg, status, is_partial)."""
    out: list[dict] = []
    ordered = periods.sort_values(["katottg", "status", "is_partial", "start", "source_row"])
    current: dict | None = None
    for rec in ordered.to_dict("records"):
        same = current is not None and all(current[c] == rec[c] for c in ("katottg", "status", "is_partial"))
        if same and rec["start"] <= current["end"] + 1:
            current["end"] = max(current["end"], rec["end"])
            continue
        if current is not None:
            out.append(current)
        current = dict(rec)
    if current is not None:
        out.append(current)
    return pd.DataFrame.from_records(out, columns=periods.columns)


def _to_output(merged: pd.DataFrame) -> pd.DataFrame:
    def to_date(o):
        return None if o >= _OPEN else date.fromordinal(int(o))

    df = pd.DataFrame(
        {
            "katottg": merged["katottg"].astype(str),
            "status": merged["status"].astype(str),
            "start_date": [date.fromordinal(int(o)) for o in merged["start"]],
            "end_date": [to_date(o) for o in merged["end"]],
            "is_partial": merged["is_partial"].astype(bool),
            "source_table": merged["source_table"].astype("int32"),
            "source_row": merged["source_row"].astype("int32"),
        },
        columns=list(PERIOD_COLUMNS),
    )
    return df.sort_values(["katottg", "start_date", "status"], ignore_index=True)
