"""The input contract for programme files in data/raw: kinds, fields, value domains, rules.

The kinds, their keys, their fields (vocabulary/fields.csv: canonical name, Ukrainian alias,
required, type), the station kinds, age groups and reject reasons are declared once in the
`vocabulary` package, which the read side shares; this module adds the rules only the loader
needs (date order, value ranges, accepted spellings). The human-readable version is
docs/input-contract.md; tests/test_parsing.py holds the two together.
"""

from __future__ import annotations

import re
from functools import cache

import vocabulary
from vocabulary import Field, apostrophes, fields

__all__ = ["Field", "fields", "KINDS", "KEYS"]

# Order matters: it is the load order.
KINDS: tuple[str, ...] = vocabulary.PROGRAMME_KINDS
KEYS: dict[str, tuple[str, ...]] = {kind: vocabulary.key(kind) for kind in KINDS}

# (start, end) pairs checked by end_before_start; the reject names the end column.
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "officers": (("start_date", "end_date"),),
    "stations": (("opened_on", "closed_on"),),
    "memoranda": (("signed_on", "ended_on"),),
}

# Columns that may not lie after the build date (future_date).
NOT_AFTER_BUILD_DATE: dict[str, tuple[str, ...]] = {"officers": ("start_date",)}

# ---------------------------------------------------------------- value domains
# Every accepted spelling (matched after trim + lower-case) -> the stored value.
BOOLEAN_VALUES: dict[str, bool] = {
    "yes": True, "no": False, "true": True, "false": False, "1": True, "0": False,
    "так": True, "ні": False,
}
# Each station kind's code and its other spellings (vocabulary/station_kinds.toml).
STATION_KINDS: dict[str, str] = {
    spelling: kind.code for kind in vocabulary.STATION_KINDS for spelling in (kind.code, *kind["aliases"])
}
SEX_VALUES: dict[str, str] = {"m": "m", "f": "f", "ч": "m", "ж": "f"}
AGE_GROUPS: tuple[str, ...] = vocabulary.AGE_GROUPS.codes
TRUST_VALUES: dict[str, int | None] = {"1": 1, "2": 2, "3": 3, "4": 4, "9": None, "": None}
YEAR_MIN, YEAR_MAX = 2019, 2035
LAT_MIN, LAT_MAX = 44.0, 52.5
LON_MIN, LON_MAX = 22.0, 40.5

# Reject reason codes (texts in vocabulary/reject_reasons.toml).
REJECT_REASONS: tuple[str, ...] = vocabulary.REJECT_REASONS.codes


_APOSTROPHES = re.compile("[" + "".join(apostrophes.LOOK_ALIKES) + "]")
_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """Header text as compared: trimmed, case-folded, one trailing '*' dropped, spaces collapsed.

    Apostrophe look-alikes (’ ʼ ` ´) count as ', because Ukrainian keyboards differ on which one
    «інтерв'ю» gets.
    """
    t = _SPACES.sub(" ", str(text).replace("\ufeff", "")).strip()
    t = t.removesuffix("*").strip()
    return _APOSTROPHES.sub(apostrophes.APOSTROPHE, t).casefold()


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
