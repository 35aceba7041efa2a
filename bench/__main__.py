"""The benchmark harness: the ETL and every page at ×1, ×10 and ×100 demo data -> BENCHMARKS.md.

    ./pog bench                       # scales 1, 10, 100 (a few minutes)
    ./pog bench --scales 1 --quick    # the ×1 pass only, fewer repeats, pages in one process (smoke run)

For each scale: demo files are generated once, then a full build from nothing (no geometry
cache), a rebuild with unchanged reference, each page's server-side time cold and warm (AppTest,
fresh process per page), and the map page's bytes in a real browser; at ×1 also the browser's
time from navigation to the drawn map; then 25 signed-in sessions at once over Streamlit's
protocol (bench/bench_load.py; 2 with --quick).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from bench.bench_browser import bench_browser
from bench.bench_build import bench_build
from bench.bench_load import bench_load
from bench.bench_pages import bench_pages
from bench.bench_planning import bench_planning

REPO = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GB RAM, Python {platform.python_version()}"


def run(scales: list[int], quick: bool, workdir: Path, db: Path | None = None) -> dict:
    """Every stage at every scale; with `db` (one scale), the build stage is skipped and that
    warehouse is measured instead (the test suite's smoke run reuses its demo warehouse)."""
    results = {"machine": machine(), "started": datetime.now().isoformat(timespec="seconds"), "scales": {}}
    for scale in scales:
        if db is None:
            print(f"scale ×{scale}: build …", flush=True)
            build = bench_build(scale, workdir)
            scale_db = workdir / f"processed-x{scale}" / "pog.duckdb"
        else:
            build, scale_db = None, db
        print(f"scale ×{scale}: pages …", flush=True)
        pages = bench_pages(scale_db, repeat=1 if quick else 5, one_process=quick)
        print(f"scale ×{scale}: planning …", flush=True)
        planning = bench_planning(scale_db, repeat=1 if quick else 5, one_process=quick)
        print(f"scale ×{scale}: browser …", flush=True)
        browser = bench_browser(scale_db, runs=1 if quick else 3)
        print(f"scale ×{scale}: signed-in sessions at once …", flush=True)
        load = bench_load(scale_db, sessions=2 if quick else 25)
        load["load_average_1min"] = round(os.getloadavg()[0], 1)
        results["scales"][scale] = {"build": build, "pages": pages, "planning": planning, "browser": browser,
                                   "load": load}
    return results


def markdown(results: dict, command: str) -> str:
    scales = list(results["scales"])
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {results['machine']}. Run {results['started']} with `{command}`.",
        "Targets: full build ≤ 20 s and rebuild ≤ 5 s at ×1; build ≤ 120 s and peak memory ≤ 6 GB at ×100;",
        "warm page rerun ≤ 300 ms at ×1 and ≤ 1 s at ×100; map drawn ≤ 4 s; map page ≤ 4 MB sent.",
        "",
        "| | " + " | ".join(f"×{s}" for s in scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(results["scales"][s]) for s in scales) + " |")

    if all(results["scales"][s]["build"] for s in scales):
        row("programme rows", lambda r: f"{r['build']['programme_rows']:,}")
        row("full build (s)", lambda r: f"{r['build']['full_build_s']:.1f}")
        row("rebuild, unchanged reference (s)", lambda r: f"{r['build']['rebuild_s']:.1f}")
        row("rows per second (full build)", lambda r: f"{r['build']['rows_per_s_full']:,}")
        row("peak memory (MB)", lambda r: f"{r['build']['peak_rss_mb']:,}")
        row("database size (MB)", lambda r: f"{r['build']['db_mb']:.1f}")
    for i, page in enumerate(results["scales"][scales[0]]["pages"]):
        name = page["page"].removeprefix("views/").removesuffix(".py")
        row(f"{name}: cold / warm (ms)",
            lambda r, i=i: f"{r['pages'][i]['cold_ms']:,} / {r['pages'][i]['warm_ms']:,}")
    funcs = [("candidates", "planner: candidates and their components, cold (ms)"),
             ("plan_100_officers", "planner: placing 100 officers (ms)"),
             ("forecast", "forecast: every oblast and the country, cold (ms)"),
             ("effect_trust", "effect estimate (trust), cold (ms)"),
             ("effect_knows_officer", "effect estimate (knows the officer) (ms)"),
             ("import", "import diff-diff + pyfixest (ms)")]
    for key, label in funcs:
        row(label, lambda r, key=key: f"{r['planning']['functions'][f'{key}_ms']:,}")
    for i, part in enumerate(results["scales"][scales[0]]["planning"]["parts"]):
        row(f"planning ?part={part['part']}: cold / warm (ms)",
            lambda r, i=i: f"{r['planning']['parts'][i]['cold_ms']:,} / {r['planning']['parts'][i]['warm_ms']:,}")
    row("map page sent, empty cache / returning visitor (MB)",
        lambda r: f"{r['browser']['map_page_mb_sent']:.2f} / {r['browser']['map_page_mb_sent_warm_cache']:.2f}")
    row("map drawn after navigation, empty cache / returning (s)",
        lambda r: f"{r['browser']['map_drawn_s_median']:.2f} / {r['browser']['map_drawn_s_median_warm_cache']:.2f}")
    lines += load_section(results)
    lines += ["", "Raw figures: `bench/results/latest.json`.", ""]
    findings = REPO / "bench" / "findings.md"
    if findings.exists():
        lines += [findings.read_text(encoding="utf-8")]
    return "\n".join(lines)


