"""Read one spreadsheet file (.csv or .xlsx) into a table of strings with spreadsheet row numbers.

Readers know formats, not the contract: they return every column as text, exactly as written
(Excel cells turned into text the contract understands: dates as YYYY-MM-DD, whole numbers
without '.0', booleans as true/false). A file that cannot be read as a spreadsheet raises
``InputFileError`` with one line naming the problem.

Row numbers are the ones a spreadsheet user sees: in an .xlsx file the sheet row; in a CSV file
the record number counted from the first line (the header is row 1 when it is the first line).
A quoted value holding a line break is one record, so it is one row, as when Excel opens the
file. Blank rows are skipped but still counted, so the numbers stay those of the spreadsheet.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import InputFileError

log = logging.getLogger(__name__)

CHUNK = 16 * 1024 * 1024
# Bytes that never occur in a text CSV in UTF-8 or Windows-1251 (controls except \t \n \r).
_CONTROL = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
# Windows-1251 bytes >= 0x80 that Ukrainian/Russian text actually uses: letters А-я (C0-FF),
# Ґ ґ Є є І і Ї ї Ё ё, « » № no-break space, dashes, quotes, apostrophe, ellipsis, bullet, €.
_CP1251_TEXT = set(range(0xC0, 0x100)) | {
    0xA5, 0xB4, 0xAA, 0xBA, 0xB2, 0xB3, 0xAF, 0xBF, 0xA8, 0xB8, 0xAB, 0xBB, 0xB9, 0xA0,
    0x96, 0x97, 0x91, 0x92, 0x93, 0x94, 0x84, 0x85, 0x95, 0x88, 0xB0, 0xB1, 0xA7, 0xA9, 0xAE,
}


@dataclass
class RawTable:
    """A spreadsheet as text: ``data`` has columns 0..n-1 (str), one row per non-blank record."""

    file: str
    sha256: str
    header: list[str]  # header cells as written
    header_row: int
    data: pd.DataFrame
    row_numbers: np.ndarray  # spreadsheet row number of each row of ``data``
    encoding: str = ""  # csv only: utf-8-sig | cp1251
    delimiter: str = ""  # csv only


@dataclass
class TableHead:
    """A spreadsheet that passed the file-level checks: its header and how to read its rows.

    For a CSV file only the header record has been parsed: the rows are read later, a chunk at a
    time (``iter_rows``), so a large file never sits in memory whole. An .xlsx sheet is read whole
    by openpyxl anyway; its rows are kept in ``rows`` until ``iter_rows`` hands them out.
    """

    file: str
    path: Path
    sha256: str
    header: list[str]  # header cells as written
    header_row: int
    encoding: str = ""  # csv only: utf-8-sig | cp1251
    delimiter: str = ""  # csv only
    rows: tuple[pd.DataFrame, np.ndarray] | None = field(default=None, repr=False)  # xlsx only


# Rows per chunk of a CSV file: a survey file of ~1.3 M rows is read in three chunks.
CHUNK_ROWS = 500_000


def read_head(path: Path) -> TableHead:
    """File-level checks of a .csv or .xlsx file (format, encoding, header); raise InputFileError.

    A CSV file's bytes are scanned whole (sha256, encoding, binary content), but only its header
    record is parsed. A record with more fields than the header is found when the rows are read.
    """
    ext = path.suffix.lower()
    if ext == ".csv":
        return _csv_head(path)
    if ext == ".xlsx":
        return _xlsx_head(path)
    raise InputFileError(path.name, "not a spreadsheet: only .csv and .xlsx files are accepted")


def iter_rows(head: TableHead, chunk_rows: int | None = None) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """The non-blank data rows of a file, in chunks: (text columns 0..n-1, spreadsheet row numbers).

    Raises InputFileError for a CSV record with more fields than the header.
    """
    if head.rows is not None:  # xlsx: read during the checks
        rows, head.rows = head.rows, None
        yield rows
        return
    yield from _csv_chunks(head, chunk_rows or CHUNK_ROWS)


def read_table(path: Path) -> RawTable:
    """Read a .csv or .xlsx file whole; raise InputFileError when it is not a usable spreadsheet."""
    head = read_head(path)
    chunks = list(iter_rows(head))
    data = pd.concat([c[0] for c in chunks], ignore_index=True) if len(chunks) > 1 else chunks[0][0]
    rows = np.concatenate([c[1] for c in chunks])
    return RawTable(head.file, head.sha256, head.header, head.header_row, data, rows,
                    head.encoding, head.delimiter)


# ---------------------------------------------------------------- csv
def _scan_csv(path: Path) -> tuple[str, str, bytes]:
    """One pass over the bytes: sha256, encoding (utf-8-sig | cp1251), first chunk."""
    name = path.name
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    counts = np.zeros(256, dtype=np.int64)
    first = b""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                if not first:
                    first = chunk
                    if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                        raise InputFileError(
                            name, "unknown encoding (UTF-16): save it as CSV UTF-8 or Windows-1251"
                        )
                digest.update(chunk)
                if chunk.translate(None, _NOT_CONTROL):
                    raise InputFileError(
                        name,
                        "not a CSV text file: it holds binary bytes (another format, or an encoding "
                        "other than UTF-8 / Windows-1251)",
                    )
                if chunk.isascii():
                    continue
                if is_utf8:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        is_utf8 = False
                if not is_utf8:
                    counts += np.bincount(np.frombuffer(chunk, dtype=np.uint8), minlength=256)
            if is_utf8:
                utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        is_utf8 = False  # truncated multi-byte sequence at the end; counts cover every chunk
        counts = _byte_counts(path)
    except OSError as e:
        raise InputFileError(name, f"cannot be read: {e.strerror or e}") from None
    if not first.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputFileError(name, "the file is empty")
    if is_utf8:
        return digest.hexdigest(), "utf-8-sig", first
    high = counts[0x80:].sum()
    plausible = sum(int(counts[b]) for b in _CP1251_TEXT)
    if counts[0x98] or plausible < 0.95 * high:
        raise InputFileError(name, "unknown encoding: save it as CSV UTF-8 or Windows-1251")
    return digest.hexdigest(), "cp1251", first


def _byte_counts(path: Path) -> np.ndarray:
    counts = np.zeros(256, dtype=np.int64)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            counts += np.bincount(np.frombuffer(chunk, dtype=np.uint8), minlength=256)
    return counts


_BLANK_LINE = re.compile(r'[\s,;"]*')


def _header_position(first: bytes, encoding: str) -> tuple[int, str]:
    """Number of blank lines before the header, and the header line itself."""
    # Decode a growing prefix, not the whole first chunk (16 MB): the header is near the top.
    size = 64 * 1024
    while True:
        whole = size >= len(first)
        lines = first[:size].decode(encoding, errors="replace").splitlines()
        complete = lines if whole else lines[:-1]  # the prefix may end inside a line
        for i, line in enumerate(complete):
            if not _BLANK_LINE.fullmatch(line):
                return i, line
        if whole:
            return len(lines), ""
        size *= 8


def _sniff_delimiter(header_line: str) -> str:
    """',' or ';', whichever splits the header line into more fields (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _csv_options(head: TableHead) -> dict:
    return dict(
        sep=head.delimiter,
        header=None,
        skiprows=head.header_row - 1,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        index_col=False,
        encoding=head.encoding,
        quotechar='"',
        doublequote=True,
        engine="c",
    )


def _csv_error(name: str, e: Exception) -> InputFileError:
    if isinstance(e, OSError):
        return InputFileError(name, f"cannot be read: {e.strerror or e}")
    if isinstance(e, pd.errors.EmptyDataError):
        return InputFileError(name, "the file is empty")
    problem = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
    return InputFileError(name, f"not a well-formed CSV: {problem}")


_CSV_ERRORS = (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError)


def _csv_head(path: Path) -> TableHead:
    """Scan the bytes (sha256, encoding, binary content) and read the header record only."""
    name = path.name
    sha256, encoding, first = _scan_csv(path)
    skip, header_line = _header_position(first, encoding)
    del first
    if not header_line:
        raise InputFileError(name, "the file is empty: no header row")
    head = TableHead(name, path, sha256, [], skip + 1, encoding, _sniff_delimiter(header_line))
    try:
        df = pd.read_csv(path, nrows=1, **_csv_options(head))
    except _CSV_ERRORS as e:
        raise _csv_error(name, e) from None
    if df.empty:
        raise InputFileError(name, "the file is empty")
    head.header = [str(h) for h in df.iloc[0].tolist()]
    return head


def _csv_chunks(head: TableHead, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """The data records after the header, ``chunk_rows`` records at a time (blank ones dropped)."""
    next_row = head.header_row  # the header record is the first one read
    first = True
    try:
        reader = pd.read_csv(head.path, chunksize=chunk_rows, **_csv_options(head))
        with reader:
            for df in reader:
                rows = np.arange(next_row, next_row + len(df), dtype=np.int64)
                next_row += len(df)
                if first:
                    df, rows, first = df.iloc[1:], rows[1:], False
                yield _drop_blank_rows(df.reset_index(drop=True), rows)
    except _CSV_ERRORS as e:
        raise _csv_error(head.file, e) from None


def _drop_blank_rows(data: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop rows whose cells are all empty or spaces (their numbers stay skipped)."""
    data.columns = range(data.shape[1])
    if data.empty:
        return data, rows
    # Only rows whose first cell is blank can be blank rows: check the rest on those alone.
    first = data[0]
    candidate = ((first == "") | (first.str.strip() == "")).to_numpy()
    if candidate.any():
        sub = data.loc[candidate]
        blank_sub = np.ones(len(sub), dtype=bool)
        for c in sub.columns[1:]:
            blank_sub &= (sub[c].str.strip() == "").to_numpy()
        blank = np.zeros(len(data), dtype=bool)
        blank[np.flatnonzero(candidate)[blank_sub]] = True
        if blank.any():
            data = data.loc[~blank].reset_index(drop=True)
            rows = rows[~blank]
    return data, rows


# ---------------------------------------------------------------- xlsx
def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat()  # an Excel date cell; a time of day is not part of the contract
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _xlsx_head(path: Path) -> TableHead:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputFileError(name, f"cannot be read: {e.strerror or e}") from None
    if not raw.strip():
        raise InputFileError(name, "the file is empty")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputFileError(name, "not an Excel .xlsx workbook (the content is not an .xlsx package)")
    import openpyxl  # imported here: csv-only builds do not pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                if not wb.worksheets:
                    raise InputFileError(name, "the workbook has no sheet")
                ws = wb.worksheets[0]
                ws.reset_dimensions()  # some writers store a wrong sheet size
                rows = [
                    [_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)
                ]
            finally:
                wb.close()
    except InputFileError:
        raise
    except Exception as e:  # openpyxl raises many types for a broken package
        raise InputFileError(name, f"cannot be opened as an .xlsx workbook ({type(e).__name__})") from None
    header_idx = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_idx is None:
        raise InputFileError(name, "the first sheet is empty")
    width = max(len(r) for r in rows[header_idx:])
    grid = [r + [""] * (width - len(r)) for r in rows[header_idx:]]
    header = grid[0]
    data = pd.DataFrame(grid[1:], columns=range(width), dtype="str")
    header_row = header_idx + 1
    numbers = np.arange(header_row + 1, header_row + 1 + len(data), dtype=np.int64)
    return TableHead(name, path, hashlib.sha256(raw).hexdigest(), header, header_row,
                     rows=_drop_blank_rows(data, numbers))


def csv_dialect_note(t: RawTable | TableHead) -> str:
    """For log lines: how a file was read."""
    if not t.encoding:
        return "xlsx"
    return f"{t.encoding}, delimiter {t.delimiter!r}"


__all__ = ["RawTable", "TableHead", "read_head", "iter_rows", "read_table", "csv_dialect_note"]
