"""Every plotly figure of the dashboard, built from read-side frames (pure; no streamlit, no SQL).

    common.py    shared look of the time-series charts: colours, layout, event lines
    maps.py      the coverage map (hromadas, oblast outlines, stations) and its click
    rollout.py   rollout lines and small multiples per oblast
    overview.py  the national line beside the published figures
    trust.py     trust by wave with intervals, polls and claims
    profile.py   a hromada's status history and officers over time
"""
