"""The planning page's figures (plotly; pure, no streamlit).

Colours: Okabe–Ito; every series is also told apart by its legend entry, dash or marker shape.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from monitor import coverage, geometry
from monitor.figures import maps
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_signed_pp, plotly_separators
from monitor.i18n import t
from monitor.planning import universe
from monitor.planning.forecast import NATIONAL

BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#777777")
KIND_STYLE = {"officer": (BLUE, "solid"), "required": (GREEN, "solid")}
FONT = {"family": "sans-serif", "size": 13}


def _date_formats(lang: str) -> tuple[str, str]:
    """(axis tick format, hover format): Ukrainian axes use numeric months (plotly's month names
    are English)."""
    return ("%b %Y", "%d %b %Y") if lang == "en" else ("%m.%Y", "%d.%m.%Y")


# ---------------------------------------------------------------- the plan's map
def scope_view(state: pd.DataFrame, aspect: float = 1.7) -> dict[str, list[float]]:
    """The map view of the hromadas of `state` (their centres, padded): the whole country when
    they span most of it."""
    lat, lon = state["centre_lat"].dropna(), state["centre_lon"].dropna()
    if lat.empty or lon.max() - lon.min() > 12:
        return geometry.view_for_bounds(None, aspect)
    pad = 0.35  # degrees: a centre is up to ~30 km inside its hromada's outline
    return geometry.view_for_bounds((lon.min() - pad, lat.min() - pad, lon.max() + pad, lat.max() + pad), aspect)


def status_map(con, scope: str, lang: str, geometry_layer, outlines, height: int = 560) -> go.Figure:
    """The scope's hromadas (the whole universe for 'UA') coloured by their status on the as-of date:
    the base of the plan's map, independent of N and the weights (the page caches it per build).
    geometry_layer / outlines: the display-geometry layers as the page gives them (URL or GeoJSON)."""
    state = universe.hromada_state(con, universe.as_of(con))
    cov = state[state["has_geometry"] & ((state["oblast_katottg"] == scope) | (scope == NATIONAL))]
    # An oblast's map outlines that oblast only: its neighbours' outlines, cut by the view's edge,
    # would draw stray straight lines along it.
    if scope != NATIONAL:
        outline_ids = [scope]
    else:
        outline_ids = None if isinstance(outlines, dict) else sorted(state["oblast_katottg"].unique())
    # the territory outside the programme, drawn and labelled as on every map (national view)
    outside = coverage.outside_programme(con) if scope == NATIONAL else None
    spec = maps.MapSpec(outlines=outlines, outline_ids=outline_ids, view=scope_view(cov), height=height,
                        uirevision=scope, outside=outside)
    return maps.coverage_figure(cov, geometry_layer, lang, spec)


def add_plan(fig: go.Figure, plan: dict, lang: str) -> go.Figure:
    """A marker on every hromada the plan sends officers to (size by officers added), with the
    officers, the score and the order in the hover."""
    chosen = plan["chosen"].dropna(subset=["centre_lat", "centre_lon"])
    if chosen.empty:
        return fig
    name = chosen["name_en"] if lang == "en" else chosen["name_uk"]
    hover = [
        t("planning.map.hover", lang, name=n, added=fmt_int(a, lang), serving=fmt_int(s, lang),
          required=fmt_int(r, lang), score=fmt_num(sc, lang, 2), rank=fmt_int(k, lang))
        for n, a, s, r, sc, k in zip(name, chosen["officers_added"], chosen["officers_serving"],
                                     chosen["required_officers"], chosen["score"], chosen["rank"], strict=True)
    ]
    fig.add_trace(go.Scattergeo(
        lat=chosen["centre_lat"].tolist(), lon=chosen["centre_lon"].tolist(), mode="markers",
        # Black with a white ring: apart from every status colour of the map below.
        marker={"size": (8 + 4 * chosen["officers_added"].clip(upper=3)).tolist(), "color": "#000000",
                "symbol": "diamond", "line": {"width": 1.5, "color": "#FFFFFF"}},
        name=t("planning.map.legend", lang, n=fmt_int(len(chosen), lang)),
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", legendrank=1,
    ))
    return fig


def _x_end(milestones: pd.DataFrame, as_of: str, horizon: int) -> pd.Timestamp:
    """Right edge: six months past the latest finite P90 of the scope, at least two years ahead,
    at most the horizon."""
    start = pd.Timestamp(as_of)
    finite = [m for m in milestones["p90"] if math.isfinite(m)]
    months = min(max(max(finite, default=0) + 6, 24), horizon)
    return start + pd.DateOffset(months=int(months))


def _hline(y: float, colour: str, dash: str, yref: str = "y", xref: str = "x domain") -> dict:
    return {"type": "line", "xref": xref, "yref": yref, "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"color": colour, "dash": dash, "width": 1}}


def _label(x, y, text: str, colour: str, *, xref: str = "x domain", yref: str = "y", xanchor: str = "left",
           yanchor: str = "bottom") -> dict:
    return {"x": x, "y": y, "xref": xref, "yref": yref, "text": text, "showarrow": False, "xanchor": xanchor,
            "yanchor": yanchor, "font": {"size": 11, "color": colour}, "bgcolor": "rgba(255,255,255,0.75)"}


def forecast_figure(fc: dict, scope: str, lang: str, height: int = 720) -> go.Figure:
    """Two panels sharing the date axis. Top: assessable hromadas having an officer and at required
    strength (history by month, then the simulated P10–P90 band and P50 line), the 95 / 99 / 100 %
    lines, and the published hromada plans. Bottom: officers serving against the planned officers
    (targets, at each year's end) and the published officer plans. Published plans are national:
    shown on the national view only.

    Built as one figure from plain dicts (plotly's add_hline / make_subplots cost ~100 ms a call)."""
    tick, hover_fmt = _date_formats(lang)
    hist = fc["history"][fc["history"]["scope_katottg"] == scope].copy()
    hist["on_date"] = pd.to_datetime(hist["on_date"])
    fans = fc["fans"][fc["fans"]["scope_katottg"] == scope]
    ms = fc["milestones"][fc["milestones"]["scope_katottg"] == scope]
    x_end = _x_end(ms, fc["as_of"], fc["horizon"])
    top, bottom = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x", "yaxis": "y2"}
    traces = []
    for kind in ("officer", "required"):
        colour, _ = KIND_STYLE[kind]
        label = t(f"planning.fc.kind.{kind}", lang)
        col = "has_officer" if kind == "officer" else "at_required"
        f = fans[(fans["kind"] == kind) & (pd.to_datetime(fans["date"]) <= x_end)]
        traces += [
            go.Scatter(x=hist["on_date"], y=hist[col], mode="lines", name=label, legendgroup=kind,
                       line={"color": colour, "width": 2}, hovertemplate=f"{label}: %{{y:,d}}<extra></extra>", **top),
            go.Scatter(x=f["date"], y=f["p90"], mode="lines", line={"width": 0, "color": colour}, legendgroup=kind,
                       showlegend=False, hoverinfo="skip", **top),
            go.Scatter(x=f["date"], y=f["p10"], mode="lines", line={"width": 0, "color": colour}, fill="tonexty",
                       fillcolor=_rgba(colour, 0.18), name=t("planning.fc.band", lang, kind=label), legendgroup=kind,
                       hoverinfo="skip", **top),
            go.Scatter(x=f["date"], y=f["p50"], mode="lines", name=t("planning.fc.p50", lang, kind=label),
                       legendgroup=kind, line={"color": colour, "dash": "dash", "width": 2},
                       customdata=np.stack([f["p10"], f["p90"]], axis=1),
                       hovertemplate=t("planning.fc.hover_p50", lang, kind=label) + "<extra></extra>", **top),
        ]
    shapes, notes = [], []
    total = int(ms["total"].iloc[0]) if len(ms) else 0
    levels = [math.ceil(share * total - 1e-9) for share in (1.0, 0.99, 0.95)]
    shapes += [_hline(level, GREY, "solid" if i == 0 else "dot") for i, level in enumerate(levels)]
    # One label for the three lines (they lie within a few per cent of each other).
    notes.append(_label(0, levels[0], t("planning.fc.levels", lang, n100=fmt_int(levels[0], lang),
                                        n99=fmt_int(levels[1], lang), n95=fmt_int(levels[2], lang)), GREY))
    if scope == NATIONAL:
        traces += _plan_traces(fc["plans"], fc["history"], lang, top, bottom)
    traces.append(go.Scatter(x=hist["on_date"], y=hist["officers_serving"], mode="lines",
                             name=t("planning.fc.officers", lang), line={"color": PINK, "width": 2},
                             hovertemplate=t("planning.fc.officers", lang) + ": %{y:,d}<extra></extra>", **bottom))
    planned = fc["planned"][fc["planned"]["scope_katottg"] == scope]
    if len(planned):
        traces.append(go.Scatter(
            x=[pd.Timestamp(year=int(y), month=12, day=31) for y in planned["year"]], y=planned["planned_officers"],
            mode="markers", name=t("planning.fc.targets", lang), customdata=planned["year"],
            marker={"symbol": "line-ew-open", "size": 18, "color": "#000000", "line": {"width": 2.5}},
            hovertemplate=t("planning.fc.targets_hover", lang) + "<extra></extra>", **bottom))
    today = pd.Timestamp(fc["as_of"]).isoformat()
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": today, "x1": today, "y0": 0, "y1": 1,
                   "line": {"color": GREY, "dash": "dot", "width": 1}})
    notes.append(_label(today, 0.40, t("planning.fc.today", lang, date=fmt_date(fc["as_of"], lang)), GREY,
                        xref="x", yref="paper", yanchor="top"))
    for y, key in ((1.0, "planning.fc.top_title"), (0.34, "planning.fc.bottom_title")):
        notes.append({"x": 0, "y": y, "xref": "paper", "yref": "paper", "text": f"<b>{t(key, lang)}</b>",
                      "showarrow": False, "xanchor": "left", "yanchor": "bottom", "font": {"size": 13}})
    fig = go.Figure(data=traces, layout={
        "xaxis": {"tickformat": tick, "hoverformat": hover_fmt, "range": [hist["on_date"].min(), x_end],
                  "anchor": "y2", "showgrid": True, "gridcolor": "#EEEEEE"},
        "yaxis": {"domain": [0.42, 0.97], "tickformat": ",d", "rangemode": "tozero", "showgrid": True,
                  "gridcolor": "#EEEEEE"},
        "yaxis2": {"domain": [0.0, 0.33], "tickformat": ",d", "rangemode": "tozero", "showgrid": True,
                   "gridcolor": "#EEEEEE"},
        "shapes": shapes, "annotations": notes, "hovermode": "x unified",
        **_base_layout(lang, height),
    })
    return fig


