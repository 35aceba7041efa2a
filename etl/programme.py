"""Programme files in data/raw -> core tables (officers, stations, memoranda, trust_survey, targets).

Two stages, so a bad FILE stops the build before anything is written:
1. ``validate_files``: find the files, read each one fully, map its headers to the contract and
   check the required columns. Any problem raises ``InputFileError`` (file + one-line problem).
2. ``load_programme``: check every row against the contract (vectorised, one pass per rule),
   insert good rows, and set bad ones aside in ``rejects``.

Rejects are per cell: every faulty cell of a row gets one rejects row with its first fault in the
order missing_required -> unknown_code / bad_date / bad_value -> outside_ukraine / future_date
-> end_before_start; a row with any fault is not loaded. duplicate_key is then checked among the
remaining good rows (the first one in file-name then row order is kept) and names no column.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl import contract, parsing
from etl.contract import KEYS, KINDS, Field
from etl.errors import InputFileError
from etl.readers import RawTable, csv_dialect_note, read_table

log = logging.getLogger(__name__)


@dataclass
class ProgrammeFile:
    """A programme file that passed the file-level checks."""

    path: Path
    kind: str
    table: RawTable
    columns: dict[str, int]  # canonical name -> column position in table.data
    ignored: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


# ---------------------------------------------------------------- stage 1: files
def find_files(raw_dir: Path) -> list[tuple[Path, str]]:
    """(path, kind) of every programme file in raw_dir, sorted by name (the stacking order).

    A file whose name starts with a kind but is not .csv/.xlsx is returned too: it is a bad file,
    and reading it says so. Any other file (README.txt, Excel's ~$ lock files) is skipped.
    """
    found = []
    if not raw_dir.is_dir():
        log.info("no programme data directory %s", raw_dir)
        return found
    for path in sorted(raw_dir.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.name.startswith("."):
            continue
        kind = contract.kind_of(path.name)
        if kind is None:
            log.info("ignored %s: its name does not start with a kind (%s)", path.name, ", ".join(KINDS))
            continue
        found.append((path, kind))
    return found


def open_file(path: Path, kind: str) -> ProgrammeFile:
    """Read one file and map its header to the contract; raise InputFileError if unusable."""
    table = read_table(path)
    lookup = contract.header_lookup(kind)
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for pos, text in enumerate(table.header):
        canonical = lookup.get(contract.normalise_header(text))
        if canonical is None:
            if text.strip():
                ignored.append(text.strip())
            elif (table.data[pos] != "").any():
                ignored.append(f"(column {pos + 1} without a header)")
            continue
        if canonical in columns:
            first = table.header[columns[canonical]].strip()
            raise InputFileError(
                path.name, f"column '{canonical}' appears twice, as '{first}' and '{text.strip()}'"
            )
        columns[canonical] = pos
    missing = [f for f in contract.fields(kind) if f.required and f.name not in columns]
    if len(missing) == 1:
        raise InputFileError(path.name, f"required column {missing[0].label()} is missing")
    if missing:
        names = ", ".join(f.label() for f in missing)
        raise InputFileError(path.name, f"required columns {names} are missing")
    log.info(
        "%s: %s, %d rows (%s)%s",
        path.name, kind, len(table.data), csv_dialect_note(table),
        f"; ignored columns: {', '.join(ignored)}" if ignored else "",
    )
    return ProgrammeFile(path, kind, table, columns, ignored)


# The build validates all files, then loads them: keep the last validated set (while the files
# are unchanged) so a large survey file is read once per build, not twice.
_last_validated: tuple[tuple, list[ProgrammeFile]] | None = None


def _stamp(found: list[tuple[Path, str]]) -> tuple:
    return tuple((str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p, _ in found)


def validate_files(raw_dir: Path) -> list[ProgrammeFile]:
    """File-level checks of every programme file (``python -m etl validate``); writes nothing.

    Raises InputFileError for the first bad file in name order.
    """
    global _last_validated
    _last_validated = None
    found = find_files(raw_dir)
    files = [open_file(path, kind) for path, kind in found]
    _last_validated = (_stamp(found), files)
    return files


def _validated_files(raw_dir: Path) -> list[ProgrammeFile]:
    global _last_validated
    cached, _last_validated = _last_validated, None
    found = find_files(raw_dir)
    if cached is not None and cached[0] == _stamp(found):
        return cached[1]
    return [open_file(path, kind) for path, kind in found]


# ---------------------------------------------------------------- stage 2: rows
@dataclass
class Lookups:
    hromada_codes: dict[str, str]  # KATOTTG or P-code -> KATOTTG
    oblast_codes: dict[str, str]
    centre_lat: dict[str, float]
    centre_lon: dict[str, float]

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> Lookups:
        h = con.execute("SELECT katottg, ocha_pcode, centre_lat, centre_lon FROM hromadas").df()
        o = con.execute("SELECT oblast_katottg FROM oblasts").df()
        centres = h.dropna(subset=["centre_lat", "centre_lon"])
        return cls(
            hromada_codes=parsing.code_lookup(h["katottg"], h["ocha_pcode"]),
            oblast_codes=parsing.code_lookup(o["oblast_katottg"]),
            centre_lat=dict(zip(centres["katottg"], centres["centre_lat"], strict=True)),
            centre_lon=dict(zip(centres["katottg"], centres["centre_lon"], strict=True)),
        )


_PARSE_REASON = {"date": "bad_date", "hromada_code": "unknown_code", "oblast_code": "unknown_code"}


class _Checker:
    """Collects rejects for one stacked kind; the masks are aligned with the stacked frame."""

    def __init__(self, raw: pd.DataFrame):
        self.raw = raw
        self.faulty = np.zeros(len(raw), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def reject(self, mask: pd.Series | np.ndarray, column: str | None, reason: str,
               value: pd.Series | None = None) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        assert reason in contract.REJECT_REASONS, reason
        self.faulty |= mask
        vals = (self.raw[column] if value is None else value)[mask]
        self.parts.append(pd.DataFrame({
            "file": self.raw["source_file"][mask].to_numpy(),
            "row": self.raw["source_row"][mask].to_numpy(),
            "column": column,
            "value": vals.where(vals != "").astype("str").to_numpy(),
            "reason": reason,
            "_order": self.raw["_order"][mask].to_numpy(),
        }))

    def rejects(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["file", "row", "column", "value", "reason"])
        out = pd.concat(self.parts, ignore_index=True)
        return out.sort_values(["_order", "row"], kind="stable").drop(columns="_order")


def _parse_field(f: Field, s: pd.Series) -> parsing.Parsed:
    t = f.type
    if t == "text":
        return parsing.Parsed(s.where(s != ""), pd.Series(False, index=s.index))
    if t == "date":
        return parsing.parse_date(s)
    if t == "boolean":
        return parsing.parse_bool(s, contract.BOOLEAN_VALUES)
    if t == "station_kind":
        return parsing.parse_choice(s, contract.STATION_KINDS, "str")
    if t == "sex":
        return parsing.parse_choice(s, contract.SEX_VALUES, "str")
    if t == "trust":
        return parsing.parse_choice(s, contract.TRUST_VALUES, "Int64")
    if t == "age_group":
        return parsing.parse_age_group(s, contract.AGE_GROUPS)
    if t in ("weight", "latitude", "longitude"):
        return parsing.parse_decimal(s)
    if t in ("year", "count"):
        return parsing.parse_integer(s)
    raise ValueError(f"no parser for field type {t!r}")  # a typo in column_maps/programme.csv


def check_rows(kind: str, raw: pd.DataFrame, lookups: Lookups, build_date: date
               ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Validate a stacked frame of one kind (text columns named canonically, plus source_file,
    source_row, _order). Returns (values of the good rows, rejects, faulty-row mask)."""
    ck = _Checker(raw)
    values: dict[str, pd.Series] = {}
    for f in contract.fields(kind):
        s = raw[f.name]
        empty = (s == "").to_numpy()
        if f.value_required:
            ck.reject(empty, f.name, "missing_required")
        if f.type == "hromada_code":
            p = parsing.resolve_code(s, lookups.hromada_codes)
        elif f.type == "oblast_code":
            p = parsing.resolve_code(s, lookups.oblast_codes)
        else:
            p = _parse_field(f, s)
        ck.reject(p.bad, f.name, _PARSE_REASON.get(f.type, "bad_value"))
        v = p.values
        ok = v.notna().to_numpy()
        if f.type == "weight":
            ck.reject(ok & (v <= 0).fillna(False).to_numpy(), f.name, "bad_value")
            v = v.fillna(1.0)
        elif f.type == "year":
            out = ok & ~v.between(contract.YEAR_MIN, contract.YEAR_MAX).fillna(False).to_numpy()
            ck.reject(out, f.name, "bad_value")
        elif f.type == "count":
            ck.reject(ok & (v < 0).fillna(False).to_numpy(), f.name, "bad_value")
        elif f.type in ("latitude", "longitude"):
            lo, hi = ((contract.LAT_MIN, contract.LAT_MAX) if f.type == "latitude"
                      else (contract.LON_MIN, contract.LON_MAX))
            ck.reject(ok & ~v.between(lo, hi).fillna(False).to_numpy(), f.name, "outside_ukraine")
        values[f.name] = v

    for col in contract.NOT_AFTER_BUILD_DATE.get(kind, ()):
        late = (values[col] > pd.Timestamp(build_date)).fillna(False).to_numpy()
        ck.reject(late, col, "future_date")
    for start, end in contract.DATE_ORDER.get(kind, ()):
        before = (values[end] < values[start]).fillna(False).to_numpy()
        ck.reject(before, end, "end_before_start")
    if kind == "stations":
        _station_location(raw, values, lookups, ck)

    key = KEYS[kind]
    good = ~ck.faulty
    dup = np.zeros(len(raw), dtype=bool)
    dup[good] = _key_text(values, key)[good].duplicated(keep="first").to_numpy()
    if dup.any():
        described = raw[key[0]].radd(f"{key[0]}=")
        for k in key[1:]:
            described = described + f", {k}=" + raw[k]
        ck.reject(dup, None, "duplicate_key", value=described)
    good = ~ck.faulty
    out = pd.DataFrame({name: v[good] for name, v in values.items()})
    out["source_file"] = raw["source_file"][good]
    out["source_row"] = raw["source_row"][good]
    return out.reset_index(drop=True), ck.rejects(), ck.faulty


def _key_text(values: dict[str, pd.Series], key: tuple[str, ...]) -> pd.Series:
    """The key as one string (a unit separator between parts): one hash pass, not one per part."""
    text = values[key[0]].astype("str")
    for k in key[1:]:
        text = text + "\x1f" + values[k].astype("str")
    return text


def _station_location(raw: pd.DataFrame, values: dict[str, pd.Series], lookups: Lookups,
                      ck: _Checker) -> None:
    """Both coordinates or neither: neither = the hromada's centre (is_location_imputed)."""
    lat_empty = (raw["lat"] == "").to_numpy()
    lon_empty = (raw["lon"] == "").to_numpy()
    ck.reject(lat_empty & ~lon_empty, "lat", "missing_required")
    ck.reject(lon_empty & ~lat_empty, "lon", "missing_required")
    imputed = lat_empty & lon_empty
    code = values["hromada_katottg"]
    values["lat"] = values["lat"].where(~imputed, code.map(lookups.centre_lat)).astype("float64")
    values["lon"] = values["lon"].where(~imputed, code.map(lookups.centre_lon)).astype("float64")
    # A hromada without a known centre (Crimea) cannot stand in for a missing location.
    no_centre = imputed & code.notna().to_numpy() & values["lat"].isna().to_numpy()
    ck.reject(no_centre, "lat", "missing_required")
    values["is_location_imputed"] = pd.Series(imputed, index=raw.index)


def _stack(files: list[ProgrammeFile], order: dict[str, int]) -> pd.DataFrame:
    frames = []
    for pf in files:
        data = pf.table.data
        n = len(data)
        cols = {
            f.name: (parsing.clean(data[pf.columns[f.name]]) if f.name in pf.columns
                     else pd.Series([""] * n, dtype="str"))
            for f in contract.fields(pf.kind)
        }
        frame = pd.DataFrame(cols)
        frame["source_file"] = pf.name
        frame["source_row"] = pf.table.row_numbers
        frame["_order"] = order[pf.name]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


_SQL_TYPE = {"date": "DATE", "trust": "TINYINT", "year": "INTEGER", "count": "INTEGER"}


def _insert(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, kind: str) -> None:
    """INSERT the good rows; table and column names come from the contract, never from a file."""
    if df.empty:
        return
    types = {f.name: f.type for f in contract.fields(kind)}
    # trust_survey has no source_file/source_row (10 M rows at scale): insert what the table has.
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
    cols = [c for c in df.columns if c in have]
    select = ", ".join(
        f'CAST("{c}" AS {_SQL_TYPE[types[c]]}) AS "{c}"' if types.get(c) in _SQL_TYPE else f'"{c}"'
        for c in cols
    )
    name = f"_pog_{table}_in"
    con.register(name, df)
    try:
        col_list = ", ".join(f'"{c}"' for c in cols)
        con.execute(f'INSERT INTO {table} ({col_list}) SELECT {select} FROM "{name}"')
    finally:
        con.unregister(name)


def load_programme(con: duckdb.DuckDBPyConnection, raw_dir: Path, build_date: date) -> list[dict]:
    """Load every programme file in raw_dir into the core tables and ``rejects``.

    All files pass the file-level checks before the first row is written. Returns one load_log
    entry per file: file, kind, sha256, rows_read, rows_loaded, rows_rejected, ignored_columns.
    """
    files = _validated_files(raw_dir)
    lookups = Lookups.from_db(con)
    order = {pf.name: i for i, pf in enumerate(files)}
    log_rows: dict[str, dict] = {}
    for kind in KINDS:
        group = [pf for pf in files if pf.kind == kind]
        if not group:
            continue
        raw = _stack(group, order)
        good, rejects, faulty = check_rows(kind, raw, lookups, build_date)
        _insert(con, kind, good, kind)
        if not rejects.empty:
            name = "_pog_rejects_in"
            con.register(name, rejects)
            try:
                con.execute(f'INSERT INTO rejects (file, row, "column", value, reason) '
                            f'SELECT file, row, "column", value, reason FROM "{name}"')
            finally:
                con.unregister(name)
        bad_per_file = pd.Series(faulty).groupby(raw["source_file"].to_numpy()).sum()
        for pf in group:
            read = len(pf.table.data)
            bad = int(bad_per_file.get(pf.name, 0))
            log_rows[pf.name] = {
                "file": pf.name, "kind": kind, "sha256": pf.table.sha256,
                "rows_read": read, "rows_loaded": read - bad, "rows_rejected": bad,
                "ignored_columns": ", ".join(pf.ignored),
            }
            log.info("%s: %d rows read, %d loaded, %d rejected", pf.name, read, read - bad, bad)
    return [log_rows[pf.name] for pf in files]
