"""Programme files in data/raw -> core tables (officers, stations, memoranda, trust_survey, targets).

Two stages, so a bad FILE stops the build before anything is written:
1. ``validate_files``: find the files and check each one at file level: format, encoding, header
   mapped to the contract, required columns present. Any problem raises ``InputFileError`` (file +
   one-line problem). A CSV file's bytes are scanned, but only its header record is parsed here.
   It returns the checked files (``ProgrammeFile``), which are what ``load_programme`` takes.
2. ``load_programme``: one file at a time, in name order, and a large CSV file in chunks of
   ``readers.CHUNK_ROWS`` rows: check every row against the contract (vectorised, one pass per
   rule), insert the good rows, and set bad ones aside in ``rejects``. Only one chunk of text is
   in memory at a time, whatever the number and size of the files. A record with more fields than
   the header is found only here and raises ``InputFileError`` after earlier files were inserted;
   the build writes into a new database file that it then discards, so nothing is served.

Rejects are per cell: every faulty cell of a row gets one rejects row with its first fault in the
order missing_required -> unknown_code / bad_date / bad_value -> outside_ukraine / future_date
-> end_before_start; a row with any fault is not loaded. duplicate_key is then checked among the
remaining good rows (the first one in file-name then row order is kept) and names no column: a
key repeated within a chunk is found in pandas, a key of a row already inserted (an earlier file
or chunk of the same kind) by a semi-join against the core table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl import contract, parsing, readers
from etl.contract import KEYS, KINDS, Field
from etl.errors import InputFileError
from etl.readers import TableHead, csv_dialect_note, iter_rows, read_head

log = logging.getLogger(__name__)


@dataclass
class ProgrammeFile:
    """A programme file that passed the file-level checks (its rows are not read yet)."""

    path: Path
    kind: str
    head: TableHead
    columns: dict[str, int]  # canonical name -> column position in the file's rows
    extra: list[tuple[int, str]] = field(default_factory=list)  # (position, header) not in the contract
    unnamed_with_values: set[int] = field(default_factory=set)  # header-less columns holding a value

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def ignored(self) -> list[str]:
        """Unknown columns: named ones, and header-less ones that hold a value in a row read."""
        return [text or f"(column {pos + 1} without a header)" for pos, text in self.extra
                if text or pos in self.unnamed_with_values]

    def note_rows(self, data: pd.DataFrame) -> None:
        """Remember which header-less columns hold a value (for ``ignored``)."""
        for pos, text in self.extra:
            if not text and pos not in self.unnamed_with_values and (data[pos] != "").any():
                self.unnamed_with_values.add(pos)


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
    """Check one file and map its header to the contract; raise InputFileError if unusable."""
    head = read_head(path)
    lookup = contract.header_lookup(kind)
    columns: dict[str, int] = {}
    extra: list[tuple[int, str]] = []
    for pos, text in enumerate(head.header):
        canonical = lookup.get(contract.normalise_header(text))
        if canonical is None:
            extra.append((pos, text.strip()))
            continue
        if canonical in columns:
            first = head.header[columns[canonical]].strip()
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
    pf = ProgrammeFile(path, kind, head, columns, extra)
    named = [text for _, text in extra if text]
    log.info("%s: %s (%s)%s", path.name, kind, csv_dialect_note(head),
             f"; ignored columns: {', '.join(named)}" if named else "")
    return pf


def validate_files(raw_dir: Path) -> list[ProgrammeFile]:
    """File-level checks of every programme file, in name order; writes nothing.

    Raises InputFileError for the first bad file. The files returned hold their headers (and the
    rows of .xlsx sheets, which openpyxl reads whole anyway): ``load_programme`` takes them, so a
    file's bytes are scanned once per build, not twice.
    """
    return [open_file(path, kind) for path, kind in find_files(raw_dir)]


# ---------------------------------------------------------------- stage 2: rows
@dataclass
class Lookups:
    hromada_codes: dict[str, str]  # KATOTTG or P-code -> KATOTTG
    oblast_codes: dict[str, str]
    centre_lat: dict[str, float]
    centre_lon: dict[str, float]
    hromada_oblast: dict[str, str] = field(default_factory=dict)  # hromada KATOTTG -> its oblast
    # 'UA05' -> that oblast's code: the level-1 digits of any KATOTTG code name its oblast
    oblast_prefixes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> Lookups:
        h = con.execute("SELECT katottg, ocha_pcode, oblast_katottg, centre_lat, centre_lon FROM hromadas").df()
        o = con.execute("SELECT oblast_katottg FROM oblasts").df()
        centres = h.dropna(subset=["centre_lat", "centre_lon"])
        return cls(
            hromada_codes=parsing.code_lookup(h["katottg"], h["ocha_pcode"]),
            oblast_codes=parsing.code_lookup(o["oblast_katottg"]),
            centre_lat=dict(zip(centres["katottg"], centres["centre_lat"], strict=True)),
            centre_lon=dict(zip(centres["katottg"], centres["centre_lon"], strict=True)),
            hromada_oblast=dict(zip(h["katottg"], h["oblast_katottg"], strict=True)),
            oblast_prefixes={str(c)[:4].upper(): str(c) for c in o["oblast_katottg"]},
        )

    def row_oblast(self, codes: pd.Series, kind_of_code: str) -> pd.Series:
        """The oblast each row names: its hromada's (or, for a target, its oblast code); when the
        code is unknown, the oblast its level-1 digits name; else None."""
        norm = parsing.normalise_code(codes)
        known = (norm.map(self.hromada_codes).map(self.hromada_oblast) if kind_of_code == "hromada_code"
                 else norm.map(self.oblast_codes))
        by_prefix = norm.str[:4].map(self.oblast_prefixes)
        return known.fillna(by_prefix).astype("object").where(lambda s: s.notna(), None)


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
            "_pos": np.flatnonzero(mask),
            "file": self.raw["source_file"][mask].to_numpy(),
            "row": self.raw["source_row"][mask].to_numpy(),
            "column": column,
            "value": vals.where(vals != "").astype("str").to_numpy(),
            "reason": reason,
            "_order": self.raw["_order"][mask].to_numpy(),
        }))

    def rejects(self, kind: str, lookups: Lookups) -> pd.DataFrame:
        """The rejects, each with the oblast its row names (looked up for rejected rows only)."""
        columns = ["file", "row", "column", "value", "reason", "oblast_katottg"]
        if not self.parts:
            return pd.DataFrame(columns=columns)
        out = pd.concat(self.parts, ignore_index=True)
        code_field = next((f for f in contract.fields(kind) if f.type in ("hromada_code", "oblast_code")), None)
        if code_field is None:
            out["oblast_katottg"] = None
        else:
            codes = self.raw[code_field.name].iloc[out["_pos"].to_numpy()].reset_index(drop=True)
            out["oblast_katottg"] = lookups.row_oblast(codes, code_field.type)
        return out.sort_values(["_order", "row"], kind="stable")[columns]


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
    raise ValueError(f"no parser for field type {t!r}")  # a typo in vocabulary/fields.csv


# Given the key values (parsed) of some rows, which of them are already loaded: a bool mask.
SeenKeys = Callable[[pd.DataFrame], np.ndarray]


def check_rows(kind: str, raw: pd.DataFrame, lookups: Lookups, build_date: date,
               seen: SeenKeys | None = None) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Validate a frame of one kind (text columns named canonically, plus source_file,
    source_row, _order). Returns (values of the good rows, rejects, faulty-row mask).

    ``seen`` says which keys earlier rows (other files, earlier chunks) already loaded: those rows
    are duplicate_key too."""
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
            ck.reject(ok & ~v.between(0, WEIGHT_MAX, inclusive="right").fillna(False).to_numpy(), f.name,
                      "bad_value")
            v = v.fillna(1.0)
        elif f.type == "year":
            out = ok & ~v.between(contract.YEAR_MIN, contract.YEAR_MAX).fillna(False).to_numpy()
            ck.reject(out, f.name, "bad_value")
        elif f.type == "count":
            # stored as INTEGER: a value past its range would abort the whole build in DuckDB
            ck.reject(ok & ~v.between(0, INT32_MAX).fillna(False).to_numpy(), f.name, "bad_value")
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
    if seen is not None:
        idx = np.flatnonzero(good & ~dup)
        if len(idx):
            keys = pd.DataFrame({k: values[k].iloc[idx].reset_index(drop=True) for k in key})
            dup[idx[seen(keys)]] = True
    if dup.any():
        described = raw[key[0]].radd(f"{key[0]}=")
        for k in key[1:]:
            described = described + f", {k}=" + raw[k]
        ck.reject(dup, None, "duplicate_key", value=described)
    good = ~ck.faulty
    out = pd.DataFrame({name: v[good] for name, v in values.items()})
    out["source_file"] = raw["source_file"][good]
    out["source_row"] = raw["source_row"][good]
    return out.reset_index(drop=True), ck.rejects(kind, lookups), ck.faulty


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


