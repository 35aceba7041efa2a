"""The demo generator's picture of the country: hromadas, their required officers, and by day which
of them are occupied or under active hostilities (the same periods the warehouse derives, from
``etl.territory``), on a fixed day grid from 2019-01-01 to the demo horizon 2026-12-31.

Everything here is read-only reference data; no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

import vocabulary
from etl.required import RequiredRule
from etl.territory import status_periods

GRID_START = date(2019, 1, 1)
HORIZON = date(2026, 12, 31)
N_DAYS = (HORIZON - GRID_START).days + 1
PILOT = date(2019, 5, 29)
KYIV_CITY = "UA80000000000093317"
LIST_FILE = "territories_hostilities_occupation_2025-05-07.csv"


def day(d: date | str) -> int:
    """Index of a date on the grid (0 = 2019-01-01)."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return (d - GRID_START).days


def days_to_datetime64(idx: np.ndarray) -> np.ndarray:
    """Grid days -> numpy dates (day precision)."""
    return np.datetime64(GRID_START, "D") + np.asarray(idx, dtype="int64").astype("timedelta64[D]")


@dataclass
class World:
    h: pd.DataFrame  # one row per hromada with a population (registry order); column 'i' = position
    oblasts: pd.DataFrame  # katottg, name_uk, short_code
    occupied: np.ndarray  # bool [n_hromadas, N_DAYS]: the whole hromada occupied that day
    hostile: np.ndarray  # bool [n_hromadas, N_DAYS]: the whole hromada under active hostilities
    pcode_ok: np.ndarray  # bool [n]: the 9-char P-code names this hromada unambiguously

    @property
    def n(self) -> int:
        return len(self.h)

    def blocked(self) -> np.ndarray:
        return self.occupied | self.hostile


def load_world(reference_dir: Path, rule: RequiredRule | None = None) -> World:
    reference_dir = Path(reference_dir)
    rule = rule or RequiredRule.load()
    reg = pd.read_csv(reference_dir / "hromadas.csv", dtype=str, keep_default_na=False)
    reg_all = reg.copy()
    h = reg[reg["population_2022"] != ""].copy().reset_index(drop=True)
    h["pop"] = pd.to_numeric(h["population_2022"]).astype("int64")
    area_off = pd.to_numeric(h["area_km2_official"], errors="coerce")
    h["area"] = area_off.fillna(pd.to_numeric(h["area_km2_geom"], errors="coerce")).fillna(0.0)
    h["settlements"] = pd.to_numeric(h["settlements_count"], errors="coerce").fillna(1).astype(int)
    h["lat"] = pd.to_numeric(h["centre_lat"], errors="coerce")
    h["lon"] = pd.to_numeric(h["centre_lon"], errors="coerce")
    h["occ2014"] = h["occupied_before_2022"] == "1"
    h["required"] = [rule.required_officers(float(p), float(a)) for p, a in zip(h["pop"], h["area"], strict=False)]
    h["type"] = h["type_uk"].map({t["registry_uk"]: t.code for t in vocabulary.HROMADA_TYPES}).fillna("")
    h["i"] = np.arange(len(h))

    oblasts = pd.read_csv(reference_dir / "oblasts.csv", dtype=str, keep_default_na=False)
    oblasts = oblasts[["katottg", "name_uk", "short_code"]]

    n = len(h)
    occupied = np.zeros((n, N_DAYS), dtype=bool)
    hostile = np.zeros((n, N_DAYS), dtype=bool)
    periods = status_periods(reference_dir / LIST_FILE, reg_all)
    pos = dict(zip(h["katottg"], h["i"], strict=False))
    for r in periods.itertuples(index=False):
        if r.is_partial or r.status == "possible_hostilities" or r.katottg not in pos:
            continue
        a = max(day(r.start_date), 0)
        b = N_DAYS - 1 if r.end_date is None or pd.isna(r.end_date) else min(day(r.end_date), N_DAYS - 1)
        if b < a:
            continue
        target = occupied if r.status == "occupied" else hostile
        target[pos[r.katottg], a : b + 1] = True
    occupied[h["occ2014"].to_numpy()] = True

    counts = h["ocha_pcode"].value_counts()
    pcode_ok = h["ocha_pcode"].map(counts).to_numpy() == 1
    return World(h=h, oblasts=oblasts, occupied=occupied, hostile=hostile, pcode_ok=pcode_ok)
