"""monitor/figures/maps.py and monitor/geometry.py: offline map figures (plotly 'geo', SVG) — on a
tiny inline layer, then on the demo warehouse."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import unquote

import pandas as pd
import pytest

import vocabulary
from monitor import app_state, coverage, geometry, trust
from monitor.db import NATIONAL
from monitor.figures import maps
from monitor.figures.maps import MapSpec

EXTERNAL_URL = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


def _square(code: str, x: float, y: float) -> dict:
    ring = [[x, y], [x, y + 1], [x + 1, y + 1], [x + 1, y], [x, y]]  # clockwise, as plotly geo wants
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
            "status": list(coverage.PROGRAMME_STATUSES),
            "is_assessable": [True, True, True, True, False],
            "in_programme": [True] * 5,
            "territory_status": ["none", "none", "none", "possible_hostilities", "occupied"],
            "is_partial_territory": [False, False, False, True, False],
        }
    )


def test_map_scope_of_the_country_and_of_an_oblast():
    cov = _tiny_cov().assign(has_geometry=[True, True, True, True, False])
    cov.loc[3:, "oblast_katottg"] = "UA07000000000024379"
    oblasts = json.dumps({"type": "FeatureCollection", "features": [
        _square("UA05000000000010236", 30, 48) | {"geometry": {"type": "Polygon", "coordinates": [
            [[30, 48], [30, 49], [33, 49], [33, 48], [30, 48]]]}},
        _square("UA07000000000024379", 33, 48) | {"geometry": {"type": "Polygon", "coordinates": [
            [[33, 48], [33, 49], [35, 49], [35, 48], [33, 48]]]}},
    ]})
    country = coverage.map_scope(NATIONAL, cov, TINY_LAYER, oblasts)
    assert country.is_national and country.count_oblast is None and country.bounds is None
    assert country.highlight is None and country.outline_ids == ("UA05000000000010236", "UA07000000000024379")
    assert len(country.rows(cov)) == 5 and country.without_geometry(cov) == 1

    first = coverage.map_scope("UA05000000000010236", cov, TINY_LAYER, oblasts)
    assert first.count_oblast == "UA05000000000010236" and first.bounds == (30, 48, 33, 49)  # its 3 hromadas
    assert geometry.geometry_ids(first.highlight) == ["UA05000000000010236"]
    assert list(first.rows(cov)["katottg"]) == list(cov["katottg"][:3]) and first.without_geometry(cov) == 0
    # hromada 3 has geometry, hromada 4 none: the view is hromada 3's square, one is left undrawn
    second = coverage.map_scope("UA07000000000024379", cov, TINY_LAYER, oblasts)
    assert second.bounds == (33, 48, 34, 49) and second.without_geometry(cov) == 1
    spec = maps.scope_spec(second, "officer_gap", "app/static/geo/oblasts-y.geojson", None)
    assert spec.view == geometry.view_for_bounds((33, 48, 34, 49), maps.map_aspect("officer_gap"))
    assert spec.count_oblast == "UA07000000000024379" and spec.uirevision == "UA07000000000024379"


def _hromada_traces(fig) -> list:
    return [tr for tr in fig.data if tr.type == "choropleth" and tr.meta == "hromadas"]


def _locations(fig) -> list[str]:
    return [loc for tr in _hromada_traces(fig) for loc in tr.locations]


def _assert_offline_geo(fig) -> None:
    """SVG geo subplot, every base layer off (nothing of plotly's own world map is drawn)."""
    assert {tr.type for tr in fig.data} <= {"choropleth", "scattergeo"}
    geo = fig.layout.geo
    assert geo.visible is False and geo.projection.type == "mercator"
    assert [a.text for a in fig.layout.annotations] == [maps.OSM_ATTRIBUTION]


def test_parse_geometry_keeps_only_the_code():
    fc = geometry.parse_geometry(TINY_LAYER)
    assert geometry.geometry_ids(fc) == [f"UA{i:017d}" for i in range(5)]
    assert all(f["properties"] == {"katottg": f["properties"]["katottg"]} for f in fc["features"])


@pytest.mark.parametrize("metric", maps.METRICS)
def test_each_hromada_drawn_once_and_geometry_sent_once(metric):
    cov = _tiny_cov().assign(trust_share=[0.5, 0.6, None, 0.4, None], trust_too_few=[False, False, True, False, False],
                             trust_reporting=["reportable", "caution", "too_few", "reportable", None])
    fig = maps.coverage_figure(cov, geometry.parse_geometry(TINY_LAYER), lang="uk", spec=MapSpec(metric=metric))
    locs = _locations(fig)
    assert sorted(locs) == sorted(cov["katottg"])
    # each trace carries only its own features: the whole layer is sent once
    shipped = [f["properties"]["katottg"] for tr in _hromada_traces(fig) for f in tr.geojson["features"]]
    assert sorted(shipped) == sorted(cov["katottg"])
    _assert_offline_geo(fig)


OUTSIDE = pd.DataFrame({
    "oblast_katottg": ["UA00000000000000003", "UA00000000000000004", "UA85000000000065278"],
    "code": ["occupied_since_2014", "capital_city", "occupied_since_2014"],
    "drawn_as": ["occupied", "outside", "occupied"],
    "label_uk": ["Окуповані з 2014", "Київ поза програмою", "Окуповані з 2014"],
    "label_en": ["Occupied since 2014", "Kyiv outside", "Occupied since 2014"],
})


@pytest.mark.parametrize("metric", ["status", "officer_gap"])
def test_territory_outside_the_programme_is_drawn_from_the_oblast_layer_labelled(metric):
    """Units outside the universe: one trace per reason, in the legend, occupied ones in the
    not-assessable grey; their hromada rows are not drawn twice, and a click on them opens nothing."""
    layer = geometry.parse_geometry(TINY_LAYER)
    cov = _tiny_cov()
    cov.loc[4, "status"] = "outside_programme"
    fig = maps.coverage_figure(cov, layer, "en", MapSpec(metric=metric, outside=OUTSIDE, outside_geometry=layer))
    outside = {tr.name: (list(tr.locations), tr.colorscale[0][1]) for tr in fig.data if tr.meta == "outside"}
    # the Sevastopol code has no feature in the layer: not sent
    assert outside == {"Occupied since 2014": (["UA00000000000000003"], maps.STATUS_COLOURS["not_assessable"]),
                       "Kyiv outside": (["UA00000000000000004"], maps.STATUS_COLOURS["outside_programme"])}
    assert "UA00000000000000004" not in _locations(fig)  # the outside hromada row is not drawn again
    assert all(tr.showlegend for tr in fig.data if tr.meta == "outside")
    click = {"selection": {"points": [{"location": "UA00000000000000003", "customdata": maps.OUTSIDE_MARK}]}}
    assert maps.selected_hromada(click) is None


def test_status_is_in_legend_and_hover_not_colour_alone():
    fig = maps.coverage_figure(_tiny_cov(), geometry.parse_geometry(TINY_LAYER), lang="en")
    covered = fig.data[0]
    assert covered.name.startswith("At required strength (at least the required officers)")
    assert "Status: At required strength (at least the required officers)" in covered.hovertemplate
    assert list(covered.customdata[0][:3]) == ["Hromada 0", "Vinnytsia Oblast", "10,000"]
    occupied = fig.data[4]
    assert "Territory: Occupied" in occupied.customdata[0][6]
    uk = maps.coverage_figure(_tiny_cov(), geometry.parse_geometry(TINY_LAYER), lang="uk")
    assert uk.data[0].customdata[0][2] == "10\u00a0000"
    assert "Статус: " in uk.data[0].hovertemplate


def test_url_geometry_is_relative_and_shared():
    fig = maps.coverage_figure(
        _tiny_cov(), "app/static/geo/hromadas-x.geojson", lang="uk",
        spec=MapSpec(outlines="app/static/geo/oblasts-y.geojson"),
    )
    assert {tr.geojson for tr in _hromada_traces(fig)} == {"app/static/geo/hromadas-x.geojson"}
    assert not EXTERNAL_URL.search(fig.to_json())
    outline = fig.data[-1]
    assert outline.meta == "outline" and outline.geojson == "app/static/geo/oblasts-y.geojson"
    assert list(outline.locations) == ["UA05000000000010236"]  # the oblasts of the hromadas drawn
    _assert_offline_geo(fig)


def test_outlines_and_highlight_are_lines_without_hover():
    layer = geometry.parse_geometry(TINY_LAYER)
    fig = maps.coverage_figure(
        _tiny_cov(), layer, lang="en",
        spec=MapSpec(outlines=layer, highlight=geometry.layer_subset(TINY_LAYER, ["UA00000000000000001"])),
    )
    outline, highlight = fig.data[-2:]
    for tr, colour in ((outline, "#444444"), (highlight, "#000000")):
        assert tr.meta == "outline" and tr.hoverinfo == "skip" and tr.showlegend is False
        assert {c for _, c in tr.colorscale} == {maps.TRANSPARENT} and tr.marker.line.color == colour
    assert len(outline.locations) == 5 and list(highlight.locations) == ["UA00000000000000001"]
    assert highlight.marker.line.width > outline.marker.line.width


def test_topojson_is_an_inline_empty_stub():
    """plotly.js loads base-layer topojson for any geo subplot: the config points it at an empty
    topology in a data: URL, never at cdn.plot.ly."""
    url = app_state.PLOTLY_CONFIG["topojsonURL"]
    assert url == maps.TOPOJSON_URL and url.startswith("data:application/json,") and url.endswith("#")
    stub = json.loads(unquote(url[len("data:application/json,") : -1]))
    assert stub["type"] == "Topology" and stub["arcs"] == []
    assert all(o["geometries"] == [] for o in stub["objects"].values())
    assert not EXTERNAL_URL.search(url)


def test_stations_are_ringed_points_with_a_legend_per_kind():
    stations = pd.DataFrame(
        {
            "kind": ["police_station", "front_office", "police_station"],
            "hromada_katottg": ["UA00000000000000000", "UA00000000000000001", "UA00000000000000002"],
            "oblast_katottg": ["UA05000000000010236", "UA05000000000010236", "UA07000000000024379"],
            "name": ["A", None, "C"],
            "opened_on": ["2020-01-01", "2021-02-03", "2022-03-04"],
            "is_location_imputed": [False, True, False],
            "lat": [48.5, 48.5, 48.5],
            "lon": [30.5, 31.5, 32.5],
            "n_stations": [1, 1, 4],
        }
    )
    traces = maps.station_traces(stations, "en", count_oblast="UA05000000000010236")
    assert [tr.type for tr in traces] == ["scattergeo", "scattergeo"]
    police, front = traces
    assert police.name == "Police station: 1" and front.name.endswith(": 1")
    assert police.marker.line.color == "#FFFFFF" and front.marker.line.color == "#000000"
    assert (police.marker.symbol, front.marker.symbol) == ("circle", "square")  # shape, not colour alone (issue 10)
    assert police.customdata[0][0] == "UA00000000000000000"  # a click on a station opens its hromada
    assert "Location: hromada centre" in front.customdata[0][3]
    assert "4 stations of this kind" in police.customdata[1][3]  # a grouped marker says how many
    assert maps.station_traces(stations, "en")[0].name == "Police station: 5"  # legend counts stations


def test_zero_on_the_per_10k_and_gap_maps_is_not_the_background_white():
    for metric in ("officers_per_10k", "officer_gap"):
        zero = maps.METRIC_COLOURSCALES[metric][0][1]
        r, g, b = (int(zero[i:i + 2], 16) for i in (1, 3, 5))
        assert min(r, g, b) < 215, (metric, zero)  # visibly tinted on white (Blues/Oranges began at ~#f7fbff)


def test_every_station_kind_has_a_shape_of_its_own():
    symbols = [vocabulary.STATION_KINDS[k]["marker"]["symbol"] for k in vocabulary.STATION_KINDS.codes]
    assert len(set(symbols)) == len(symbols)


def test_many_stations_become_one_marker_per_hromada_and_kind(monkeypatch, demo_con, as_of):
    one_each = coverage.stations_open_on(demo_con, as_of)
    assert one_each["n_stations"].eq(1).all()
    monkeypatch.setattr(coverage, "MAX_STATION_MARKERS", 10)
    grouped = coverage.stations_open_on(demo_con, as_of)
    assert grouped["n_stations"].sum() == len(one_each)
    assert len(grouped) == len(one_each.groupby(["hromada_katottg", "kind"]))


def test_publish_geometry_writes_once(tmp_path):
    url = geometry.publish_geometry(TINY_LAYER, tmp_path, "hromadas")
    assert url.startswith("app/static/geo/hromadas-") and not url.startswith("/")
    path = tmp_path / "geo" / url.rsplit("/", 1)[1]
    mtime = path.stat().st_mtime_ns
    assert geometry.publish_geometry(TINY_LAYER, tmp_path, "hromadas") == url
    assert path.stat().st_mtime_ns == mtime
    shipped = geometry.geometry_ids(json.loads(path.read_text()))
    assert shipped == geometry.geometry_ids(geometry.parse_geometry(TINY_LAYER))


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def test_view_for_bounds_contains_the_area_in_the_map_shape():
    ua = geometry.view_for_bounds(None)
    assert ua == geometry.UKRAINE_VIEW
    assert ua["lon"][0] < 22.1 and ua["lon"][1] > 40.3 and ua["lat"][0] < 44.3 and ua["lat"][1] > 52.4
    oblast = (27.3, 48.0, 30.0, 49.9)
    for aspect in (1.5, 1.7, 2.5):
        view = geometry.view_for_bounds(oblast, aspect)
        (w, e), (s, n) = view["lon"], view["lat"]
        assert w < 27.3 and e > 30.0 and s < 48.0 and n > 49.9
        # width:height in Mercator equals the map area's: no blank bands
        assert math.radians(e - w) / (_merc(n) - _merc(s)) == pytest.approx(aspect, rel=1e-3)
        assert geometry.is_country_view(geometry.view_for_bounds(None, aspect)) and not geometry.is_country_view(view)


def test_selection_of_a_geo_shape_or_a_station():
    # what st.plotly_chart returns for a click on a geo choropleth shape, and on a station point
    shape = {"curve_number": 2, "point_number": 7, "location": "UA12100050000045992", "z": 0, "customdata": ["X"]}
    station = {"curve_number": 6, "point_number": 0, "lat": 48.1, "lon": 35.0, "customdata": ["UA12100050000045992"]}
    for point in (shape, station):
        event = {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}
        assert maps.selected_hromada(event) == "UA12100050000045992"


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
    layer = geometry.parse_geometry(text)
    ids = geometry.geometry_ids(layer)
    with_geometry = {r[0] for r in demo_con.execute("SELECT katottg FROM hromadas WHERE has_geometry").fetchall()}
    assert len(ids) == 1470 and set(ids) == with_geometry

    cov = coverage.coverage_on(demo_con, as_of)
    if metric == "trust":
        cov = trust.with_oblast_trust(cov, trust.oblast_latest(demo_con, as_of))  # minimum effective n: 30
    cov = cov[cov["has_geometry"]]
    fig = maps.coverage_figure(
        cov,
        layer,
        lang="uk",
        spec=MapSpec(
            metric=metric,
            outlines=geometry.parse_geometry(outlines),
            stations=coverage.stations_open_on(demo_con, as_of),
        ),
    )
    locs = _locations(fig)
    assert len(locs) == 1470 and set(locs) == set(ids)
    _assert_offline_geo(fig)
    assert len(fig.data[-1].locations) == 26  # oblast outlines
    spec = fig.to_json()
    assert not EXTERNAL_URL.search(spec)
    assert len(spec.encode()) < 4_000_000


def _signed_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False)) / 2


