"""The demo generator's picture of the country: hromadas, their required officers, and by day which
of them are not assessable — occupied or under active hostilities — on a fixed day grid from
2019-01-01 to the demo horizon 2026-12-31. The territory is the warehouse's: the same periods
(``etl.territory.status_periods``) read by the same rule for one day (the SQL of
``hromada_state_steps``, run by ``etl.territory.day_rule_steps``), so the generator never posts an
officer to, or interviews a resident of, a hromada the dashboard leaves out on that date.

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
from etl.territory import day_rule_steps, status_periods

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
    occupied: np.ndarray  # bool [n_hromadas, N_DAYS]: not assessable that day, as occupied
    hostile: np.ndarray  # bool [n_hromadas, N_DAYS]: not assessable that day, as under active hostilities
    pcode_ok: np.ndarray  # bool [n]: the 9-char P-code names this hromada unambiguously

    @property
    def n(self) -> int:
        return len(self.h)

    def blocked(self) -> np.ndarray:
        """bool [n_hromadas, N_DAYS]: not assessable that day (the warehouse's is_assessable FALSE)."""
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

    occupied, hostile = not_assessable_days(reference_dir / LIST_FILE, reg_all, h["katottg"])

    counts = h["ocha_pcode"].value_counts()
    pcode_ok = h["ocha_pcode"].map(counts).to_numpy() == 1
    return World(h=h, oblasts=oblasts, occupied=occupied, hostile=hostile, pcode_ok=pcode_ok)


def not_assessable_days(list_csv: Path, registry: pd.DataFrame, codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(occupied, hostile): bool [len(codes), N_DAYS], the days each hromada is not assessable,
    by the status that makes it so — from the warehouse's step function for the territory alone."""
    occupied = np.zeros((len(codes), N_DAYS), dtype=bool)
    hostile = np.zeros((len(codes), N_DAYS), dtype=bool)
    steps = day_rule_steps(status_periods(list_csv, registry))
    pos = dict(zip(codes, range(len(codes)), strict=True))
    start = np.array([day(d.date()) for d in steps["from_date"]])
    same = steps["katottg"].to_numpy()[1:] == steps["katottg"].to_numpy()[:-1]
    end = np.append(np.where(same, start[1:] - 1, N_DAYS - 1), N_DAYS - 1)  # in force until the next step
    for k, status, assessable, a, b in zip(
        steps["katottg"], steps["territory_status"], steps["is_assessable"], start, end, strict=True
    ):
        if assessable or k not in pos or b < 0:
            continue
        target = occupied if status == "occupied" else hostile
        target[pos[k], max(a, 0) : min(b, N_DAYS - 1) + 1] = True
    return occupied, hostile
