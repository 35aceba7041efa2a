"""The planning page's computations: the effect estimate, the planner and the forecast, cold (the
first call in a fresh process, imports timed apart) and as the page serves them (AppTest, fresh
process per question: cold = first run with empty caches, warm = median rerun).

    .venv/bin/python -m bench.bench_planning --db data/processed/pog.duckdb [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARTS = ("where", "when", "effect")


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def time_functions(db: Path) -> dict:
    """Run in this (fresh) process: each planning function's first call, and a second call."""
    started = time.perf_counter()
    import diff_diff  # noqa: F401 - timed: the estimators' import cost is part of a cold estimate
    import pyfixest  # noqa: F401

    from monitor import db as monitor_db
    from monitor.planning import effect, forecast, planner

    out = {"import_ms": _ms(time.perf_counter() - started)}
    con = monitor_db.connect(db)
    steps = {
        "candidates": lambda: planner.candidates(con),
        "forecast": lambda: forecast.forecast(con),
        "effect_trust": lambda: effect.estimate(con, "trust"),
        "effect_knows_officer": lambda: effect.estimate(con, "knows_officer"),
    }
    for name, fn in steps.items():
        t0 = time.perf_counter()
        result = fn()
        out[f"{name}_ms"] = _ms(time.perf_counter() - t0)
        if name == "candidates":
            base = result
    # The allocation itself (what a change of N or a weight costs on the page): median of 5.
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        planner.plan_from(base, 100)
        runs.append(time.perf_counter() - t0)
    out["plan_100_officers_ms"] = _ms(statistics.median(runs))
    con.close()
    return out


def time_part(part: str, repeat: int) -> dict:
    """Run in this (fresh) process: the planning page at ?part=, cold then `repeat` warm reruns."""
    from bench.bench_pages import time_page

    timing = time_page("views/planning.py", repeat, params={"part": part})
    return {"part": part, "cold_ms": timing["cold_ms"], "warm_ms": timing["warm_ms"]}


def _subprocess(args: list[str], db: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_planning", *args], cwd=REPO,
                         env={**os.environ, "POG_DB": str(db)}, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"bench_planning {' '.join(args)}: "
                         f"{out.stderr.strip().splitlines()[-1] if out.stderr else 'failed'}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_planning(db: Path, repeat: int = 5, one_process: bool = False) -> dict:
    """Functions cold (one fresh process) and each question of the page (a fresh process each; with
    `one_process`, the quick smoke run, all three questions in one)."""
    db = db.resolve()
    groups = [PARTS] if one_process else [[p] for p in PARTS]
    parts = []
    for group in groups:
        parts += _subprocess(["--db", str(db), "--part", ",".join(group), "--repeat", str(repeat)], db)
    return {"functions": _subprocess(["--db", str(db), "--functions"], db), "parts": parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=REPO / "data" / "processed" / "pog.duckdb")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--functions", action="store_true", help=argparse.SUPPRESS)  # internal
    parser.add_argument("--part", help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.functions:
        print(json.dumps(time_functions(args.db)))
    elif args.part:
        print(json.dumps([time_part(part, args.repeat) for part in args.part.split(",")]))
    else:
        print(json.dumps(bench_planning(args.db, args.repeat), indent=2))


if __name__ == "__main__":
    main()
