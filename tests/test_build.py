"""The build end to end through the real CLI: atomic swap, one-line errors, demo calibration."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from etl import derived
from etl.cli import main as etl_main


def _build(raw, db, capsys=None) -> int:
    return etl_main(["build", "--raw", str(raw), "--db", str(db)])


@pytest.fixture(scope="module")
def built_once(tmp_path_factory, demo_raw):
    """The demo raw files and a database built from them by `etl build`, once for this module."""
    base = tmp_path_factory.mktemp("built")
    raw, db = base / "raw", base / "pog.duckdb"
    shutil.copytree(demo_raw, raw)
    assert _build(raw, db) == 0
    return raw, db


@pytest.fixture()
def built(tmp_path, built_once):
    """A test's own copy of the raw files and of the built database (a copy is cheaper than a build)."""
    raw, db = tmp_path / "raw", tmp_path / "pog.duckdb"
    shutil.copytree(built_once[0], raw)
    shutil.copyfile(built_once[1], db)
    return raw, db


BAD_FILES = {
    "missing required column": ("officers_bad.csv", b"officer_id,start_date\nA1,2021-01-01\n"),
    "not a spreadsheet": ("stations_scan.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
    "utf-16 (unknown encoding)": (
        "memoranda_utf16.csv",
        "hromada_katottg,signed_on\nUA12020010000020585,2021-01-01\n".encode("utf-16"),
    ),
    "empty file": ("targets_empty.csv", b""),
    "xlsx that is not one": ("officers_fake.xlsx", b"this is not a zip archive"),
    # Found only while rows are inserted (the last file in name order): the new file is discarded.
    "record with more fields than the header": (
        "trust_survey_zz.csv",
        ("respondent_id,wave,interview_date,hromada_katottg,trust_police\n"
         + "Z1,2026-H2,2026-11-01,UA12020010000020585,1\n" * 3
         + "Z2,2026-H2,2026-11-01,UA12020010000020585,1,extra\n").encode(),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_stops_build_and_leaves_database_byte_identical(built, case, capsys):
    raw, db = built
    before = db.read_bytes()
    name, content = BAD_FILES[case]
    (raw / name).write_bytes(content)
    capsys.readouterr()

    assert _build(raw, db) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"error: {name}: "), err
    assert "Traceback" not in "\n".join(err)
    assert db.read_bytes() == before
    assert [p.name for p in db.parent.iterdir() if ".building" in p.name] == []


def test_crash_midway_leaves_database_byte_identical(built, monkeypatch, capsys):
    raw, db = built
    before = db.read_bytes()

    def boom(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(derived, "build_derived", boom)
    assert _build(raw, db) == 1
    err = capsys.readouterr().err
    assert "disk full" in err and "left as it was" in err and "Traceback" not in err
    assert db.read_bytes() == before
    assert [p.name for p in db.parent.iterdir() if ".building" in p.name] == []


def test_build_records_load_log_rejects_and_demo_flag(demo_con):
    info = dict(demo_con.execute("SELECT key, value FROM build_info").fetchall())
    assert info["is_demo"] == "true"
    assert info["as_of_date"] == "2026-11-15"
    kinds = {k for (k,) in demo_con.execute("SELECT DISTINCT kind FROM load_log").fetchall()}
    assert {"officers", "stations", "memoranda", "trust_survey", "targets", "reference"} <= kinds
    read, loaded, rejected = demo_con.execute(
        "SELECT sum(rows_read), sum(rows_loaded), sum(rows_rejected) FROM load_log "
        "WHERE kind NOT IN ('reference', 'facts')"
    ).fetchone()
    assert read == loaded + rejected
    assert rejected == demo_con.execute("SELECT count(DISTINCT (file, row)) FROM rejects").fetchone()[0]
    # About 1–2 % of the programme rows are planted faults.
    assert 0.008 <= rejected / read <= 0.025


def test_demo_truth_records_the_planted_effects(demo_con):
    truth = dict(demo_con.execute("SELECT parameter, value FROM demo_truth").fetchall())
    assert truth == {"trust_effect_pp": 8.0, "knows_effect_pp": 35.0}


# Published figures (../shared/facts) the demo is calibrated on, and the tolerance we hold it to.
CALIBRATION = [
    # date, officers, hromadas covered, tolerance
    (date(2019, 5, 31), 34, 22, 0.0),
    (date(2020, 1, 31), 251, 206, 0.15),
    (date(2021, 2, 28), 450, 273, 0.15),
    (date(2021, 9, 30), 632, 372, 0.15),
]


@pytest.mark.parametrize("on_date,officers,hromadas,tolerance", CALIBRATION)
def test_demo_build_matches_published_figures(demo_con, on_date, officers, hromadas, tolerance):
    got_officers, got_hromadas = demo_con.execute(
        "SELECT officers_serving, hromadas_with_officer FROM rollout_monthly "
        "WHERE scope_katottg = 'UA' AND on_date = ?",
        [on_date],
    ).fetchone()
    assert abs(got_officers - officers) <= tolerance * officers, got_officers
    assert abs(got_hromadas - hromadas) <= tolerance * hromadas, got_hromadas


def test_demo_build_matches_published_residents_and_stations(demo_con):
    residents, stations = demo_con.execute(
        "SELECT residents_with_officer, stations_open FROM rollout_monthly "
        "WHERE scope_katottg = 'UA' AND on_date = DATE '2021-09-30'"
    ).fetchone()
    assert abs(residents - 6_400_000) <= 0.25 * 6_400_000
    assert abs(stations - 686) <= 0.15 * 686
    pilot_oblasts = demo_con.execute(
        "SELECT DISTINCT oblast_katottg FROM coverage_on(DATE '2019-05-29') WHERE has_officer"
    ).fetchall()
    assert pilot_oblasts == [("UA12000000000090473",)]


def test_database_is_readable_read_only_while_rebuilt(built):
    raw, db = built
    reader = duckdb.connect(str(db), read_only=True)
    try:
        assert _build(raw, db) == 0
        assert reader.execute("SELECT count(*) FROM hromadas").fetchone()[0] == 1773
    finally:
        reader.close()
