"""Display geometry on the read side: parse the ETL's simplified layers, publish them as static
files, take subsets and bounding boxes, and fit a Mercator view to an area.

Pure functions of the layer's GeoJSON text (display_geometry.geojson), cached per text; no
plotly, no streamlit. The map figures (monitor.figures.maps) take what these return.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

Bounds = tuple[float, float, float, float]  # west, south, east, north
View = dict[str, list[float]]  # {'lon': [west, east], 'lat': [south, north]}

UKRAINE_BOUNDS: Bounds = (22.1, 44.3, 40.3, 52.4)


# ---------------------------------------------------------------- layers
@lru_cache(maxsize=4)
def parse_geometry(text: str) -> dict:
    """A GeoJSON FeatureCollection with each feature's properties reduced to `katottg`."""
    fc = json.loads(text)
    features = [
        {"type": "Feature", "properties": {"katottg": f["properties"]["katottg"]}, "geometry": f["geometry"]}
        for f in fc["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def geometry_ids(fc: dict) -> list[str]:
    return [f["properties"]["katottg"] for f in fc["features"]]


def feature_subset(fc: dict, ids: Iterable[str]) -> dict:
    """The features of `ids` from a FeatureCollection, as a FeatureCollection."""
    wanted = set(ids)
    return {
        "type": "FeatureCollection",
        "features": [f for f in fc["features"] if f["properties"]["katottg"] in wanted],
    }


def layer_subset(text: str, ids: Iterable[str]) -> dict:
    """The features of `ids` from a layer, as a FeatureCollection (e.g. one oblast's outline)."""
    return feature_subset(parse_geometry(text), ids)


@lru_cache(maxsize=4)
def _compact(text: str) -> tuple[str, str]:
    compact = json.dumps(parse_geometry(text), separators=(",", ":"), ensure_ascii=False)
    return compact, hashlib.sha256(compact.encode("utf-8")).hexdigest()[:16]


def publish_geometry(text: str, static_dir: Path, layer: str) -> str:
    """Write the layer (properties reduced) under static_dir/geo/ with a content-hashed name, once.

    Returns the relative URL under Streamlit's static serving ('app/static/geo/<file>'); relative,
    so it also works under a server.baseUrlPath. The browser fetches it once per page load and
    plotly keeps it across reruns, so a rerun sends only the values, not the 2 MB of geometry.
    """
    compact, digest = _compact(text)
    name = f"{layer}-{digest}.geojson"
    target = static_dir / "geo" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(compact, encoding="utf-8")
        tmp.replace(target)
    return f"app/static/geo/{name}"


# ---------------------------------------------------------------- bounds
def _walk_coords(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
        return
    for c in coords:
        yield from _walk_coords(c)


@lru_cache(maxsize=4)
def _feature_bboxes(text: str) -> dict[str, Bounds]:
    out = {}
    for f in parse_geometry(text)["features"]:
        xs, ys = [], []
        for x, y, *_ in _walk_coords(f["geometry"]["coordinates"]):
            xs.append(x)
            ys.append(y)
        out[f["properties"]["katottg"]] = (min(xs), min(ys), max(xs), max(ys))
    return out


def bounds_of(text: str, ids: Iterable[str]) -> Bounds | None:
    """(west, south, east, north) of the features of `ids` in the layer `text`; None if none."""
    boxes = _feature_bboxes(text)
    chosen = [boxes[i] for i in ids if i in boxes]
    if not chosen:
        return None
    return (
        min(b[0] for b in chosen),
        min(b[1] for b in chosen),
        max(b[2] for b in chosen),
        max(b[3] for b in chosen),
    )


# ---------------------------------------------------------------- Mercator views
def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def view_for_bounds(bounds: Bounds | None, aspect: float = 1.7, padding: float = 0.04) -> View:
    """The geo view ({'lon': [west, east], 'lat': [south, north]}) showing `bounds` (None: Ukraine)
    with a margin, widened or heightened (in Mercator) to the map area's width:height `aspect`:
    plotly fits this box into the plot area and draws only inside it, so a box of another shape
    leaves blank bands."""
    west, south, east, north = bounds if bounds is not None else UKRAINE_BOUNDS
    x_span = math.radians(max(east - west, 1e-3)) * (1 + 2 * padding)
    y_span = max(_merc(north) - _merc(south), 1e-5) * (1 + 2 * padding)
    if x_span / y_span < aspect:
        x_span = y_span * aspect
    else:
        y_span = x_span / aspect
    x_mid, y_mid = (west + east) / 2, (_merc(north) + _merc(south)) / 2
    half_lon = math.degrees(x_span) / 2
    return {
        "lon": [round(x_mid - half_lon, 4), round(x_mid + half_lon, 4)],
        "lat": [round(_unmerc(y_mid - y_span / 2), 4), round(_unmerc(y_mid + y_span / 2), 4)],
    }


UKRAINE_VIEW = view_for_bounds(None)


def is_country_view(view: View) -> bool:
    """True when the view shows (most of) the country: station markers are drawn smaller."""
    return view["lon"][1] - view["lon"][0] > 10
