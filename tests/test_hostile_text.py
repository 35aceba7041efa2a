"""HTML in data is shown as text in every chart (issue 9 §3): plotly renders <b>, <i> and
<a href> in hover text, legend names and tick labels, so a station name or officer id written
as HTML in a programme file came out bold, or as a link. The figures escape data strings
(monitor.figures.common.plain); plotly shows the escaped '&lt;' as '<'."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

import vocabulary
from monitor.figures import maps, rollout, trust
from monitor.figures.common import plain
from monitor.figures.profile import officers_figure

LINK = '<a href="http://example.invalid/">click</a>'
BOLD = "<b>bold</b>"


def _strings(fig) -> str:
    """Every string the figure sends to the browser."""
    return fig.to_json()


def _no_live_tag(text: str) -> None:
    assert "<a href" not in text and "<b>bold" not in text
    assert "\\u003ca href" not in text and "\\u003cb\\u003ebold" not in text  # as JSON escapes them


def test_plain_escapes_tags_and_keeps_the_text():
    assert plain(LINK) == '&lt;a href="http://example.invalid/"&gt;click&lt;/a&gt;'
    assert plain(None) == ""
    assert plain("Одеса & Ко") == "Одеса &amp; Ко"


def test_an_officer_id_in_html_is_a_plain_tick_label_and_hover():
    assignments = pd.DataFrame({"officer_id": [BOLD, LINK], "start_date": pd.to_datetime(["2020-01-01", "2021-01-01"]),
                                "end_date": [pd.NaT, pd.Timestamp("2022-01-01")], "lives_in_hromada": [True, False],
                                "trained_on": [pd.NaT, pd.NaT]})
    history = pd.DataFrame({"on_date": pd.to_datetime(["2020-01-31", "2026-11-15"]), "status": ["covered", "covered"],
                            "officers_serving": [1, 1], "required_officers": [1, 1]})
    fig = officers_figure(assignments, history, "2026-11-15", "uk")
    _no_live_tag(_strings(fig))
    ys = {y for tr in fig.data for y in (() if tr.y is None else tr.y) if isinstance(y, str)}
    assert plain(BOLD) in ys and plain(LINK) in ys


def test_a_station_name_in_html_is_plain_in_the_map_hover():
    kind = vocabulary.STATION_KINDS.codes[0]
    stations = pd.DataFrame({"kind": [kind], "lat": [50.4], "lon": [30.5], "hromada_katottg": ["UA80000000000093317"],
                             "name": [LINK], "opened_on": [pd.Timestamp("2021-05-01")],
                             "is_location_imputed": [False], "n_stations": [1], "oblast_katottg": ["UA80"]})
    (trace,) = maps.station_traces(stations, "uk")
    assert trace.customdata[0][1] == plain(LINK)
    _no_live_tag(trace.to_plotly_json().__repr__())


def test_a_hromada_name_in_html_is_plain_in_the_map_hover():
    cov = pd.DataFrame({"name_uk": [BOLD], "oblast_name_uk": [LINK], "territory_status": ["none"],
                        "is_partial_territory": [False], "population_count": [10], "officers_serving": [1],
                        "required_officers": [1], "officers_per_10k": [1.0]})
    (row,) = maps.hover_data(cov, "uk")
    assert list(row[:2]) == [plain(BOLD), plain(LINK)]


def test_a_survey_wave_name_in_html_is_plain_in_the_trust_hover():
    r = SimpleNamespace(grp="all", wave=LINK, wave_start="2021-01-01", wave_end="2021-02-01", is_shown=True,
                        is_caution=False, share=0.5, ci_low=0.4, ci_high=0.6, n_unweighted=100, n_effective=90.0,
                        n_hromadas=12,
                        is_marked_change=False, change=float("nan"))
    _no_live_tag(trust.wave_hover(r, "uk"))


def test_a_scope_name_in_html_is_plain_in_the_rollout_legend():
    series = pd.DataFrame({"scope_katottg": ["X"], "on_date": pd.to_datetime(["2021-01-31"]),
                           "with_officer_share": [0.5]})
    for fig in (rollout.rollout_lines(series, "with_officer_share", "share", {"X": LINK}, "uk", {}),
                rollout.small_multiples(series, "with_officer_share", "share", {"X": LINK}, "uk", {})):
        _no_live_tag(_strings(fig))
