"""Where should the next N officers go? A transparent priority score and a one-at-a-time allocation.

Candidates: assessable hromadas of the programme universe with fewer officers serving than
required, on the as-of date. Each gets five components, each 0..1 (docs/methodology.md):

    need        residents not served, strength-weighted: population x (1 - min(1, serving/required))
    area        area in km²
    distance    km from the hromada's centre to the nearest open police station (EPSG:3035)
    memorandum  1 when a memorandum is in force (the hromada is ready to host), else 0
    trust       lower oblast trust ranks higher; 0.5 (neutral) when the oblast has too few responses

need, area, distance and trust are *percentile ranks* among all candidates of the country: the
share of candidates with a lower value, ties counting half (so 0.9 = "more than 90 % of the
hromadas still short of officers"). Ranks, not value / max: populations run from 1,000 to
3 million, and a max-scaled need would be ~0 for every hromada but the largest cities.

    score = Σ weight_k x component_k / Σ weight_k          (0..1)

Officers are placed one at a time on the highest score among hromadas still short (ties: more
residents not served, then the code). After each placement that hromada's need falls by
population / required and its score is recomputed against the same reference ranks; a hromada
needing 2 can take 2, but its second officer competes with everyone's first.
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from monitor.db import query
from monitor.planning import universe

COMPONENTS = ("need", "area", "distance", "memorandum", "trust")
DEFAULT_WEIGHTS = {"need": 2.0, "area": 1.0, "distance": 1.0, "memorandum": 1.0, "trust": 1.0}
NEUTRAL = 0.5
# Projected coordinates in metres for distances: ETRS89 / LAEA Europe covers all of Ukraine.
METRIC_CRS = "EPSG:3035"
DISTANCE_STATION_KINDS = ("police_station",)


@dataclass(frozen=True)
class Weights:
    need: float = DEFAULT_WEIGHTS["need"]
    area: float = DEFAULT_WEIGHTS["area"]
    distance: float = DEFAULT_WEIGHTS["distance"]
    memorandum: float = DEFAULT_WEIGHTS["memorandum"]
    trust: float = DEFAULT_WEIGHTS["trust"]

    def as_dict(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in COMPONENTS}

    def normalised(self) -> dict[str, float]:
        """Each weight's share of the total (what the score multiplies the components by)."""
        w = self.as_dict()
        if any(v < 0 for v in w.values()):
            raise ValueError("weights must not be negative")
        total = sum(w.values())
        if total <= 0:
            raise ValueError("at least one weight must be above zero")
        return {k: v / total for k, v in w.items()}


# ---------------------------------------------------------------- components
def unserved(population, serving, required) -> np.ndarray:
    """Residents not served, strength-weighted: population - served residents."""
    pop = np.nan_to_num(np.asarray(population, dtype="float64"))
    return pop - universe.served_residents(population, serving, required)


def percentile_rank(values, reference) -> np.ndarray:
    """Share of `reference` below each value, ties counting half (0..1); NaN stays NaN."""
    ref = np.sort(np.asarray(reference, dtype="float64")[~np.isnan(np.asarray(reference, dtype="float64"))])
    x = np.asarray(values, dtype="float64")
    if ref.size == 0:
        return np.full(x.shape, np.nan)
    below = np.searchsorted(ref, x, side="left")
    at_or_below = np.searchsorted(ref, x, side="right")
    out = (below + at_or_below) / (2.0 * ref.size)
    return np.where(np.isnan(x), np.nan, out)


def nearest_station_km(centres: pd.DataFrame, stations: pd.DataFrame) -> pd.Series:
    """Per row of `centres` (centre_lat, centre_lon), the distance in km to the nearest row of
    `stations` (lat, lon), measured in METRIC_CRS. NaN without a centre or without stations."""
    import geopandas as gpd

    out = pd.Series(np.nan, index=centres.index, dtype="float64")
    have = centres["centre_lat"].notna() & centres["centre_lon"].notna()
    st = stations.dropna(subset=["lat", "lon"])
    if not have.any() or st.empty:
        return out
    c = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(centres.loc[have, "centre_lon"], centres.loc[have, "centre_lat"]),
        index=centres.index[have], crs="EPSG:4326",
    ).to_crs(METRIC_CRS)
    s = gpd.GeoDataFrame(geometry=gpd.points_from_xy(st["lon"], st["lat"]), crs="EPSG:4326").to_crs(METRIC_CRS)
    nearest = gpd.sjoin_nearest(c, s, how="left", distance_col="distance_m")
    # Several stations at the same distance give several rows: keep one per centre.
    dist = nearest.groupby(level=0)["distance_m"].min()
    out.loc[dist.index] = dist.to_numpy() / 1000.0
    return out