def load_section(results: dict) -> list[str]:
    """Signed-in sessions at once (bench/bench_load.py): per scale, each step's median / slowest."""
    scales = [s for s in results["scales"] if "load" in results["scales"][s]]
    if not scales:
        return []
    first = results["scales"][scales[0]]["load"]
    lines = ["", f"### {first['sessions']} signed-in sessions at once (bench/bench_load.py)", "",
             "Each session signs in through the identity provider, then all open the coverage map, narrow it "
             "to their oblast and open the rollout page, at once, on a freshly started server.", "",
             "| | " + " | ".join(f"×{s}" for s in scales) + " |", "|---|" + "---:|" * len(scales)]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(results["scales"][s]["load"]) for s in scales) + " |")

    row("sessions served / failed", lambda r: f"{r['served']} / {r['failed']}")
    for step in first["pages"]:
        row(f"{step}: median / slowest (s)",
            lambda r, step=step: f"{r['pages'][step]['median_s']:.2f} / {r['pages'][step]['slowest_s']:.2f}")
    row("all sign-ins / all sessions (s)", lambda r: f"{r['sign_in_all_s']:.1f} / {r['sessions_all_s']:.1f}")
    row("server CPU (s; % of one core)", lambda r: f"{r['server_cpu_s']:.1f}; {r['server_cpu_pct_of_one_core']} %")
    row("server memory before / peak / after (MB)",
        lambda r: f"{r['server_rss_mb_before']:,} / {r['server_rss_mb_peak']:,} / {r['server_rss_mb_after']:,}")
    row("machine load average (1 min) at the end", lambda r: f"{r.get('load_average_1min', '—')}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scales", default="1,10,100", help="comma-separated scale factors")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (smoke run)")
    parser.add_argument("--db", type=Path, default=None,
                        help="measure this warehouse and skip the build stage (one scale only)")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch directory (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pog-bench-"))
    try:
        if args.db is not None and len(scales) != 1:
            parser.error("--db measures one warehouse: give one scale")
        results = run(scales, args.quick, workdir, args.db.resolve() if args.db else None)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2))
    command = "./pog bench " + " ".join(a for a in ["--scales " + args.scales, "--quick" if args.quick else "",
                                                    f"--db {args.db}" if args.db else ""] if a)
    args.out.write_text(markdown(results, command.strip()), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
