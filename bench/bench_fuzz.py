"""The long fuzz run of every reader (issue 9 §4): the properties of tests/test_fuzz_readers.py
on ≥ 10,000 generated cases, counting what happened instead of stopping at the first failure.

    .venv/bin/python -m bench.bench_fuzz [--scale 1.0] [--json out.json]

Outcomes per property: read (read back exactly as written), clean errors (one line naming the
file), rejects (the loader set rows aside), and tracebacks — any other exception or a broken
property (a value read back other than written). Tracebacks must be 0; the first few are printed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests import test_fuzz_readers as fz

# (property, cases at --scale 1): the cheap garbage cases carry the bulk
PLAN = [
    ("garbage", 6000),
    ("csv_utf8", 2000),
    ("csv_cp1251", 1000),
    ("xlsx", 600),
    ("loader", 400),
]


def run(name: str, cases: int, workdir: Path, counts: Counter, failures: list[str]) -> None:
    def record(call) -> None:
        counts[(name, "cases")] += 1
        try:
            counts[(name, call())] += 1
        except Exception:  # a traceback: anything but the outcomes a property returns
            counts[(name, "tracebacks")] += 1
            if len(failures) < 5:
                failures.append(f"{name}: {traceback.format_exc(limit=3)}")

    strategies = {
        "garbage": dict(case=fz.GARBAGE),
        "csv_utf8": dict(table=fz.tables(), sep=st.sampled_from([",", ";"]),
                         encoding=st.sampled_from(["utf-8", "utf-8-sig"]), crlf=st.booleans()),
        "csv_cp1251": dict(table=fz.tables(fz.UK_TEXT), sep=st.sampled_from([",", ";"]), crlf=st.booleans()),
        "xlsx": dict(table=fz.tables(fz.ANY_TEXT.map(lambda s: s.replace("\r", ""))), blank_rows=st.integers(0, 3)),
        "loader": dict(kind=fz.KINDS, cells=fz.LOADER_CELLS),
    }[name]
    calls = {
        "garbage": lambda case: fz.garbage(workdir, case[0], fz.garbage_bytes(*case)),
        "csv_utf8": lambda table, sep, encoding, crlf: fz.csv_roundtrip(workdir, table, sep, encoding, crlf),
        "csv_cp1251": lambda table, sep, crlf: fz.csv_roundtrip(workdir, table, sep, "cp1251", crlf),
        "xlsx": lambda table, blank_rows: fz.xlsx_roundtrip(workdir, table, blank_rows),
        "loader": lambda kind, cells: fz.loader(workdir, kind, cells, date(2024, 1, 1)),
    }[name]

    @settings(max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(**strategies)
    def prop(**kw):
        record(lambda: calls(**kw))

    prop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="× the cases of every property (1 = 10,000)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    counts: Counter = Counter()
    failures: list[str] = []
    seconds = {}
    workdir = Path(tempfile.mkdtemp(prefix="pog-fuzz-"))
    try:
        for name, cases in PLAN:
            started = time.perf_counter()
            run(name, max(1, round(cases * args.scale)), workdir, counts, failures)
            seconds[name] = time.perf_counter() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    outcomes = ["cases", "read", "error", "rejects", "tracebacks"]
    rows = {name: {o: counts[(name, o)] for o in outcomes} | {"seconds": round(seconds[name], 1)}
            for name, _ in PLAN}
    total = {o: sum(r[o] for r in rows.values()) for o in outcomes} | {"seconds": round(sum(seconds.values()), 1)}
    print(f"{'property':<12}{'cases':>8}{'read':>8}{'clean errors':>14}{'rejects':>9}{'tracebacks':>12}{'s':>8}")
    for name, r in [*rows.items(), ("total", total)]:
        print(f"{name:<12}{r['cases']:>8}{r['read']:>8}{r['error']:>14}{r['rejects']:>9}{r['tracebacks']:>12}"
              f"{r['seconds']:>8}")
    for f in failures:
        print(f, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({"properties": rows, "total": total}, indent=2))
    return 1 if total["tracebacks"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
