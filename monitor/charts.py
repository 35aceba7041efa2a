"""Chart builders for the overview and rollout pages (plotly figures; pure, no streamlit).

Colours: Okabe–Ito, which viewers with the common colour-vision deficiencies can tell apart;
a line is also told by its legend entry and hover text, the national line by its dash, and
published figures by their marker shape — never by colour alone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from monitor.formatting import fmt_date, fmt_int, plotly_separators
from monitor.i18n import t

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NATIONAL_COLOUR = "#000000"
PUBLISHED_COLOUR = "#D55E00"
EVENT_COLOUR = "#666666"
FONT = {"family": "sans-serif", "size": 13}


def hover_date_format(lang: str) -> str:
    return "%d %b %Y" if lang == "en" else "%d.%m.%Y"


def axis_date_format(lang: str) -> str:
    # Month names would come from plotly's English locale; Ukrainian axes use numeric months.
    return "%b %Y" if lang == "en" else "%m.%Y"


def value_format(kind: str) -> str:
    """d3 format of a metric kind (separators follow layout.separators)."""
    return ".1%" if kind == "share" else ",d"


def base_layout(fig: go.Figure, lang: str, height: int = 420, y_kind: str = "int") -> go.Figure:
    fig.update_layout(
        height=height,
        separators=plotly_separators(lang),
        font=FONT,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        hovermode="x unified",
        plot_bgcolor="#FFFFFF",
    )
    fig.update_xaxes(tickformat=axis_date_format(lang), showgrid=True, gridcolor="#EEEEEE",
                     hoverformat=hover_date_format(lang))
    fig.update_yaxes(tickformat=".0%" if y_kind == "share" else ",d", showgrid=True,
                     gridcolor="#EEEEEE", rangemode="tozero")
    return fig


def add_events(fig: go.Figure, events: dict[str, dt.date], lang: str, label: bool = True) -> go.Figure:
    """Vertical dotted lines on every subplot at each event, labelled on the first."""
    for i, (key, day) in enumerate(events.items()):
        x = day.isoformat()
        fig.add_vline(x=x, line={"color": EVENT_COLOUR, "dash": "dot", "width": 1.2},
                      row="all", col="all")
        if label:
            fig.add_annotation(
                x=x, y=1.0, yref="paper", xref="x", text=t(f"event.{key}", lang, date=fmt_date(day, lang)),
                showarrow=False, xanchor="left", yanchor="bottom" if i % 2 == 0 else "top",
                font={"size": 11, "color": EVENT_COLOUR}, bgcolor="rgba(255,255,255,0.8)",
            )
    return fig


def _hover(label: str, kind: str) -> str:
    return f"{label}: %{{y:{value_format(kind)}}}<extra></extra>"


def rollout_lines(series: pd.DataFrame, metric: str, kind: str, names: dict[str, str], lang: str,
                  events: dict[str, dt.date], national: pd.DataFrame | None = None) -> go.Figure:
    """One line per chosen scope of rollout_monthly (`names`: scope code -> shown name), and the
    national line (black, dashed) when given — only meaningful for shares."""
    fig = go.Figure()
    for i, (code, name) in enumerate(names.items()):
        part = series[series["scope_katottg"] == code]
        fig.add_trace(go.Scatter(
            x=part["on_date"], y=part[metric], name=name, mode="lines",
            line={"color": OKABE_ITO[i % len(OKABE_ITO)], "width": 2.2},
            hovertemplate=_hover(name, kind),
        ))
    if national is not None and not national.empty:
        label = t("common.national", lang)
        fig.add_trace(go.Scatter(
            x=national["on_date"], y=national[metric], name=label, mode="lines",
            line={"color": NATIONAL_COLOUR, "width": 2.5, "dash": "dash"},
            hovertemplate=_hover(label, kind),
        ))
    base_layout(fig, lang, height=460, y_kind=kind)
    fig.update_layout(yaxis_title=t(f"metric.{metric}", lang))
    return add_events(fig, events, lang)


def small_multiples(series: pd.DataFrame, metric: str, kind: str, names: dict[str, str], lang: str,
                    events: dict[str, dt.date], national: pd.DataFrame | None = None,
                    wrap: int = 5) -> go.Figure:
    """A panel per scope (`names` in display order) with the metric's monthly line; for shares the
    national line repeats, dashed, in every panel as the yardstick."""
    from plotly.subplots import make_subplots

    codes = list(names)
    rows = (len(codes) + wrap - 1) // wrap
    fig = make_subplots(rows=rows, cols=wrap, subplot_titles=[names[c] for c in codes],
                        shared_xaxes=True, shared_yaxes=(kind == "share"),
                        vertical_spacing=0.5 / max(rows, 1) / 2 + 0.02, horizontal_spacing=0.03)
    nat_label = t("common.national", lang)
    for i, code in enumerate(codes):
        r, c = i // wrap + 1, i % wrap + 1
        part = series[series["scope_katottg"] == code]
        fig.add_trace(go.Scatter(x=part["on_date"], y=part[metric], mode="lines", name=names[code],
                                 line={"color": OKABE_ITO[0], "width": 1.8}, showlegend=False,
                                 hovertemplate=_hover(names[code], kind)), row=r, col=c)
        if national is not None and kind == "share":
            fig.add_trace(go.Scatter(x=national["on_date"], y=national[metric], mode="lines",
                                     name=nat_label, line={"color": NATIONAL_COLOUR, "width": 1, "dash": "dash"},
                                     showlegend=(i == 0), hovertemplate=_hover(nat_label, kind)),
                          row=r, col=c)
    base_layout(fig, lang, height=max(180 * rows, 300), y_kind=kind)
    fig.update_annotations(font={"size": 11})
    fig.update_layout(hovermode="closest", margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_xaxes(showticklabels=True, tickfont={"size": 9}, nticks=4)
    fig.update_yaxes(tickfont={"size": 9}, nticks=4)
    return add_events(fig, events, lang, label=False)


def national_vs_published(series: pd.DataFrame, column: str, published: pd.DataFrame, metric: str,
                          lang: str, events: dict[str, dt.date]) -> go.Figure:
    """The data's national line of one metric with the published figures as diamonds (hover shows
    the published value, the data's value and the source)."""
    fig = go.Figure()
    data_label = t("overview.series_data", lang)
    fig.add_trace(go.Scatter(x=series["on_date"], y=series[column], name=data_label, mode="lines",
                             line={"color": OKABE_ITO[0], "width": 2.5},
                             hovertemplate=_hover(data_label, "int")))
    pub = published[published["metric"] == metric]
    if not pub.empty:
        text = [
            t("overview.published_hover", lang, value=fmt_int(v, lang), data=fmt_int(d, lang),
              date=fmt_date(day, lang), source=str(s or ""))
            for v, d, day, s in zip(pub["published"], pub["data"], pub["milestone_date"],
                                    pub["source_name"], strict=True)
        ]
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(pub["milestone_date"]), y=pub["published"], mode="markers",
            name=t("overview.series_published", lang),
            marker={"symbol": "diamond", "size": 11, "color": PUBLISHED_COLOUR,
                    "line": {"color": "#000000", "width": 1}},
            text=text, hovertemplate="%{text}<extra></extra>",
        ))
    base_layout(fig, lang, height=380, y_kind="int")
    fig.update_layout(hovermode="closest", yaxis_title=t(f"metric.{metric}", lang))
    return add_events(fig, events, lang)


