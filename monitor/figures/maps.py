"""The coverage map: hromadas by coverage status or a metric, oblast outlines, stations.

Drawn as plotly 'geo' traces (SVG: go.Choropleth, go.Scattergeo) on a Mercator projection with
every base layer off, not as 'map' traces (MapLibre/WebGL): with the software WebGL of a plain
server or laptop the SVG map is drawn in about half the time. Offline by construction: no tiles,
and the base-layer topojson plotly.js insists on loading for a geo subplot is an empty stub
given inline as a data: URL (TOPOJSON_URL, passed in the plotly config) instead of
cdn.plot.ly. The geometry is either inlined (a GeoJSON dict; each status trace carries only its
own features, so the geometry is sent once) or given as a same-origin relative URL (the browser
fetches it once and plotly keeps it across reruns).

A figure is coverage_figure(hromadas, geometry, lang, spec): the MapSpec says what else is drawn
and how (metric, view, outlines, highlight, stations, counts, size).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import quote

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import vocabulary
from monitor.coverage import ASSESSABLE_STATUSES, STATUSES, MapScope, status_label
from monitor.figures.common import plain
from monitor.formatting import fmt_date, fmt_int, fmt_num, plotly_separators
from monitor.geometry import UKRAINE_VIEW, View, feature_subset, geometry_ids, is_country_view, view_for_bounds
from monitor.i18n import name_col, t
from monitor.survey import value_text

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
# What the map can colour hromadas by: metric -> column of the hromada rows (None: the status).
METRIC_COLUMNS = {"status": None, "officers_per_10k": "officers_per_10k", "officer_gap": "officer_gap",
                  "trust": "trust_share"}
METRICS = tuple(METRIC_COLUMNS)
STATUS_COLOURS = vocabulary.STATUSES.attr("colour")
# How the territory outside the programme's universe is filled (outside_programme.drawn_as):
# occupied since 2014 as occupied territory (the not-assessable grey), Kyiv city in a pale neutral.
OUTSIDE_COLOURS = {"occupied": STATUS_COLOURS["not_assessable"], "outside": STATUS_COLOURS["outside_programme"]}
NO_VALUE_COLOUR = "#EEEEEE"
# The per-10k and gap scales start at a tint, not at white: zero (no officer, no gap) must not
# read as the page's background (ColorBrewer Blues / Oranges from their third class).
METRIC_COLOURSCALES = {
    "officers_per_10k": [[0, "#c6dbef"], [0.5, "#4292c6"], [1, "#08306b"]],
    "officer_gap": [[0, "#fdd0a2"], [0.5, "#f16913"], [1, "#7f2704"]],
    "trust": "Viridis",
}
TRANSPARENT = "rgba(0,0,0,0)"
OUTLINE = ("#444444", 0.8)  # colour, width of the oblast borders
HIGHLIGHT = ("#000000", 2.5)  # of the chosen oblast's border
KATOTTG_LENGTH = 19
OUTSIDE_MARK = "outside_programme"

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


# ---------------------------------------------------------------- what to draw
@dataclass(frozen=True)
class MapSpec:
    """Everything a coverage map draws besides the hromadas, and how.

    metric: one of METRICS. view: geometry.view_for_bounds(). outlines: the oblast layer (dict or
    URL), drawn as lines; outline_ids: its feature codes (default: the dict's, or the oblasts of
    the hromadas drawn). highlight: one oblast's FeatureCollection drawn bold. stations:
    monitor.coverage.stations_open_on rows. count_oblast: the legend counts only that oblast's
    hromadas and stations (the view), not all drawn. uirevision: plotly keeps zoom and legend
    choices while it stays the same.
    """

    metric: str = "status"
    view: View = field(default_factory=lambda: UKRAINE_VIEW)
    outlines: dict | str | None = None
    outline_ids: Sequence[str] | None = None
    highlight: dict | None = None
    stations: pd.DataFrame | None = None
    count_oblast: str | None = None
    height: int = 640
    uirevision: str = "ua"
    # the units outside the programme (monitor.coverage.outside_programme rows), drawn from the
    # oblast layer `outside_geometry` (default: `outlines`) as the config says, labelled
    outside: pd.DataFrame | None = None
    outside_geometry: dict | str | None = None
    # a legend entry longer than this many characters goes on two or more lines (a narrow map:
    # plotly cuts a legend at the figure's edge); None: one line each
    legend_chars: int | None = None


def map_aspect(metric: str) -> float:
    """The map area's width:height (~980 x 576 px at a 1440 px window): a metric's colour bar
    takes ~120 px of the width."""
    return 1.7 if metric == "status" else 1.45


def scope_spec(scope: MapScope, metric: str, outlines: dict | str, stations: pd.DataFrame | None,
               outside: pd.DataFrame | None = None) -> MapSpec:
    """The coverage page's map of a MapScope: zoomed to it, its oblast in bold, counts limited to it."""
    return MapSpec(
        outside=outside,
        metric=metric,
        view=view_for_bounds(scope.bounds, map_aspect(metric)),
        outlines=outlines,
        outline_ids=list(scope.outline_ids),
        highlight=scope.highlight,
        stations=stations,
        count_oblast=scope.count_oblast,
        uirevision=scope.oblast,
    )


