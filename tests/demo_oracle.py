"""An independent oracle for the demo tests: read every contract file in a raw directory with
pandas (not the ETL's readers), keep the rows the contract accepts, and compute the published
figures the demo is calibrated on (officers serving, hromadas covered, residents, stations open)
on given dates.

It re-implements the contract's row rules in a few lines (not the ETL's code; only the fields'
names and aliases come from vocabulary/fields.csv), so it is a second opinion on what the
warehouse loads.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

import vocabulary
from vocabulary import locations

KINDS = ("trust_survey", "officers", "stations", "memoranda", "targets")
REQUIRED = {
    "officers": ("officer_id", "hromada_katottg", "start_date"),
    "stations": ("station_id", "hromada_katottg", "kind", "opened_on"),
    "memoranda": ("hromada_katottg", "signed_on"),
    "trust_survey": ("respondent_id", "wave", "interview_date", "hromada_katottg"),
    "targets": ("oblast_katottg", "year", "planned_officers"),
}
KEYS = {
    "officers": ("officer_id", "hromada_katottg", "start_date"),
    "stations": ("station_id",),
    "memoranda": ("hromada_katottg", "signed_on"),
    "trust_survey": ("wave", "respondent_id"),
    "targets": ("oblast_katottg", "year"),
}
DATES = {
    "officers": ("start_date", "end_date", "trained_on"),
    "stations": ("opened_on", "closed_on"),
    "memoranda": ("signed_on", "ended_on"),
    "trust_survey": ("interview_date",),
}
ORDER = {"officers": ("start_date", "end_date"), "stations": ("opened_on", "closed_on"),
         "memoranda": ("signed_on", "ended_on")}
BOOL = {"yes": 1, "no": 0, "true": 1, "false": 0, "1": 1, "0": 0, "так": 1, "ні": 0}
STATION_KINDS = {"police_station", "public_safety_office", "front_office", "поліцейська станція",
                 "офіс громадської безпеки", "фронт-офіс"}


def _norm_header(text: str) -> str:
    t = re.sub(r"\s+", " ", str(text).replace("\ufeff", "")).strip().removesuffix("*").strip()
    return t.replace("\u2019", "'").casefold()


def kind_of(name: str) -> str | None:
    low = name.casefold()
    for k in KINDS:
        if low.startswith(k) and (len(low) == len(k) or not low[len(k)].isalpha()):
            return k
    return None


def read_file(path: Path, kind: str) -> pd.DataFrame:
    """Canonical string columns ('' = empty) in file order."""
    if path.suffix.lower() == ".xlsx":
        wb = load_workbook(path, read_only=True, data_only=True)
        rows = [r for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
        while rows and all(v is None or str(v).strip() == "" for v in rows[0]):
            rows.pop(0)

        def cell(v):
            if v is None:
                return ""
            if isinstance(v, datetime | date):
                return v.strftime("%Y-%m-%d")
            return str(v)

        width = len(rows[0])
        body = [[cell(v) for v in r][:width] + [""] * (width - len(r)) for r in rows[1:]]
        raw = pd.DataFrame(body, columns=[str(c) for c in rows[0]])
    else:
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            text = data[3:].decode("utf-8")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1251")
        first = text.split("\n", 1)[0]
        sep = ";" if first.count(";") > first.count(",") else ","
        raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    lookup = {}
    for f in vocabulary.fields(kind):
        lookup[_norm_header(f.name)] = f.name
        lookup[_norm_header(f.alias_uk)] = f.name
    raw.columns = [lookup.get(_norm_header(c), f"?{c}") for c in raw.columns]
    return pd.DataFrame({c: raw[c].astype(str).str.strip() if c in raw else "" for c in _columns(kind)})


def _columns(kind: str) -> list[str]:
    return [f.name for f in vocabulary.fields(kind)]


def _dates(s: pd.Series) -> pd.Series:
    iso = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    dmy = pd.to_datetime(s, format="%d.%m.%Y", errors="coerce")
    return iso.fillna(dmy)


def clean_rows(raw_dir: Path, reference_dir: Path | None = None, as_of: date | None = None) -> dict:
    """{kind: DataFrame of accepted rows (typed)}, plus '_counts': {kind: (rows_read, rows_kept)}."""
    reference_dir = Path(reference_dir) if reference_dir else locations.reference_dir()
    reg = pd.read_csv(reference_dir / "hromadas.csv", dtype=str, keep_default_na=False)
    by_pcode = reg.groupby("ocha_pcode")["katottg"].agg(lambda x: x.iloc[0] if len(x) == 1 else "")
    known = set(reg["katottg"])
    oblasts = set(pd.read_csv(reference_dir / "oblasts.csv", dtype=str)["katottg"])
    out: dict = {"_counts": {}}
    for kind in KINDS:
        files = sorted(p for p in Path(raw_dir).iterdir() if kind_of(p.name) == kind
                       and p.suffix.lower() in (".csv", ".xlsx"))
        if not files:
            out[kind] = pd.DataFrame(columns=_columns(kind))
            out["_counts"][kind] = (0, 0)
            continue
        df = pd.concat([read_file(p, kind) for p in files], ignore_index=True)
        ok = pd.Series(True, index=df.index)
        for c in REQUIRED[kind]:
            ok &= df[c] != ""
        if kind == "targets":
            code = df["oblast_katottg"].str.upper()
            ok &= code.isin(oblasts)
            year = pd.to_numeric(df["year"], errors="coerce")
            ok &= year.between(2019, 2035)
            planned = pd.to_numeric(df["planned_officers"], errors="coerce")
            ok &= planned.ge(0)
        else:
            code = df["hromada_katottg"].str.upper()
            code = code.where(code.str.len() != 9, code.map(by_pcode).fillna(""))
            ok &= code.isin(known)
            df["hromada_katottg"] = code
        for c in DATES.get(kind, ()):
            parsed = _dates(df[c])
            ok &= (df[c] == "") | parsed.notna()
            df[c] = parsed
        if kind in ORDER:
            a, b = ORDER[kind]
            ok &= ~(df[b] < df[a])
        if kind == "officers":
            ok &= df["lives_in_hromada"].str.casefold().isin(list(BOOL) + [""])
            if as_of is not None:
                ok &= df["start_date"] <= pd.Timestamp(as_of)
        if kind == "stations":
            ok &= df["kind"].str.casefold().isin(STATION_KINDS)
            for c, lo, hi in (("lat", 44.0, 52.5), ("lon", 22.0, 40.5)):
                v = pd.to_numeric(df[c].str.replace(",", "."), errors="coerce")
                ok &= (df[c] == "") | v.between(lo, hi)
        if kind == "trust_survey":
            ok &= df["trust_police"].isin(["1", "2", "3", "4", "9", ""])
            ok &= df["knows_officer"].str.casefold().isin(list(BOOL) + [""])
            wt = pd.to_numeric(df["weight"].str.replace(",", "."), errors="coerce")
            ok &= (df["weight"] == "") | (wt > 0)
            df["weight"] = wt.fillna(1.0)
            ok &= df["sex"].str.casefold().isin(["m", "f", "ч", "ж", ""])
            ok &= df["age_group"].isin(["18-29", "30-44", "45-59", "60+", ""])
        good = df[ok]
        good = good[~good.duplicated(list(KEYS[kind]), keep="first")]
        out["_counts"][kind] = (len(df), len(good))
        out[kind] = good.reset_index(drop=True)
    return out


def calibration_figures(raw_dir: Path, on: list[date], reference_dir: Path | None = None,
                        tables: dict | None = None) -> dict[str, dict[str, float]]:
    """{ISO date: {officers, hromadas_covered, residents_covered, stations_open, oblasts,
    memoranda_active}} from the accepted rows of the files in ``raw_dir``; '_rows' holds
    {kind: [rows read, rows accepted]}."""
    reference_dir = Path(reference_dir) if reference_dir else locations.reference_dir()
    t = tables or clean_rows(raw_dir, reference_dir)
    reg = pd.read_csv(reference_dir / "hromadas.csv", dtype=str, keep_default_na=False)
    pop = pd.to_numeric(reg.set_index("katottg")["population_2022"], errors="coerce").fillna(0)
    off, st, mem = t["officers"], t["stations"], t["memoranda"]
    result: dict[str, dict[str, float]] = {}
    for d in on:
        ts = pd.Timestamp(d)
        serving = off[(off["start_date"] <= ts) & (off["end_date"].isna() | (off["end_date"] >= ts))]
        covered = serving["hromada_katottg"].unique()
        open_st = st[(st["opened_on"] <= ts) & (st["closed_on"].isna() | (st["closed_on"] > ts))]
        active = mem[(mem["signed_on"] <= ts) & (mem["ended_on"].isna() | (mem["ended_on"] >= ts))]
        result[d.isoformat()] = {
            "officers": float(serving["officer_id"].nunique()),
            "hromadas_covered": float(len(covered)),
            "residents_covered": float(pop.reindex(covered).fillna(0).sum()),
            "stations_open": float(len(open_st)),
            "oblasts": float(len({c[:4] for c in covered})),
            "memoranda_active": float(active["hromada_katottg"].nunique()),
        }
    result["_rows"] = {k: [float(a), float(b)] for k, (a, b) in t["_counts"].items()}
    return result
