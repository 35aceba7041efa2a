"""Build the warehouse: one new DuckDB file, filled in one transaction, then swapped in atomically.

The database the dashboard reads is only ever replaced whole (``os.replace``), so a failed build —
a bad input file, a crash, Ctrl-C — leaves it byte-identical.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from demo import marker
from etl import derived, facts, programme, reference, schema
from etl.errors import InputFileError
from etl.required import RequiredRule

log = logging.getLogger(__name__)

LOAD_LOG_COLUMNS = ["file", "kind", "sha256", "rows_read", "rows_loaded", "rows_rejected", "ignored_columns"]


@dataclass
class BuildReport:
    db_path: Path
    as_of: date
    is_demo: bool
    load_log: list[dict] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows_rejected(self) -> int:
        return sum(int(r["rows_rejected"]) for r in self.load_log)


def build(
    *,
    raw_dir: Path,
    reference_dir: Path,
    facts_dir: Path,
    db_path: Path,
    build_date: date | None = None,
    progress: Callable[[str], None] = lambda msg: None,
) -> BuildReport:
    """Build the warehouse from the inputs into ``db_path``; raise InputFileError on a bad file."""
    build_date = build_date or date.today()
    if not raw_dir.is_dir():
        raise InputFileError(str(raw_dir), "raw data directory not found")
    demo_info = marker.read(raw_dir)  # demo files carry a marker (demo/marker.py)
    as_of = date.fromisoformat(demo_info["demo_as_of"]) if demo_info else build_date
    report = BuildReport(db_path=db_path, as_of=as_of, is_demo=demo_info is not None)

    # File-level checks first: a bad file stops the build before anything is written.
    with _step(report, "validate", progress):
        files = programme.validate_files(raw_dir)
        if demo_info is not None:  # demo files are served only as the generator wrote them
            problem = marker.mismatch(raw_dir, demo_info, [p.name for p, _kind in programme.find_files(raw_dir)])
            if problem is not None:
                raise InputFileError(marker.FILE_NAME, f"the demo files do not match this manifest ({problem}): a "
                                     "demo run was cut short or the files were edited; rerun etl demo")

    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(db_path)
    tmp_path = db_path.with_name(f"{db_path.name}.building-{os.getpid()}")
    _remove(tmp_path)
    con = duckdb.connect(str(tmp_path))
    try:
        schema.create_schema(con)
        con.execute("BEGIN TRANSACTION")
        with _step(report, "reference", progress):
            report.load_log += reference.load_reference(con, reference_dir, RequiredRule.load())
        with _step(report, "facts", progress):
            report.load_log += facts.load_facts(con, facts_dir)
        with _step(report, "programme", progress):
            report.load_log += programme.load_programme(con, files, as_of)
        _write_build_info(con, report, build_date, demo_info)
        with _step(report, "derived", progress):
            derived.build_derived(con)
        _write_load_log(con, report.load_log)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp_path, db_path)
    except BaseException:
        con.close()
        _remove(tmp_path)
        raise
    return report


class _step:
    """Times a build step and reports it on the progress line."""

    def __init__(self, report: BuildReport, name: str, progress: Callable[[str], None]):
        self.report, self.name, self.progress = report, name, progress

    def __enter__(self):
        self.progress(f"{self.name} …")
        self.started = time.perf_counter()

    def __exit__(self, exc_type, exc, tb):
        seconds = time.perf_counter() - self.started
        self.report.step_seconds[self.name] = seconds
        if exc_type is None:
            self.progress(f"{self.name}: done in {seconds:.1f} s")


def _write_build_info(con, report: BuildReport, build_date: date, demo_info: dict | None) -> None:
    info = {
        "built_at": datetime.now().isoformat(timespec="seconds"),
        "build_date": build_date.isoformat(),
        "as_of_date": report.as_of.isoformat(),
        "is_demo": "true" if demo_info else "false",
    }
    for key, value in (demo_info or {}).items():
        info.setdefault(key, value)
    con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
    if demo_info:
        truth = [(k, float(v)) for k, v in demo_info.items() if k.endswith("_effect_pp")]
        con.execute("CREATE TABLE demo_truth (parameter VARCHAR PRIMARY KEY, value DOUBLE NOT NULL)")
        con.executemany("INSERT INTO demo_truth VALUES (?, ?)", truth)


def _write_load_log(con, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows, columns=LOAD_LOG_COLUMNS)
    frame["ignored_columns"] = frame["ignored_columns"].fillna("")
    frame["built_at"] = datetime.now().replace(microsecond=0)
    con.register("load_log_frame", frame)
    con.execute(
        "INSERT INTO load_log SELECT file, kind, sha256, rows_read, rows_loaded, rows_rejected, "
        "ignored_columns, built_at FROM load_log_frame"
    )
    con.unregister("load_log_frame")


def _remove_abandoned(db_path: Path) -> None:
    """Remove `<db>.building-<pid>` files (and their .wal) of builds that were killed: their
    process is gone. A build still running keeps its file."""
    for path in db_path.parent.glob(f"{db_path.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid.isdigit() and not process_alive(int(pid)):
            path.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (on this machine)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()