# The whole country in the overview's half-width column (~480 x 320 px above the legend at 1440 px).
COUNTRY_THUMBNAIL = MapSpec(view=view_for_bounds(None, aspect=1.5), height=430, uirevision="overview",
                            legend_chars=34)


def country_thumbnail(outside: pd.DataFrame, oblast_layer: dict | str) -> MapSpec:
    """COUNTRY_THUMBNAIL with the territory outside the programme drawn from the oblast layer."""
    return replace(COUNTRY_THUMBNAIL, outside=outside, outside_geometry=oblast_layer)


# ---------------------------------------------------------------- the figure
def coverage_figure(cov: pd.DataFrame, geometry: dict | str, lang: str, spec: MapSpec | None = None) -> go.Figure:
    """The coverage map: one trace per status (so the status is in the legend and the hover, and
    each feature's geometry is sent once), coloured by status or, for a metric, on a shared colour
    axis; hromadas without a value and not-assessable ones in flat greys with their own legend.

    cov: monitor.coverage.coverage_on rows of the hromadas to draw (those with geometry); for
    metric 'trust' also trust_share / trust_too_few / trust_reporting (monitor.trust.with_oblast_trust).
    geometry: the hromada FeatureCollection (dict) or a relative URL to it. The OSM attribution
    is an annotation in the map's corner. spec: what else to draw (default: MapSpec()).
    """
    spec = spec if spec is not None else MapSpec()
    if spec.metric not in METRICS:
        raise ValueError(f"unknown metric {spec.metric!r}")
    if spec.outside is not None:  # drawn from the oblast layer below, once
        cov = cov[cov["status"] != "outside_programme"]
    drawn = _Drawn(cov, lang, spec.count_oblast)
    fig = go.Figure()
    if spec.outside is not None:
        fig.add_traces(_outside_traces(spec, lang))
    if spec.metric == "status":
        statuses = [s for s in STATUSES if spec.outside is None or s != "outside_programme"]
        fig.add_traces(_status_traces(drawn, geometry, lang, statuses))
    else:
        fig.add_traces(_metric_traces(drawn, geometry, spec.metric, lang))
        shown = drawn.values(spec.metric)[drawn.has_value(spec.metric)]
        fig.update_layout(coloraxis=_colour_axis(spec.metric, shown, lang))
    if spec.stations is not None and len(spec.stations):
        scale = 0.45 if is_country_view(spec.view) else 1.0
        fig.add_traces(station_traces(spec.stations, lang, scale=scale, count_oblast=spec.count_oblast))
    if spec.outlines is not None:
        fig.add_trace(_outline_trace(spec.outlines, _outline_ids(spec, drawn.cov), *OUTLINE))
    if spec.highlight is not None:
        fig.add_trace(_outline_trace(spec.highlight, geometry_ids(spec.highlight), *HIGHLIGHT))
    if spec.legend_chars:
        for trace in fig.data:
            if trace.showlegend and trace.name:
                trace.name = "<br>".join(textwrap.wrap(trace.name, spec.legend_chars))
    fig.update_layout(**_layout(spec, lang))
    return fig


