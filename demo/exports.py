"""The programme files as the regional directorates export them: each kind's typed rows (from
rollout, sites and survey) as text in its files' styles (demo/files.py), with the planted faults
(demo/faults.py) among them, cut at the as-of date.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from demo import faults
from demo.files import (
    BOOLS,
    MEMORANDA_FILES,
    OFFICER_FILES,
    STATION_FILES,
    TARGET_FILES,
    Style,
    code_strings,
    code_variants,
    fmt_days,
    survey_style,
    write_table,
)
from demo.rollout import rng_for
from demo.sites import KIND_LABEL_UK
from demo.survey import AGE_GROUPS, hromada_offsets, national_trust, wave_frame, waves
from demo.world import World, days_to_datetime64


class Exports:
    """Writes the files into the raw directory, and collects what was written: rows and planted
    faults per file."""

    def __init__(self, raw_dir: Path, cut: int):
        self.raw_dir = raw_dir
        self.cut = cut
        self.files: dict[str, dict] = {}
        self.fault_mix: Counter = Counter()

    def emit(self, name: str, kind: str, clean: pd.DataFrame, typed: pd.DataFrame, plan: faults.Plan,
             style: Style, fresh, extra_cols: dict[str, np.ndarray] | None = None) -> None:
        """Write one file: ``clean`` string rows (canonical columns) aligned with ``typed`` and the
        rows' fault plan (arrays aligned too); copies land near their source rows."""
        if len(clean) == 0:
            return
        sel = np.flatnonzero(plan.kind != "")
        ctx = faults.Ctx(fmt_date=lambda d: fmt_days(d, style), as_of_day=self.cut, decimal=style.decimal,
                         bool_other=style.bool_other)
        copies = faults.make_copies(kind, clean.iloc[sel], typed.iloc[sel], plan.kind[sel], plan.u[sel], ctx,
                                    lambda k: fresh(sel))
        for name_extra, values in (extra_cols or {}).items():
            clean[name_extra] = values
            copies[name_extra] = values[sel]
        pos = np.arange(len(clean), dtype=float)
        dup = plan.kind[sel] == "duplicate_key"
        copy_pos = sel + np.where(dup, plan.offset[sel], plan.offset[sel] - 30) + 0.5
        keys = np.concatenate([pos, np.clip(copy_pos, -0.5, len(clean) + 0.5)])
        frame = pd.concat([clean, copies], ignore_index=True).iloc[np.argsort(keys, kind="stable")]
        write_table(self.raw_dir / name, kind, frame, style)
        self.files[name] = {"kind": kind, "rows": len(frame), "faults": dict(Counter(plan.kind[sel].tolist()))}
        self.fault_mix.update(plan.kind[sel].tolist())


def _bool_strings(values: np.ndarray, style: Style) -> np.ndarray:
    yes, no = BOOLS[style.bools]
    return np.where(values == 1, yes, np.where(values == 0, no, "")).astype(object)


def _by_year(days: np.ndarray, lo: int, hi: int) -> np.ndarray:
    years = pd.DatetimeIndex(days_to_datetime64(days)).year.to_numpy()
    return (years >= lo) & (years <= hi)


# ---------------------------------------------------------------- officers


def officers(out: Exports, w: World, a: pd.DataFrame, seed: int, scale: int) -> None:
    rng = rng_for(seed, 20, scale)
    n = len(a)
    u = rng.random(n)
    lives = np.where(u < 0.65, 1, np.where(u < 0.9, 0, -1))
    trained = a["start"].to_numpy() - rng.integers(20, 121, size=n)
    trained[rng.random(n) < 0.15] = -1
    variant = code_variants(rng, n)
    plan = faults.plan(n, faults.KINDS["officers"], rng)
    remark_u = rng.random(n)
    row_id = np.arange(n)
    keep = a["start"].to_numpy() <= out.cut
    end = np.where(a["end"].to_numpy() > out.cut, -1, a["end"].to_numpy())
    for name, (lo, hi), style in OFFICER_FILES:
        m = keep & _by_year(a["start"].to_numpy(), lo, hi)
        idx = np.flatnonzero(m)
        typed = pd.DataFrame({"start": a["start"].to_numpy()[idx], "end": end[idx]})
        clean = pd.DataFrame({
            "officer_id": a["officer"].to_numpy(dtype=object)[idx],
            "hromada_katottg": code_strings(w, a["h"].to_numpy()[idx], variant[idx]),
            "start_date": fmt_days(typed["start"].to_numpy(), style),
            "end_date": fmt_days(typed["end"].to_numpy(), style),
            "lives_in_hromada": _bool_strings(lives[idx], style),
            "trained_on": fmt_days(trained[idx], style),
        })
        extra = None
        if "Примітка" in style.extra:
            notes = np.array(["", "переведений з іншої громади", "навчання", "відпустка"], dtype=object)
            ru = remark_u[idx]
            extra = {"Примітка": np.where(ru < 0.9, "", notes[(ru * 40).astype(int) % 4])}
        sub = faults.Plan(kind=plan.kind[idx], offset=plan.offset[idx], u=plan.u[idx])
        out.emit(name, "officers", clean, typed, sub, style,
                 lambda sel, idx=idx: [f"NP0{row_id[idx][s]:06d}" for s in sel], extra)


