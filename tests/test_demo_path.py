"""The demo path cannot serve a lie (issue 9 §5).

- The generator works for every seed and as-of date: `etl demo --seed 8 --as-of 2026-03-31`
  crashed ('month must be in 1..12') on a planted impossible date in an .xlsx file.
- Demo files are written aside and moved in whole, the marker's manifest first: a run killed
  while writing leaves the raw directory as it was; one killed while moving leaves a directory
  that does not match its manifest, which the build refuses in one line and the next `etl demo`
  writes again.
- `<db>.building-<pid>` files (and .wal) of killed builds are removed by the next build.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from demo import exports, faults, generate, marker
from demo.files import MEMORANDA_FILES, TARGET_FILES, Style, write_table
from demo.generate import Settings
from demo.rollout import plan_joins
from demo.sites import memoranda, targets
from demo.world import day, load_world
from etl.build import _remove_abandoned, build
from etl.cli import main as etl_main
from etl.readers import read_table
from tests.one_line_error import assert_one_line_error
from vocabulary import locations

REFERENCE = locations.reference_dir()
FACTS = locations.facts_dir()


def test_every_planted_bad_date_survives_an_xlsx_file(tmp_path):
    """'2021-13-05' looks like an ISO date and crashed the writer; it is written as text."""
    n = len(faults.BAD_DATES)
    frame = pd.DataFrame({"hromada_katottg": ["UA05020130000056031"] * n, "signed_on": list(faults.BAD_DATES),
                          "ended_on": [""] * n})
    write_table(tmp_path / "memoranda.xlsx", "memoranda", frame, Style(xlsx=True))
    assert read_table(tmp_path / "memoranda.xlsx").data[1].tolist() == list(faults.BAD_DATES)


@pytest.fixture(scope="module")
def world_and_joins():
    w = load_world(REFERENCE)
    return w, plan_joins(w, 20190529)


@pytest.mark.parametrize(("as_of", "seeds"), [(date(2026, 12, 2), range(1, 31)), (date(2026, 3, 31), range(6, 10)),
                                             (date(2019, 6, 30), range(6, 10))])
def test_the_xlsx_exports_work_for_every_seed_and_as_of_date(tmp_path, world_and_joins, as_of, seeds):
    """The .xlsx files (memoranda, targets) carry the planted faults, which depend on the seed:
    13 of seeds 1–30 crashed at today's date. Exported for seeds 1–30 today, and a few at other
    as-of dates (the rollout is planned once: it does not depend on the fault seed)."""
    w, joins = world_and_joins
    rows = memoranda(w, joins, 20190529)
    plan = targets(w)
    for seed in seeds:
        out = exports.Exports(tmp_path, day(as_of))
        exports.memoranda(out, w, rows, seed)
        exports.targets(out, plan, seed)
        for name, *_ in (*MEMORANDA_FILES, *TARGET_FILES):
            if (tmp_path / name).exists():
                read_table(tmp_path / name)


def test_seed_8_as_of_end_of_march_writes_its_files(tmp_path):
    entries = generate.write_demo_files(tmp_path, REFERENCE, FACTS, Settings(as_of=date(2026, 3, 31), seed=8))
    assert int(entries["demo_files"]) == len(list(tmp_path.glob("*.*")))


# ---------------------------------------------------------------- written aside, moved in whole
OFFICERS = "officer_id,hromada_katottg,start_date,end_date,lives_in_hromada,trained_on"
STATIONS = "station_id,hromada_katottg,kind,opened_on,closed_on,name,lat,lon"

@pytest.fixture()
def writer(monkeypatch):
    """write_demo_files stand-in: two files, and optionally a crash after the first."""
    state = {"crash": False}

    def write(raw_dir, reference_dir, facts_dir, settings):
        (raw_dir / "officers_demo.csv").write_text(f"{OFFICERS}\n", encoding="utf-8")
        if state["crash"]:
            raise KeyboardInterrupt
        (raw_dir / "stations_demo.csv").write_text(f"{STATIONS}\n", encoding="utf-8")
        return {"is_demo": "true", **settings.identity()}

    monkeypatch.setattr(generate, "write_demo_files", write)
    return state


def _refresh(raw: Path, seed: int) -> bool:
    return generate.refresh_raw_dir(raw, REFERENCE, FACTS, Settings(as_of=date(2026, 11, 15), seed=seed))


def test_a_crash_while_writing_leaves_the_raw_directory_as_it_was(tmp_path, writer):
    raw = tmp_path / "raw"
    assert _refresh(raw, 1)
    before = {p.name: p.read_bytes() for p in raw.iterdir()}
    writer["crash"] = True
    with pytest.raises(KeyboardInterrupt):
        _refresh(raw, 2)
    assert {p.name: p.read_bytes() for p in raw.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["raw"]  # the staging directory is gone too


def test_a_raw_directory_that_does_not_match_its_manifest_is_refused_and_rewritten(tmp_path, writer):
    raw = tmp_path / "raw"
    assert _refresh(raw, 1)
    assert json.loads(marker.read(raw)[marker.MANIFEST]).keys() == {"officers_demo.csv", "stations_demo.csv"}
    (raw / "stations_demo.csv").unlink()  # as a kill between moving the files in would leave it
    (raw / "officers_demo.csv").write_text(f"{OFFICERS}\n\n", encoding="utf-8")
    assert_one_line_error(
        lambda: build(raw_dir=raw, reference_dir=REFERENCE, facts_dir=FACTS, db_path=tmp_path / "pog.duckdb"),
        marker.FILE_NAME, "missing stations_demo.csv", "changed officers_demo.csv", "etl demo")
    assert not (tmp_path / "pog.duckdb").exists()
    assert _refresh(raw, 1)  # the same settings, but the files do not match: written again
    assert marker.mismatch(raw, marker.read(raw), ["officers_demo.csv", "stations_demo.csv"]) is None


def test_the_cli_says_one_line_for_a_mismatched_demo_directory(tmp_path, writer, capsys):
    raw = tmp_path / "raw"
    _refresh(raw, 1)
    (raw / "stations_demo.csv").unlink()
    assert etl_main(["build", "--raw", str(raw), "--db", str(tmp_path / "pog.duckdb")]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"error: {marker.FILE_NAME}: ") and "\n" not in err


# ---------------------------------------------------------------- leftovers of killed builds
def test_files_of_killed_builds_are_removed_and_a_running_builds_kept(tmp_path):
    db = tmp_path / "pog.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        for name in (f"pog.duckdb.building-{dead}", f"pog.duckdb.building-{dead}.wal",
                     f"pog.duckdb.building-{live.pid}", "pog.duckdb.building-notapid", "other.duckdb.building-1"):
            (tmp_path / name).write_bytes(b"x")
        _remove_abandoned(db)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [f"pog.duckdb.building-{live.pid}", "pog.duckdb.building-notapid", "other.duckdb.building-1"])
    finally:
        live.kill()
        live.wait()
