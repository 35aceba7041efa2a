"""Vectorised parsers for contract values: dates, booleans, numbers, codes, value domains.

Every parser takes a Series of strings (already trimmed; '' = empty cell) and returns a
``Parsed``: the values (NA where empty or bad) and ``bad``, a mask of non-empty cells that could
not be parsed or lie outside the domain. Empty cells are never "bad" here: whether empty is
allowed is the caller's rule (missing_required).

Survey files run to millions of rows with few distinct values per column (dates, codes, answer
codes), so parsers work on the distinct values and map back (``_on_uniques``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
# No programme date lies before this: 0001-01-01 (an empty date cell in some exports) is bad_date.
DATE_MIN = pd.Timestamp("1900-01-01")


@dataclass
class Parsed:
    values: pd.Series
    bad: pd.Series  # bool, True = a non-empty cell that failed


def clean(s: pd.Series) -> pd.Series:
    """Trim surrounding whitespace (incl. no-break spaces); missing -> ''. A byte-order mark or a
    zero-width space is never part of a value (a BOM at a line start, from files joined together,
    once stayed inside an officer id)."""
    return s.fillna("").astype("str").str.replace(_INVISIBLE, "", regex=True).str.strip()


# A pattern string, not a compiled re.Pattern: pandas runs a string pattern in Arrow's own kernel,
# a compiled one falls back to Python per cell (7 of a ×10 build's 17 s).
_INVISIBLE = "[\ufeff\u200b]"


def _on_uniques(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a Series->Series function to the distinct values of ``s`` and broadcast back."""
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    mapped = fn(pd.Series(uniques, dtype="str")).reset_index(drop=True)
    out = mapped.take(codes)
    out.index = s.index
    return out


def _parsed(s: pd.Series, values: pd.Series) -> Parsed:
    return Parsed(values=values, bad=(s != "") & values.isna())


def parse_date(s: pd.Series) -> Parsed:
    """YYYY-MM-DD or DD.MM.YYYY (readers turn Excel date cells into YYYY-MM-DD) -> datetime64."""

    def conv(u: pd.Series) -> pd.Series:
        out = pd.to_datetime(u, format=DATE_FORMATS[0], errors="coerce")
        for fmt in DATE_FORMATS[1:]:
            rest = out.isna() & (u != "")
            if rest.any():
                out[rest] = pd.to_datetime(u[rest], format=fmt, errors="coerce")
        out = out.astype("datetime64[s]")
        return out.where(out >= DATE_MIN)

    return _parsed(s, _on_uniques(s, conv))


def parse_choice(s: pd.Series, mapping: Mapping[str, object], dtype: str) -> Parsed:
    """Map case-insensitive spellings to stored values (booleans, station kinds, sex, ...)."""
    lowered = {str(k).casefold(): v for k, v in mapping.items()}
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    keys = [str(u).casefold() for u in uniques]
    # A spelling may map to None on purpose (trust 9 = hard to say): known, yet no value.
    known = np.array([k in lowered for k in keys], dtype=bool)
    values = pd.Series([lowered.get(k) for k in keys], dtype=dtype).take(codes)
    values.index = s.index
    return Parsed(values=values, bad=pd.Series((s != "").to_numpy() & ~known[codes], index=s.index))


def parse_bool(s: pd.Series, mapping: Mapping[str, bool]) -> Parsed:
    return parse_choice(s, mapping, "boolean")


_DASHES = re.compile("[\u2010-\u2015\u2212]")


def parse_age_group(s: pd.Series, groups: tuple[str, ...]) -> Parsed:
    """'18-29' etc.; en/em dashes and inner spaces (Excel autocorrect) are tolerated."""

    def conv(u: pd.Series) -> pd.Series:
        norm = u.str.replace(_DASHES, "-", regex=True).str.replace(" ", "", regex=False)
        return norm.where(norm.isin(groups))

    return _parsed(s, _on_uniques(s, conv))


_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


def parse_decimal(s: pd.Series) -> Parsed:
    """A decimal number with a point or a comma ('50.45', '50,45') -> float64 (NaN if bad)."""

    def conv(u: pd.Series) -> pd.Series:
        ok = u.str.fullmatch(_DECIMAL.pattern)
        num = pd.to_numeric(u.where(ok, "").str.replace(",", ".", regex=False), errors="coerce")
        return num.astype("float64").where(np.isfinite(num.astype("float64")))

    return _parsed(s, _on_uniques(s, conv))


_INTEGER = re.compile(r"[+-]?\d+")
_THOUSANDS = re.compile("[ \u00a0\u202f\u2009']")


def parse_integer(s: pd.Series) -> Parsed:
    """A whole number; spaces as thousands separators ('1 200') are allowed -> Int64."""

    def conv(u: pd.Series) -> pd.Series:
        t = u.str.replace(_THOUSANDS, "", regex=True)
        ok = t.str.fullmatch(_INTEGER.pattern) & (t.str.len() <= 12)
        return pd.to_numeric(t.where(ok, ""), errors="coerce").astype("Int64")

    return _parsed(s, _on_uniques(s, conv))


def normalise_code(s: pd.Series) -> pd.Series:
    """Codes are compared trimmed and upper-cased."""
    return s.str.strip().str.upper()


def resolve_code(s: pd.Series, lookup: Mapping[str, str]) -> Parsed:
    """Map a code to its canonical 19-character KATOTTG via ``lookup`` (see ``code_lookup``)."""

    def conv(u: pd.Series) -> pd.Series:
        return normalise_code(u).map(lookup).astype("str")

    return _parsed(s, _on_uniques(s, conv))


def code_lookup(katottg: pd.Series, ocha_pcode: pd.Series | None = None) -> dict[str, str]:
    """KATOTTG -> itself, plus (for hromadas) the 9-character P-code -> KATOTTG.

    A P-code shared by several KATOTTG codes is ambiguous and left out, so it stays unknown_code.
    """
    lookup = {str(k).upper(): str(k) for k in katottg}
    if ocha_pcode is not None:
        pc = pd.Series(ocha_pcode.astype("str").str.upper().to_numpy(), index=katottg.to_numpy())
        pc = pc[pc.str.len() == 9]
        unique = pc[~pc.duplicated(keep=False)]
        lookup.update({p: k for k, p in unique.items() if p not in lookup})
    return lookup
