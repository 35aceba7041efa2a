"""The survey reporting rule: config/reporting.toml as the ETL reads it (etl.reporting), and the
read side's one column (monitor.survey) — each checked on hand-made values."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from etl import reporting
from etl.errors import InputFileError
from monitor import trust
from monitor.i18n import t
from monitor.survey import is_caution, is_shown, value_text


def test_the_rule_in_config_is_the_issue_s_rule():
    rule = reporting.read_rule()
    assert rule == {"min_effective_n": 100.0, "caution_effective_n": 50.0, "min_hromadas": 5,
                    "max_hromada_weight_share": 0.5, "confidence": 0.95, "fdr_level": 0.05}


def test_a_bad_rule_is_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "reporting.toml"
    bad.write_text("[survey]\nmin_effective_n = 100\ncaution_effective_n = 50\nmin_hromadas = 5\n"
                   "max_hromada_weight_share = 1.5\nconfidence = 0.95\nfdr_level = 0.05\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"^reporting.toml: \[survey\] max_hromada_weight_share .*1\.5"):
        reporting.read_rule(bad)
    bad.write_text("[survey\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"^reporting.toml: cannot be read"):
        reporting.read_rule(bad)


def test_t_functions_are_student_t():
    assert reporting.t_quantile(0.975, 10) == pytest.approx(2.228138851986)  # the printed table's value
    assert reporting.t_two_sided_p(2.228138851986, 10) == pytest.approx(0.05)
    assert reporting.t_two_sided_p(-1.0, 30) == pytest.approx(2 * stats.t.sf(1.0, 30))
    assert reporting.t_quantile(0.975, 0) is None and reporting.t_two_sided_p(1.0, 0.5) is None
    assert reporting.t_two_sided_p(None, 10) is None


def test_shown_caution_and_too_few():
    assert is_shown("reportable") and is_shown("caution") and not is_shown("too_few")
    for missing in (None, float("nan"), pd.NA):
        assert is_shown(missing) is False and is_caution(missing) is False
    series = pd.Series(["reportable", "caution", "too_few", None])
    assert is_shown(series).tolist() == [True, True, False, False]
    assert is_caution(series).tolist() == [False, True, False, False]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_value_text_never_a_number_for_too_few_and_marked_for_caution(lang):
    assert value_text(0.625, "too_few", lang) == t("reporting.too_few", lang)
    assert value_text(0.625, None, lang) == t("reporting.too_few", lang)
    caution = value_text(0.625, "caution", lang)
    assert caution.startswith(value_text(0.625, "reportable", lang)) and t("reporting.caution", lang) in caution
    assert value_text(0.625, "reportable", "en") == "62.5%"


def test_oblast_trust_on_hromada_rows_follows_the_reporting_column():
    rows = pd.DataFrame({"katottg": ["h1", "h2", "h3", "h4"], "oblast_katottg": ["A", "B", "C", "D"]})
    latest = pd.DataFrame({"oblast_katottg": ["A", "B", "D"], "wave": ["W1"] * 3, "share": [0.6, 0.7, 0.5],
                           "n_effective": [145.0, 12.0, 70.0], "n_unweighted": [150, 14, 80],
                           "reporting": ["reportable", "too_few", "caution"]})
    out = trust.with_oblast_trust(rows, latest)
    assert out["trust_share"].tolist()[0] == 0.6 and out["trust_share"].tolist()[3] == 0.5
    assert out["trust_share"].isna().tolist() == [False, True, True, False]  # too few in B, no survey in C
    assert out["trust_too_few"].tolist() == [False, True, False, False]
    assert math.isnan(out["trust_reporting"].tolist()[2]) or out["trust_reporting"].tolist()[2] is None


def test_a_too_few_figure_leaves_no_number_in_a_download(demo_con):
    """The profile's trust table downloads latest_waves() as it is; the trust page downloads
    series_download(): neither carries a share, se or interval of a too-few figure."""
    scope = demo_con.execute(
        "SELECT scope_katottg FROM trust_summary WHERE reporting = 'too_few' AND scope_katottg <> 'UA'"
        " ORDER BY wave_start DESC, scope_katottg LIMIT 1").fetchone()[0]
    rows = trust.latest_waves(demo_con, scope, 4)
    few = rows[rows["reporting"] == "too_few"]
    assert len(few) and few[list(trust.SHOWN_ONLY_COLUMNS)].isna().all().all()
    assert rows.loc[rows["reporting"] != "too_few", "share"].notna().all()
    series = trust.series_download(trust.mark_shown(trust.trust_series(demo_con, scope, "trust")))
    assert series.loc[series["reporting"] == "too_few", ["share", "se", "ci_low", "ci_high"]].isna().all().all()
    changes = series[series["change_reporting"] == "too_few"]
    assert changes[["change", "p_value", "p_adjusted"]].isna().all().all() and not changes["is_marked_change"].any()
