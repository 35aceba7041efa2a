"""etl.reference: the bundle through the real loader into a fresh DuckDB (fixture + real bundle)."""

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import reference, schema
from etl.errors import InputFileError
from etl.reference import fill_missing_centres
from etl.required import RequiredRule
from vocabulary import locations

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
REAL = Path(__file__).resolve().parents[2] / "shared" / "reference"
RULE = RequiredRule.load()


def _db():
    con = duckdb.connect(":memory:")
    schema.create_schema(con)
    return con


def _bundle_copy(tmp_path) -> Path:
    target = tmp_path / "reference"
    target.mkdir()
    for f in FIXTURES.iterdir():
        if f.is_file():
            shutil.copy(f, target / f.name)
    return target


@pytest.fixture()
def loaded(tmp_path):
    con = _db()
    log = reference.load_reference(con, FIXTURES, RULE, cache_dir=tmp_path / "cache")
    yield con, log
    con.close()


def test_hromadas_fixture(loaded):
    con, _ = loaded
    rows = con.execute(
        "SELECT katottg, type_en, population_count, area_km2, is_occupied_before_2022, has_geometry, "
        "required_officers, size_band FROM hromadas ORDER BY katottg"
    ).fetchall()
    assert rows == [
        ("UA01020030000000001", None, None, None, True, False, 1, "unknown"),  # Crimea: occupied since 2014
        ("UA12020010000000001", "city", 60000, 100.0, False, True, 3, "50-100k"),
        ("UA12020030000000001", "village", 4000, 800.0, False, True, 2, "<5k"),  # geometric area, ≥ 700 km²
        ("UA12020050000000001", "settlement", 20000, 300.0, False, True, 2, "10-25k"),
        ("UA14060010000000001", None, 10000, 50.0, True, False, 1, "10-25k"),
        ("UA14060030000000001", None, 9999, 40.0, True, False, 1, "5-10k"),
        ("UA80000000000093317", "city", 2000000, 839.0, False, True, 3, "100k+"),
    ]
    assert con.execute(
        "SELECT ocha_pcode, oblast_katottg, raion_katottg, name_en, settlements_count, centre_lat "
        "FROM hromadas WHERE katottg = 'UA80000000000093317'"
    ).fetchone() == ("UA8000000", "UA80000000000093317", None, "Kyiv", 1, 50.45)
    assert con.execute("SELECT count(*), count(macro_region_en) FROM oblasts").fetchone() == (4, 4)


def test_other_tables_fixture(loaded):
    con, log = loaded
    assert con.execute("SELECT count(*) FROM territory_status_periods").fetchone() == (14,)
    assert con.execute(
        "SELECT status, start_date, end_date, is_partial FROM territory_status_periods "
        "WHERE katottg = 'UA01020030000000001'"
    ).fetchall() == [("occupied", date(2014, 2, 20), None, False)]
    assert con.execute(
        "SELECT layer, feature_count, length(source_sha256) FROM display_geometry ORDER BY layer"
    ).fetchall() == [("hromadas", 4, 64), ("oblasts", 3, 64)]
    assert [(r["file"], r["rows_read"], r["rows_loaded"], r["rows_rejected"]) for r in log] == [
        ("oblasts.csv", 4, 4, 0),
        ("hromadas.csv", 7, 7, 0),
        ("territories_hostilities_occupation_2025-05-07.csv", 14, 12, 2),
        ("hromadas.geojson", 4, 4, 0),
        ("oblasts.geojson", 3, 3, 0),
    ]
    assert {r["kind"] for r in log} == {"reference"}
    assert all(len(r["sha256"]) == 64 and r["ignored_columns"] is None for r in log)


