"""The trust chart marks each figure by its reporting class, in both languages: a hollow marker and
a legend key for "use with caution", no point (a cross on the axis) for "too few responses"."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from monitor import trust
from monitor.figures.trust import trend_figure
from monitor.i18n import t


def _series() -> pd.DataFrame:
    rows = []
    for i, reporting in enumerate(["reportable", "caution", "too_few", "reportable"]):
        rows.append({
            "wave": f"W{i}", "wave_start": date(2020 + i, 5, 1), "wave_end": date(2020 + i, 5, 30),
            "scope_katottg": "UA05", "grp": "all", "metric": "trust", "share": 0.5 + 0.05 * i,
            "n_unweighted": 300, "n_effective": [150.0, 70.0, 30.0, 160.0][i], "n_kish": 200.0, "deff": 2.0,
            "se": 0.04, "df": 40, "ci_low": 0.4, "ci_high": 0.7, "n_psu": 20, "n_hromadas": 20,
            "max_psu_weight_share": 0.1, "reporting": reporting, "prev_wave": f"W{i - 1}" if i else None,
            "change": 0.05 if i else None, "p_value": 0.01 if i else None, "p_adjusted": 0.02 if i else None,
            "is_significant": i == 1, "change_reporting": [None, "caution", "too_few", "too_few"][i],
        })
    return trust.mark_shown(pd.DataFrame(rows))


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_caution_is_hollow_and_too_few_has_no_point(lang):
    fig = trend_figure(_series(), lang)
    line = fig.data[0]
    assert list(line.marker.symbol) == ["circle", "circle-open", "circle", "circle"]
    assert pd.isna(line.y[2]) and line.y[1] == pytest.approx(0.55)  # too few: a gap in the line
    assert t("reporting.caution", lang) in line.hovertext[1]
    assert t("reporting.too_few", lang) in line.hovertext[2]
    names = {tr.name for tr in fig.data}
    assert {t("trust.legend_caution", lang), t("reporting.too_few", lang), t("trust.legend_sig", lang)} <= names


def test_a_change_is_marked_only_when_both_waves_are_shown():
    series = _series()
    assert series["is_marked_change"].tolist() == [False, True, False, False]
    assert series["change"].isna().tolist() == [True, False, True, True]