def _frame(pf: ProgrammeFile, data: pd.DataFrame, row_numbers: np.ndarray, order: int) -> pd.DataFrame:
    """One chunk of a file as check_rows wants it: contract columns (trimmed text), source_*."""
    n = len(data)
    cols = {
        f.name: (parsing.clean(data[pf.columns[f.name]]) if f.name in pf.columns
                 else pd.Series("", index=range(n), dtype="str"))
        for f in contract.fields(pf.kind)
    }
    frame = pd.DataFrame(cols)
    frame["source_file"] = pf.name
    frame["source_row"] = row_numbers
    frame["_order"] = order
    return frame


# A survey weight above this is not a weight (1e308 made every weighted share NaN), and a
# count above INTEGER's range cannot be stored.
WEIGHT_MAX = 1e6
INT32_MAX = 2**31 - 1

_SQL_TYPE = {"date": "DATE", "trust": "TINYINT", "year": "INTEGER", "count": "INTEGER"}


def _sql_value(kind: str, column: str, expr: str) -> str:
    t = {f.name: f.type for f in contract.fields(kind)}.get(column)
    return f"CAST({expr} AS {_SQL_TYPE[t]})" if t in _SQL_TYPE else expr


def _insert(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, kind: str) -> None:
    """INSERT the good rows; table and column names come from the contract, never from a file."""
    if df.empty:
        return
    # trust_survey has no source_file/source_row (10 M rows at scale): insert what the table has.
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
    cols = [c for c in df.columns if c in have]
    select = ", ".join(_sql_value(kind, c, f'"{c}"') + f' AS "{c}"' for c in cols)
    col_list = ", ".join(f'"{c}"' for c in cols)
    _on_frame(con, df, f'INSERT INTO {table} ({col_list}) SELECT {select} FROM _pog_in')