def score_components(candidates: pd.DataFrame, reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """The candidates with their raw values and 0..1 components.

    Needs columns population_count, officers_serving, required_officers, area_km2, distance_km,
    has_memorandum, trust_share (NaN = too few responses / no survey). `reference`: the candidate
    set whose distribution defines the ranks (default: `candidates` itself). Adds need_residents
    and c_need, c_area, c_distance, c_memorandum, c_trust.
    """
    ref = candidates if reference is None else reference
    out = candidates.copy()
    out["need_residents"] = unserved(out["population_count"], out["officers_serving"], out["required_officers"])
    ref_need = unserved(ref["population_count"], ref["officers_serving"], ref["required_officers"])
    out["c_need"] = percentile_rank(out["need_residents"], ref_need)
    out["c_area"] = percentile_rank(out["area_km2"], ref["area_km2"])
    out["c_distance"] = percentile_rank(out["distance_km"], ref["distance_km"])
    out["c_memorandum"] = out["has_memorandum"].fillna(False).astype(bool).astype("float64")
    out["c_trust"] = 1.0 - percentile_rank(out["trust_share"], ref["trust_share"])
    for k in COMPONENTS:
        out[f"c_{k}"] = out[f"c_{k}"].fillna(NEUTRAL)
    return out


def score(components: pd.DataFrame, weights: Weights) -> pd.Series:
    """Σ weight_k x component_k / Σ weight_k."""
    w = weights.normalised()
    return sum(w[k] * components[f"c_{k}"] for k in COMPONENTS)


# ---------------------------------------------------------------- allocation
def allocate(scored: pd.DataFrame, n_officers: int, weights: Weights,
             reference_need: np.ndarray | None = None) -> pd.DataFrame:
    """Place `n_officers` one at a time (see the module docstring).

    `scored`: score_components() rows (the candidates in scope). `reference_need`: the need values
    the need rank is taken against (default: the initial needs of `scored`). Returns one row per
    placement: step (1..), katottg, score (at that step), need_residents (before it).
    """
    if n_officers < 0:
        raise ValueError("the number of officers must not be negative")
    w = weights.normalised()
    ref_values = np.asarray(scored["need_residents"] if reference_need is None else reference_need, dtype="float64")
    ref = sorted(ref_values[~np.isnan(ref_values)].tolist())
    fixed = sum(w[k] * scored[f"c_{k}"].to_numpy() for k in COMPONENTS if k != "need").tolist()
    pop = scored["population_count"].fillna(0).to_numpy(dtype="float64").tolist()
    serving = scored["officers_serving"].to_numpy(dtype="float64").tolist()
    required = scored["required_officers"].to_numpy(dtype="float64").tolist()
    codes = scored["katottg"].tolist()

    def entry(i: int):
        # Scalar forms of unserved() and percentile_rank(), for the one hromada that changed.
        need = pop[i] * (1.0 - min(1.0, serving[i] / max(required[i], 1.0)))
        c_need = (bisect.bisect_left(ref, need) + bisect.bisect_right(ref, need)) / (2.0 * len(ref)) if ref else NEUTRAL
        s = fixed[i] + w["need"] * c_need
        # heapq is a min-heap: negate; ties go to more residents not served, then the code.
        return (-round(s, 12), -need, codes[i], i, s, need)

    heap = [entry(i) for i in range(len(codes)) if serving[i] < required[i]]
    heapq.heapify(heap)
    steps = []
    while heap and len(steps) < n_officers:
        *_, i, s, need = heapq.heappop(heap)
        steps.append({"step": len(steps) + 1, "katottg": codes[i], "score": s, "need_residents": need})
        serving[i] += 1
        if serving[i] < required[i]:
            heapq.heappush(heap, entry(i))
    return pd.DataFrame(steps, columns=["step", "katottg", "score", "need_residents"])


def what_if(state: pd.DataFrame, placed: pd.Series) -> dict[str, float]:
    """Coverage of the assessable hromadas of `state` before and after adding `placed`
    (katottg -> officers added). Keys: assessable, population_assessable, and for before_/after_:
    has_officer, at_required, residents_served (strength-weighted), gap (officers short)."""
    s = state[state["is_assessable"]]
    added = s["katottg"].map(placed).fillna(0).to_numpy(dtype="float64")
    out = {"assessable": int(len(s)), "population_assessable": float(s["population_count"].fillna(0).sum())}
    for label, serving in (("before", s["officers_serving"].to_numpy(dtype="float64")),
                           ("after", s["officers_serving"].to_numpy(dtype="float64") + added)):
        required = s["required_officers"].to_numpy(dtype="float64")
        out[f"{label}_has_officer"] = int((serving >= 1).sum())
        out[f"{label}_at_required"] = int((serving >= np.maximum(required, 1)).sum())
        out[f"{label}_residents_served"] = float(universe.served_residents(s["population_count"], serving,
                                                                           required).sum())
        out[f"{label}_gap"] = int(np.maximum(required - serving, 0).sum())
    return out


# ---------------------------------------------------------------- from the warehouse
def open_stations(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Police stations (DISTANCE_STATION_KINDS) open on `on_date` with a location: lat, lon."""
    kinds = list(DISTANCE_STATION_KINDS)
    return query(
        con,
        """
        SELECT lat, lon FROM stations
        WHERE list_contains(?, kind) AND lat IS NOT NULL AND lon IS NOT NULL
          AND opened_on <= ?::DATE AND (closed_on IS NULL OR closed_on > ?::DATE)
        """,
        [kinds, on_date, on_date],
    )


def candidates(con: duckdb.DuckDBPyConnection, on_date: str | None = None) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(the date, the state of every hromada of the universe on it, the scored candidates of the
    whole country). Independent of weights and N: the page caches it per build."""
    d = on_date or universe.as_of(con)
    state = universe.hromada_state(con, d)
    short = state[state["is_assessable"] & (state["officers_serving"] < state["required_officers"])].copy()
    short["distance_km"] = nearest_station_km(short, open_stations(con, d))
    trust = universe.oblast_trust(con, d)
    short["trust_share"] = short["oblast_katottg"].map(dict(zip(trust["oblast_katottg"], trust["share"],
                                                                 strict=True)))
    short["trust_wave"] = short["oblast_katottg"].map(dict(zip(trust["oblast_katottg"], trust["wave"],
                                                                strict=True)))
    return d, state, score_components(short)


def plan(con: duckdb.DuckDBPyConnection, n_officers: int, weights: tuple[float, ...] | None = None,
         oblast: str | None = None) -> dict:
    """plan_from(candidates(con), ...): where `n_officers` more officers go, from the warehouse."""
    return plan_from(candidates(con), n_officers, weights, oblast)


def plan_from(base: tuple[str, pd.DataFrame, pd.DataFrame], n_officers: int,
              weights: tuple[float, ...] | None = None, oblast: str | None = None) -> dict:
    """Where `n_officers` more officers go (national, or within `oblast`), and what coverage becomes.

    base: candidates() (as-of date, state, scored candidates of the country). weights: five numbers
    in COMPONENTS order (default DEFAULT_WEIGHTS). Returns a dict:
      as_of, oblast, n_requested, n_placed, gap_in_scope, weights (as given), weights_normalised,
      candidates  every candidate in scope: components, initial score, officers_added, first_step
                  (the step of its first officer, NaN if none), rank (1.. in that order),
                  residents_gained; ordered by first_step, then score
      chosen      the candidates that get at least one officer, ordered by first_step
      steps       one row per placement (step, katottg, score, need_residents)
      what_if     what_if() of the scope
    """
    w = Weights(*weights) if weights is not None else Weights()
    w.normalised()  # validates
    d, state, scored = base
    reference_need = scored["need_residents"].to_numpy()
    if oblast:
        state = state[state["oblast_katottg"] == oblast]
        scored = scored[scored["oblast_katottg"] == oblast]
    scored = scored.assign(score=score(scored, w)).reset_index(drop=True)
    steps = allocate(scored, int(n_officers), w, reference_need)
    added = steps.groupby("katottg").size()
    first = steps.groupby("katottg")["step"].min()
    scored["officers_added"] = scored["katottg"].map(added).fillna(0).astype(int)
    scored["first_step"] = scored["katottg"].map(first)
    scored["residents_gained"] = (
        universe.served_residents(scored["population_count"], scored["officers_serving"] + scored["officers_added"],
                                  scored["required_officers"])
        - universe.served_residents(scored["population_count"], scored["officers_serving"],
                                    scored["required_officers"])
    )
    scored = scored.sort_values(["first_step", "score", "katottg"], ascending=[True, False, True],
                                na_position="last").reset_index(drop=True)
    # rank: 1.. in the order the hromadas get their first officer of the plan (NaN: none).
    scored["rank"] = scored["first_step"].rank(method="first")
    return {
        "as_of": d,
        "oblast": oblast or None,
        "n_requested": int(n_officers),
        "n_placed": int(len(steps)),
        "gap_in_scope": int((scored["required_officers"] - scored["officers_serving"]).clip(lower=0).sum()),
        "weights": w.as_dict(),
        "weights_normalised": w.normalised(),
        "candidates": scored,
        "chosen": scored[scored["officers_added"] > 0].reset_index(drop=True),
        "steps": steps,
        "what_if": what_if(state, added),
    }