# ---------------------------------------------------------------- stations


def stations(out: Exports, w: World, st: pd.DataFrame, seed: int, scale: int) -> None:
    rng = rng_for(seed, 21, scale)
    n = len(st)
    variant = code_variants(rng, n)
    uk_label = rng.random(n) < 0.3
    plan = faults.plan(n, faults.KINDS["stations"], rng)
    keep = st["opened"].to_numpy() <= out.cut
    closed = np.where(st["closed"].to_numpy() > out.cut, -1, st["closed"].to_numpy())
    for name, _years, style in STATION_FILES:
        idx = np.flatnonzero(keep)
        typed = pd.DataFrame({"opened": st["opened"].to_numpy()[idx], "closed": closed[idx]})
        kinds = st["kind"].to_numpy(dtype=object)[idx]
        kinds = np.where(uk_label[idx], np.array([KIND_LABEL_UK[k] for k in kinds], dtype=object), kinds)

        def num(x, style=style):
            s = np.array(["" if np.isnan(v) else f"{v:.5f}" for v in x], dtype=object)
            return s if style.decimal == "." else np.array([v.replace(".", ",") for v in s], dtype=object)

        clean = pd.DataFrame({
            "station_id": st["station_id"].to_numpy(dtype=object)[idx],
            "hromada_katottg": code_strings(w, st["h"].to_numpy()[idx], variant[idx]),
            "kind": kinds,
            "opened_on": fmt_days(typed["opened"].to_numpy(), style),
            "closed_on": fmt_days(typed["closed"].to_numpy(), style),
            "name": st["name"].to_numpy(dtype=object)[idx],
            "lat": num(st["lat"].to_numpy()[idx]),
            "lon": num(st["lon"].to_numpy()[idx]),
        })
        ids = st["station_id"].to_numpy(dtype=object)
        out.emit(name, "stations", clean, typed, faults.Plan(plan.kind[idx], plan.offset[idx], plan.u[idx]),
                 style, lambda sel, idx=idx, ids=ids: [f"{ids[idx][s][:3]}-{900000 + idx[s]}" for s in sel])


# ---------------------------------------------------------------- memoranda and targets


def memoranda(out: Exports, w: World, mem: pd.DataFrame, seed: int) -> None:
    rng = rng_for(seed, 22)
    n = len(mem)
    variant = code_variants(rng, n)
    plan = faults.plan(n, faults.KINDS["memoranda"], rng)
    keep = mem["signed"].to_numpy() <= out.cut
    ended = np.where(mem["ended"].to_numpy() > out.cut, -1, mem["ended"].to_numpy())
    for name, (lo, hi), style in MEMORANDA_FILES:
        idx = np.flatnonzero(keep & _by_year(mem["signed"].to_numpy(), lo, hi))
        typed = pd.DataFrame({"signed": mem["signed"].to_numpy()[idx], "ended": ended[idx]})
        clean = pd.DataFrame({
            "hromada_katottg": code_strings(w, mem["h"].to_numpy()[idx], variant[idx]),
            "signed_on": fmt_days(typed["signed"].to_numpy(), style),  # xlsx: ISO -> date cells
            "ended_on": fmt_days(typed["ended"].to_numpy(), style),
        })
        out.emit(name, "memoranda", clean, typed, faults.Plan(plan.kind[idx], plan.offset[idx], plan.u[idx]),
                 style, lambda sel: [""] * len(sel))


