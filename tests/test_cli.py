"""The CLI as a user meets it: documented commands, one-line errors, validate writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from etl.cli import _parser
from etl.cli import main as etl_main

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_every_cli_command_is_documented_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for command in sub.choices:
        assert f"python -m etl {command}" in readme, command


def test_validate_reports_rows_and_reasons_and_writes_nothing(tmp_path, demo_raw, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert etl_main(["validate", "--raw", str(raw)]) == 0
    out = capsys.readouterr().out
    assert "rows valid" in out and "set aside" in out
    assert " × unknown_code" in out
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_missing_raw_directory_is_one_clear_line(tmp_path, capsys):
    code = etl_main(["build", "--raw", str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert err[-1].startswith("error: ") and "nope" in err[-1]
    assert not (tmp_path / "x.duckdb").exists()
