"""The shared look of the time-series charts (plotly; pure).

Colours: Okabe–Ito, which viewers with the common colour-vision deficiencies can tell apart;
a line is also told by its legend entry and hover text, the national line by its dash, and
published figures by their marker shape — never by colour alone.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go

from monitor.formatting import fmt_date, plotly_separators
from monitor.i18n import t

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NATIONAL_COLOUR = "#000000"
PUBLISHED_COLOUR = "#D55E00"
EVENT_COLOUR = "#666666"
FONT = {"family": "sans-serif", "size": 13}


def plain(value: object) -> str:
    """A data string as plotly should show it: text. Plotly renders <b>, <a href> and friends in
    hover text, legend names and tick labels, and turns &lt; back into a shown '<'."""
    return html.escape("" if value is None else str(value), quote=False)


def hover_date_format(lang: str) -> str:
    return "%d %b %Y" if lang == "en" else "%d.%m.%Y"


def axis_date_format(lang: str) -> str:
    # Month names would come from plotly's English locale; Ukrainian axes use numeric months.
    return "%b %Y" if lang == "en" else "%m.%Y"


def value_format(kind: str) -> str:
    """d3 format of a metric kind (separators follow layout.separators)."""
    return ".1%" if kind == "share" else ",d"


def value_hover(label: str, kind: str) -> str:
    """A line's hovertemplate: its label and the value in the metric kind's format."""
    return f"{label}: %{{y:{value_format(kind)}}}<extra></extra>"


def base_layout(fig: go.Figure, lang: str, height: int = 420, y_kind: str = "int") -> go.Figure:
    fig.update_layout(
        height=height,
        separators=plotly_separators(lang),
        font=FONT,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        hovermode="x unified",
        plot_bgcolor="#FFFFFF",
    )
    fig.update_xaxes(tickformat=axis_date_format(lang), showgrid=True, gridcolor="#EEEEEE",
                     hoverformat=hover_date_format(lang))
    fig.update_yaxes(tickformat=".0%" if y_kind == "share" else ",d", showgrid=True,
                     gridcolor="#EEEEEE", rangemode="tozero")
    return fig


def _x_span(fig: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last dates the figure's traces hold (None when they hold none)."""
    xs = pd.to_datetime(pd.Series([x for tr in fig.data if getattr(tr, "x", None) is not None for x in tr.x]),
                        errors="coerce").dropna()
    return None if xs.empty else (xs.min(), xs.max())


def _label_anchor(day: dt.date, span) -> str:
    """Where an event's label sits on its line: from the line rightwards in the axis's first
    quarter, leftwards in its last, centred on it between (a narrow chart has room either side)."""
    if span is None or span[1] <= span[0]:
        return "left"
    at = (pd.Timestamp(day) - span[0]) / (span[1] - span[0])
    return "left" if at < 0.25 else "right" if at > 0.75 else "center"


def add_events(fig: go.Figure, events: dict[str, dt.date], lang: str, label: bool = True) -> go.Figure:
    """Vertical dotted lines on every subplot at each event, labelled on the first: a label runs
    away from the nearer edge (left of a line in the right half), so it is never cut at the edge.
    The time axis keeps to the data's dates (plotly would widen it to make room for the labels)."""
    span = _x_span(fig)
    if span is not None and events:
        span = (min(span[0], pd.Timestamp(min(events.values()))), max(span[1], pd.Timestamp(max(events.values()))))
        fig.update_xaxes(range=[span[0].isoformat(), span[1].isoformat()])
    for i, (key, day) in enumerate(events.items()):
        x = day.isoformat()
        fig.add_vline(x=x, line={"color": EVENT_COLOUR, "dash": "dot", "width": 1.2},
                      row="all", col="all")
        if label:
            fig.add_annotation(
                x=x, y=1.0, yref="paper", xref="x",
                text=f"{t(f'event.{key}', lang)}<br>{fmt_date(day, lang)}",  # two short lines
                showarrow=False, xanchor=_label_anchor(day, span),
                yanchor="bottom" if i % 2 == 0 else "top",
                font={"size": 11, "color": EVENT_COLOUR}, bgcolor="rgba(255,255,255,0.8)",
            )
    return fig
