"""The input contract for programme files in data/raw: kinds, fields, aliases, domains, reject reasons.

Each field is declared once, in ``column_maps/programme.csv`` (kind, canonical name, Ukrainian
alias, required, type); this module adds what a CSV cannot hold well: keys, value domains and
the reject-reason vocabulary shown on the data-quality page. The human-readable version is
docs/input-contract.md; tests/test_programme.py holds the two together.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COLUMN_MAP = Path(__file__).resolve().parent / "column_maps" / "programme.csv"

# Order matters: it is the load order (stations need nothing, but keep the contract's order).
KINDS: tuple[str, ...] = ("officers", "stations", "memoranda", "trust_survey", "targets")

KEYS: dict[str, tuple[str, ...]] = {
    "officers": ("officer_id", "hromada_katottg", "start_date"),
    "stations": ("station_id",),
    "memoranda": ("hromada_katottg", "signed_on"),
    "trust_survey": ("wave", "respondent_id"),
    "targets": ("oblast_katottg", "year"),
}

# (start, end) pairs checked by end_before_start; the reject names the end column.
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "officers": (("start_date", "end_date"),),
    "stations": (("opened_on", "closed_on"),),
    "memoranda": (("signed_on", "ended_on"),),
}

# Columns that may not lie after the build date (future_date).
NOT_AFTER_BUILD_DATE: dict[str, tuple[str, ...]] = {"officers": ("start_date",)}

SPREADSHEET_EXTENSIONS = (".csv", ".xlsx")

# ---------------------------------------------------------------- value domains
# Every accepted spelling (matched after trim + lower-case) -> the stored value.
BOOLEAN_VALUES: dict[str, bool] = {
    "yes": True, "no": False, "true": True, "false": False, "1": True, "0": False,
    "так": True, "ні": False,
}
STATION_KINDS: dict[str, str] = {
    "police_station": "police_station",
    "public_safety_office": "public_safety_office",
    "front_office": "front_office",
    "поліцейська станція": "police_station",
    "офіс громадської безпеки": "public_safety_office",
    "фронт-офіс": "front_office",
}
SEX_VALUES: dict[str, str] = {"m": "m", "f": "f", "ч": "m", "ж": "f"}
AGE_GROUPS: tuple[str, ...] = ("18-29", "30-44", "45-59", "60+")
TRUST_VALUES: dict[str, int | None] = {"1": 1, "2": 2, "3": 3, "4": 4, "9": None, "": None}
YEAR_MIN, YEAR_MAX = 2019, 2035
LAT_MIN, LAT_MAX = 44.0, 52.5
LON_MIN, LON_MAX = 22.0, 40.5
KATOTTG_LENGTH = 19
PCODE_LENGTH = 9

# ---------------------------------------------------------------- reject reasons
# code -> (English, Ukrainian). Codes are stable: the rejects table and the data-quality page use them.
REJECT_REASONS: dict[str, tuple[str, str]] = {
    "missing_required": (
        "a required value is empty",
        "не заповнено обов'язкове значення",
    ),
    "unknown_code": (
        "the code names no known hromada / oblast (19-character KATOTTG or 9-character P-code)",
        "код не відповідає жодній відомій громаді / області (19 знаків КАТОТТГ або 9 знаків P-code)",
    ),
    "bad_date": (
        "not a date (expected YYYY-MM-DD, DD.MM.YYYY or an Excel date cell)",
        "не дата (очікується РРРР-ММ-ДД, ДД.ММ.РРРР або клітинка дати Excel)",
    ),
    "bad_value": (
        "the value is outside the allowed values of the column",
        "значення поза допустимими значеннями стовпця",
    ),
    "outside_ukraine": (
        "the point lies outside Ukraine's bounding box (44.0-52.5 N, 22.0-40.5 E)",
        "точка поза межами України (44,0-52,5 пн. ш., 22,0-40,5 сх. д.)",
    ),
    "future_date": (
        "the date is after the build date",
        "дата пізніша за дату побудови",
    ),
    "end_before_start": (
        "the end date is before the start date",
        "дата завершення раніша за дату початку",
    ),
    "duplicate_key": (
        "the key repeats an earlier row (the first row with a key is kept)",
        "ключ повторює попередній рядок (зберігається перший рядок із цим ключем)",
    ),
}


@dataclass(frozen=True)
class Field:
    kind: str
    name: str  # canonical (English) column name = the core table's column
    alias_uk: str
    required: bool  # the column must be present, and (except type 'trust') its value non-empty
    type: str  # text | hromada_code | oblast_code | date | boolean | station_kind | trust | weight
    #            | sex | age_group | year | count | latitude | longitude
    description_en: str

    @property
    def value_required(self) -> bool:
        # trust_police is a required column whose empty value means "hard to say".
        return self.required and self.type != "trust"

    def label(self) -> str:
        return f"'{self.name}' ({self.alias_uk})"


@cache
def fields(kind: str) -> tuple[Field, ...]:
    """The fields of one kind in contract order."""
    if kind not in KINDS:
        raise KeyError(kind)
    return tuple(f for f in _all_fields() if f.kind == kind)


@cache
def _all_fields() -> tuple[Field, ...]:
    with COLUMN_MAP.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Field(
                kind=r["kind"],
                name=r["canonical"],
                alias_uk=r["alias_uk"],
                required=r["required"] == "yes",
                type=r["type"],
                description_en=r["description_en"],
            )
            for r in csv.DictReader(fh)
        )


_APOSTROPHES = re.compile("[\u2019\u02bc\u2018`\u00b4]")
_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """Header text as compared: trimmed, case-folded, one trailing '*' dropped, spaces collapsed.

    Apostrophe look-alikes (’ ʼ ` ´) count as ', because Ukrainian keyboards differ on which one
    «інтерв'ю» gets.
    """
    t = _SPACES.sub(" ", str(text).replace("\ufeff", "")).strip()
    t = t.removesuffix("*").strip()
    return _APOSTROPHES.sub("'", t).casefold()


@cache
def header_lookup(kind: str) -> dict[str, str]:
    """Normalised header (canonical or Ukrainian) -> canonical name."""
    out: dict[str, str] = {}
    for f in fields(kind):
        out[normalise_header(f.name)] = f.name
        out[normalise_header(f.alias_uk)] = f.name
    return out


def kind_of(file_name: str) -> str | None:
    """The kind a file name announces by its first word (``officers_2021.xlsx`` -> officers)."""
    stem = file_name.casefold()
    # trust_survey contains the word separator itself, so match by prefix, longest first.
    for kind in sorted(KINDS, key=len, reverse=True):
        if stem.startswith(kind) and (len(stem) == len(kind) or not stem[len(kind)].isalpha()):
            return kind
    return None