class _Drawn:
    """The hromadas of one figure: their codes, hover fields and statuses, and which of them the
    legend counts."""

    def __init__(self, cov: pd.DataFrame, lang: str, count_oblast: str | None):
        self.cov = cov.reset_index(drop=True)
        self.lang = lang
        self.codes = self.cov["katottg"].to_numpy(dtype=str)
        self.custom = hover_data(self.cov, lang)
        self.status = self.cov["status"].to_numpy()
        self.counted = (
            (self.cov["oblast_katottg"] == count_oblast).to_numpy() if count_oblast else np.ones(len(self.cov), bool)
        )

    def pick(self, mask) -> tuple[np.ndarray, np.ndarray]:
        """The codes and hover rows of the hromadas of `mask`."""
        return self.codes[mask], self.custom[mask]

    def legend_name(self, label: str, mask) -> str:
        """'<label>: <n>', n the counted hromadas of `mask`."""
        return t("map.legend_count", self.lang, label=label, n=fmt_int(int((self.counted & mask).sum()), self.lang))

    def values(self, metric: str) -> pd.Series:
        return self.cov[METRIC_COLUMNS[metric]].astype("float64")

    def has_value(self, metric: str) -> np.ndarray:
        """Assessable hromadas with a value of the metric (the others are drawn grey)."""
        return self.values(metric).notna().to_numpy() & np.isin(self.status, ASSESSABLE_STATUSES)


def _outside_traces(spec: MapSpec, lang: str) -> list[go.Choropleth]:
    """The units outside the programme, one trace per reason, filled as occupied territory or
    neutral (outside_programme.drawn_as), the reason as the legend entry and the hover."""
    geometry = spec.outside_geometry if spec.outside_geometry is not None else spec.outlines
    if geometry is None or spec.outside is None or spec.outside.empty:
        return []
    known = set(geometry_ids(geometry)) if isinstance(geometry, dict) else None
    label_col = "label_en" if lang == "en" else "label_uk"
    traces = []
    for rank, (_code, part) in enumerate(spec.outside.groupby("code", sort=False)):
        ids = [c for c in part["oblast_katottg"] if known is None or c in known]
        if not ids:
            continue
        label = str(part[label_col].iloc[0])
        colour = OUTSIDE_COLOURS.get(str(part["drawn_as"].iloc[0]), OUTSIDE_COLOURS["outside"])
        traces.append(go.Choropleth(
            geojson=geometry if isinstance(geometry, str) else feature_subset(geometry, ids),
            featureidkey="properties.katottg", locations=ids, text=[label] * len(ids),
            customdata=[OUTSIDE_MARK] * len(ids),  # a click on it opens no profile
            marker={"line": {"width": 0.6, "color": "#FFFFFF"}, "opacity": 0.9},
            hovertemplate="<b>%{text}</b><extra></extra>", name=label, showlegend=True,
            legendrank=95 + rank, meta="outside", **_flat(colour, len(ids)),
        ))
    return traces


def _status_traces(drawn: _Drawn, geometry, lang: str, statuses=STATUSES) -> list[go.Choropleth]:
    """A flat-coloured trace per status, each in the legend with its count."""
    traces = []
    for rank, s in enumerate(statuses):
        mask = drawn.status == s
        traces.append(_hromada_trace(
            geometry, *drawn.pick(mask), s, lang, _flat(STATUS_COLOURS[s], int(mask.sum())),
            name=drawn.legend_name(status_label(s, lang), mask), showlegend=True, legendrank=rank,
        ))
    return traces


