"""etl.required: officers required per hromada, population bands."""

import math

import pandas as pd
import pytest

from etl.required import RequiredRule, Threshold, size_band

RULE = RequiredRule(
    base_officers=1,
    thresholds=(Threshold(2, 20_000, 700.0), Threshold(3, 50_000, 1_500.0)),
)


@pytest.mark.parametrize(
    ("population", "area", "expected"),
    [
        (11_690, 300.0, 1),
        (19_999, 699.9, 1),
        (20_000, 10.0, 2),  # population threshold reached
        (5_000, 700.0, 2),  # area alone is enough
        (49_999, 1_499.0, 2),
        (50_000, 1.0, 3),
        (100, 1_500.0, 3),
        (2_000_000, 839.0, 3),  # the rule stops at three
        (None, None, 1),  # Crimea: unknown counts as below
        (None, 800.0, 2),
        (float("nan"), math.nan, 1),
        (pd.NA, 2_000.0, 3),
    ],
)
def test_required_officers(population, area, expected):
    assert RULE.required_officers(population, area) == expected


def test_rule_loads_from_repository_config():
    rule = RequiredRule.load()
    assert rule == RULE


def test_rule_loads_from_given_path(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text("base_officers = 2\n[[thresholds]]\nofficers = 4\nmin_population = 10\n", encoding="utf-8")
    rule = RequiredRule.load(path)
    assert rule.required_officers(9, 10_000) == 2  # no area threshold configured
    assert rule.required_officers(10, None) == 4


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (0, "<5k"),
        (4_999, "<5k"),
        (5_000, "5-10k"),
        (9_999, "5-10k"),
        (10_000, "10-25k"),
        (24_999, "10-25k"),
        (25_000, "25-50k"),
        (50_000, "50-100k"),
        (99_999, "50-100k"),
        (100_000, "100k+"),
        (1_420_000, "100k+"),
        (None, "unknown"),
        (float("nan"), "unknown"),
        (pd.NA, "unknown"),
    ],
)
def test_size_band(population, band):
    assert size_band(population) == band