@pytest.mark.parametrize("layer", ["hromadas", "oblasts"])
def test_rings_wind_as_plotly_geo_expects(demo_con, layer):
    """d3-geo (plotly 'geo') fills the outside of a counter-clockwise exterior ring: the whole world.
    Exterior rings must be clockwise (negative planar area in lon/lat), holes counter-clockwise."""
    for f in geometry.parse_geometry(coverage.display_geometry(demo_con, layer))["features"]:
        g = f["geometry"]
        for polygon in [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]:
            assert _signed_area(polygon[0]) < 0, f["properties"]["katottg"]
            assert all(_signed_area(hole) > 0 for hole in polygon[1:]), f["properties"]["katottg"]


def test_status_traces_match_the_database(demo_con, as_of):
    cov = coverage.coverage_on(demo_con, as_of)
    fig = maps.coverage_figure(
        cov[cov["has_geometry"]], geometry.parse_geometry(coverage.display_geometry(demo_con, "hromadas")), lang="en"
    )
    expected = dict(
        demo_con.execute(
            "SELECT status, count(*) FROM coverage_on(?::DATE) JOIN hromadas USING (katottg) "
            "WHERE has_geometry GROUP BY status",
            [as_of],
        ).fetchall()
    )
    for status, trace in zip(coverage.STATUSES, _hromada_traces(fig), strict=True):
        assert len(trace.locations) == expected.get(status, 0), status


def test_the_overview_thumbnail_wraps_long_legend_entries_so_none_is_cut():
    """At 1024 px the overview's half-column map cut «Повний склад (не менше потрібної кількості
    офіц…» at its edge: on the thumbnail a legend line holds at most its legend_chars."""
    layer = geometry.parse_geometry(TINY_LAYER)
    thumb = maps.coverage_figure(_tiny_cov(), layer, "uk", maps.country_thumbnail(OUTSIDE, layer))
    lines = [line for tr in thumb.data if tr.showlegend and tr.name for line in tr.name.split("<br>")]
    assert lines and max(map(len, lines)) <= maps.COUNTRY_THUMBNAIL.legend_chars
    assert any("<br>" in tr.name for tr in thumb.data if tr.showlegend and tr.name)
    full = maps.coverage_figure(_tiny_cov(), layer, "uk", MapSpec(outside=OUTSIDE, outside_geometry=layer))
    assert not any("<br>" in (tr.name or "") for tr in full.data)  # the map page's wide legend: one line each
