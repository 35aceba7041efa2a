"""Time the warehouse build: from nothing (no geometry cache) and rebuilt with unchanged reference.

    .venv/bin/python -m bench.bench_build [--scale 1] [--workdir DIR]

Each build runs as its own process (`python -m etl ...`), so its wall time and peak memory
(max RSS of the child) are what a user of the CLI gets.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent


def run_cli(args: list[str], env_processed: Path) -> tuple[float, float]:
    """Run ``python -m etl ARGS``; return (wall seconds, peak RSS of that child in MB)."""
    env = {**os.environ, "POG_PROCESSED_DIR": str(env_processed)}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=REPO, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"etl {' '.join(args)} failed: {child.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def programme_rows(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT sum(rows_read) FROM load_log WHERE kind NOT IN ('reference', 'facts')"
        ).fetchone()[0]
    finally:
        con.close()


def bench_build(scale: int, workdir: Path) -> dict:
    raw, processed = workdir / f"raw-x{scale}", workdir / f"processed-x{scale}"
    shutil.rmtree(processed, ignore_errors=True)
    db = processed / "pog.duckdb"
    common = ["--raw", str(raw), "--db", str(db)]
    # Demo files are written once (not timed as part of the build).
    gen_wall, _ = run_cli(["demo", "--scale", str(scale), "--as-of", "2026-11-15", *common], processed)
    shutil.rmtree(processed)  # drop the geometry cache and the database: a build from nothing
    full_wall, full_peak = run_cli(["build", *common], processed)
    rebuild_wall, rebuild_peak = run_cli(["build", *common], processed)
    rows = programme_rows(db)
    return {
        "scale": scale,
        "demo_generate_and_build_s": round(gen_wall, 2),
        "full_build_s": round(full_wall, 2),
        "rebuild_s": round(rebuild_wall, 2),
        "programme_rows": rows,
        "rows_per_s_full": round(rows / full_wall),
        "peak_rss_mb": round(max(full_peak, rebuild_peak)),
        "db_mb": round(db.stat().st_size / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pog-bench-"))
    print(json.dumps(bench_build(args.scale, workdir), indent=2))


if __name__ == "__main__":
    main()
