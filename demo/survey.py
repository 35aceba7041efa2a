"""Demo community safety survey: two waves a year, ~6,700 respondents a wave at scale 1.

Trust model (probability of answering 1 or 2 among those who answer 1-4):
  national level by date (polls in national_trust_polls.csv without the '(claim)' rows, linear
  between fieldwork dates, held after the last) + a local premium of 16 pp (people rate "the
  police in my community" above "the National Police"; it brings covered hromadas to the
  published ~70 %) + hromada effect N(0, 4 pp) + type (village +3,
  settlement +1, city -2 pp) + age (18-29 -3, 60+ +3 pp) + selection (hromadas that joined by
  2020: +5 pp, in 2021: +2 pp — whether or not an officer serves at the interview)
  + trust_effect_pp if an officer serves in the hromada on the interview date.
Knowing the officer: 4 % (+2 pp in villages) + knows_effect_pp if an officer serves.
The same uniform draws decide every answer whatever the effect sizes, so runs that differ only in
the effects differ only in the answers of respondents in covered hromadas.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

import vocabulary
from demo.rollout import rng_for
from demo.world import HORIZON, N_DAYS, World, day

WAVE_SIZE = 6_700
FLOOR_POP = 15_000  # sampling probability ~ max(population, floor): small hromadas still appear
AGE_GROUPS = vocabulary.AGE_GROUPS.codes  # the shares below are in this order
SAMPLE_AGE = np.array([0.14, 0.24, 0.28, 0.34])  # older people answer surveys more often
POP_AGE = np.array([0.18, 0.28, 0.26, 0.28])
SAMPLE_F, POP_F = 0.58, 0.54
AGE_EFFECT = np.array([-0.03, 0.0, 0.0, 0.03])
LOCAL_PREMIUM = 0.16  # community survey about local police vs national polls about the institution
EARLY_JOINER_BONUS_PP = 5.0  # hromadas that joined by the end of 2020 trust more (selection)


def waves() -> list[tuple[str, int, int]]:
    """(label, first day, last day) of every wave up to the horizon; fieldwork ~5 weeks."""
    out = []
    for y in range(2019, HORIZON.year + 1):
        if y > 2019:
            out.append((f"{y}-H1", day(date(y, 5, 5)), day(date(y, 6, 9))))
        out.append((f"{y}-H2", day(date(y, 10, 20)), day(date(y, 11, 24))))
    return out


def national_trust(facts_dir: Path) -> np.ndarray:
    """National trust share (0..1) by grid day."""
    xs, ys = [], []
    with open(Path(facts_dir) / "national_trust_polls.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if "(claim)" in r["pollster"] or not r["trust_pct"]:
                continue
            t = r["fieldwork_end"]
            d = date.fromisoformat(t) if len(t) == 10 else date.fromisoformat(t + "-15")
            xs.append(day(d))
            ys.append(float(r["trust_pct"]) / 100)
    order = np.argsort(xs, kind="stable")
    return np.interp(np.arange(N_DAYS), np.array(xs)[order], np.array(ys)[order])


def coverage_matrix(n_hromadas: int, assign: pd.DataFrame) -> np.ndarray:
    """bool [hromada, day]: at least one officer serving."""
    delta = np.zeros((n_hromadas, N_DAYS + 1), dtype=np.int32)
    h = assign["h"].to_numpy()
    s = assign["start"].to_numpy()
    e = assign["end"].to_numpy()
    np.add.at(delta, (h, s), 1)
    ended = e >= 0
    np.add.at(delta, (h[ended], e[ended] + 1), -1)
    return np.cumsum(delta, axis=1)[:, :N_DAYS] > 0


def hromada_offsets(w: World, join_day: np.ndarray, seed: int) -> np.ndarray:
    rng = rng_for(seed, 9)
    eff = rng.normal(0, 0.04, w.n)
    eff += w.h["type"].map({"village": 0.03, "settlement": 0.01, "city": -0.02}).fillna(0).to_numpy()
    eff += np.where((join_day >= 0) & (join_day <= day("2020-12-31")), EARLY_JOINER_BONUS_PP / 100, 0.0)
    eff += np.where((join_day > day("2020-12-31")) & (join_day <= day("2021-12-31")), 0.02, 0.0)
    return eff


def wave_frame(
    w: World, wave_no: int, wave: tuple[str, int, int], *, seed: int, scale: int, covered: np.ndarray,
    national: np.ndarray, offsets: np.ndarray, trust_effect_pp: float, knows_effect_pp: float,
) -> pd.DataFrame:
    """Typed respondents of one wave, in interview order. trust: 1-4, 9 = hard to say (written as
    '9' or empty), knows: 1/0, -1 = not answered; sex 0 m / 1 f; age index into AGE_GROUPS."""
    label, d0, d1 = wave
    rng = rng_for(seed, 10, wave_no, scale)
    n = int((WAVE_SIZE + rng.integers(-250, 251)) * scale)
    pop = w.h["pop"].to_numpy().astype(float)
    ok = ~w.blocked()[:, d0 : d1 + 1].any(axis=1)  # assessable on every day of the fieldwork
    p = np.where(ok, np.maximum(pop, FLOOR_POP), 0.0)
    h = rng.choice(w.n, size=n, p=p / p.sum())
    d = rng.integers(d0, d1 + 1, size=n)
    sex = (rng.random(n) < SAMPLE_F).astype(np.int8)
    age = rng.choice(4, size=n, p=SAMPLE_AGE).astype(np.int8)
    u_hard, u_trust, u_strength, u_know, u_know_na, u_w = (rng.random(n) for _ in range(6))
    hard_rate = rng.uniform(0.08, 0.12)
    cov = covered[h, d]
    p_trust = national[d] + LOCAL_PREMIUM + offsets[h] + AGE_EFFECT[age] + cov * trust_effect_pp / 100
    p_trust = np.clip(p_trust, 0.03, 0.97)
    trusts = u_trust < p_trust
    trust = np.where(trusts, np.where(u_strength < 0.33, 1, 2), np.where(u_strength < 0.6, 3, 4)).astype(np.int8)
    trust[u_hard < hard_rate] = 9
    village = (w.h["type"].to_numpy() == "village")[h]
    p_know = np.clip(0.04 + 0.02 * village + cov * knows_effect_pp / 100, 0.01, 0.99)
    knows = (u_know < p_know).astype(np.int8)
    knows[u_know_na < 0.02] = -1
    design = pop[h] / np.maximum(pop[h], FLOOR_POP)
    cell = np.where(sex == 1, POP_F / SAMPLE_F, (1 - POP_F) / (1 - SAMPLE_F)) * (POP_AGE / SAMPLE_AGE)[age]
    wt = design * cell * np.exp(0.15 * (u_w - 0.5) * 3.4)
    wt = np.clip(wt / wt.mean(), 0.3, 3.0).round(4)
    order = np.argsort(d, kind="stable")
    return pd.DataFrame({
        "respondent": np.arange(1, n + 1),
        "wave": label,
        "day": d[order],
        "h": h[order],
        "trust": trust[order],
        "knows": knows[order],
        "weight": wt[order],
        "sex": sex[order],
        "age": age[order],
        "covered": cov[order],
    })
