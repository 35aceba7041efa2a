"""monitor.survey: the two reporting rules of the trust survey, each written once."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from monitor import trust
from monitor.settings import min_effective_n
from monitor.survey import difference_test, is_reportable


def test_reportable_from_the_minimum_effective_n_and_never_when_missing():
    assert min_effective_n() == 30  # config/dashboard.toml
    assert is_reportable(30) and is_reportable(30.0) and not is_reportable(29.99)
    for missing in (None, float("nan"), pd.NA):
        assert is_reportable(missing) is False
    assert is_reportable(12, min_n=10) and not is_reportable(12, min_n=20)
    shown = is_reportable(pd.Series([45.0, 29.0, None, 30.0]))
    assert shown.tolist() == [True, False, False, True] and shown.dtype == bool


@pytest.mark.parametrize(
    ("difference", "se_a", "se_b", "z", "significant"),
    [
        (0.10, 0.03, 0.04, 2.0, True),  # se of the difference 0.05
        (-0.10, 0.04, 0.03, -2.0, True),
        (0.05, 0.03, 0.04, 1.0, False),
        (0.0975, 0.03, 0.04, 1.95, False),
    ],
)
def test_difference_is_significant_beyond_1_96(difference, se_a, se_b, z, significant):
    got_z, got = difference_test(difference, se_a, se_b)
    assert got_z == pytest.approx(z) and got is significant


def test_difference_without_errors_or_without_a_value():
    z, significant = difference_test(0.02, 0.0, 0.0)
    assert math.isnan(z) and significant is True  # exact shares: any difference is real
    assert difference_test(0.0, 0.0, 0.0)[1] is False
    z, significant = difference_test(float("nan"), 0.03, 0.04)
    assert math.isnan(z) and significant is None


def test_oblast_trust_on_hromada_rows_follows_the_rule():
    rows = pd.DataFrame({"katottg": ["h1", "h2", "h3"], "oblast_katottg": ["A", "B", "C"]})
    latest = pd.DataFrame({"oblast_katottg": ["A", "B"], "wave": ["W1", "W1"], "share": [0.6, 0.7],
                           "n_effective": [45.0, 12.0], "n_unweighted": [50, 14]})
    out = trust.with_oblast_trust(rows, latest)
    assert out["trust_share"].tolist()[0] == 0.6
    assert out["trust_share"].isna().tolist() == [False, True, True]  # too few in B, no survey in C
    assert out["trust_too_few"].tolist() == [False, True, False]
