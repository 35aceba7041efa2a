"""Demo stations, memoranda and targets (typed frames on the full horizon; days are grid indices)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import vocabulary
from demo.calibration import NATIONAL_PLAN, OBLAST_JOIN, STATION_KNOTS
from demo.rollout import Joins, curve, rng_for
from demo.world import KYIV_CITY, N_DAYS, PILOT, World, day

# Ukrainian spellings of the kinds as the contract accepts them (the `kind` column) ...
KIND_LABEL_UK = {kind.code: kind["aliases"][0] for kind in vocabulary.STATION_KINDS}
# ... and as premises are named
KIND_UK = {
    "police_station": "Поліцейська станція",
    "public_safety_office": "Офіс громадської безпеки",
    "front_office": "Фронт-офіс поліції",
}


def stations(w: World, joins: Joins, seed: int, scale: int) -> pd.DataFrame:
    """A station opens in most hromadas around the day they join; more open in joined hromadas
    (and, as district-officer stations, in some not yet joined) so that the open count follows
    STATION_KNOTS; stations in a hromada close the day it is occupied."""
    rng = rng_for(seed, 6)
    h = w.h
    jd = joins.day
    joined = np.flatnonzero(jd >= 0)
    first = joined[rng.random(len(joined)) < 0.88]
    first_open = jd[first] + rng.integers(-90, 46, size=len(first))
    first_open = np.where(jd[first] == day(PILOT), day(PILOT) - rng.integers(0, 30, size=len(first)), first_open)
    first_open = np.clip(first_open, day("2019-04-15"), N_DAYS - 1)

    target = curve(STATION_KNOTS)
    primary = np.bincount(first_open, minlength=N_DAYS).cumsum()
    need = np.maximum.accumulate(np.maximum(target - primary, 0))
    extra_days = np.searchsorted(need, np.arange(1, need[-1] + 1), side="left")
    blocked = w.blocked()
    short = dict(zip(w.oblasts["katottg"], w.oblasts["short_code"], strict=False))
    ob_join = np.array([day(OBLAST_JOIN.get(short.get(c, ""), PILOT.replace(year=2100)))
                        for c in h["oblast_katottg"]])
    base_ok = (~h["occ2014"].to_numpy()) & (h["katottg"].to_numpy() != KYIV_CITY)
    settl = h["settlements"].to_numpy().astype(float)
    extra_h = np.empty(len(extra_days), dtype=int)
    u = rng.random(len(extra_days))
    for k, t in enumerate(extra_days):
        ok = base_ok & ~blocked[:, t] & (ob_join <= t)
        pool = ok & (jd >= 0) & (jd <= t) if u[k] < 0.78 else ok & ((jd < 0) | (jd > t))
        if not pool.any():
            pool = ok
        idx = np.flatnonzero(pool)
        wts = np.sqrt(settl[idx])
        extra_h[k] = idx[rng.choice(len(idx), p=wts / wts.sum())]
    hh = np.concatenate([first, extra_h])
    opened = np.concatenate([first_open, extra_days])
    n = len(hh)
    r = rng.random(n)
    kind = np.full(n, "police_station", dtype=object)
    kind[(opened >= day("2020-06-01")) & (r < 0.12)] = "public_safety_office"
    kind[(opened >= day("2023-01-01")) & (r > 0.85)] = "front_office"
    # closed: the day the hromada is occupied or its premises are destroyed (blocked), or moved
    closed = np.full(n, -1)
    occ = w.occupied
    for k in range(n):
        after = np.flatnonzero(occ[hh[k], opened[k]:])
        if len(after):
            closed[k] = opened[k] + after[0]
    moved = (closed < 0) & (rng.random(n) < 0.03)
    closed[moved] = np.minimum(opened[moved] + rng.integers(200, 1500, size=moved.sum()), N_DAYS + 10)
    closed[closed >= N_DAYS] = -1
    df = pd.DataFrame({"h": hh, "opened": opened, "closed": closed, "kind": kind})
    df = df.sort_values(["opened", "h"], kind="stable").reset_index(drop=True)
    # replicate for scale, then ids, names and points
    df = df.loc[np.repeat(df.index.to_numpy(), scale)].reset_index(drop=True)
    n = len(df)
    r2 = rng_for(seed, 7, scale)
    short_of = np.array([short.get(c, "UA") for c in h["oblast_katottg"]])[df["h"]]
    seq = pd.Series(short_of).groupby(short_of).cumcount().to_numpy() + 1
    df["station_id"] = [f"{s}-{q:05d}" for s, q in zip(short_of, seq, strict=False)]
    names = h["name_uk"].to_numpy()[df["h"]]
    labels = np.array([KIND_UK[k] for k in df["kind"]])
    style = r2.random(n)
    df["name"] = np.where(
        style < 0.75, [f"{lab} {nm} громади" for lab, nm in zip(labels, names, strict=False)],
        np.where(style < 0.97, [f"{lab}, {nm} громада" for lab, nm in zip(labels, names, strict=False)],
                 [f"{lab}\n{nm} громада" for lab, nm in zip(labels, names, strict=False)]))
    lat = h["lat"].to_numpy()[df["h"]] + r2.normal(0, 0.03, n)
    lon = h["lon"].to_numpy()[df["h"]] + r2.normal(0, 0.045, n)
    no_point = r2.random(n) < 0.12
    df["lat"] = np.where(no_point, np.nan, np.round(lat, 5))
    df["lon"] = np.where(no_point, np.nan, np.round(lon, 5))
    return df


def memoranda(w: World, joins: Joins, seed: int) -> pd.DataFrame:
    """Most joined hromadas sign one memorandum, mostly 0-3 months before the first officer
    arrives, four in ten 3-9 months before; Cherkasy's first 32 hromadas sign on 2019-07-29 (as
    published); some hromadas sign and get no officer; a few end and are re-signed; half of those
    in occupied hromadas end on the occupation day."""
    rng = rng_for(seed, 8)
    h = w.h
    jd = joins.day
    rows_h, rows_s, rows_e = [], [], []
    short = dict(zip(w.oblasts["katottg"], w.oblasts["short_code"], strict=False))
    earliest = {c: day(OBLAST_JOIN[s]) - 45 for c, s in short.items() if s in OBLAST_JOIN}
    cherkasy = [i for i in joins.order if h["oblast_katottg"].iat[i].startswith("UA71")][:32]
    ch_set = set(cherkasy)
    for i in joins.order:
        if i in ch_set:
            rows_h.append(i), rows_s.append(day("2019-07-29")), rows_e.append(-1)
            continue
        if rng.random() >= 0.9:
            continue
        lead = rng.integers(90, 275) if rng.random() < 0.4 else rng.integers(0, 90)
        if jd[i] == day(PILOT):
            lead = rng.integers(7, 60)
        signed = max(int(jd[i] - lead), earliest[h["oblast_katottg"].iat[i]])
        rows_h.append(i), rows_s.append(signed), rows_e.append(-1)
    # memoranda with no officer (yet)
    base_ok = (~h["occ2014"].to_numpy()) & (h["katottg"].to_numpy() != KYIV_CITY)
    never = np.flatnonzero(base_ok & (jd < 0) & ~w.blocked()[:, -1])
    pick = rng.choice(never, size=min(len(never), 45), replace=False)
    for i in pick:
        rows_h.append(int(i)), rows_s.append(int(rng.integers(day("2021-03-01"), N_DAYS - 30))), rows_e.append(-1)
    df = pd.DataFrame({"h": rows_h, "signed": rows_s, "ended": rows_e})
    # occupation ends half of them; a few others end after 2-4 years and are re-signed
    occ = w.occupied
    extra = []
    for k in range(len(df)):
        i, s = int(df.at[k, "h"]), int(df.at[k, "signed"])
        after = np.flatnonzero(occ[i, s:])
        if len(after) and rng.random() < 0.5:
            df.at[k, "ended"] = s + after[0]
        elif rng.random() < 0.04:
            e = s + int(rng.integers(730, 1460))
            if e < N_DAYS - 1:
                df.at[k, "ended"] = e
                s2 = e + int(rng.integers(1, 90))
                if s2 < N_DAYS:
                    extra.append((i, s2, -1))
    if extra:
        df = pd.concat([df, pd.DataFrame(extra, columns=["h", "signed", "ended"])], ignore_index=True)
    return df.sort_values(["signed", "h"], kind="stable").reset_index(drop=True)


def targets(w: World) -> pd.DataFrame:
    """Planned officers by oblast and year: the national plan shared out in proportion to the
    required officers of each oblast's hromadas that can be served (not occupied at the end of
    the year), among oblasts that have joined by the end of that year; largest remainders."""
    h = w.h
    short = dict(zip(w.oblasts["katottg"], w.oblasts["short_code"], strict=False))
    codes = [c for c in w.oblasts["katottg"] if short[c] in OBLAST_JOIN]
    rows = []
    base_ok = (~h["occ2014"].to_numpy()) & (h["katottg"].to_numpy() != KYIV_CITY)
    for year, total in NATIONAL_PLAN.items():
        t = min(day(f"{year}-12-31"), N_DAYS - 1)
        ok = base_ok & ~w.blocked()[:, t]
        req = h.loc[ok].groupby("oblast_katottg")["required"].sum()
        share = np.array([
            req.get(c, 0) if OBLAST_JOIN[short[c]].year <= year else 0 for c in codes], dtype=float)
        exact = total * share / share.sum()
        base = np.floor(exact).astype(int)
        rest = total - base.sum()
        order = np.argsort(-(exact - base), kind="stable")[:rest]
        base[order] += 1
        rows += [(c, year, int(v)) for c, v in zip(codes, base, strict=False)]
    return pd.DataFrame(rows, columns=["oblast_katottg", "year", "planned_officers"])
