"""Server-side time of every page, cold (empty caches) and warm (a rerun), through AppTest.

    .venv/bin/python -m bench.bench_pages --db data/processed/pog.duckdb [--repeat 5]

Each page runs in a fresh process so "cold" means empty Streamlit caches; "warm" is the median of
the reruns that follow in the same process (what a user gets when changing a widget).
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
PAGE_FILES = ["views/overview.py", "views/coverage_map.py", "views/rollout.py", "views/trust.py",
              "views/planning.py", "views/hromada_profile.py", "views/data_quality.py", "views/gaps.py",
              "views/collegium.py"]


def profile_hromada(db: Path) -> str:
    """The profile page is timed on a served hromada with a history (the largest one with an officer)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT katottg FROM coverage_on((SELECT value::DATE FROM build_info WHERE key = 'as_of_date')) "
            "WHERE has_officer ORDER BY population_count DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()


def time_page(page: str, repeat: int, lang: str = "uk", params: dict[str, str] | None = None) -> dict:
    """Run in this process: cold run, then `repeat` warm reruns of one page (with query `params`)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()  # AppTest resolves a page's url path only after a first run of the app
    at.switch_page(page)
    if page.endswith("hromada_profile.py"):
        at.query_params["hromada"] = profile_hromada(Path(os.environ["POG_DB"]))
    for key, value in (params or {}).items():
        at.query_params[key] = value
    st.cache_data.clear()  # so "cold" means empty caches for this page too
    st.cache_resource.clear()
    started = time.perf_counter()
    at.run()
    cold = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].value}")
    if not at.title:
        raise SystemExit(f"{page}: no title rendered")
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    return {"page": page, "title": at.title[0].value, "cold_ms": round(cold * 1000),
            "warm_ms": round(statistics.median(warm) * 1000)}


def bench_pages(db: Path, repeat: int = 5, one_process: bool = False) -> list[dict]:
    """Each page in a fresh process; with `one_process` (the quick smoke run) all pages in one, so
    "cold" then means empty Streamlit caches but modules already imported."""
    groups = [PAGE_FILES] if one_process else [[page] for page in PAGE_FILES]
    results = []
    for pages in groups:
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_pages", "--one", ",".join(pages), "--repeat", str(repeat)],
            cwd=REPO, env={**os.environ, "POG_DB": str(db)}, capture_output=True, text=True, check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"{pages}: {out.stderr.strip().splitlines()[-1] if out.stderr else 'failed'}")
        results += json.loads(out.stdout.strip().splitlines()[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=REPO / "data" / "processed" / "pog.duckdb")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: time these pages (a,b) in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps([time_page(page, args.repeat) for page in args.one.split(",")]))
        return
    print(json.dumps(bench_pages(args.db.resolve(), args.repeat), indent=2))


if __name__ == "__main__":
    main()
