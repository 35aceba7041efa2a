"""How each demo file is written: encoding, delimiter, header language, date/boolean spellings —
varied the way regional exports vary, so a default demo run exercises every reader path.

Writers are byte-deterministic: CSV through pandas (small files) or pyarrow (survey), xlsx through
openpyxl write-only with fixed document timestamps and zip entry dates.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

import vocabulary
from demo.world import World, days_to_datetime64
from vocabulary import Field

BOOLS = {"yes/no": ("yes", "no"), "так/ні": ("так", "ні"), "1/0": ("1", "0"), "true/false": ("TRUE", "FALSE")}
XLSX_EPOCH = (2019, 5, 29, 0, 0, 0)


@dataclass
class Style:
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1251
    sep: str = ","
    headers: str = "en"  # en | uk | messy
    dates: str = "iso"  # iso | dmy
    bools: str = "yes/no"
    decimal: str = "."
    sex: tuple[str, str] = ("m", "f")
    hard: str = "9"  # how 'hard to say' is written: 9 | empty | mixed
    crlf: bool = False
    quote_all: bool = False
    xlsx: bool = False
    xlsx_blank_rows: int = 0
    extra: tuple[str, ...] = ()  # unknown extra columns the export carries (filled by the caller)

    @property
    def bool_other(self) -> str:
        return "можливо" if self.bools == "так/ні" else "maybe"


def fmt_days(days: np.ndarray, style: Style) -> np.ndarray:
    """Grid days -> date strings; -1 -> ''."""
    days = np.asarray(days, dtype=np.int64)
    uniq, inv = np.unique(days, return_inverse=True)
    dt = pd.to_datetime(days_to_datetime64(uniq))
    text = dt.strftime("%Y-%m-%d" if style.dates == "iso" else "%d.%m.%Y").to_numpy(dtype=object)
    text[uniq < 0] = ""
    return text[inv.reshape(days.shape)]


def code_strings(w: World, h: np.ndarray, variant: np.ndarray) -> np.ndarray:
    """KATOTTG codes as the exports spell them: mostly as is; variant 1 = OCHA P-code (where it is
    unambiguous), 2 = lower case, 3 = padded with spaces."""
    codes = w.h["katottg"].to_numpy(dtype=object)[h]
    pcodes = w.h["ocha_pcode"].to_numpy(dtype=object)[h]
    out = codes.copy()
    v1 = (variant == 1) & w.pcode_ok[h]
    out[v1] = pcodes[v1]
    v2 = variant == 2
    out[v2] = np.array([c.lower() for c in codes[v2]], dtype=object)
    v3 = variant == 3
    out[v3] = np.array([f" {c}  " for c in codes[v3]], dtype=object)
    return out


def code_variants(rng: np.random.Generator, n: int, rate: float = 0.01) -> np.ndarray:
    u = rng.random(n)
    v = np.zeros(n, dtype=np.int8)
    v[u < rate] = 1 + (u[u < rate] / rate * 3).astype(np.int8)
    return v


MESSY_HEADERS = {"respondent_id": "Respondent_ID*", "wave": " Wave ", "trust_police": "TRUST_POLICE",
                 "interview_date": "Interview_Date "}


def header(f: Field, style: Style) -> str:
    """A contract column's header as the file's style writes it (Ukrainian: the alias, with a '*'
    on required columns as the directorates' templates mark them)."""
    if style.headers == "uk":
        return f.alias_uk + ("*" if f.required else "")
    if style.headers == "messy":
        return MESSY_HEADERS.get(f.name, f.name)
    return f.name


def write_table(path: Path, kind: str, frame: pd.DataFrame, style: Style) -> None:
    """Write the contract's columns of ``kind`` (vocabulary/fields.csv, in its order), then any
    extra, unknown columns, in the file's style."""
    fields = vocabulary.fields(kind)
    names = [f.name for f in fields]
    extra = [c for c in frame.columns if c not in names]
    frame = frame[names + extra].copy()
    frame.columns = [header(f, style) for f in fields] + extra
    if style.xlsx:
        _write_xlsx(path, frame, style)
    elif kind == "trust_survey":  # millions of rows at scale 100: pyarrow
        _write_arrow_csv(path, frame, style)
    else:
        data = frame.to_csv(index=False, sep=style.sep, lineterminator="\r\n" if style.crlf else "\n")
        path.write_bytes(data.encode(style.encoding))


def _write_arrow_csv(path: Path, frame: pd.DataFrame, style: Style) -> None:
    table = pa.table({c: pa.array(frame[c].to_numpy(dtype=object), type=pa.string()) for c in frame.columns})
    # survey values never hold a delimiter, quote or newline, so quoting is a matter of style
    opts = pacsv.WriteOptions(delimiter=style.sep, quoting_style="needed" if style.quote_all else "none",
                              include_header=False)
    with open(path, "wb") as fh:
        if style.encoding == "utf-8-sig":
            fh.write("\ufeff".encode())
        fh.write((style.sep.join(frame.columns) + "\n").encode("utf-8"))  # pyarrow would quote names
        pacsv.write_csv(table, fh, opts)


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(v: str | None) -> date | None:
    """A real date for an ISO date string; None for anything else, including a planted impossible
    date such as 2021-13-05 (it stays text, as an export would carry it, for the loader to reject)."""
    if not _ISO.match(v or ""):
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _write_xlsx(path: Path, frame: pd.DataFrame, style: Style) -> None:
    """openpyxl write-only; ISO dates become real date cells, numbers numbers, the rest text."""
    # imported here, as in etl/readers.py: the CLI imports this package, and a build of CSV files
    # alone should not pay for openpyxl (0.1-0.4 s measured on the 2-core box)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Аркуш1")
    for _ in range(style.xlsx_blank_rows):
        ws.append([])
    ws.append(list(frame.columns))
    date_cols = [i for i, c in enumerate(frame.columns) if "date" in c.lower() or c.lower().endswith("_on")
                 or c.startswith("Дата")]
    num_cols = [i for i, c in enumerate(frame.columns) if c in ("year", "planned_officers", "Рік", "Рік*")
                or c.startswith("Планова")]
    for row in frame.itertuples(index=False):
        out = []
        for i, v in enumerate(row):
            if i in date_cols and (d := _iso_date(v)) is not None:
                cell = WriteOnlyCell(ws, value=d)
                cell.number_format = "DD.MM.YYYY"
                out.append(cell)
            elif i in num_cols and re.fullmatch(r"-?\d+", v or ""):
                out.append(int(v))
            else:
                out.append(v if v != "" else None)
        ws.append(out)
    buf = io.BytesIO()
    wb.properties.creator = "POG Monitor demo generator"
    wb.properties.created = datetime(*XLSX_EPOCH)
    wb.properties.modified = datetime(*XLSX_EPOCH)
    wb.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    """Fixed zip entry dates and document timestamps, so the same data gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = "2019-05-29T00:00:00Z"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=XLSX_EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, body)
    return out.getvalue()


# ---------------------------------------------------------------- the file plan (scale-independent)

OFFICER_FILES: list[tuple[str, tuple[int, int], Style]] = [
    ("officers_2019-2021.csv", (2019, 2021), Style()),
    ("officers_2022-2026_gunp.csv", (2022, 2026),
     Style(encoding="cp1251", sep=";", headers="uk", dates="dmy", bools="так/ні", crlf=True,
           extra=("Примітка",))),
]
STATION_FILES = [("stations.csv", (2019, 2026), Style(encoding="utf-8-sig"))]
MEMORANDA_FILES = [
    ("memoranda_2019-2022.xlsx", (2019, 2022), Style(headers="uk", xlsx=True, xlsx_blank_rows=2)),
    ("memoranda_2023-2026.csv", (2023, 2026), Style(sep=";", dates="dmy")),
]
TARGET_FILES = [("targets.xlsx", (2019, 2035), Style(headers="uk", xlsx=True))]


def survey_style(year: int) -> Style:
    if year == 2019:
        return Style(bools="yes/no", hard="9")
    if year == 2020:
        return Style(encoding="utf-8-sig", bools="1/0", hard="empty")
    if year == 2021:
        return Style(sep=";", headers="uk", dates="dmy", decimal=",", bools="так/ні", sex=("ч", "ж"), hard="9")
    if year == 2022:
        return Style(headers="messy", bools="true/false", hard="mixed", quote_all=True,
                     extra=("interviewer_id",))
    return Style(bools="1/0", hard="mixed")
