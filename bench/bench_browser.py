"""The coverage map in a real browser: time from navigation to the drawn map, and bytes sent.

    .venv/bin/python -m bench.bench_browser --db data/processed/pog.duckdb [--runs 3]

Bytes are what the server sent to a browser with an empty cache, and to a returning one, counted
on the wire by a relay between the two (bench/wire.py): HTTP headers and bodies as encoded, and the
WebSocket frames (where Streamlit sends the figure) as compressed. "Drawn" means the map library
reports all hromada polygons rendered.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.wire import WireCounter  # noqa: E402
from tests.streamlit_server import PAGES, chromium, streamlit_server  # noqa: E402
from tests.test_browser import drawn_at_least, settle_plain  # noqa: E402


def map_shapes(db: Path) -> int:
    """How many hromada shapes the map draws: the programme's hromadas with a polygon (units outside
    the programme are drawn from the oblast layer)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM hromadas WHERE has_geometry AND in_programme").fetchone()[0]


def measure_map(browser, wire: WireCounter, expected_shapes: int, context=None) -> dict:
    """One visit of the map page through the counting relay; a fresh context means an empty
    browser cache."""
    own = context is None
    context = context or browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    wire.reset()
    started = time.perf_counter()
    page.goto(f"http://127.0.0.1:{wire.port}/coverage-map?lang=uk")
    page.wait_for_function(drawn_at_least(expected_shapes), timeout=60000, polling=50)
    drawn_s = time.perf_counter() - started
    page.wait_for_timeout(1500)  # let trailing frames (station points, tables) arrive before counting bytes
    sent = wire.received()
    page.close()
    if own:
        context.close()
    return {"drawn_s": drawn_s, "http_bytes": sent["http"], "ws_bytes": sent["websocket"]}


def bench_browser(db: Path, runs: int = 3) -> dict:
    shapes = map_shapes(db)
    with streamlit_server(db) as base, WireCounter(int(base.rsplit(":", 1)[1])) as wire, chromium() as browser:
        measure_map(browser, wire, shapes)  # first visit warms the server's caches; not counted
        results = [measure_map(browser, wire, shapes) for _ in range(runs)]
        returning = browser.new_context(viewport={"width": 1440, "height": 1000})
        measure_map(browser, wire, shapes, context=returning)  # fills this browser's cache
        warm = [measure_map(browser, wire, shapes, context=returning) for _ in range(runs)]
        returning.close()
    return {
        "map_drawn_s_median_warm_cache": round(statistics.median(r["drawn_s"] for r in warm), 2),
        "map_page_mb_sent_warm_cache": round(statistics.median(r["http_bytes"] + r["ws_bytes"] for r in warm) / 1e6, 2),
        "map_drawn_s_median": round(statistics.median(r["drawn_s"] for r in results), 2),
        "map_page_mb_sent": round(statistics.median(r["http_bytes"] + r["ws_bytes"] for r in results) / 1e6, 2),
        "of_which_websocket_mb": round(statistics.median(r["ws_bytes"] for r in results) / 1e6, 2),
    }


def page_times(db: Path, runs: int = 3, lang: str = "uk") -> dict:
    """Each page fully drawn in a fresh browser (empty cache): from navigation until the script has
    finished, nothing is stale and every chart and table has painted (and, on the map, every
    hromada). The server is warmed by one visit of each page first (its caches, not the browser's).
    Median and slowest of `runs` visits per page, in seconds."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:  # the profile of a hromada served since the start
        (code,) = con.execute("SELECT hromada_katottg FROM officers ORDER BY start_date, 1 LIMIT 1").fetchone()
    shapes = map_shapes(db)
    out = {}
    with streamlit_server(db) as base, chromium() as browser:

        def visit(path: str) -> float:
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            started = time.perf_counter()
            page.goto(f"{base}/{path}?lang={lang}" + (f"&hromada={code}" if path == "hromada" else ""))
            settle_plain(page, timeout_ms=120000)
            if path == "coverage-map":
                page.wait_for_function(drawn_at_least(shapes), timeout=120000, polling=50)
            took = time.perf_counter() - started
            context.close()
            return took

        for path in PAGES:
            visit(path)
        for path in PAGES:
            times = [visit(path) for _ in range(runs)]
            out[path] = {"median_s": round(statistics.median(times), 2), "slowest_s": round(max(times), 2)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=REPO / "data" / "processed" / "pog.duckdb")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", action="store_true", help="time every page fully drawn in a fresh browser")
    args = parser.parse_args()
    if args.pages:
        print(json.dumps(page_times(args.db.resolve(), args.runs), indent=2))
    else:
        print(json.dumps(bench_browser(args.db.resolve(), args.runs), indent=2))


if __name__ == "__main__":
    main()
