"""Planted row faults: about 1.5 % extra rows, corrupt copies of clean rows, one fault each, so the
clean rows still meet the calibration. Kinds are the contract's reject reasons (etl/contract.py).

A copy gets a fresh key (new officer / station / respondent id) unless its fault is the repeated
key itself, so the intended reason is the only one that applies. Which rows get a copy, of what
kind, and where it lands are drawn on the full horizon, so a later as-of date keeps the earlier
faults as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

import vocabulary

FAULT_RATE = 0.015

KINDS: dict[str, tuple[str, ...]] = {
    "officers": ("unknown_code", "missing_required", "bad_date", "bad_value", "end_before_start",
                 "duplicate_key", "future_date"),
    "stations": ("unknown_code", "missing_required", "bad_date", "bad_value", "end_before_start",
                 "duplicate_key", "outside_ukraine"),
    "memoranda": ("unknown_code", "missing_required", "bad_date", "end_before_start", "duplicate_key"),
    "trust_survey": ("unknown_code", "missing_required", "bad_date", "bad_value", "duplicate_key"),
    "targets": ("unknown_code", "bad_value", "duplicate_key", "missing_required"),
}
# The columns whose value a row must hold (vocabulary/fields.csv), in contract order.
REQUIRED: dict[str, tuple[str, ...]] = {
    kind: tuple(f.name for f in vocabulary.fields(kind) if f.value_required)
    for kind in ("officers", "stations", "memoranda", "trust_survey")
}
BAD_DATES = ("31.02.2021", "2021-13-05", "15/03/2021", "н/д", "2020.07.01", "30-06-2022")


@dataclass
class Plan:
    kind: np.ndarray  # object [n]: fault kind or '' for no copy
    offset: np.ndarray  # int [n]: where the copy lands (rows after its source)
    u: np.ndarray  # float [n]: chooses among variants of a kind


def plan(n: int, kinds: tuple[str, ...], rng: np.random.Generator, rate: float = FAULT_RATE) -> Plan:
    selected = np.flatnonzero(rng.random(n) < rate)
    kind = np.full(n, "", dtype=object)
    start = int(rng.integers(len(kinds)))
    kind[selected] = np.array(kinds, dtype=object)[(np.arange(len(selected)) + start) % len(kinds)]
    return Plan(kind=kind, offset=rng.integers(1, 60, size=n), u=rng.random(n))


@dataclass
class Ctx:
    """How the file writes values, for building copies in the same style."""
    fmt_date: Callable[[np.ndarray], np.ndarray]  # grid days -> strings ('' for -1)
    as_of_day: int
    decimal: str = "."
    bool_other: str = "maybe"


def unknown_code(code: str, x: float) -> str:
    c = code.strip().upper()
    if x < 0.5 and len(c) == 19:
        return c[:6] + "999" + c[9:]  # no hromada has number 999 in its raion
    if x < 0.75:
        return c[:4] + "99999"  # a P-code of nothing
    return "UA" + "0" * 17


def make_copies(table: str, src: pd.DataFrame, typed: pd.DataFrame, kinds: np.ndarray, u: np.ndarray,
                ctx: Ctx, fresh_keys: Callable[[int], list[str]]) -> pd.DataFrame:
    """Corrupt copies of the string rows ``src`` (canonical columns); ``typed`` holds the same rows'
    grid days (columns start/end, opened/closed, signed/ended, day) for date arithmetic."""
    cols = {c: src[c].to_numpy(dtype=object).copy() for c in src.columns}
    fresh = np.array(fresh_keys(len(src)), dtype=object)
    key_col = {"officers": "officer_id", "stations": "station_id", "trust_survey": "respondent_id"}.get(table)
    typed_cols = {c: typed[c].to_numpy() for c in typed.columns}
    for j in range(len(src)):
        k, x = kinds[j], float(u[j])
        if key_col and k != "duplicate_key":
            cols[key_col][j] = fresh[j]
        if k == "unknown_code":
            col = "oblast_katottg" if table == "targets" else "hromada_katottg"
            cols[col][j] = unknown_code(cols[col][j], x)
        elif k == "missing_required":
            if table == "targets":
                cols["year"][j] = "2027"
                cols["planned_officers"][j] = ""
            else:
                req = REQUIRED[table]
                cols[req[int(x * len(req))]][j] = ""
        elif k == "bad_date":
            col = {"officers": ("start_date", "end_date", "trained_on"), "stations": ("opened_on", "closed_on"),
                   "memoranda": ("signed_on",), "trust_survey": ("interview_date",)}[table]
            cols[col[int(x * len(col))] if x < 0.9 else col[0]][j] = BAD_DATES[int(x * 97) % len(BAD_DATES)]
        elif k == "bad_value":
            _bad_value(table, cols, j, x, ctx)
        elif k == "end_before_start":
            a, sa, sb = {"officers": ("start", "start_date", "end_date"),
                         "stations": ("opened", "opened_on", "closed_on"),
                         "memoranda": ("signed", "signed_on", "ended_on")}[table]
            s = int(typed_cols[a][j])
            if table == "memoranda":  # a new signing date keeps the key apart from its source
                s = min(s + 1 + int(x * 30), ctx.as_of_day)
                cols[sa][j] = ctx.fmt_date(np.array([s]))[0]
            # (grid day -1 and below are 'no date': stay on or after 2019-01-01)
            cols[sb][j] = ctx.fmt_date(np.array([s - 1 - int(x * min(300, max(s - 1, 0)))]))[0]
        elif k == "duplicate_key":
            if table == "officers":
                cols["lives_in_hromada"][j] = ""
            elif table == "stations":
                cols["name"][j] = (cols["name"][j] or "") + " (дубль)"
            elif table == "trust_survey":
                cols["trust_police"][j] = "1" if cols["trust_police"][j] != "1" else "4"
            elif table == "targets":
                cols["planned_officers"][j] = str(int(cols["planned_officers"][j]) + 3)
        elif k == "future_date":
            s = ctx.as_of_day + 5 + int(x * 200)
            cols["start_date"][j] = ctx.fmt_date(np.array([s]))[0]
            cols["end_date"][j] = ""
            cols["trained_on"][j] = ctx.fmt_date(np.array([s - 30]))[0]
        elif k == "outside_ukraine":
            lat, lon = cols["lat"][j], cols["lon"][j]
            if x < 0.6 and lat and lon:  # latitude and longitude swapped
                cols["lat"][j], cols["lon"][j] = lon, lat
            else:
                cols["lat"][j], cols["lon"][j] = "0", "0"
    return pd.DataFrame(cols, index=src.index)


def _bad_value(table: str, cols: dict[str, np.ndarray], j: int, x: float, ctx: Ctx) -> None:
    if table == "officers":
        cols["lives_in_hromada"][j] = ctx.bool_other
    elif table == "stations":
        cols["kind"][j] = "пост поліції" if x < 0.5 else "kiosk"
    elif table == "targets":
        cols["year"][j] = "2050"
    else:  # trust_survey: one of six variants, by u
        variant = int(x * 6)
        if variant == 0:
            cols["trust_police"][j] = "7"
        elif variant == 1:
            cols["weight"][j] = "0"
        elif variant == 2:
            cols["weight"][j] = "-0" + ctx.decimal + "5"
        elif variant == 3:
            cols["sex"][j] = "x"
        elif variant == 4:
            cols["knows_officer"][j] = ctx.bool_other
        else:
            cols["age_group"][j] = "16-17"
