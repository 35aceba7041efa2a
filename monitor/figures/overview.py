"""The overview's chart: the data's national line beside the figures leadership published."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from monitor.figures.common import OKABE_ITO, PUBLISHED_COLOUR, add_events, base_layout, value_hover
from monitor.formatting import fmt_date, fmt_int
from monitor.i18n import t


def national_vs_published(series: pd.DataFrame, column: str, published: pd.DataFrame, metric: str,
                          lang: str, events: dict[str, dt.date]) -> go.Figure:
    """The data's national line of one metric with the published figures as diamonds (hover shows
    the published value, the data's value and the source)."""
    fig = go.Figure()
    data_label = t("overview.series_data", lang)
    fig.add_trace(go.Scatter(x=series["on_date"], y=series[column], name=data_label, mode="lines",
                             line={"color": OKABE_ITO[0], "width": 2.5},
                             hovertemplate=value_hover(data_label, "int")))
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
