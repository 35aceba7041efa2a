"""The collegium pack: one national pack, and every pack of one language in one run (the nation,
24 oblasts and Kyiv city: one browser, the shared data and the slow estimates read once).

    .venv/bin/python -m bench.bench_collegium --db data/processed/pog.duckdb [--year 2025] [--lang uk]

Targets (issue 13): the national pack <= 30 s; all packs of a language <= 5 min. Each measurement
runs in a fresh process (cold: imports, the browser's start and the effect estimate included) and
records the machine's load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _measure(db: Path, year: int, lang: str, all_packs: bool) -> dict:
    """Run in this (fresh) process: make the packs, time every step."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    from monitor import db as monitor_db
    from monitor.collegium import pack
    from monitor.collegium.figures_data import NATIONAL, RunData
    from monitor.collegium.images import Renderer

    imported = time.perf_counter()
    con = monitor_db.connect(db)
    run = RunData(con, year)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        with Renderer() as r:
            browser = time.perf_counter() - t0
            t0 = time.perf_counter()
            run.effect, run.forecast, run.plan_base  # noqa: B018 - the shared slow parts, timed apart
            shared = time.perf_counter() - t0
            packs = pack.make_packs(con, year, lang, None if all_packs else [NATIONAL], Path(out), renderer=r, run=run)
            images = r.count
        sizes = {f: sum(len(p.files[f]) for p in packs) for f in pack.FORMATS}
    con.close()
    steps = {k: round(sum(p.seconds.get(k, 0) for p in packs), 1) for k in ("data", "images", *pack.FORMATS)}
    return {
        "packs": len(packs),
        "slides_per_pack": len(packs[0].slides),
        "total_s": round(time.perf_counter() - started, 1),
        "import_s": round(imported - started, 1),
        "browser_start_s": round(browser, 1),
        "shared_estimates_s": round(shared, 1),
        "steps_s": steps,
        "images_rendered": images,
        "mb": {f: round(v / 2**20, 1) for f, v in sizes.items()},
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
    }


def bench_collegium(db: Path, year: int = 2025, lang: str = "uk") -> dict:
    out = {}
    for name, all_packs in (("national", False), ("all", True)):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_collegium",
                "--db",
                str(db),
                "--year",
                str(year),
                "--lang",
                lang,
                "--child",
                "all" if all_packs else "national",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        out[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def markdown(r: dict, year: int, lang: str) -> str:
    n, a = r["national"], r["all"]
    return "\n".join(
        [
            f"| run ({year}, {lang}) | packs | total | of which: browser start · shared estimates (effect, forecast, "
            "plan) · slide data · images · PPTX · PDF · XLSX | images drawn | load average before → after |",
            "|---|---:|---:|---|---:|---|",
            *[
                f"| {label} | {x['packs']} | **{x['total_s']} s** | {x['browser_start_s']} · "
                f"{x['shared_estimates_s']} · "
                f"{x['steps_s']['data']} · {x['steps_s']['images']} · {x['steps_s']['pptx']} · {x['steps_s']['pdf']} · "
                f"{x['steps_s']['xlsx']} s | {x['images_rendered']} | {x['load_before']} → {x['load_after']} |"
                for label, x in (("national pack (target ≤ 30 s)", n), ("every pack (target ≤ 5 min)", a))
            ],
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=REPO / "data" / "processed" / "pog.duckdb")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--lang", default="uk")
    parser.add_argument("--child", choices=["national", "all"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.db, args.year, args.lang, args.child == "all")))
        return
    r = bench_collegium(args.db, args.year, args.lang)
    print(json.dumps(r, indent=1))
    print(markdown(r, args.year, args.lang))


if __name__ == "__main__":
    main()
