"""monitor/maps.py: offline map figures — on a tiny inline layer, then on the demo warehouse."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from monitor import coverage, maps

EXTERNAL_URL = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


def _square(code: str, x: float, y: float) -> dict:
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {
        "type": "Feature",
        "properties": {"katottg": code, "name": code, "osm_id": 1},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


TINY_LAYER = json.dumps(
    {"type": "FeatureCollection", "features": [_square(f"UA{i:017d}", 30 + i, 48) for i in range(5)]}
)


def _tiny_cov() -> pd.DataFrame:
    codes = [f"UA{i:017d}" for i in range(5)]
    return pd.DataFrame(
        {
            "katottg": codes,
            "oblast_katottg": ["UA05000000000010236"] * 5,
            "name_uk": [f"Громада {i}" for i in range(5)],
            "name_en": [f"Hromada {i}" for i in range(5)],
            "oblast_name_uk": ["Вінницька область"] * 5,
            "oblast_name_en": ["Vinnytsia Oblast"] * 5,
            "population_count": [10_000, 20_000, 5_000, 1_234_567, 800],
            "officers_serving": [3, 1, 0, 0, 0],
            "required_officers": [2, 3, 1, 40, 1],
            "officer_gap": [0, 2, 1, 40, 0],
            "officers_per_10k": [3.0, 0.5, 0.0, 0.0, 0.0],
            "status": list(maps.STATUSES),
            "is_assessable": [True, True, True, True, False],
            "territory_status": ["none", "none", "none", "possible_hostilities", "occupied"],
            "is_partial_territory": [False, False, False, True, False],
        }
    )


def _locations(fig) -> list[str]:
    return [loc for tr in fig.data if tr.type == "choroplethmap" for loc in tr.locations]


def test_parse_geometry_keeps_only_the_code():
    fc = maps.parse_geometry(TINY_LAYER)
    assert maps.geometry_ids(fc) == [f"UA{i:017d}" for i in range(5)]
    assert all(f["properties"] == {"katottg": f["properties"]["katottg"]} for f in fc["features"])


@pytest.mark.parametrize("metric", maps.METRICS)
def test_each_hromada_drawn_once_and_geometry_sent_once(metric):
    cov = _tiny_cov().assign(trust_share=[0.5, 0.6, None, 0.4, None], trust_too_few=[False, False, True, False, False])
    fig = maps.coverage_figure(cov, maps.parse_geometry(TINY_LAYER), lang="uk", metric=metric)
    locs = _locations(fig)
    assert sorted(locs) == sorted(cov["katottg"])
    # each trace carries only its own features: the whole layer is sent once
    shipped = [
        f["properties"]["katottg"] for tr in fig.data if tr.type == "choroplethmap" for f in tr.geojson["features"]
    ]
    assert sorted(shipped) == sorted(cov["katottg"])
    assert fig.layout.map.style == "white-bg"


def test_status_is_in_legend_and_hover_not_colour_alone():
    fig = maps.coverage_figure(_tiny_cov(), maps.parse_geometry(TINY_LAYER), lang="en")
    covered = fig.data[0]
    assert covered.name.startswith("Covered (at or above required)")
    assert "Status: Covered (at or above required)" in covered.hovertemplate
    assert list(covered.customdata[0][:3]) == ["Hromada 0", "Vinnytsia Oblast", "10,000"]
    occupied = fig.data[4]
    assert "Territory: Occupied" in occupied.customdata[0][6]
    uk = maps.coverage_figure(_tiny_cov(), maps.parse_geometry(TINY_LAYER), lang="uk")
    assert uk.data[0].customdata[0][2] == "10\u00a0000"
    assert "Статус: " in uk.data[0].hovertemplate


def test_url_geometry_is_relative_and_shared():
    fig = maps.coverage_figure(
        _tiny_cov(), "app/static/geo/hromadas-x.geojson", lang="uk", outlines="app/static/geo/oblasts-y.geojson"
    )
    assert {tr.geojson for tr in fig.data} == {"app/static/geo/hromadas-x.geojson"}
    assert not EXTERNAL_URL.search(fig.to_json())
    assert fig.layout.map.layers[0].sourceattribution == maps.OSM_ATTRIBUTION


def test_publish_geometry_writes_once(tmp_path):
    url = maps.publish_geometry(TINY_LAYER, tmp_path, "hromadas")
    assert url.startswith("app/static/geo/hromadas-") and not url.startswith("/")
    path = tmp_path / "geo" / url.rsplit("/", 1)[1]
    mtime = path.stat().st_mtime_ns
    assert maps.publish_geometry(TINY_LAYER, tmp_path, "hromadas") == url
    assert path.stat().st_mtime_ns == mtime
    assert maps.geometry_ids(json.loads(path.read_text())) == maps.geometry_ids(maps.parse_geometry(TINY_LAYER))


def test_view_for_bounds_fits_and_zooms_in_for_smaller_areas():
    center, zoom_ua = maps.view_for_bounds((22.1, 44.4, 40.2, 52.4))
    assert 47 < center["lat"] < 50 and 30 < center["lon"] < 32
    _, zoom_oblast = maps.view_for_bounds((27.3, 48.0, 30.0, 49.9))
    assert zoom_oblast > zoom_ua + 1
    assert maps.view_for_bounds(None) == maps.UKRAINE_VIEW


def test_selected_hromada_from_a_selection_event():
    event = {
        "selection": {
            "points": [{"curve_number": 0, "location": "UA1", "customdata": ["UA1"]}],
            "point_indices": [0],
            "box": [],
            "lasso": [],
        }
    }
    assert maps.selected_hromada(event) == "UA1"
    assert maps.selected_hromada({"selection": {"points": []}}) is None
    assert maps.selected_hromada(None) is None


# ---------------------------------------------------------------- on the demo warehouse
@pytest.fixture()
def as_of(demo_con) -> str:
    return demo_con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]


@pytest.mark.parametrize("metric", maps.METRICS)
def test_real_map_draws_all_1470_hromadas_offline(demo_con, as_of, metric):
    text = coverage.display_geometry(demo_con, "hromadas")
    outlines = coverage.display_geometry(demo_con, "oblasts")
    geometry = maps.parse_geometry(text)
    ids = maps.geometry_ids(geometry)
    with_geometry = {r[0] for r in demo_con.execute("SELECT katottg FROM hromadas WHERE has_geometry").fetchall()}
    assert len(ids) == 1470 and set(ids) == with_geometry

    cov = coverage.coverage_on(demo_con, as_of)
    if metric == "trust":
        cov = coverage.with_oblast_trust(cov, coverage.oblast_trust_latest(demo_con, as_of), 30)
    cov = cov[cov["has_geometry"]]
    fig = maps.coverage_figure(
        cov,
        geometry,
        lang="uk",
        metric=metric,
        outlines=maps.parse_geometry(outlines),
        stations=coverage.stations_open_on(demo_con, as_of),
    )
    locs = _locations(fig)
    assert len(locs) == 1470 and set(locs) == set(ids)
    assert fig.layout.map.style == "white-bg"
    spec = fig.to_json()
    assert not EXTERNAL_URL.search(spec)
    assert json.loads(spec)["layout"]["map"]["layers"][0]["sourceattribution"] == maps.OSM_ATTRIBUTION
    assert len(spec.encode()) < 4_000_000


def test_status_traces_match_the_database(demo_con, as_of):
    cov = coverage.coverage_on(demo_con, as_of)
    fig = maps.coverage_figure(
        cov[cov["has_geometry"]], maps.parse_geometry(coverage.display_geometry(demo_con, "hromadas")), lang="en"
    )
    expected = dict(
        demo_con.execute(
            "SELECT status, count(*) FROM coverage_on(?::DATE) JOIN hromadas USING (katottg) "
            "WHERE has_geometry GROUP BY status",
            [as_of],
        ).fetchall()
    )
    for status, trace in zip(maps.STATUSES, fig.data[:5], strict=True):
        assert len(trace.locations) == expected.get(status, 0), status
