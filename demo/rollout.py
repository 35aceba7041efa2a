"""Rollout of the demo programme: which hromadas join when, officer posts, assignments with
turnover, war losses and moves. Returns typed frames on the full horizon (no truncation here).

Days are grid indices (demo.world.day). Randomness: one numpy Generator per component, seeded
with (seed, component) so one component's draws never shift another's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo.calibration import HROMADA_KNOTS, OBLAST_JOIN, OFFICER_KNOTS, RESIDENT_KNOTS
from demo.world import KYIV_CITY, N_DAYS, PILOT, World, day

BIG_CITY = 150_000  # hromadas above this join late (2023+) and get one officer at most
MEAN_TENURE_DAYS = 7 * 365  # after a first year, ~13 % of officers leave a year
PILOT_DAY = day(PILOT)


def rng_for(seed: int, *component: int) -> np.random.Generator:
    return np.random.default_rng([seed, *component])


def curve(knots, n_days: int = N_DAYS) -> np.ndarray:
    """Cumulative count by day, piecewise linear between knots, 0 before the first knot."""
    xs = np.array([day(d) for d, _ in knots], dtype=float)
    ys = np.array([v for _, v in knots], dtype=float)
    grid = np.arange(n_days, dtype=float)
    out = np.interp(grid, xs, ys)
    out[grid < xs[0]] = 0
    return np.floor(out + 1e-9).astype(int)


def event_days(knots) -> np.ndarray:
    """Day of the k-th event (k = 1..total): first day the curve reaches k."""
    c = curve(knots)
    return np.searchsorted(c, np.arange(1, c[-1] + 1), side="left")


# ---------------------------------------------------------------- joins


@dataclass
class Joins:
    day: np.ndarray  # int [n]: join day, -1 = never
    capacity: np.ndarray  # int [n]: officer posts the hromada gets at most
    order: list[int]  # hromada positions in join order


def plan_joins(w: World, seed: int) -> Joins:
    h = w.h
    n = w.n
    rng = rng_for(seed, 1)
    oblast_code = h["oblast_katottg"].to_numpy()
    short = dict(zip(w.oblasts["katottg"], w.oblasts["short_code"], strict=False))
    ob_short = np.array([short.get(c, "") for c in oblast_code])
    ob_join = np.array([day(OBLAST_JOIN[s]) if s in OBLAST_JOIN else 10**9 for s in ob_short])
    base_ok = (~h["occ2014"].to_numpy()) & (h["katottg"].to_numpy() != KYIV_CITY)
    pop = h["pop"].to_numpy().astype(float)
    big = pop > BIG_CITY
    type_w = h["type"].map({"village": 1.0, "settlement": 0.8, "city": 0.55}).fillna(0.5).to_numpy()
    blocked = w.blocked()

    # posts: the rule's required number, often one more in rural hromadas (the programme staffed
    # large rural hromadas with two before the rule asked for it); big cities: one.
    extra = rng.random(n) < np.where(h["type"].to_numpy() == "city", 0.35, 0.6)
    capacity = np.minimum(h["required"].to_numpy() + extra, 3)
    capacity[big] = 1

    join_days = event_days(HROMADA_KNOTS)
    joined = np.full(n, -1)
    order: list[int] = []
    res_targets = {day(d): v for d, v in RESIDENT_KNOTS}
    # segments of joins with their own size preference (alpha: weight ~ population ** alpha)
    bounds = [0]
    for d in sorted(res_targets):
        bounds.append(int(np.searchsorted(join_days, d, side="right")))
    bounds.append(len(join_days))

    seen_oblast: set[str] = set()

    def run_segment(k0: int, k1: int, alpha: float, seg_rng, state) -> tuple[np.ndarray, list[int]]:
        jd, order_s, seen = state[0].copy(), [], set(state[1])
        for k in range(k0, k1):
            t = join_days[k]
            avail = base_ok & (jd < 0) & ~blocked[:, min(t + 60, N_DAYS - 1)] & ~blocked[:, t]
            avail &= ob_join <= t
            if t < day("2023-01-01"):
                avail &= ~big
            if k < 22:
                avail &= ob_short == "DNP"
            if not avail.any():
                continue
            fresh = [s for s in np.unique(ob_short[avail]) if s not in seen]
            if fresh:  # a newly joined oblast gets its first hromada at once
                s = min(fresh, key=lambda s: OBLAST_JOIN[s])
                ob_pick = s
            else:
                cand_ob, cnt = np.unique(ob_short[avail], return_counts=True)
                recent = np.array([t - day(OBLAST_JOIN[s]) < 150 for s in cand_ob])
                wts = cnt * np.where(recent, 3.0, 1.0)
                ob_pick = cand_ob[seg_rng.choice(len(cand_ob), p=wts / wts.sum())]
            seen.add(ob_pick)
            m = avail & (ob_short == ob_pick)
            wts = (pop[m] ** alpha) * type_w[m] * np.where(big[m], 0.3, 1.0)
            idx = np.flatnonzero(m)
            pick = idx[seg_rng.choice(len(idx), p=wts / wts.sum())]
            jd[pick] = PILOT_DAY if k < 22 else t
            order_s.append(int(pick))
        return jd, order_s, seen

    state = (joined, seen_oblast)
    for s_i in range(len(bounds) - 1):
        k0, k1 = bounds[s_i], bounds[s_i + 1]
        target_day = sorted(res_targets)[s_i] if s_i < len(res_targets) else None
        if target_day is None:
            jd, order_s, seen = run_segment(k0, k1, 0.35, rng_for(seed, 2, s_i, 0), state)
        else:
            # pick the size preference whose residents come closest to the published figure
            # (the pilot's 22 hromadas ride in the first segment)
            best = None
            for c_i, alpha in enumerate(np.linspace(-3.0, 2.0, 21)):
                cand = run_segment(k0, k1, float(alpha), rng_for(seed, 2, s_i, c_i), state)
                resid = pop[cand[0] >= 0].sum()
                err = abs(resid - res_targets[target_day])
                if best is None or err < best[0]:
                    best = (err, cand)
            jd, order_s, seen = best[1]
        state = (jd, seen)
        order.extend(order_s)
    return Joins(day=state[0], capacity=capacity, order=order)


# ---------------------------------------------------------------- posts (slots)


def plan_posts(w: World, joins: Joins, seed: int) -> pd.DataFrame:
    """One row per officer post: hromada position, the day it opens, post number in the hromada."""
    rng = rng_for(seed, 3)
    jd = joins.day
    rows_h = list(joins.order)
    rows_d = [int(jd[i]) for i in joins.order]
    filled = np.zeros(w.n, dtype=int)
    filled[joins.order] = 1
    # pilot: 34 officers in 22 hromadas -> 12 second posts on the first day
    pilot = [i for i in joins.order if jd[i] == PILOT_DAY]
    by_room = sorted(pilot, key=lambda i: (-joins.capacity[i], -w.h["area"].iat[i], i))[:12]
    for i in by_room:
        rows_h.append(i)
        rows_d.append(PILOT_DAY)
        filled[i] += 1
    cap = np.maximum(joins.capacity, filled)
    blocked = w.blocked()
    officer_days = event_days(OFFICER_KNOTS)
    hromada_days = np.sort(jd[jd >= 0])
    # the k-th officer post beyond first posts opens when officers(t) - hromadas(t) passes k
    n_extra = curve(OFFICER_KNOTS) - np.searchsorted(hromada_days, np.arange(N_DAYS), side="right")
    n_extra = np.maximum.accumulate(np.maximum(n_extra, 0))
    extra_days = np.searchsorted(n_extra, np.arange(13, n_extra[-1] + 1), side="left")
    del officer_days
    for t in extra_days:
        room = (jd >= 0) & (jd <= t) & (filled < cap) & ~blocked[:, t]
        if not room.any():
            continue
        idx = np.flatnonzero(room)
        wts = (cap[idx] - filled[idx]).astype(float)
        i = int(idx[rng.choice(len(idx), p=wts / wts.sum())])
        rows_h.append(i)
        rows_d.append(int(t))
        filled[i] += 1
    return pd.DataFrame({"h": np.array(rows_h, dtype=int), "open": np.array(rows_d, dtype=int)})


# ---------------------------------------------------------------- assignments


def _blocks(w: World) -> list[list[tuple[int, int]]]:
    """Per hromada, the periods (start, end inclusive; end N_DAYS-1 = open) officers cannot serve:
    the days it is not assessable (occupied, or under active hostilities in full), so that no demo
    officer serves where the dashboard leaves the hromada out."""
    mask = w.blocked()
    out: list[list[tuple[int, int]]] = [[] for _ in range(w.n)]
    rows = np.flatnonzero(mask.any(axis=1))
    for i in rows:
        m = mask[i].astype(np.int8)
        edges = np.diff(np.concatenate([[0], m, [0]]))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1) - 1
        out[i] = list(zip(starts.tolist(), ends.tolist(), strict=False))
    return out


def assignments(w: World, posts: pd.DataFrame, seed: int, scale: int) -> pd.DataFrame:
    """Officer assignments: each post is held by a chain of officers (turnover); a war block cuts
    the chain, and a new chain starts 2-8 months after the block ends. Posts are replicated
    ``scale`` times. Columns: h, start, end (-1 = open), post, reason_end, chain_pos."""
    rng = rng_for(seed, 4)
    blocks = _blocks(w)
    post_h = np.repeat(posts["h"].to_numpy(), scale)
    post_open = np.repeat(posts["open"].to_numpy(), scale)
    n_posts = len(post_h)
    # segments: (post, seg_start, seg_end, end_is_block)
    seg_post, seg_start, seg_end, seg_block = [], [], [], []
    rdelay = rng.integers(60, 240, size=n_posts)
    for p in range(n_posts):
        i, s = int(post_h[p]), int(post_open[p])
        for b0, b1 in blocks[i]:
            if b1 < s:
                continue
            if b0 <= s:  # opened inside a block (not planned, but safe): wait for its end
                s = b1 + 1 + int(rdelay[p]) if b1 < N_DAYS - 1 else N_DAYS
                continue
            seg_post.append(p), seg_start.append(s), seg_end.append(b0 - 1), seg_block.append(True)
            s = b1 + 1 + int(rdelay[p]) if b1 < N_DAYS - 1 else N_DAYS
        if s < N_DAYS:
            seg_post.append(p), seg_start.append(s), seg_end.append(N_DAYS - 1), seg_block.append(False)
    seg_post = np.array(seg_post, dtype=int)
    seg_start = np.array(seg_start, dtype=int)
    seg_end = np.array(seg_end, dtype=int)
    seg_block = np.array(seg_block, dtype=bool)
    k = 6
    m = len(seg_post)
    tenure = (365 + rng.exponential(MEAN_TENURE_DAYS, size=(m, k))).astype(int)
    gap = (7 + rng.exponential(35, size=(m, k))).astype(int)
    tenure[:, -1] = 10**6  # the last officer of a chain stays
    starts = np.empty((m, k), dtype=int)
    starts[:, 0] = seg_start
    for j in range(1, k):
        starts[:, j] = starts[:, j - 1] + tenure[:, j - 1] + gap[:, j - 1]
    ends = starts + tenure - 1
    keep = starts <= seg_end[:, None]
    seg_idx, pos = np.nonzero(keep)
    a_start = starts[seg_idx, pos]
    a_end = ends[seg_idx, pos]
    s_end = seg_end[seg_idx]
    cut = a_end >= s_end
    reason = np.where(cut, np.where(seg_block[seg_idx], "block", "open"), "turnover")
    a_end = np.where(cut, np.where(seg_block[seg_idx], s_end, -1), a_end)
    df = pd.DataFrame({
        "h": post_h[seg_post[seg_idx]],
        "start": a_start,
        "end": a_end,
        "post": seg_post[seg_idx],
        "reason_end": reason,
        "chain_pos": pos,
    })
    return df.sort_values(["start", "post"], kind="stable").reset_index(drop=True)


def officer_ids(w: World, a: pd.DataFrame, seed: int, scale: int) -> pd.DataFrame:
    """Give every assignment an officer: a new one, except that some leavers move on to a new post
    elsewhere (one in ten after turnover, half of those whose hromada was occupied), and a handful
    of those moves overlap the old post by 10-40 days (kept, flagged by the data-quality view)."""
    rng = rng_for(seed, 5)
    n = len(a)
    owner = np.arange(n)
    oblast = w.h["oblast_katottg"].to_numpy()[a["h"].to_numpy()]
    start = a["start"].to_numpy().copy()
    end = a["end"].to_numpy()
    reason = a["reason_end"].to_numpy()
    p_move = np.where(reason == "block", 0.5, np.where(reason == "turnover", 0.1, 0.0))
    movers = np.flatnonzero(rng.random(n) < p_move)
    movers = movers[np.argsort(end[movers], kind="stable")]
    taken = np.zeros(n, dtype=bool)
    fresh_order = np.argsort(start, kind="stable")
    fresh_start = start[fresh_order]
    overlap_budget = 5 * scale
    for m_i in movers:
        lo, hi = end[m_i] + 7, end[m_i] + 150
        j0 = np.searchsorted(fresh_start, lo, side="left")
        j1 = np.searchsorted(fresh_start, hi, side="right")
        for j in range(j0, j1):
            b = fresh_order[j]
            if taken[b] or b == m_i or owner[b] != b:
                continue
            if reason[m_i] == "turnover" and oblast[b] != oblast[m_i]:
                continue
            taken[b] = True
            owner[b] = owner[m_i]
            if overlap_budget > 0 and end[m_i] > day("2022-06-01") and reason[m_i] == "turnover":
                start[b] = end[m_i] - int(rng.integers(10, 41))
                overlap_budget -= 1
            break
    # resolve chains of moves: the owner of an owner
    for _ in range(10):
        nxt = owner[owner]
        if np.array_equal(nxt, owner):
            break
        owner = nxt
    uniq, inv = np.unique(owner, return_inverse=True)
    codes = rng.choice(9_000_000, size=len(uniq), replace=False) + 1_000_000
    out = a.copy()
    out["start"] = start
    out["officer"] = np.array([f"NP{c:07d}" for c in codes])[inv]
    return out
