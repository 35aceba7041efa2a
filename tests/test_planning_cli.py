"""python -m monitor plan|forecast|effect: one JSON object each, the same figures as the functions,
one-line errors without a traceback, every command documented in the README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.cli import _parser, main

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_json(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1  # one JSON object, one line
    return json.loads(out[0])


def test_effect_json_has_the_estimate_interval_event_times_sample_and_planted_value(demo_db, demo_trust_estimate,
                                                                                      capsys):
    obj = run_json(capsys, "effect", "--db", str(demo_db))
    est = demo_trust_estimate
    assert obj["metric"] == "trust" and obj["unit"] == "percentage points"
    assert obj["estimate_pp"] == round(est["overall"]["estimate"] * 100, 2)
    low, high = obj["ci95_pp"]
    assert low < obj["estimate_pp"] < high
    assert obj["planted_pp"] == 8.0 and obj["is_demo"] is True
    assert (obj["n_hromadas"], obj["n_waves"]) == (est["n_hromadas"], est["n_waves"])
    times = [e["event_time"] for e in obj["event_study"]]
    assert times == sorted(times) and -1 in times and 0 in times
    ref = next(e for e in obj["event_study"] if e["event_time"] == -1)
    assert ref["is_reference"] and ref["estimate_pp"] == 0.0 and ref["ci95_pp"] == [None, None]
    assert all(e["is_pre"] == (e["event_time"] < 0) for e in obj["event_study"])
    assert set(obj["cross_check"]) == {"estimator", "estimate_pp", "ci95_pp"}


def test_plan_json_places_n_officers(demo_db, capsys):
    obj = run_json(capsys, "plan", "--db", str(demo_db), "--n", "12",
                   "--weights", "need=1,area=0,distance=0,memorandum=0,trust=0")
    assert obj["n_requested"] == obj["n_placed"] == 12
    assert sum(h["officers_added"] for h in obj["chosen"]) == 12
    assert obj["weights_normalised"] == {"need": 1.0, "area": 0.0, "distance": 0.0, "memorandum": 0.0, "trust": 0.0}
    w = obj["what_if"]
    assert w["before_gap"] - w["after_gap"] == 12
    # residents alone: the first officer goes where the most residents are not served
    assert obj["chosen"][0]["need_residents"] == max(h["need_residents"] for h in obj["chosen"])


def test_forecast_json_lists_the_milestones_of_a_scope(demo_db, capsys):
    obj = run_json(capsys, "forecast", "--db", str(demo_db), "--oblast", "UA")
    assert [m["milestone"] for m in obj["milestones"]] == ["officer_95", "officer_99", "officer_100", "required_100"]
    for m in obj["milestones"]:
        assert m["status"] in {"reached", "forecast", "not_within_horizon", "never"}
        assert (m["p50"] is None) == (m["status"] in {"not_within_horizon", "never"})


@pytest.mark.parametrize("argv, message", [
    (["plan", "--db", "/nonexistent/pog.duckdb"], "database not found: /nonexistent/pog.duckdb"),
    (["plan", "--weights", "need=lots"], "bad weight 'need=lots'"),
    (["plan", "--weights", "beauty=1"], "bad weight 'beauty=1'"),
    (["plan", "--weights", "need=0,area=0,distance=0,memorandum=0,trust=0"], "every weight is 0"),
    (["plan", "--n", "-3"], "--n must be 0 or more"),
    (["forecast", "--oblast", "UA99"], "unknown oblast code 'UA99'"),
])
def test_bad_input_is_one_line_without_a_traceback(demo_db, capsys, argv, message):
    if "--db" not in argv:
        argv = [*argv, "--db", str(demo_db)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]


def test_every_command_is_documented_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for command in sub.choices:
        assert f"python -m monitor {command}" in readme, command


def test_an_effect_the_survey_cannot_carry_is_one_line(demo_db, capsys, monkeypatch):
    from monitor.planning import effect

    def refuse(con, metric):
        raise effect.NotEstimable("2 survey wave(s): the estimate needs at least 3")

    monkeypatch.setattr(effect, "estimate", refuse)
    assert main(["effect", "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs at least 3" in err[0] and err[0].startswith("error: no effect estimate")
