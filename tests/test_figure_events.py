"""Event lines on the time-series charts: each label runs away from the nearer edge."""

import datetime as dt

import plotly.graph_objects as go

from monitor.figures.common import add_events


def test_event_labels_run_away_from_the_nearer_edge_and_the_axis_keeps_to_the_data():
    """The overview's «Повномасштабне вторгнення» (24.02.2022 on a 2019–2026 axis) ran off the chart,
    and made room for itself by stretching the time axis to 2031."""
    fig = go.Figure(go.Scatter(x=["2019-05-31", "2026-11-15"], y=[0, 1]))
    events = {"pilot_start": dt.date(2019, 5, 29), "invasion": dt.date(2022, 2, 24)}
    add_events(fig, events, "uk")
    anchors = {a.x: a.xanchor for a in fig.layout.annotations}
    assert anchors == {"2019-05-29": "left", "2022-02-24": "center"}
    assert list(fig.layout.xaxis.range) == ["2019-05-29T00:00:00", "2026-11-15T00:00:00"]
    assert all("<br>" in a.text for a in fig.layout.annotations)  # name and date on two short lines

    late = go.Figure(go.Scatter(x=["2019-05-31", "2022-06-30"], y=[0, 1]))
    add_events(late, events, "en")
    assert {a.x: a.xanchor for a in late.layout.annotations} == {"2019-05-29": "left", "2022-02-24": "right"}
