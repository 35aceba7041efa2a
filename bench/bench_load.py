"""25 directorates at once: signed-in sessions driven over Streamlit's own protocol, no browsers.

    .venv/bin/python -m bench.bench_load --db data/processed/pog.duckdb [--sessions 25]

A real OpenID Connect provider on loopback and the server as `./pog start` runs it, in login mode,
freshly started (cold caches, as on a Monday morning). Each of N identities (one national, the
rest oblast heads of the oblasts with the most hromadas) signs in through the provider over
HTTP, and then all N sessions at once open the coverage map, narrow it to their oblast, and open
the rollout page. A page's time is from the request to the server's "script finished". A session
that gets an error, an exception element, a sign-in page instead of the dashboard, or no answer in
time counts as failed. The server process's CPU time and memory are sampled from /proc meanwhile.
(Browsers on the same two cores would measure the browsers, not the server.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.st_protocol import Session, choose, sign_in  # noqa: E402
from tests.login import login_server  # noqa: E402

STEPS = ("coverage-map", "coverage-map, own oblast chosen", "rollout")


def directorates(db: Path, n: int) -> list[tuple[str, str, str]]:
    """(subject, role, the oblast's name as the map's filter shows it) for n identities: national
    staff and n-1 oblast heads."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""SELECT o.oblast_katottg, o.name_uk FROM oblasts o JOIN hromadas h USING (oblast_katottg)
                              GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT ?""", [max(n - 1, 0)]).fetchall()
    finally:
        con.close()
    people = [("load-national", "national", rows[0][1] if rows else "")]
    people += [(f"load-{code}", f"oblast:{code}", name) for code, name in rows]
    return people[:n]


class ProcSampler:
    """CPU seconds and resident memory of one process, from /proc, every `every` seconds."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every = pid, every
        self.rss_mb: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime

    def rss(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.rss_mb.append(self.rss())

    def __enter__(self) -> ProcSampler:
        self.rss_before, self.cpu_before, self.t0 = self.rss(), self.cpu_seconds(), time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.wall = time.perf_counter() - self.t0
        self.cpu = self.cpu_seconds() - self.cpu_before
        self.rss_after = self.rss()


async def one_directorate(base: str, cookies, oblast_name: str) -> dict:
    """The three steps of one session; the times, or the reason it failed."""
    out: dict = {"seconds": {}, "failure": None}
    try:
        async with Session(base, cookies) as s:
            runs = [("coverage-map", await s.run("coverage-map", "lang=uk"))]
            oblast_filter = runs[0][1].widget("_url_coverage-map_oblast")
            chosen = await s.run("coverage-map", "lang=uk", [choose(oblast_filter, oblast_name)])
            runs.append(("coverage-map, own oblast chosen", chosen))
            runs.append(("rollout", await s.run("rollout", "lang=uk")))
        for step, run in runs:
            out["seconds"][step] = run.seconds
            if not run.ok:
                out["failure"] = f"{step}: status {run.status}, {run.exceptions[:1]}"
            elif run.titles and run.titles[0] in ("Вхід до Монітора ПОГ", "Немає доступу"):
                out["failure"] = f"{step}: not signed in ({run.titles[0]})"
        if out["failure"] is None and not any(oblast_name in h for h in chosen.headings):
            out["failure"] = f"the map did not narrow to {oblast_name}"
    except Exception as e:  # a refused or dropped connection, a timeout: the session failed
        out["failure"] = f"{type(e).__name__}: {e}"[:300]
    return out


async def drive(base: str, people: list[tuple[str, str, str]]) -> tuple[float, list[dict], float]:
    started = time.perf_counter()
    cookies = await asyncio.gather(*(sign_in(base, sub) for sub, _, _ in people))
    signed_in_s = time.perf_counter() - started
    results = await asyncio.gather(*(one_directorate(base, c, name) for c, (_, _, name) in zip(cookies, people,
                                                                                                strict=True)))
    return signed_in_s, list(results), time.perf_counter() - started - signed_in_s


def bench_load(db: Path, sessions: int = 25, workdir: Path | None = None) -> dict:
    people = directorates(db, sessions)
    users = [{"sub": sub, "email": f"{sub}@npu.test"} for sub, _, _ in people]
    roles = {sub: role for sub, role, _ in people}
    with tempfile.TemporaryDirectory(prefix="pog-load-") as tmp:
        with login_server(db, Path(workdir or tmp), users, roles) as (base, _provider):
            sampler = ProcSampler(base.pid)
            with sampler:
                signed_in_s, results, sessions_s = asyncio.run(drive(base, people))
    failures = [r["failure"] for r in results if r["failure"]]
    pages = {}
    for step in STEPS:
        times = [r["seconds"][step] for r in results if step in r["seconds"]]
        pages[step] = {"median_s": round(statistics.median(times), 2) if times else None,
                       "slowest_s": round(max(times), 2) if times else None, "served": len(times)}
    return {
        "sessions": len(people),
        "served": len(results) - len(failures),
        "failed": len(failures),
        "failures": failures[:5],
        "sign_in_all_s": round(signed_in_s, 1),
        "sessions_all_s": round(sessions_s, 1),
        "pages": pages,
        "server_cpu_s": round(sampler.cpu, 1),
        "server_cpu_pct_of_one_core": round(100 * sampler.cpu / sampler.wall),
        "server_rss_mb_before": round(sampler.rss_before),
        "server_rss_mb_peak": round(max(sampler.rss_mb or [sampler.rss_after])),
        "server_rss_mb_after": round(sampler.rss_after),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=REPO / "data" / "processed" / "pog.duckdb")
    parser.add_argument("--sessions", type=int, default=25)
    args = parser.parse_args()
    print(json.dumps(bench_load(args.db.resolve(), args.sessions), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