def _plan_traces(plans: pd.DataFrame, history: pd.DataFrame, lang: str, top: dict, bottom: dict) -> list:
    """Published plans with a date: hromadas (top panel), officers (bottom); a share plan is drawn
    at that share of the hromadas assessable on its date."""
    national = history[history["scope_katottg"] == NATIONAL].assign(on_date=lambda d: pd.to_datetime(d["on_date"]))
    dated = plans.dropna(subset=["by_date"])
    traces = []
    for panel, axes, metrics, symbol in ((1, top, ("hromadas_covered", "hromadas_covered_share"), "star"),
                                         (2, bottom, ("officers", "officers_selected"), "star-diamond")):
        part = dated[dated["metric"].isin(metrics)]
        if part.empty:
            continue
        xs, ys, texts = [], [], []
        for r in part.itertuples(index=False):
            day = pd.Timestamp(r.by_date)
            value = float(r.value)
            if r.metric == "hromadas_covered_share":
                before = national[national["on_date"] <= day]
                base = before["assessable"].iloc[-1] if len(before) else national["assessable"].iloc[0]
                value = value * float(base)
            xs.append(day)
            ys.append(value)
            texts.append(t("planning.fc.plan_hover", lang, value=fmt_int(value, lang), date=fmt_date(day, lang),
                           note=str(r.note), source=str(r.source)))
        traces.append(go.Scatter(x=xs, y=ys, mode="markers", name=t(f"planning.fc.plans_{panel}", lang),
                                 marker={"symbol": symbol, "size": 12, "color": VERMILLION,
                                         "line": {"width": 1, "color": "#000000"}},
                                 hovertext=texts, hovertemplate="%{hovertext}<extra></extra>", **axes))
    return traces