def _metric_traces(drawn: _Drawn, geometry, metric: str, lang: str) -> list[go.Choropleth]:
    """Per assessable status, the hromadas with a value on the colour axis and those without in
    grey (one shared legend entry); the not-assessable ones in their status grey."""
    values, has_value = drawn.values(metric), drawn.has_value(metric)
    not_assessable = ~np.isin(drawn.status, ASSESSABLE_STATUSES)  # not assessable or outside the programme
    traces = []
    for s in ASSESSABLE_STATUSES:
        mask = has_value & (drawn.status == s)
        ids, custom = drawn.pick(mask)
        if len(ids):
            traces.append(_hromada_trace(geometry, ids, custom, s, lang, _on_colour_axis(values[mask].to_numpy()),
                                         name=status_label(s, lang)))
    no_value_name = drawn.legend_name(t("map.no_value_trust" if metric == "trust" else "map.no_value", lang),
                                      ~has_value & ~not_assessable)
    first = True
    for s in ASSESSABLE_STATUSES:
        ids, custom = drawn.pick(~has_value & (drawn.status == s))
        if len(ids):
            # One legend entry for the greys of every status; they toggle together.
            traces.append(_hromada_trace(geometry, ids, custom, s, lang, _flat(NO_VALUE_COLOUR, len(ids)),
                                         name=no_value_name, showlegend=first, legendrank=90, legendgroup="no_value"))
            first = False
    for rank, s in enumerate(("not_assessable", "outside_programme")):
        mask = drawn.status == s
        ids, custom = drawn.pick(mask)
        if len(ids) or s == "not_assessable":
            traces.append(_hromada_trace(
                geometry, ids, custom, s, lang, _flat(STATUS_COLOURS[s], len(ids)),
                name=drawn.legend_name(status_label(s, lang), mask), showlegend=True, legendrank=91 + rank,
            ))
    return traces


def _colour_axis(metric: str, values: pd.Series, lang: str) -> dict:
    """The shared colour axis of a metric over the values drawn on it."""
    return {
        "colorscale": METRIC_COLOURSCALES[metric],
        "cmin": 0,
        "cmax": _metric_zmax(metric, values),
        "colorbar": {
            "title": {"text": metric_label(metric, lang), "side": "right"},
            "thickness": 14,
            "len": 0.6,
            "tickformat": ".0%" if metric == "trust" else None,
        },
    }


def _metric_zmax(metric: str, values: pd.Series) -> float:
    if values.empty or metric == "trust":
        return 1.0
    # The 98th percentile: a handful of tiny hromadas with many officers would wash out the rest.
    return max(float(values.quantile(0.98)), 1.0)


def _flat(colour: str, n: int) -> dict:
    return {"z": np.zeros(n, dtype=np.int8), "colorscale": [[0, colour], [1, colour]], "showscale": False}


def _on_colour_axis(z: np.ndarray) -> dict:
    return {"z": z, "coloraxis": "coloraxis"}


def _hromada_trace(geometry, ids: np.ndarray, custom: np.ndarray, status: str, lang: str, fill: dict,
                   **legend) -> go.Choropleth:
    """One trace of hromadas sharing a status, filled as `fill` says (_flat or _on_colour_axis);
    `legend`: name, showlegend, legendrank, legendgroup. meta='hromadas' tells them from the
    outline traces (the browser tests count their shapes)."""
    return go.Choropleth(
        geojson=geometry if isinstance(geometry, str) else feature_subset(geometry, ids),
        featureidkey="properties.katottg",
        locations=ids,
        marker={"line": {"width": 0.3, "color": "#FFFFFF"}, "opacity": 0.9},
        customdata=custom,
        hovertemplate=hover_template(status, lang),
        meta="hromadas",
        **{"name": "", "showlegend": False, "legendrank": 0, **legend},
        **fill,
    )


