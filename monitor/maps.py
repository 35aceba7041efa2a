"""Map figures: hromadas by coverage status or a metric, oblast outlines, stations.

Drawn as plotly 'geo' traces (SVG: go.Choropleth, go.Scattergeo) on a Mercator projection with
every base layer off, not as 'map' traces (MapLibre/WebGL): with the software WebGL of a plain
server or laptop the SVG map is drawn in about half the time. Offline by construction: no tiles,
and the base-layer topojson plotly.js insists on loading for a geo subplot is an empty stub
given inline as a data: URL (TOPOJSON_URL, passed in the plotly config) instead of
cdn.plot.ly. The geometry is either inlined (a GeoJSON dict; each status trace carries only its
own features, so the geometry is sent once) or given as a same-origin relative URL (the browser
fetches it once and plotly keeps it across reruns).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import vocabulary
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct, plotly_separators
from monitor.i18n import t

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
METRICS = ("status", "officers_per_10k", "officer_gap", "trust")
STATUSES = vocabulary.STATUSES.codes  # legend order
STATUS_COLOURS = vocabulary.STATUSES.attr("colour")
NO_VALUE_COLOUR = "#EEEEEE"
METRIC_COLOURSCALES = {"officers_per_10k": "Blues", "officer_gap": "Oranges", "trust": "Viridis"}
TRANSPARENT = "rgba(0,0,0,0)"

# plotly.js loads '<topojsonURL><scope>_<resolution>m.json' for every geo subplot, even with all
# base layers hidden (default: https://cdn.plot.ly/). An empty topology as a data: URL ending in
# '#' satisfies it for any scope and resolution (the file name lands in the ignored fragment):
# no request at all, on any host, port or base path, with or without static serving.
_EMPTY_TOPOLOGY = {
    "type": "Topology",
    "objects": {
        k: {"type": "GeometryCollection", "geometries": []}
        for k in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
    },
    "arcs": [],
    "transform": {"scale": [1, 1], "translate": [0, 0]},
}
TOPOJSON_URL = "data:application/json," + quote(json.dumps(_EMPTY_TOPOLOGY, separators=(",", ":"))) + "#"

UKRAINE_BOUNDS = (22.1, 44.3, 40.3, 52.4)  # west, south, east, north


# ---------------------------------------------------------------- geometry
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


def _walk_coords(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
        return
    for c in coords:
        yield from _walk_coords(c)


@lru_cache(maxsize=4)
def _feature_bboxes(text: str) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for f in parse_geometry(text)["features"]:
        xs, ys = [], []
        for x, y, *_ in _walk_coords(f["geometry"]["coordinates"]):
            xs.append(x)
            ys.append(y)
        out[f["properties"]["katottg"]] = (min(xs), min(ys), max(xs), max(ys))
    return out


def bounds_of(text: str, ids: Iterable[str]) -> tuple[float, float, float, float] | None:
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


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def view_for_bounds(
    bounds: tuple[float, float, float, float] | None, aspect: float = 1.7, padding: float = 0.04
) -> dict[str, list[float]]:
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


def is_country_view(view: dict[str, list[float]]) -> bool:
    """True when the view shows (most of) the country: station markers are drawn smaller."""
    return view["lon"][1] - view["lon"][0] > 10


# ---------------------------------------------------------------- hover and labels
def status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang)


def metric_label(metric: str, lang: str) -> str:
    return t(f"map.metric.{metric}", lang)


def hover_data(cov: pd.DataFrame, lang: str) -> list[list[str]]:
    """Per hromada the hover fields, formatted: name, oblast, population, officers, required,
    per 10k, and an extra line (territory status, trust) or ''. The labels and the status are in
    the trace's hovertemplate, once per trace rather than once per hromada (Cyrillic is sent as
    \\uXXXX escapes: six bytes a letter)."""
    name = cov["name_en"] if lang == "en" else cov["name_uk"]
    oblast = cov["oblast_name_en"] if lang == "en" else cov["oblast_name_uk"]
    has_trust = "trust_share" in cov.columns
    out = []
    for i, row in enumerate(cov.itertuples(index=False)):
        extra = []
        if row.territory_status != "none":
            territory = t(f"territory.{row.territory_status}", lang)
            if row.is_partial_territory:
                territory = t("map.hover.partial", lang, value=territory)
            extra.append(t("map.hover.territory", lang, value=territory))
        if has_trust and (bool(row.trust_too_few) or pd.notna(row.trust_share)):
            value = t("map.too_few", lang) if bool(row.trust_too_few) else fmt_pct(row.trust_share, lang)
            extra.append(t("map.hover.trust", lang, value=value))
        out.append(
            [
                str(name.iloc[i]),
                str(oblast.iloc[i]),
                fmt_int(row.population_count, lang),
                fmt_int(row.officers_serving, lang),
                fmt_int(row.required_officers, lang),
                fmt_num(row.officers_per_10k, lang, 2),
                "".join("<br>" + e for e in extra),
            ]
        )
    return out


def hover_template(status: str, lang: str) -> str:
    """The hover of one status trace; fields from hover_data() via customdata."""
    return (
        "<br>".join(
            [
                "<b>%{customdata[0]}</b>",
                "%{customdata[1]}",
                t("map.hover.population", lang, value="%{customdata[2]}"),
                t("map.hover.officers", lang, serving="%{customdata[3]}", required="%{customdata[4]}"),
                t("map.hover.per10k", lang, value="%{customdata[5]}"),
                t("map.hover.status", lang, value=status_label(status, lang)),
            ]
        )
        + "%{customdata[6]}<extra></extra>"
    )


# ---------------------------------------------------------------- the figure
def _subset(geometry: dict | str, ids: list[str]) -> dict | str:
    """The geometry for a trace that draws only `ids`: the URL as it is, or only those features."""
    if isinstance(geometry, str):
        return geometry
    wanted = set(ids)
    return {
        "type": "FeatureCollection",
        "features": [f for f in geometry["features"] if f["properties"]["katottg"] in wanted],
    }


def _hromada_trace(
    geometry,
    ids: list[str],
    custom: list[list[str]],
    status: str,
    lang: str,
    *,
    z: list[float] | None = None,
    colour: str | None = None,
    name: str = "",
    showlegend: bool = False,
    legendrank: int = 0,
) -> go.Choropleth:
    """One trace of hromadas sharing a status: flat `colour`, or `z` on the figure's coloraxis.
    meta='hromadas' tells them from the outline traces (the browser tests count their shapes)."""
    style = (
        {"z": z, "coloraxis": "coloraxis"}
        if z is not None
        else {"z": [0] * len(ids), "colorscale": [[0, colour], [1, colour]], "showscale": False}
    )
    return go.Choropleth(
        geojson=_subset(geometry, ids),
        featureidkey="properties.katottg",
        locations=ids,
        marker={"line": {"width": 0.3, "color": "#FFFFFF"}, "opacity": 0.9},
        customdata=custom,
        hovertemplate=hover_template(status, lang),
        name=name,
        showlegend=showlegend,
        legendrank=legendrank,
        meta="hromadas",
        **style,
    )


def _outline_trace(geometry, ids: list[str], colour: str, width: float) -> go.Choropleth:
    """Lines only (a transparent fill), no hover, no click, no legend: oblast borders."""
    return go.Choropleth(
        geojson=geometry,
        featureidkey="properties.katottg",
        locations=ids,
        z=[0] * len(ids),
        colorscale=[[0, TRANSPARENT], [1, TRANSPARENT]],
        showscale=False,
        marker={"line": {"width": width, "color": colour}},
        hoverinfo="skip",
        showlegend=False,
        meta="outline",
    )


def coverage_figure(
    cov: pd.DataFrame,
    geometry: dict | str,
    *,
    lang: str,
    metric: str = "status",
    outlines: dict | str | None = None,
    outline_ids: list[str] | None = None,
    highlight: dict | None = None,
    stations: pd.DataFrame | None = None,
    view: dict[str, list[float]] = UKRAINE_VIEW,
    height: int = 640,
    uirevision: str = "ua",
    count_oblast: str | None = None,
) -> go.Figure:
    """The coverage map: one trace per status (so the status is in the legend and the hover, and
    each feature's geometry is sent once), coloured by status or, for a metric, on a shared colour
    axis; hromadas without a value and not-assessable ones in flat greys with their own legend.

    cov: monitor.coverage.coverage_on rows of the hromadas to draw (those with geometry); for
    metric 'trust' also trust_share / trust_too_few (monitor.coverage.with_oblast_trust).
    geometry: the hromada FeatureCollection (dict) or a relative URL to it. outlines: the oblast
    layer (dict or URL), drawn as lines; outline_ids: its feature codes (default: the dict's, or
    the oblasts of `cov`). highlight: one oblast's FeatureCollection drawn bold. stations:
    monitor.coverage.stations_open_on rows. view: view_for_bounds(). count_oblast: the legend
    counts only that oblast's hromadas and stations (the view), not all drawn. The OSM
    attribution is an annotation in the map's corner.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    cov = cov.reset_index(drop=True)
    custom = hover_data(cov, lang)
    codes = cov["katottg"].tolist()
    fig = go.Figure()

    in_count = (cov["oblast_katottg"] == count_oblast).to_numpy() if count_oblast else np.ones(len(cov), bool)

    def rows(mask) -> tuple[list[str], list[list[str]]]:
        idx = [i for i, m in enumerate(mask) if m]
        return [codes[i] for i in idx], [custom[i] for i in idx]

    def legend_name(label: str, n: int) -> str:
        return t("map.legend_count", lang, label=label, n=fmt_int(n, lang))

    status = cov["status"].to_numpy()
    if metric == "status":
        for rank, s in enumerate(STATUSES):
            ids, cd = rows(status == s)
            fig.add_trace(
                _hromada_trace(
                    geometry,
                    ids,
                    cd,
                    s,
                    lang,
                    colour=STATUS_COLOURS[s],
                    name=legend_name(status_label(s, lang), int((in_count & (status == s)).sum())),
                    showlegend=True,
                    legendrank=rank,
                )
            )
    else:
        column = {"officers_per_10k": "officers_per_10k", "officer_gap": "officer_gap", "trust": "trust_share"}[metric]
        values = cov[column].astype("float64")
        has_value = values.notna().to_numpy() & (status != "not_assessable")
        for s in STATUSES[:-1]:
            ids, cd = rows(has_value & (status == s))
            if ids:
                z = values[has_value & (status == s)].tolist()
                fig.add_trace(_hromada_trace(geometry, ids, cd, s, lang, z=z, name=status_label(s, lang)))
        no_value_label = t("map.no_value_trust" if metric == "trust" else "map.no_value", lang)
        n_no_value = int((~has_value & (status != "not_assessable") & in_count).sum())
        for s in STATUSES[:-1]:
            ids, cd = rows(~has_value & (status == s))
            if ids:
                fig.add_trace(
                    _hromada_trace(
                        geometry, ids, cd, s, lang, colour=NO_VALUE_COLOUR, name=legend_name(no_value_label, n_no_value)
                    )
                )
        ids, cd = rows(status == "not_assessable")
        fig.add_trace(
            _hromada_trace(
                geometry,
                ids,
                cd,
                "not_assessable",
                lang,
                colour=STATUS_COLOURS["not_assessable"],
                name=legend_name(
                    status_label("not_assessable", lang), int((in_count & (status == "not_assessable")).sum())
                ),
                showlegend=True,
                legendrank=91,
            )
        )
        _legend_once(fig, legend_name(no_value_label, n_no_value))
        fig.update_layout(
            coloraxis={
                "colorscale": METRIC_COLOURSCALES[metric],
                "cmin": 0,
                "cmax": _metric_zmax(metric, values[has_value]),
                "colorbar": {
                    "title": {"text": metric_label(metric, lang), "side": "right"},
                    "thickness": 14,
                    "len": 0.6,
                    "tickformat": ".0%" if metric == "trust" else None,
                },
            }
        )
    if stations is not None and len(stations):
        scale = 0.45 if is_country_view(view) else 1.0
        for trace in station_traces(stations, lang, scale=scale, count_oblast=count_oblast):
            fig.add_trace(trace)
    if outlines is not None:
        if outline_ids is None:
            outline_ids = (
                geometry_ids(outlines) if isinstance(outlines, dict) else sorted(cov["oblast_katottg"].unique())
            )
        fig.add_trace(_outline_trace(outlines, list(outline_ids), "#444444", 0.8))
    if highlight is not None:
        fig.add_trace(_outline_trace(highlight, geometry_ids(highlight), "#000000", 2.5))
    fig.update_layout(
        geo={
            "visible": False,
            "projection": {"type": "mercator"},
            "fitbounds": False,
            "lonaxis": {"range": view["lon"]},
            "lataxis": {"range": view["lat"]},
            "bgcolor": TRANSPARENT,
            "domain": {"x": [0, 1], "y": [0, 1]},
        },
        annotations=[
            {
                "text": OSM_ATTRIBUTION,
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "y": 0,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 10, "color": "#444444"},
                "bgcolor": "rgba(255,255,255,0.7)",
            }
        ],
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=height,
        separators=plotly_separators(lang),
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.01,
            "xanchor": "left",
            "x": 0,
            "itemclick": "toggle",
            "font": {"size": 12},
        },
        uirevision=uirevision,
        hoverlabel={"align": "left"},
    )
    return fig


