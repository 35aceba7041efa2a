"""etl.geometry: coverage simplification without gaps, clockwise rings, cache by input sha256."""

import json
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from etl import geometry
from vocabulary import locations

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
REAL = Path(__file__).resolve().parents[2] / "shared" / "reference"


def _geoms(text: str) -> tuple[list[dict], np.ndarray]:
    fc = json.loads(text)
    assert fc["type"] == "FeatureCollection"
    return fc["features"], np.array([shape(f["geometry"]) for f in fc["features"]], dtype=object)


def _polygons(geoms):
    for g in geoms:
        yield from (g.geoms if g.geom_type == "MultiPolygon" else [g])


def _assert_clockwise_and_valid(geoms):
    assert shapely.is_valid(geoms).all()
    for p in _polygons(geoms):
        assert not p.exterior.is_ccw, "exterior rings must be clockwise for plotly"
        assert all(ring.is_ccw for ring in p.interiors)


def _assert_no_gaps_or_overlaps(original: np.ndarray, simplified: np.ndarray):
    union_before = shapely.union_all(original).area
    union_after = shapely.union_all(simplified).area
    assert union_after == pytest.approx(union_before, rel=0.005)  # no gaps opened
    assert shapely.area(simplified).sum() == pytest.approx(union_after, rel=0.001)  # no overlaps


@pytest.fixture()
def layers(tmp_path):
    return geometry.display_geometry(FIXTURES / "hromadas.geojson", FIXTURES / "oblasts.geojson", tmp_path)


def test_fixture_layers(layers):
    features, geoms = _geoms(layers["hromadas"])
    assert [f["properties"] for f in features] == [
        {"katottg": "UA12020010000000001", "name": "Перша міська громада"},
        {"katottg": "UA12020030000000001", "name": "Друга сільська громада"},
        {"katottg": "UA12020050000000001", "name": "Третя селищна громада"},
        {"katottg": "UA80000000000093317", "name": "м. Київ"},
    ]
    _assert_clockwise_and_valid(geoms)
    original = pyogrio.read_dataframe(FIXTURES / "hromadas.geojson").geometry.values
    _assert_no_gaps_or_overlaps(np.asarray(original), geoms)
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates(np.asarray(original)).sum()
    # coordinates rounded to COORD_DECIMALS
    xy = shapely.get_coordinates(geoms)
    assert np.allclose(xy, np.round(xy, geometry.COORD_DECIMALS), atol=1e-12)

    o_features, o_geoms = _geoms(layers["oblasts"])
    assert [f["properties"]["katottg"] for f in o_features] == [
        "UA12000000000090473",
        "UA80000000000093317",
        "UA01000000000013043",
    ]
    _assert_clockwise_and_valid(o_geoms)
    # the oblast outline is the union of its simplified hromadas, so the layers line up
    dnipro = shapely.union_all(geoms[:3])
    assert o_geoms[0].symmetric_difference(dnipro).area < 1e-9


def test_cache_hit_does_not_recompute(tmp_path, monkeypatch, layers):
    first = geometry.display_geometry(FIXTURES / "hromadas.geojson", FIXTURES / "oblasts.geojson", tmp_path)

    def boom(*args, **kwargs):
        raise AssertionError("recomputed on a cache hit")

    monkeypatch.setattr(geometry, "simplify_coverage", boom)
    monkeypatch.setattr(geometry, "build_layers", boom)
    second = geometry.display_geometry(FIXTURES / "hromadas.geojson", FIXTURES / "oblasts.geojson", tmp_path)
    assert second == first
    assert [p.name for p in tmp_path.iterdir()] == [
        geometry.cache_key(FIXTURES / "hromadas.geojson", FIXTURES / "oblasts.geojson")
    ]


def test_cache_key_follows_inputs_and_algorithm(tmp_path, monkeypatch):
    key = geometry.cache_key(FIXTURES / "hromadas.geojson", FIXTURES / "oblasts.geojson")
    copy = tmp_path / "oblasts.geojson"
    copy.write_bytes((FIXTURES / "oblasts.geojson").read_bytes() + b"\n")
    assert geometry.cache_key(FIXTURES / "hromadas.geojson", copy) != key
    monkeypatch.setattr(geometry, "ALGORITHM_VERSION", geometry.ALGORITHM_VERSION + "-next")
    assert geometry.cache_key(FIXTURES / "hromadas.geojson", FIXTURES / "oblasts.geojson") != key


def test_simplification_is_one_coverage_call(tmp_path, monkeypatch):
    calls = []
    real = geometry.simplify_coverage

    def spy(geoms, tolerance):
        calls.append(len(geoms))
        return real(geoms, tolerance)

    monkeypatch.setattr(geometry, "simplify_coverage", spy)
    geometry.display_geometry(FIXTURES / "hromadas.geojson", FIXTURES / "oblasts.geojson", tmp_path)
    assert calls == [4]  # the whole coverage at once, not polygon by polygon


@pytest.mark.skipif(not REAL.is_dir(), reason="shared reference bundle not available")
def test_real_bundle(tmp_path_factory):
    # the builds' own cache (the demo warehouse's build fills it): the cold simplification runs once
    cache = locations.geometry_cache_dir()
    layers = geometry.display_geometry(REAL / "hromadas.geojson", REAL / "oblasts.geojson", cache)
    text = layers["hromadas"]
    assert len(text.encode("utf-8")) <= 3_000_000
    features, geoms = _geoms(text)
    assert len(features) == 1470
    assert len({f["properties"]["katottg"] for f in features}) == 1470
    _assert_clockwise_and_valid(geoms)
    original = np.asarray(pyogrio.read_dataframe(REAL / "hromadas.geojson").geometry.values)
    _assert_no_gaps_or_overlaps(original, geoms)
    o_features, o_geoms = _geoms(layers["oblasts"])
    assert len(o_features) == 26
    _assert_clockwise_and_valid(o_geoms)
