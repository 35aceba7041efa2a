"""Rollout charts: one line per chosen oblast, or a small panel per oblast (plotly; pure)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from monitor.figures.common import NATIONAL_COLOUR, OKABE_ITO, add_events, base_layout, plain, value_hover
from monitor.i18n import t


def rollout_lines(series: pd.DataFrame, metric: str, kind: str, names: dict[str, str], lang: str,
                  events: dict[str, dt.date], national: pd.DataFrame | None = None) -> go.Figure:
    """One line per chosen scope of rollout_monthly (`names`: scope code -> shown name), and the
    national line (black, dashed) when given — only meaningful for shares."""
    fig = go.Figure()
    for i, (code, name) in enumerate(names.items()):
        name = plain(name)
        part = series[series["scope_katottg"] == code]
        fig.add_trace(go.Scatter(
            x=part["on_date"], y=part[metric], name=name, mode="lines",
            line={"color": OKABE_ITO[i % len(OKABE_ITO)], "width": 2.2},
            hovertemplate=value_hover(name, kind),
        ))
    if national is not None and not national.empty:
        label = t("common.national", lang)
        fig.add_trace(go.Scatter(
            x=national["on_date"], y=national[metric], name=label, mode="lines",
            line={"color": NATIONAL_COLOUR, "width": 2.5, "dash": "dash"},
            hovertemplate=value_hover(label, kind),
        ))
    base_layout(fig, lang, height=460, y_kind=kind)
    fig.update_layout(yaxis_title=t(f"metric.{metric}", lang))
    return add_events(fig, events, lang)


def small_multiples(series: pd.DataFrame, metric: str, kind: str, names: dict[str, str], lang: str,
                    events: dict[str, dt.date], national: pd.DataFrame | None = None,
                    wrap: int = 5) -> go.Figure:
    """A panel per scope (`names` in display order) with the metric's monthly line; for shares the
    national line repeats, dashed, in every panel as the yardstick."""
    codes = list(names)
    rows = (len(codes) + wrap - 1) // wrap
    fig = make_subplots(rows=rows, cols=wrap, subplot_titles=[plain(names[c]) for c in codes],
                        shared_xaxes=True, shared_yaxes=(kind == "share"),
                        vertical_spacing=0.5 / max(rows, 1) / 2 + 0.02, horizontal_spacing=0.03)
    nat_label = t("common.national", lang)
    for i, code in enumerate(codes):
        r, c = i // wrap + 1, i % wrap + 1
        part = series[series["scope_katottg"] == code]
        fig.add_trace(go.Scatter(x=part["on_date"], y=part[metric], mode="lines", name=plain(names[code]),
                                 line={"color": OKABE_ITO[0], "width": 1.8}, showlegend=False,
                                 hovertemplate=value_hover(plain(names[code]), kind)), row=r, col=c)
        if national is not None and kind == "share":
            fig.add_trace(go.Scatter(x=national["on_date"], y=national[metric], mode="lines",
                                     name=nat_label, line={"color": NATIONAL_COLOUR, "width": 1, "dash": "dash"},
                                     showlegend=(i == 0), hovertemplate=value_hover(nat_label, kind)),
                          row=r, col=c)
    base_layout(fig, lang, height=max(180 * rows, 300), y_kind=kind)
    fig.update_annotations(font={"size": 11})
    fig.update_layout(hovermode="closest", margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_xaxes(showticklabels=True, tickfont={"size": 9}, nticks=4)
    fig.update_yaxes(tickfont={"size": 9}, nticks=4)
    return add_events(fig, events, lang, label=False)
