"""Numbers and dates as each language writes them.

Ukrainian: thousands separated by a no-break space (U+00A0) — '1 234 567'; decimal comma —
'70,3'; percent after a no-break space — '70,3 %'; dates '21.11.2026'; months 'лист. 2026'.
English: '1,234,567'; '70.3%'; dates '21 Nov 2026'; months 'Nov 2026'.
Changes carry an explicit sign: '+12' / '−3' (U+2212 minus). Missing values: '—'.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "—"

MONTHS_UK = ("січ.", "лют.", "бер.", "квіт.", "трав.", "черв.", "лип.", "серп.", "вер.", "жовт.",
             "лист.", "груд.")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_missing(x) -> bool:
    """None, NaN, NA, NaT — and infinities, which no table should show as a number."""
    if x is None:
        return True
    try:
        if bool(pd.isna(x)):
            return True
    except (TypeError, ValueError):
        return False
    return isinstance(x, float) and math.isinf(x)


def _group(int_text: str, sep: str) -> str:
    out = []
    while len(int_text) > 3:
        out.append(int_text[-3:])
        int_text = int_text[:-3]
    out.append(int_text)
    return sep.join(reversed(out))


def fmt_num(x, lang: str, digits: int = 1) -> str:
    """A number with `digits` decimals: '1 234,5' (uk) / '1,234.5' (en)."""
    if is_missing(x):
        return MISSING
    x = float(x)
    text = f"{abs(x):.{digits}f}"
    int_part, _, frac = text.partition(".")
    negative = x < 0 and float(text) != 0
    if lang == "en":
        body = _group(int_part, ",") + ("." + frac if frac else "")
    else:
        body = _group(int_part, NBSP) + ("," + frac if frac else "")
    return (MINUS if negative else "") + body


def fmt_int(n, lang: str) -> str:
    """A whole number: '1 234 567' (uk, no-break spaces) / '1,234,567' (en)."""
    return fmt_num(n, lang, digits=0)


def fmt_pct(share, lang: str, digits: int = 1) -> str:
    """A share 0..1 as a percentage: '70,3 %' (uk) / '70.3%' (en)."""
    if is_missing(share):
        return MISSING
    body = fmt_num(float(share) * 100, lang, digits)
    return f"{body}{NBSP}%" if lang != "en" else f"{body}%"


def _signed(body: str, value: float) -> str:
    if value > 0:
        return "+" + body
    return body  # fmt_num already puts U+2212 on negatives; zero has no sign


def fmt_signed_int(n, lang: str) -> str:
    """A change: '+12', '−3', '0'."""
    if is_missing(n):
        return MISSING
    return _signed(fmt_int(n, lang), round(float(n)))


def fmt_signed_num(x, lang: str, digits: int = 1) -> str:
    """A signed change with decimals: '+1,5' / '−0.3'."""
    if is_missing(x):
        return MISSING
    body = fmt_num(x, lang, digits)
    return _signed(body, round(float(x), digits))


def fmt_signed_pp(share_change, lang: str, digits: int = 1) -> str:
    """A change of a share (0..1 units) in percentage points: '+3,2 в. п.' / '+3.2 pp'."""
    if is_missing(share_change):
        return MISSING
    body = fmt_signed_num(float(share_change) * 100, lang, digits)
    return f"{body}{NBSP}в.{NBSP}п." if lang != "en" else f"{body}{NBSP}pp"


def _as_date(d) -> dt.date | None:
    if is_missing(d):
        return None
    if isinstance(d, str):
        return dt.date.fromisoformat(d[:10])
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return pd.Timestamp(d).date()


def fmt_date(d, lang: str) -> str:
    """A day: '21.11.2026' (uk) / '21 Nov 2026' (en)."""
    day = _as_date(d)
    if day is None:
        return MISSING
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def fmt_month(d, lang: str) -> str:
    """A month: 'лист. 2026' (uk) / 'Nov 2026' (en)."""
    day = _as_date(d)
    if day is None:
        return MISSING
    names = MONTHS_EN if lang == "en" else MONTHS_UK
    return f"{names[day.month - 1]} {day.year}"


def fmt_datetime(ts, lang: str) -> str:
    """A moment to the minute: '21.11.2026 14:05' / '21 Nov 2026 14:05'."""
    if is_missing(ts):
        return MISSING
    stamp = pd.Timestamp(ts)
    return f"{fmt_date(stamp, lang)} {stamp.hour:02d}:{stamp.minute:02d}"


def plotly_separators(lang: str) -> str:
    """Plotly's layout.separators: decimal mark then thousands mark."""
    return "," + NBSP if lang != "en" else ".,"


def fmt_wave(wave, lang: str) -> str:
    """A survey wave code '2025-H2' as 'II півріччя 2025' (uk) / 'H2 2025' (en); anything else as it is."""
    text = str(wave)
    if len(text) == 7 and text[4:6] == "-H" and text[:4].isdigit() and text[6] in "12":
        year, half = text[:4], int(text[6])
        return f"{'I' * half} півріччя {year}" if lang != "en" else f"H{half} {year}"
    return MISSING if is_missing(wave) else text


_BAND_UK = {"<5k": "до 5 тис.", "5-10k": "5–10 тис.", "10-25k": "10–25 тис.", "25-50k": "25–50 тис.",
            "50-100k": "50–100 тис.", "100k+": "понад 100 тис.", "unknown": "невідомо"}
_BAND_EN = {"<5k": "under 5k", "5-10k": "5–10k", "10-25k": "10–25k", "25-50k": "25–50k", "50-100k": "50–100k",
            "100k+": "over 100k", "unknown": "unknown"}


def fmt_size_band(band, lang: str) -> str:
    """A population band code ('100k+') written out: 'понад 100 тис.' / 'over 100k'."""
    if is_missing(band):
        return MISSING
    return (_BAND_EN if lang == "en" else _BAND_UK).get(str(band), str(band))
