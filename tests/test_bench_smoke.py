"""The benchmark harness's ×1 pass runs end to end (a smoke test: figures are reported, not judged).

It measures the session's demo warehouse (`--db`) rather than building its own: the build stage
is the same CLI the build tests run, and two more cold builds would cost a minute of CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench_pages import PAGE_FILES

REPO_ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_bench_harness_x1_pass_writes_a_complete_table(tmp_path, demo_db):
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--scales", "1", "--quick", "--workdir", str(tmp_path / "work"),
         "--out", str(out), "--results", str(tmp_path / "latest.json"), "--db", str(demo_db)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = out.read_text(encoding="utf-8")
    for row in ("coverage_map: cold / warm (ms)", "planning: cold / warm (ms)", "effect estimate (trust), cold (ms)",
                "planning ?part=effect: cold / warm (ms)", "map page sent", "map drawn after navigation"):
        assert row in table, row
    results = json.loads((tmp_path / "latest.json").read_text())["scales"]["1"]
    assert results["build"] is None  # measured the given warehouse, built nothing
    assert [p["page"] for p in results["pages"]] == PAGE_FILES  # every page of the harness, in order
    assert all(p["warm_ms"] > 0 for p in results["pages"])
    assert [p["part"] for p in results["planning"]["parts"]] == ["where", "when", "effect"]
    assert results["planning"]["functions"]["effect_trust_ms"] > 0
    assert results["browser"]["map_drawn_s_median"] > 0
    # the load driver's smoke run: two signed-in sessions at once, both served
    assert "signed-in sessions at once" in table
    assert (results["load"]["sessions"], results["load"]["served"], results["load"]["failed"]) == (2, 2, 0)