def test_extra_columns_are_reported(tmp_path):
    bundle = _bundle_copy(tmp_path)
    lines = (bundle / "oblasts.csv").read_text(encoding="utf-8").splitlines()
    (bundle / "oblasts.csv").write_text(
        "\n".join([lines[0] + ",remark"] + [line + ",x" for line in lines[1:]]) + "\n", encoding="utf-8"
    )
    log = reference.load_reference(_db(), bundle, RULE, cache_dir=tmp_path / "cache")
    assert log[0]["ignored_columns"] == "remark"


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        ("oblasts.csv", "not found"),
        ("hromadas.geojson", "not found"),
        ("territories_hostilities_occupation_2025-05-07.csv", "not found"),
    ],
)
def test_missing_file(tmp_path, file, problem):
    bundle = _bundle_copy(tmp_path)
    (bundle / file).unlink()
    with pytest.raises(InputFileError, match=problem):
        reference.load_reference(_db(), bundle, RULE, cache_dir=tmp_path / "cache")


def test_missing_column(tmp_path):
    bundle = _bundle_copy(tmp_path)
    text = (bundle / "hromadas.csv").read_text(encoding="utf-8").replace("population_2022", "population", 1)
    (bundle / "hromadas.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"hromadas.csv: required column\(s\) missing: population_2022"):
        reference.load_reference(_db(), bundle, RULE, cache_dir=tmp_path / "cache")


@pytest.mark.skipif(not REAL.is_dir(), reason="shared reference bundle not available")
def test_real_bundle(tmp_path_factory):
    con = _db()
    cache = locations.geometry_cache_dir()  # the builds' own cache: the cold simplification runs once
    log = reference.load_reference(con, REAL, RULE, cache_dir=cache)
    one = con.execute
    assert one(
        "SELECT count(*), count_if(has_geometry), count_if(population_count IS NULL) FROM hromadas"
    ).fetchone() == (1773, 1470, 303)
    assert one("SELECT count(*) FROM oblasts").fetchone() == (27,)
    assert one("SELECT count_if(is_occupied_before_2022) FROM hromadas").fetchone() == (31 + 303,)
    assert one("SELECT type_en, count(*) FROM hromadas GROUP BY ALL ORDER BY ALL").fetchall() == [
        ("city", 409),
        ("settlement", 435),
        ("village", 625),
        (None, 304),
    ]

    def periods(katottg, status):
        return one(
            "SELECT start_date, end_date, is_partial FROM territory_status_periods "
            "WHERE katottg = ? AND status = ? ORDER BY start_date, is_partial",
            [katottg, status],
        ).fetchall()

    assert periods("UA01020030000085835", "occupied") == [(date(2014, 2, 20), None, False)]  # Crimea
    horlivka = one("SELECT katottg FROM hromadas WHERE raion_katottg = 'UA14060000000024357' LIMIT 1").fetchone()[0]
    assert periods(horlivka, "occupied")[0] == (date(2014, 4, 7), None, False)
    assert periods("UA14120110000031497", "possible_hostilities") == [(date(2022, 2, 24), date(2022, 2, 24), False)]
    assert one("SELECT feature_count FROM display_geometry WHERE layer = 'hromadas'").fetchone() == (1470,)
    by_file = {r["file"]: r for r in log}
    assert by_file["territories_hostilities_occupation_2025-05-07.csv"]["rows_rejected"] == 3
    assert by_file["hromadas.geojson"]["rows_loaded"] == 1470


def test_hromadas_without_registry_centre_get_their_polygons_point():
    frame = pd.DataFrame({"katottg": ["UA80000000000093317", "UA12000000000000001"],
                          "centre_lat": pd.array([None, None], dtype="Float64"),
                          "centre_lon": pd.array([None, None], dtype="Float64"),
                          "has_geometry": [True, False]})
    layer = json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"katottg": "UA80000000000093317"},
        "geometry": {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.0, 51.0], [31.0, 51.0],
                                                          [31.0, 50.0], [30.0, 50.0]]]}}]})
    fill_missing_centres(frame, layer)
    assert 50.0 < frame.loc[0, "centre_lat"] < 51.0 and 30.0 < frame.loc[0, "centre_lon"] < 31.0
    assert pd.isna(frame.loc[1, "centre_lat"])
