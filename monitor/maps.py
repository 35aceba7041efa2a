"""Map figures: hromadas by coverage status or a metric, oblast outlines, stations.

Offline by construction: map style 'white-bg' (no tiles) and circle markers only (symbols and
text would make MapLibre fetch sprites and glyphs). The geometry is either inlined (a GeoJSON
dict; each status trace carries only its own features, so the geometry is sent once) or given
as a same-origin relative URL (the browser fetches it once and keeps it across reruns).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct, plotly_separators
from monitor.i18n import t

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
STATUSES = ("covered", "below_required", "memorandum_only", "not_covered", "not_assessable")
METRICS = ("status", "officers_per_10k", "officer_gap", "trust")
STATION_KINDS = ("police_station", "public_safety_office", "front_office")

# Okabe–Ito: distinguishable with the common colour-vision deficiencies. Blues = covered,
# orange/vermillion = gaps, grey = not assessable.
STATUS_COLOURS = {
    "covered": "#0072B2",
    "below_required": "#56B4E9",
    "memorandum_only": "#E69F00",
    "not_covered": "#D55E00",
    "not_assessable": "#BBBBBB",
}
NO_VALUE_COLOUR = "#EEEEEE"
# Station markers: fill colour, size; every marker sits on a slightly larger outline circle.
STATION_STYLE = {
    "police_station": ("#000000", 9, "#FFFFFF"),
    "public_safety_office": ("#CC79A7", 8, "#000000"),
    "front_office": ("#FFFFFF", 7, "#000000"),
}
METRIC_COLOURSCALES = {"officers_per_10k": "Blues", "officer_gap": "Oranges", "trust": "Viridis"}
UKRAINE_VIEW = ({"lat": 48.6, "lon": 31.3}, 4.6)


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


def publish_geometry(text: str, static_dir: Path, layer: str) -> str:
    """Write the layer (properties reduced) under static_dir/geo/ with a content-hashed name, once.

    Returns the relative URL under Streamlit's static serving ('app/static/geo/<file>'); relative,
    so it also works under a server.baseUrlPath.
    """
    compact = json.dumps(parse_geometry(text), separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(compact.encode("utf-8")).hexdigest()[:16]
    name = f"{layer}-{digest}.geojson"
    target = static_dir / "geo" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{digest}")
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


def view_for_bounds(
    bounds: tuple[float, float, float, float] | None,
    width_px: int = 900,
    height_px: int = 640,
    padding: float = 0.06,
) -> tuple[dict, float]:
    """Map center and zoom that fit `bounds` into a width x height map (Web Mercator, 512-px tiles)."""
    if bounds is None:
        return UKRAINE_VIEW
    west, south, east, north = bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(east - west, 1e-3) * (1 + 2 * padding)
    y_span = max(merc(north) - merc(south), 1e-5) * (1 + 2 * padding)
    zoom_x = math.log2(width_px * 360 / (lon_span * 512))
    zoom_y = math.log2(height_px * 2 * math.pi / (y_span * 512))
    y_mid = (merc(north) + merc(south)) / 2
    lat_mid = math.degrees(2 * math.atan(math.exp(y_mid)) - math.pi / 2)
    return {"lat": lat_mid, "lon": (west + east) / 2}, round(min(zoom_x, zoom_y, 11.0), 2)


# ---------------------------------------------------------------- hover and labels
def status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang)


def metric_label(metric: str, lang: str) -> str:
    return t(f"map.metric.{metric}", lang)


def hover_texts(cov: pd.DataFrame, lang: str) -> list[str]:
    """One hover text per row: name, oblast, population, officers / required, status, and the
    territory status, per-10k, gap and trust when they apply. Status is always written out."""
    name = cov["name_en"] if lang == "en" else cov["name_uk"]
    oblast = cov["oblast_name_en"] if lang == "en" else cov["oblast_name_uk"]
    has_trust = "trust_share" in cov.columns
    out = []
    for i, row in enumerate(cov.itertuples(index=False)):
        lines = [
            f"<b>{name.iloc[i]}</b>",
            f"{oblast.iloc[i]}",
            t("map.hover.population", lang, value=fmt_int(row.population_count, lang)),
            t(
                "map.hover.officers",
                lang,
                serving=fmt_int(row.officers_serving, lang),
                required=fmt_int(row.required_officers, lang),
            ),
            t("map.hover.per10k", lang, value=fmt_num(row.officers_per_10k, lang, 2)),
            t("map.hover.status", lang, value=status_label(row.status, lang)),
        ]
        if row.territory_status != "none":
            territory = t(f"territory.{row.territory_status}", lang)
            if row.is_partial_territory:
                territory = t("map.hover.partial", lang, value=territory)
            lines.append(t("map.hover.territory", lang, value=territory))
        if has_trust:
            if bool(row.trust_too_few):
                value = t("map.too_few", lang)
            else:
                value = fmt_pct(row.trust_share, lang)
            lines.append(t("map.hover.trust", lang, value=value))
        out.append("<br>".join(lines))
    return out


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


def _flat_trace(
    geometry, df: pd.DataFrame, hover: list[str], colour: str, name: str, legendrank: int
) -> go.Choroplethmap:
    ids = df["katottg"].tolist()
    return go.Choroplethmap(
        geojson=_subset(geometry, ids),
        featureidkey="properties.katottg",
        locations=ids,
        z=[0] * len(ids),
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        marker={"line": {"width": 0.3, "color": "#FFFFFF"}, "opacity": 0.9},
        customdata=[[i] for i in ids],
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        name=name,
        showlegend=True,
        legendrank=legendrank,
    )


def coverage_figure(
    cov: pd.DataFrame,
    geometry: dict | str,
    *,
    lang: str,
    metric: str = "status",
    outlines: dict | str | None = None,
    highlight: dict | None = None,
    stations: pd.DataFrame | None = None,
    view: tuple[dict, float] = UKRAINE_VIEW,
    height: int = 640,
    uirevision: str = "ua",
) -> go.Figure:
    """The coverage map.

    cov: coverage_monthly/coverage_on rows joined with names (monitor.coverage.coverage_on), for
    the hromadas to draw (those with geometry); for metric 'trust' also trust_share/trust_too_few.
    geometry: the hromada FeatureCollection (dict) or a relative URL to it. outlines: the oblast
    layer (dict or URL), drawn as lines carrying the OSM attribution. highlight: one oblast's
    FeatureCollection drawn bold. stations: monitor.coverage.stations_open_on rows.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    cov = cov.reset_index(drop=True)
    hover = hover_texts(cov, lang)
    fig = go.Figure()
    if metric == "status":
        for rank, status in enumerate(STATUSES):
            mask = (cov["status"] == status).to_numpy()
            part = cov[mask]
            label = t("map.legend_count", lang, label=status_label(status, lang), n=fmt_int(len(part), lang))
            fig.add_trace(
                _flat_trace(
                    geometry,
                    part,
                    [h for h, m in zip(hover, mask, strict=True) if m],
                    STATUS_COLOURS[status],
                    label,
                    rank,
                )
            )
    else:
        column = {
            "officers_per_10k": "officers_per_10k",
            "officer_gap": "officer_gap",
            "trust": "trust_share",
        }[metric]
        values = cov[column].astype("float64")
        assessable = cov["is_assessable"].astype(bool).to_numpy()
        has_value = (values.notna() & assessable).to_numpy()
        part = cov[has_value]
        ids = part["katottg"].tolist()
        fig.add_trace(
            go.Choroplethmap(
                geojson=_subset(geometry, ids),
                featureidkey="properties.katottg",
                locations=ids,
                z=values[has_value].tolist(),
                colorscale=METRIC_COLOURSCALES[metric],
                zmin=0,
                zmax=_metric_zmax(metric, values[has_value]),
                marker={"line": {"width": 0.3, "color": "#FFFFFF"}, "opacity": 0.9},
                customdata=[[i] for i in ids],
                hovertext=[h for h, m in zip(hover, has_value, strict=True) if m],
                hovertemplate="%{hovertext}<extra></extra>",
                name=metric_label(metric, lang),
                showlegend=False,
                colorbar={
                    "title": {"text": metric_label(metric, lang), "side": "right"},
                    "tickformat": ".0%" if metric == "trust" else None,
                    "thickness": 14,
                    "len": 0.6,
                },
            )
        )
        no_value = ~has_value & assessable
        if no_value.any():
            key = "map.too_few" if metric == "trust" else "map.no_value"
            label = t("map.legend_count", lang, label=t(key, lang), n=fmt_int(int(no_value.sum()), lang))
            fig.add_trace(
                _flat_trace(
                    geometry,
                    cov[no_value],
                    [h for h, m in zip(hover, no_value, strict=True) if m],
                    NO_VALUE_COLOUR,
                    label,
                    90,
                )
            )
        na = ~assessable
        label = t(
            "map.legend_count",
            lang,
            label=status_label("not_assessable", lang),
            n=fmt_int(int(na.sum()), lang),
        )
        fig.add_trace(
            _flat_trace(
                geometry,
                cov[na],
                [h for h, m in zip(hover, na, strict=True) if m],
                STATUS_COLOURS["not_assessable"],
                label,
                91,
            )
        )
    if stations is not None and len(stations):
        for trace in station_traces(stations, lang):
            fig.add_trace(trace)
    layers = []
    if outlines is not None:
        layers.append(
            {
                "sourcetype": "geojson",
                "source": outlines,
                "type": "line",
                "below": "",
                "color": "#444444",
                "line": {"width": 0.8},
                "sourceattribution": OSM_ATTRIBUTION,
            }
        )
    if highlight is not None:
        layers.append(
            {
                "sourcetype": "geojson",
                "source": highlight,
                "type": "line",
                "below": "",
                "color": "#000000",
                "line": {"width": 2.5},
            }
        )
    center, zoom = view
    fig.update_layout(
        map={"style": "white-bg", "center": center, "zoom": zoom, "layers": layers},
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


def _metric_zmax(metric: str, values: pd.Series) -> float:
    if values.empty:
        return 1.0
    if metric == "trust":
        return 1.0
    # The 98th percentile: a handful of tiny hromadas with many officers would wash out the rest.
    return max(float(values.quantile(0.98)), 1.0)


def station_traces(stations: pd.DataFrame, lang: str) -> list[go.Scattermap]:
    """Two circle traces per kind (an outline underneath, the fill on top), legend per kind."""
    traces = []
    hromada = stations["hromada_name_en"] if lang == "en" else stations["hromada_name_uk"]
    for rank, kind in enumerate(STATION_KINDS):
        mask = (stations["kind"] == kind).to_numpy()
        part = stations[mask]
        if part.empty:
            continue
        fill, size, ring = STATION_STYLE[kind]
        label = t("map.legend_count", lang, label=t(f"station.{kind}", lang), n=fmt_int(len(part), lang))
        names = part["name"].fillna("").tolist()
        hov = [
            "<br>".join(
                x
                for x in (
                    f"<b>{t(f'station.{kind}', lang)}</b>",
                    nm,
                    str(hr),
                    t("map.hover.opened", lang, value=fmt_date(op, lang)),
                    t("map.hover.imputed", lang) if imp else "",
                )
                if x
            )
            for nm, hr, op, imp in zip(
                names, hromada[mask], part["opened_on"], part["is_location_imputed"], strict=True
            )
        ]
        common = {
            "lat": part["lat"].tolist(),
            "lon": part["lon"].tolist(),
            "legendgroup": kind,
            "customdata": [[c] for c in part["hromada_katottg"]],
        }
        traces.append(
            go.Scattermap(
                mode="markers",
                marker={"size": size + 3, "color": ring},
                hoverinfo="skip",
                showlegend=False,
                **common,
            )
        )
        traces.append(
            go.Scattermap(
                mode="markers",
                marker={"size": size, "color": fill},
                name=label,
                hovertext=hov,
                hovertemplate="%{hovertext}<extra></extra>",
                legendrank=50 + rank,
                **common,
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
        custom = p.get("customdata")
        if isinstance(custom, list) and custom:
            return str(custom[0])
        if isinstance(custom, str):
            return custom
        if p.get("location"):
            return str(p["location"])
    return None


def layer_subset(text: str, ids: Iterable[str]) -> dict:
    """The features of `ids` from a layer, as a FeatureCollection (e.g. one oblast's outline)."""
    wanted = set(ids)
    return {
        "type": "FeatureCollection",
        "features": [f for f in parse_geometry(text)["features"] if f["properties"]["katottg"] in wanted],
    }