def _insert_rejects(con: duckdb.DuckDBPyConnection, rejects: pd.DataFrame) -> None:
    if rejects.empty:
        return
    _on_frame(con, rejects, 'INSERT INTO rejects (file, row, "column", value, reason, oblast_katottg) '
                            'SELECT file, row, "column", value, reason, oblast_katottg FROM _pog_in')


def _on_frame(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, sql: str) -> duckdb.DuckDBPyRelation:
    """Run ``sql`` with ``df`` as the table ``_pog_in``.

    Not ``con.register``: inside the build's transaction a registered (then unregistered) frame
    stays referenced until COMMIT, so every chunk of every file would stay in memory.
    """
    return con.from_df(df).query("_pog_in", sql)


def _loaded_keys(con: duckdb.DuckDBPyConnection, kind: str) -> SeenKeys:
    """A ``seen`` for check_rows: a semi-join of the candidate keys against the core table."""
    key = KEYS[kind]
    on = " AND ".join(f't."{k}" = ' + _sql_value(kind, k, f'c."{k}"') for k in key)

    def seen(keys: pd.DataFrame) -> np.ndarray:
        cand = keys.assign(_pos=np.arange(len(keys), dtype=np.int64))
        hits = _on_frame(con, cand, f"SELECT c._pos FROM _pog_in c SEMI JOIN {kind} t ON {on}"
                         ).fetchnumpy()["_pos"]
        mask = np.zeros(len(keys), dtype=bool)
        mask[np.asarray(hits, dtype=np.int64)] = True
        return mask

    return seen


