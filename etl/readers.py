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
import logging
import re
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
    if not _reads_as_cyrillic(first[:_SAMPLE].decode("cp1251", errors="replace")):
        raise InputFileError(name, "unknown encoding: read as Windows-1251 the text is not Ukrainian or Russian "
                                   "(KOI8-U, ISO-8859-5 or Latin-1?): save it as CSV UTF-8")
    return digest.hexdigest(), "cp1251", first


_SAMPLE = 1 << 20
_CYR = "А-ЯЁЄІЇҐа-яёєіїґ"
_WORD = re.compile(f"[A-Za-z{_CYR}]+")
_HAS_CYR = re.compile(f"[{_CYR}]")
# Other encodings read as Windows-1251 give words that mix scripts (Latin-1 'Müller' -> 'Mьller')
# or put a capital after a small letter (KOI8-U 'Одеса' -> 'пДЕУБ', ISO-8859-5 -> 'ФХбР').
_IMPLAUSIBLE = re.compile(f"[A-Za-z][{_CYR}]|[{_CYR}][A-Za-z]|[а-яёєіїґ][А-ЯЁЄІЇҐ]")


def _reads_as_cyrillic(text: str) -> bool:
    """Whether text decoded as Windows-1251 looks like Ukrainian/Russian: at most one word in
    ten holding Cyrillic letters is implausible (mixed scripts, a capital inside a word)."""
    words = [w for w in _WORD.findall(text) if _HAS_CYR.search(w)]
    if not words:
        return True
    odd = sum(1 for w in words if _IMPLAUSIBLE.search(w))
    return odd <= 0.1 * len(words)


def _byte_counts(path: Path) -> np.ndarray:
    counts = np.zeros(256, dtype=np.int64)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            counts += np.bincount(np.frombuffer(chunk, dtype=np.uint8), minlength=256)
    return counts


_BLANK_LINE = re.compile(r'[\s,;"]*')
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _header_position(first: bytes, encoding: str) -> tuple[int, str]:
    """Number of blank lines before the header, and the header line itself."""
    # Decode a growing prefix, not the whole first chunk (16 MB): the header is near the top.
    size = 64 * 1024
    while True:
        whole = size >= len(first)
        # Only CR and LF end a record (as for pandas); str.splitlines would also split at U+2028,
        # U+0085 and friends, and the header would be looked for on the wrong line.
        lines = _LINE_BREAK.split(first[:size].decode(encoding, errors="replace"))
        if lines and lines[-1] == "":
            lines.pop()
        complete = lines if whole else lines[:-1]  # the prefix may end inside a line
        for i, line in enumerate(complete):
            if not _BLANK_LINE.fullmatch(line):
                return i, line
        if whole:
            return len(lines), ""
        size *= 8


# A one-column file has no delimiter: its lines are read whole. A control byte is never in a
# text CSV (the scan rejects them as binary), so this one can never split a line.
_NO_DELIMITER = "\x1f"