def _legend_once(fig: go.Figure, no_value_name: str) -> None:
    """The grey 'no value' traces (one per status) share one legend entry and toggle together."""
    first = True
    for tr in fig.data:
        if tr.type == "choropleth" and tr.name == no_value_name:
            tr.legendgroup = "no_value"
            tr.showlegend = first
            tr.legendrank = 90
            first = False


def _metric_zmax(metric: str, values: pd.Series) -> float:
    if values.empty or metric == "trust":
        return 1.0
    # The 98th percentile: a handful of tiny hromadas with many officers would wash out the rest.
    return max(float(values.quantile(0.98)), 1.0)


def station_traces(
    stations: pd.DataFrame, lang: str, scale: float = 1.0, count_oblast: str | None = None
) -> list[go.Scattergeo]:
    """One circle trace per kind (fill and a contrasting ring), legend per kind.
    `scale` shrinks the markers for the national view, where a thousand stations would hide the map."""
    traces = []
    for rank, kind in enumerate(vocabulary.STATION_KINDS.codes):
        part = stations[stations["kind"] == kind]
        if part.empty:
            continue
        marker = vocabulary.STATION_KINDS[kind]["marker"]
        fill, size, ring = marker["colour"], marker["size"], marker["ring"]
        size = round(size * scale, 1)
        kind_label = t(f"station.{kind}", lang)
        custom = [
            [
                code,
                name if isinstance(name, str) else "",
                fmt_date(opened, lang),
                ("<br>" + t("map.hover.imputed", lang) if imputed else "")
                + ("<br>" + t("map.hover.n_stations", lang, n=fmt_int(n, lang)) if n > 1 else ""),
            ]
            for code, name, opened, imputed, n in zip(
                part["hromada_katottg"], part["name"], part["opened_on"], part["is_location_imputed"],
                part["n_stations"], strict=True,
            )
        ]
        template = (
            f"<b>{kind_label}</b><br>%{{customdata[1]}}<br>"
            + t("map.hover.opened", lang, value="%{customdata[2]}")
            + "%{customdata[3]}<extra></extra>"
        )
        traces.append(
            go.Scattergeo(
                lat=part["lat"].tolist(),
                lon=part["lon"].tolist(),
                mode="markers",
                marker={"size": size, "color": fill, "line": {"width": max(1.0, 1.5 * scale), "color": ring}},
                name=t(
                    "map.legend_count",
                    lang,
                    label=kind_label,
                    n=fmt_int(
                        int(part["n_stations"].sum() if not count_oblast
                            else part.loc[part["oblast_katottg"] == count_oblast, "n_stations"].sum()), lang
                    ),
                ),
                customdata=custom,
                hovertemplate=template,
                legendgroup=kind,
                legendrank=50 + rank,
            )
        )
    return traces


def selected_hromada(event) -> str | None:
    """The hromada code a plotly selection event points at (a hromada shape or a station), else None."""
    if not event:
        return None
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points:
        if p.get("location"):  # a hromada shape
            return str(p["location"])
        custom = p.get("customdata")  # a station: its hromada's code first
        if isinstance(custom, list) and custom and _is_code(custom[0]):
            return str(custom[0])
    return None


def _is_code(value) -> bool:
    return isinstance(value, str) and len(value) == 19 and value.startswith("UA")


def layer_subset(text: str, ids: Iterable[str]) -> dict:
    """The features of `ids` from a layer, as a FeatureCollection (e.g. one oblast's outline)."""
    wanted = set(ids)
    return {
        "type": "FeatureCollection",
        "features": [f for f in parse_geometry(text)["features"] if f["properties"]["katottg"] in wanted],
    }
