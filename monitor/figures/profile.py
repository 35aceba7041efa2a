"""A hromada's charts: its status month by month, and its officers over time (plotly; pure)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import vocabulary
from monitor.coverage import STATUSES, status_label
from monitor.figures.common import plain
from monitor.formatting import fmt_date, fmt_int, fmt_month, plotly_separators
from monitor.i18n import t

STATUS_COLOURS = vocabulary.STATUSES.attr("colour")
SERVING_COLOUR = "#0072B2"
ENDED_COLOUR = "#999999"
REQUIRED_COLOUR = "#D55E00"
# The two charts of a profile share one time axis: the same date range and the same left margin
# (wide enough for the status labels), so a month sits at the same x in both.
LEFT_MARGIN = 250


def _shared_time_axis(fig: go.Figure, history: pd.DataFrame) -> None:
    if len(history):
        dates = pd.to_datetime(history["on_date"])
        fig.update_xaxes(range=[dates.min() - pd.Timedelta(days=15), dates.max() + pd.Timedelta(days=15)])
    fig.update_yaxes(automargin=False)


def status_figure(history: pd.DataFrame, lang: str) -> go.Figure:
    """Status by month as a step line across the ordered statuses (labels on the axis, so the
    status is read from the position as well as the colour)."""
    labels = [status_label(s, lang) for s in reversed(STATUSES)]
    hover = [
        f"{fmt_month(d, lang)}: {status_label(s, lang)}<br>"
        + t("profile.hover.officers", lang, serving=fmt_int(o, lang), required=fmt_int(r, lang))
        for d, s, o, r in zip(history["on_date"], history["status"], history["officers_serving"],
                              history["required_officers"], strict=True)
    ]
    fig = go.Figure(
        go.Scatter(
            x=pd.to_datetime(history["on_date"]),
            y=[status_label(s, lang) for s in history["status"]],
            mode="lines+markers",
            line={"shape": "hv", "color": "#777777", "width": 1.5},
            marker={"color": [STATUS_COLOURS[s] for s in history["status"]], "size": 7},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(
        yaxis={"categoryorder": "array", "categoryarray": labels, "title": None},
        xaxis={"title": None},
        height=260,
        margin={"l": LEFT_MARGIN, "r": 10, "t": 10, "b": 30},
        separators=plotly_separators(lang),
    )
    _shared_time_axis(fig, history)
    return fig


def officers_figure(assignments: pd.DataFrame, history: pd.DataFrame, as_of: str, lang: str) -> go.Figure:
    """A timeline bar per assignment (pseudonymous id) above the monthly serving count against
    the required number."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.14)
    for trace in _assignment_bars(assignments, pd.Timestamp(as_of), lang):
        fig.add_trace(trace, row=1, col=1)
    for trace in _serving_lines(history, lang):
        fig.add_trace(trace, row=2, col=1)
    fig.update_yaxes(title=None, autorange="reversed", row=1, col=1)
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    top = max(
        int(history["officers_serving"].max() if len(history) else 0),
        int(history["required_officers"].max() if len(history) else 0),
        1,
    )
    fig.update_yaxes(title=None, rangemode="tozero", tick0=0, dtick=max(1, -(-top // 4)), row=2, col=1)
    fig.update_layout(
        height=min(300 + 22 * max(len(assignments), 1), 740),
        # The legend above the plot: below it, it covered the shared date axis.
        margin={"l": LEFT_MARGIN, "r": 10, "t": 36, "b": 30},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "right", "x": 1},
        separators=plotly_separators(lang),
    )
    _shared_time_axis(fig, history)
    return fig


def _assignment_bars(assignments: pd.DataFrame, as_of: pd.Timestamp, lang: str) -> list[go.Scatter]:
    """A bar per assignment from its start to its end (or the as-of date while serving)."""
    bars = []
    for r in assignments.itertuples(index=False):
        start = pd.Timestamp(r.start_date)
        serving = pd.isna(r.end_date)
        end = as_of if serving else pd.Timestamp(r.end_date)
        officer = plain(r.officer_id)  # a tick label and a hover: text, whatever the file held
        hover = "<br>".join([
            f"<b>{officer}</b>",
            t("profile.hover.assignment", lang, start=fmt_date(start, lang),
              end=t("profile.serving_now", lang) if serving else fmt_date(end, lang)),
        ])
        bars.append(go.Scatter(
            x=[start, end],
            y=[officer, officer],
            mode="lines+markers",
            line={"color": SERVING_COLOUR if serving else ENDED_COLOUR, "width": 8},
            marker={"size": 4, "color": "#000000"},
            hovertext=[hover, hover],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        ))
    return bars


def _serving_lines(history: pd.DataFrame, lang: str) -> list[go.Scatter]:
    """Officers serving and officers required by month, as steps."""
    x = pd.to_datetime(history["on_date"])
    return [
        go.Scatter(x=x, y=history["officers_serving"], mode="lines", line={"shape": "hv", "color": SERVING_COLOUR},
                   name=t("profile.serving", lang)),
        go.Scatter(x=x, y=history["required_officers"], mode="lines",
                   line={"shape": "hv", "color": REQUIRED_COLOUR, "dash": "dash"}, name=t("profile.required", lang)),
    ]