def _sniff_delimiter(header_line: str) -> str:
    """',' or ';', whichever splits the header line into more fields (outside quotes); a header
    with neither is one column, and then a ',' or ';' in its data is part of the value."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    commas, semicolons = unquoted.count(","), unquoted.count(";")
    if not commas and not semicolons:
        return _NO_DELIMITER
    return ";" if semicolons > commas else ","


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


_EOF_IN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _csv_error(name: str, e: Exception, first_line: int = 1) -> InputFileError:
    """One line for a pandas CSV error; ``first_line``: the file line pandas counts as its row 0."""
    if isinstance(e, OSError):
        return InputFileError(name, f"cannot be read: {e.strerror or e}")
    if isinstance(e, pd.errors.EmptyDataError):
        return InputFileError(name, "the file is empty")
    if m := _EOF_IN_QUOTE.search(str(e)):
        line = int(m.group(1)) + first_line
        return InputFileError(name, f'not a well-formed CSV: the quote (") opened on line {line} is never closed')
    problem = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
    return InputFileError(name, f"not a well-formed CSV: {problem}")


_CSV_ERRORS = (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError)


def _csv_head(path: Path) -> TableHead:
    """Scan the bytes (sha256, encoding, binary content) and read the header record only."""
    name = path.name
    sha256, encoding, first = _scan_csv(path)
    skip, header_line = _header_position(first, encoding)
    has_quote = b'"' in first[:_SAMPLE]
    del first
    if not header_line:
        if has_quote:
            raise InputFileError(name, 'not a well-formed CSV: a quote (") is opened and never closed')
        raise InputFileError(name, "the file is empty: no header row")
    head = TableHead(name, path, sha256, [], skip + 1, encoding, _sniff_delimiter(header_line))
    try:
        df = pd.read_csv(path, nrows=1, **_csv_options(head))
    except _CSV_ERRORS as e:
        raise _csv_error(name, e, head.header_row) from None
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
        raise _csv_error(head.file, e, head.header_row) from None


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
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    return str(v)


# The widest sheet and the most cells a contract file may span: calamine (like openpyxl) holds a
# sheet's used range densely, so one stray cell at XFD1048576 would ask for 17 G cells.
XLSX_MAX_COLUMNS = 512
XLSX_MAX_CELLS = 64_000_000
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')
_FORMULA_NO_VALUE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<(?:\w+:)?f\b[^>]*'
                               rb"(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
                               rb"\s*</(?:\w+:)?c>")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _first_sheet_member(zf: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet (workbook.xml order, via its relationship)."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    m = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", book) or re.search(
        rb"<(?:\w+:)?sheet\b[^>]*?\bid=\"([^\"]+)\"", book)
    if not m:
        return None
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        if re.search(rb'\bId="' + re.escape(m.group(1)) + rb'"', tag):
            target = re.search(rb'\bTarget="([^"]+)"', tag)
            if target:
                t = target.group(1).decode("utf-8", "replace")
                return t.lstrip("/") if t.startswith("/") else "xl/" + t
    return None


def _scan_sheet(name: str, zf: zipfile.ZipFile) -> None:
    """Stream the first sheet's XML (bounded memory) and refuse what calamine would choke on: a
    used range too wide or too large to hold, or formula cells with no saved value (they would be
    read as empty)."""
    member = _first_sheet_member(zf)
    if member is None or member not in zf.namelist():
        return  # calamine says what is wrong
    max_row = max_col = rows_seen = 0
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            cut = buf.rfind(b"<")  # keep a possibly cut tag for the next round
            body, tail = (buf[:cut], buf[cut:]) if cut > 0 and len(buf) - cut < 4096 else (buf, b"")
            # distinct column letters and row numbers: a set per chunk, not a Python step per cell
            refs = set(_CELL_REF.findall(body))
            if refs:
                max_col = max(max_col, max(_column_number(c) for c in {c for c, _ in refs}))
                max_row = max(max_row, max(int(r) for r in {r for _, r in refs}))
            rows_seen += body.count(b"<row ") + body.count(b"<row>")  # rows may leave out their number
            max_row = max(max_row, rows_seen, *map(int, _ROW_REF.findall(body)))
            if _FORMULA.search(body) and (f := _FORMULA_NO_VALUE.search(body)) is not None:
                raise InputFileError(name, f"cell {f.group(1).decode()} holds a formula with no saved value "
                                           "(it would be read as empty): save the file in Excel, or paste values")
            if max_col > XLSX_MAX_COLUMNS:
                raise InputFileError(name, f"the first sheet has a cell in column {max_col} (more than "
                                           f"{XLSX_MAX_COLUMNS} columns): delete the stray cells far to the right")
    if max_row * max_col > XLSX_MAX_CELLS:
        raise InputFileError(name, f"the first sheet spans {max_row} rows × {max_col} columns (more than "
                                   f"{XLSX_MAX_CELLS:,} cells): delete stray cells far below or to the right")


def _xlsx_head(path: Path) -> TableHead:
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
            fh.seek(0)
            if not fh.read(4096).strip():
                raise InputFileError(name, "the file is empty")
    except OSError as e:
        raise InputFileError(name, f"cannot be read: {e.strerror or e}") from None
    if not size or not zipfile.is_zipfile(path):
        raise InputFileError(name, "not an Excel .xlsx workbook (the content is not an .xlsx package)")
    from python_calamine import CalamineWorkbook  # imported here: csv-only builds do not pay for it

    try:
        with zipfile.ZipFile(path) as zf:
            _scan_sheet(name, zf)
        wb = CalamineWorkbook.from_path(str(path))
        try:
            if not wb.sheet_names:
                raise InputFileError(name, "the workbook has no sheet")
            sheet = wb.get_sheet_by_index(0)
            # (sheet row, cells) of the rows holding anything. calamine's rows start at row 1, its
            # columns at the used range's first one: pad them back to column A.
            pad = [""] * (sheet.start[1] if sheet.start else 0)
            kept = [(i, pad + [_cell_text(v) for v in r]) for i, r in enumerate(sheet.iter_rows(), 1)
                    if any(v != "" for v in r)]
        finally:
            wb.close()
    except InputFileError:
        raise
    except Exception as e:  # a broken package: zip, XML or calamine errors of many types
        raise InputFileError(name, f"cannot be opened as an .xlsx workbook ({type(e).__name__})") from None
    kept = [(i, r) for i, r in kept if any(c.strip() for c in r)]
    if not kept:
        raise InputFileError(name, "the first sheet is empty")
    width = max(len(r) for _, r in kept)
    header_row, header = kept[0][0], kept[0][1] + [""] * (width - len(kept[0][1]))
    data = pd.DataFrame([r + [""] * (width - len(r)) for _, r in kept[1:]], columns=range(width), dtype="str")
    numbers = np.array([i for i, _ in kept[1:]], dtype=np.int64)
    return TableHead(name, path, digest, header, header_row, rows=_drop_blank_rows(data, numbers))


def csv_dialect_note(t: RawTable | TableHead) -> str:
    """For log lines: how a file was read."""
    if not t.encoding:
        return "xlsx"
    if t.delimiter == _NO_DELIMITER:
        return f"{t.encoding}, one column"
    return f"{t.encoding}, delimiter {t.delimiter!r}"


__all__ = ["RawTable", "TableHead", "read_head", "iter_rows", "read_table", "csv_dialect_note"]