def load_programme(con: duckdb.DuckDBPyConnection, files: list[ProgrammeFile], build_date: date) -> list[dict]:
    """Load the programme files that ``validate_files`` checked into the core tables and ``rejects``.

    Every file has passed the file-level checks before the first row is written; they are read one
    at a time, in name order (a large CSV file a chunk at a time), and checked and inserted in
    batches of at most ``readers.CHUNK_ROWS`` rows (small files of one kind share a batch).
    Returns one load_log entry per file: file, kind, sha256, rows_read, rows_loaded,
    rows_rejected, ignored_columns.
    """
    batch = _Batches(con, Lookups.from_db(con), build_date, files)
    for order, pf in enumerate(files):
        for data, row_numbers in iter_rows(pf.head):
            if data.empty:
                continue
            pf.note_rows(data)
            batch.add(pf.kind, _frame(pf, data, row_numbers, order))
            del data, row_numbers  # free the text before reading the next chunk
    batch.flush()
    log_rows = []
    for order, pf in enumerate(files):
        read, bad = batch.read[order], batch.bad[order]
        log_rows.append({
            "file": pf.name, "kind": pf.kind, "sha256": pf.head.sha256,
            "rows_read": read, "rows_loaded": read - bad, "rows_rejected": bad,
            "ignored_columns": ", ".join(pf.ignored),
        })
        log.info("%s: %d rows read, %d loaded, %d rejected", pf.name, read, read - bad, bad)
    return log_rows


class _Batches:
    """Stacks chunks of one kind up to ``readers.CHUNK_ROWS`` rows, then checks and inserts them.

    A batch holds consecutive chunks (file-name, then row order) of one kind; a chunk of another
    kind flushes it. Keys of rows inserted by earlier batches count for duplicate_key.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, lookups: Lookups, build_date: date,
                 files: list[ProgrammeFile]):
        self.con, self.lookups, self.build_date = con, lookups, build_date
        self.read = [0] * len(files)  # rows read per file (by its position in ``files``)
        self.bad = [0] * len(files)
        self.loaded = dict.fromkeys(KINDS, 0)  # rows inserted so far, per kind
        self.kind: str | None = None
        self.frames: list[pd.DataFrame] = []
        self.rows = 0

    def add(self, kind: str, frame: pd.DataFrame) -> None:
        if kind != self.kind or self.rows + len(frame) > readers.CHUNK_ROWS:
            self.flush()
        self.kind = kind
        self.frames.append(frame)
        self.rows += len(frame)

    def flush(self) -> None:
        if not self.frames:
            return
        kind = self.kind
        raw = pd.concat(self.frames, ignore_index=True) if len(self.frames) > 1 else self.frames[0]
        self.frames, self.rows = [], 0
        seen = _loaded_keys(self.con, kind) if self.loaded[kind] else None
        good, rejects, faulty = check_rows(kind, raw, self.lookups, self.build_date, seen)
        _insert(self.con, kind, good, kind)
        _insert_rejects(self.con, rejects)
        self.loaded[kind] += len(good)
        order = raw["_order"].to_numpy()
        for o, n in zip(*np.unique(order, return_counts=True), strict=True):
            self.read[o] += int(n)
        for o, n in zip(*np.unique(order[faulty], return_counts=True), strict=True):
            self.bad[o] += int(n)