def _outline_ids(spec: MapSpec, cov: pd.DataFrame) -> list[str]:
    if spec.outline_ids is not None:
        return list(spec.outline_ids)
    if isinstance(spec.outlines, dict):
        return geometry_ids(spec.outlines)
    return sorted(cov["oblast_katottg"].unique())


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


def _layout(spec: MapSpec, lang: str) -> dict:
    """The geo subplot (no base map, Mercator, the spec's view), the attribution, the legend."""
    return {
        "geo": {
            "visible": False,
            "projection": {"type": "mercator"},
            "fitbounds": False,
            "lonaxis": {"range": spec.view["lon"]},
            "lataxis": {"range": spec.view["lat"]},
            "bgcolor": TRANSPARENT,
            "domain": {"x": [0, 1], "y": [0, 1]},
        },
        "annotations": [
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
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": spec.height,
        "separators": plotly_separators(lang),
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -0.01,
            "xanchor": "left",
            "x": 0,
            "itemclick": "toggle",
            "font": {"size": 12},
        },
        "uirevision": spec.uirevision,
        "hoverlabel": {"align": "left"},
    }


# ---------------------------------------------------------------- hover and labels
def metric_label(metric: str, lang: str) -> str:
    return t(f"map.metric.{metric}", lang)


def hover_data(cov: pd.DataFrame, lang: str) -> np.ndarray:
    """Per hromada the hover fields, formatted: name, oblast, population, officers, required,
    per 10k, and an extra line (territory status, trust) or ''. The labels and the status are in
    the trace's hovertemplate, once per trace rather than once per hromada (Cyrillic is sent as
    \\uXXXX escapes: six bytes a letter).

    An array of text (one row a hromada) rather than lists: plotly checks and deep-copies a list
    of lists element by element on every trace, such an array at once (the map page's rerun).
    """
    n = len(cov)
    extra = np.full(n, "", dtype=object)
    territory = cov["territory_status"].to_numpy(dtype=object)
    listed = territory != "none"
    if listed.any():
        partial = cov["is_partial_territory"].fillna(False).to_numpy(dtype=bool, copy=True)
        texts = {}
        for status in set(territory[listed]):
            whole = t(f"territory.{status}", lang)
            texts[status, False] = t("map.hover.territory", lang, value=whole)
            texts[status, True] = t("map.hover.territory", lang, value=t("map.hover.partial", lang, value=whole))
        extra[listed] = [f"<br>{texts[s, bool(p)]}" for s, p in zip(territory[listed], partial[listed], strict=True)]
    if "is_large_urban" in cov.columns:
        urban = cov["is_large_urban"].fillna(False).to_numpy(dtype=bool)
        if "status" in cov.columns:
            urban = urban & (cov["status"].to_numpy(dtype=object) != "outside_programme")
        extra[urban] = extra[urban] + "<br>" + t("map.hover.large_urban", lang)
    if "trust_share" in cov.columns:
        shares, too_few = cov["trust_share"], cov["trust_too_few"].fillna(False).astype(bool)
        told = (too_few | shares.notna()).to_numpy()
        extra[told] = extra[told] + np.array(
            ["<br>" + t("map.hover.trust", lang, value=value_text(v, r, lang))
             for v, r in zip(shares[told], cov["trust_reporting"][told], strict=True)], dtype=object)
    columns = [
        _each_value(cov[name_col(lang)], plain),
        _each_value(cov["oblast_" + name_col(lang)], plain),
        _each_value(cov["population_count"], lambda v: fmt_int(v, lang)),
        _each_value(cov["officers_serving"], lambda v: fmt_int(v, lang)),
        _each_value(cov["required_officers"], lambda v: fmt_int(v, lang)),
        _each_value(cov["officers_per_10k"], lambda v: fmt_num(v, lang, 2)),
    ]
    # Fixed-width text: plotly's deep copy of a trace is then one memcpy.
    return np.column_stack([*columns, extra]).astype(str).reshape(n, 7)