def _base_layout(lang: str, height: int) -> dict:
    return {"height": height, "separators": plotly_separators(lang), "font": FONT, "plot_bgcolor": "#FFFFFF",
            "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "hoverlabel": {"align": "left"},
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.08, "xanchor": "left", "x": 0}}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


# ---------------------------------------------------------------- the event study
def event_study_figure(est: dict, lang: str, height: int = 480) -> go.Figure:
    """Effect by waves since the first officer's arrival (0 = the wave of arrival), in percentage
    points with 95 % intervals: waves before arrival (the parallel-trends check) in grey, after in
    blue; the did2s cross-check beside each point; zero, the overall estimate and, on demo data,
    the planted effect as horizontal lines."""
    es = est["event_study"]
    es = es[es["shown"]]
    cross = est["cross_check_event_study"]
    cross = cross[cross["event_time"].isin(es["event_time"])]

    def bars(part: pd.DataFrame, colour: str, thickness: float) -> dict:
        return {"type": "data", "symmetric": False, "array": ((part["ci_high"] - part["estimate"]) * 100).tolist(),
                "arrayminus": ((part["estimate"] - part["ci_low"]) * 100).tolist(), "color": colour,
                "thickness": thickness, "width": 4}

    traces = []
    for pre, colour, key in ((True, GREY, "pre"), (False, BLUE, "post")):
        part = es[(es["is_pre"] == pre) & ~es["is_reference"]]
        traces.append(go.Scatter(
            x=part["event_time"], y=part["estimate"] * 100, mode="markers", name=t(f"planning.es.{key}", lang),
            marker={"size": 9, "color": colour}, error_y=bars(part, colour, 1.4),
            hovertext=[_es_hover(r, lang) for r in part.itertuples(index=False)],
            hovertemplate="%{hovertext}<extra></extra>"))
    ref = es[es["is_reference"]]
    traces.append(go.Scatter(x=ref["event_time"], y=[0.0] * len(ref), mode="markers",
                             name=t("planning.es.reference", lang),
                             marker={"size": 10, "color": "#FFFFFF", "line": {"color": "#000000", "width": 1.5}},
                             hovertemplate=t("planning.es.reference_hover", lang) + "<extra></extra>"))
    traces.append(go.Scatter(
        x=cross["event_time"] + 0.25, y=cross["estimate"] * 100, mode="markers",
        name=t("planning.es.cross_check", lang), marker={"size": 7, "color": ORANGE, "symbol": "diamond"},
        error_y=bars(cross, ORANGE, 1.0), hovertemplate=t("planning.es.cross_hover", lang) + "<extra></extra>"))
    overall = est["overall"]["estimate"]
    shapes = [_hline(0, "#000000", "solid"), _hline(overall * 100, BLUE, "dash"),
              {"type": "line", "xref": "x", "yref": "paper", "x0": -0.5, "x1": -0.5, "y0": 0, "y1": 1,
               "line": {"color": GREY, "dash": "dot", "width": 1}}]
    # Labels at the left, over the waves before arrival, whose points lie near zero.
    notes = [_label(0, overall * 100, t("planning.es.overall_line", lang, value=fmt_signed_pp(overall, lang)), BLUE,
                    yanchor="top"),
             _label(-0.5, 1.0, t("planning.es.arrival", lang), GREY, xref="x", yref="paper", yanchor="top")]
    if est.get("planted") is not None:
        shapes.append(_hline(est["planted"] * 100, VERMILLION, "dot"))
        notes.append(_label(0, est["planted"] * 100, t("planning.es.planted_line", lang,
                                                        value=fmt_signed_pp(est["planted"], lang)),
                            VERMILLION, yanchor="bottom"))
    return go.Figure(data=traces, layout={
        "xaxis": {"title": {"text": t("planning.es.x_title", lang)}, "tick0": 0, "dtick": 2, "tickangle": 0,
                  "zeroline": False, "showgrid": True, "gridcolor": "#EEEEEE"},
        "yaxis": {"title": {"text": t("planning.es.y_title", lang)}, "zeroline": False, "showgrid": True,
                  "gridcolor": "#EEEEEE"},
        "shapes": shapes, "annotations": notes, **_base_layout(lang, height),
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0},
    })


def _es_hover(r, lang: str) -> str:
    return t("planning.es.hover", lang, e=fmt_int(r.event_time, lang), value=fmt_signed_pp(r.estimate, lang),
             low=fmt_signed_pp(r.ci_low, lang), high=fmt_signed_pp(r.ci_high, lang),
             cohorts=fmt_int(r.n_cohorts, lang))