def targets(out: Exports, tg: pd.DataFrame, seed: int) -> None:
    rng = rng_for(seed, 23)
    n = len(tg)
    kinds = faults.KINDS["targets"]
    # four faults in 200 rows: one of each kind, on fixed-rate draws like the other files
    chosen = rng.choice(n, size=len(kinds), replace=False)
    kind = np.full(n, "", dtype=object)
    kind[np.sort(chosen)] = np.array(kinds, dtype=object)
    plan = faults.Plan(kind=kind, offset=rng.integers(1, 60, size=n), u=rng.random(n))
    for name, _years, style in TARGET_FILES:
        clean = pd.DataFrame({
            "oblast_katottg": tg["oblast_katottg"].to_numpy(dtype=object),
            "year": tg["year"].astype(str).to_numpy(dtype=object),
            "planned_officers": tg["planned_officers"].astype(str).to_numpy(dtype=object),
        })
        out.emit(name, "targets", clean, pd.DataFrame(index=range(n)), plan, style, lambda sel: [""] * len(sel))


# ---------------------------------------------------------------- survey


def survey(out: Exports, w: World, covered: np.ndarray, join_day: np.ndarray, facts_dir: Path, seed: int,
            scale: int, trust_effect_pp: float, knows_effect_pp: float) -> None:
    national = national_trust(facts_dir)
    offsets = hromada_offsets(w, join_day, seed)
    all_waves = waves()
    for year in sorted({int(wv[0][:4]) for wv in all_waves}):
        style = survey_style(year)
        cleans, typeds, plans, fresh_parts, n_seen = [], [], [], [], 0
        for wave_no, wave in enumerate(all_waves):
            if int(wave[0][:4]) != year or wave[1] > out.cut:
                continue
            f = wave_frame(w, wave_no, wave, seed=seed, scale=scale, covered=covered, national=national,
                           offsets=offsets, trust_effect_pp=trust_effect_pp, knows_effect_pp=knows_effect_pp)
            n_wave = len(f)
            frng = rng_for(seed, 30, wave_no, scale)
            plan = faults.plan(n_wave, faults.KINDS["trust_survey"], frng)
            hard_u = frng.random(n_wave)
            variant = code_variants(frng, n_wave)
            keep = np.flatnonzero(f["day"].to_numpy() <= out.cut)
            f = f.iloc[keep]
            clean = _survey_strings(w, f, style, hard_u[keep], variant[keep])
            fresh_parts.append((f["respondent"].to_numpy() + n_wave).astype(np.int64))
            cleans.append(clean)
            typeds.append(pd.DataFrame({"day": f["day"].to_numpy()}))
            plans.append(faults.Plan(plan.kind[keep], plan.offset[keep], plan.u[keep]))
            n_seen += len(f)
        if not cleans:
            continue
        clean = pd.concat(cleans, ignore_index=True)
        fresh_no = np.concatenate(fresh_parts)
        typed = pd.concat(typeds, ignore_index=True)
        plan = faults.Plan(*(np.concatenate([getattr(p, a) for p in plans]) for a in ("kind", "offset", "u")))
        extra = None
        if "interviewer_id" in style.extra:
            extra = {"interviewer_id": np.array([f"INT-{x:03d}" for x in (typed["day"].to_numpy() * 7) % 211],
                                                dtype=object)}
        out.emit(f"trust_survey_{year}.csv", "trust_survey", clean, typed, plan, style,
                 lambda sel, fresh_no=fresh_no: [f"R{x:07d}" for x in fresh_no[sel]], extra)


def _survey_strings(w: World, f: pd.DataFrame, style: Style, hard_u: np.ndarray, variant: np.ndarray) -> pd.DataFrame:
    n = len(f)
    trust = f["trust"].to_numpy()
    trust_s = trust.astype(str).astype(object)
    hard = trust == 9
    if style.hard == "empty":
        trust_s[hard] = ""
    elif style.hard == "mixed":
        trust_s[hard & (hard_u < 0.5)] = ""
    weight = np.char.mod("%.4f", f["weight"].to_numpy()).astype(object)
    if style.decimal != ".":
        weight = np.char.replace(weight.astype(str), ".", style.decimal).astype(object)
    sex = np.array(style.sex, dtype=object)[f["sex"].to_numpy()]
    resp = np.char.add("R", np.char.zfill(f["respondent"].to_numpy().astype(str), 7)).astype(object)
    return pd.DataFrame({
        "respondent_id": resp,
        "wave": f["wave"].to_numpy(dtype=object),
        "interview_date": fmt_days(f["day"].to_numpy(), style),
        "hromada_katottg": code_strings(w, f["h"].to_numpy(), variant),
        "trust_police": trust_s,
        "knows_officer": _bool_strings(f["knows"].to_numpy(), style),
        "weight": weight,
        "sex": sex,
        "age_group": np.array(AGE_GROUPS, dtype=object)[f["age"].to_numpy()],
    }, index=pd.RangeIndex(n))