def _each_value(col: pd.Series, fmt) -> np.ndarray:
    """fmt over a column, once per distinct value (officer counts repeat a thousand times)."""
    values = col.astype(object).where(col.notna(), None).tolist()
    texts = {v: fmt(v) for v in dict.fromkeys(values)}
    return np.array([texts[v] for v in values], dtype=object)


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


# ---------------------------------------------------------------- stations
def station_traces(
    stations: pd.DataFrame, lang: str, scale: float = 1.0, count_oblast: str | None = None
) -> list[go.Scattergeo]:
    """One circle trace per kind (fill and a contrasting ring), legend per kind with its count of
    stations (only those of `count_oblast` when given). `scale` shrinks the markers for the
    national view, where a thousand stations would hide the map."""
    traces = []
    for rank, kind in enumerate(vocabulary.STATION_KINDS.codes):
        part = stations[stations["kind"] == kind]
        if part.empty:
            continue
        marker = vocabulary.STATION_KINDS[kind]["marker"]
        kind_label = t(f"station.{kind}", lang)
        counted = part if not count_oblast else part[part["oblast_katottg"] == count_oblast]
        traces.append(
            go.Scattergeo(
                lat=part["lat"].to_numpy(dtype="float64"),
                lon=part["lon"].to_numpy(dtype="float64"),
                mode="markers",
                marker={
                    "size": round(marker["size"] * scale, 1),
                    "color": marker["colour"],
                    "symbol": marker["symbol"],  # shape as well as colour tells the kinds apart
                    "line": {"width": max(1.0, 1.5 * scale), "color": marker["ring"]},
                },
                name=t("map.legend_count", lang, label=kind_label, n=fmt_int(int(counted["n_stations"].sum()), lang)),
                customdata=_station_hover_data(part, lang),
                hovertemplate=(
                    f"<b>{kind_label}</b><br>%{{customdata[1]}}<br>"
                    + t("map.hover.opened", lang, value="%{customdata[2]}")
                    + "%{customdata[3]}<extra></extra>"
                ),
                legendgroup=kind,
                legendrank=50 + rank,
            )
        )
    return traces


def _station_hover_data(part: pd.DataFrame, lang: str) -> np.ndarray:
    """Per marker: its hromada's code first (a click opens that hromada), name, opening date, and
    lines for an imputed location and for a marker standing for several stations (an array, as
    hover_data says why)."""
    imputed = "<br>" + t("map.hover.imputed", lang)
    cols = [part[c].to_numpy(dtype=object) for c in ("hromada_katottg", "name", "opened_on", "is_location_imputed",
                                                       "n_stations")]
    rows = [
        [
            code,
            plain(name) if isinstance(name, str) else "",
            fmt_date(opened, lang),
            (imputed if is_imputed else "")
            + ("<br>" + t("map.hover.n_stations", lang, n=fmt_int(n, lang)) if n > 1 else ""),
        ]
        for code, name, opened, is_imputed, n in zip(*cols, strict=True)
    ]
    return np.array(rows, dtype=str).reshape(len(part), 4)


# ---------------------------------------------------------------- clicks
def selected_hromada(event) -> str | None:
    """The hromada code a plotly selection event points at (a hromada shape or a station), else None."""
    if not event:
        return None
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points:
        if p.get("customdata") == OUTSIDE_MARK:  # territory outside the programme
            continue
        if p.get("location"):  # a hromada shape
            return str(p["location"])
        custom = p.get("customdata")  # a station: its hromada's code first
        if isinstance(custom, list) and custom and _is_code(custom[0]):
            return str(custom[0])
    return None


def _is_code(value) -> bool:
    return isinstance(value, str) and len(value) == KATOTTG_LENGTH and value.startswith("UA")
