"""Command line: ``python -m etl build|demo|validate``.

Every failure a user can cause prints one line on stderr and exits non-zero; no tracebacks
(``--debug`` shows them, for us).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

import duckdb

from demo.generate import Settings, refresh_raw_dir
from etl import programme, reference, schema
from etl.build import build
from etl.errors import InputFileError
from etl.required import RequiredRule
from vocabulary import locations

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, format="%(message)s")
    try:
        return args.handler(args)
    except InputFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted; the database was left as it was", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # an unexpected fault: still one line, the traceback only with --debug
        if args.debug:
            raise
        print(f"error: build failed ({type(exc).__name__}: {exc}); the database was left as it was; "
              "rerun with --debug for details", file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Build the POG Monitor warehouse.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--raw", type=Path, default=None, help="programme files (default data/raw, env POG_RAW_DIR)")
        p.add_argument("--reference", type=Path, default=None,
                       help="reference bundle (default ../shared/reference, env POG_REFERENCE_DIR)")
        p.add_argument("--facts", type=Path, default=None,
                       help="published figures (default ../shared/facts, env POG_FACTS_DIR)")
        p.add_argument("--db", type=Path, default=None,
                       help="database file (default data/processed/pog.duckdb, env POG_DB)")
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)

    build = sub.add_parser("build", help="build the database from the files in the raw directory")
    common(build)
    build.set_defaults(handler=cmd_build)

    demo = sub.add_parser("demo", help="write demo files into the raw directory when it holds none, then build")
    common(demo)
    demo.add_argument("--scale", type=int, default=Settings.scale,
                      help="×N officers, stations and respondents (1, 10, 100)")
    demo.add_argument("--seed", type=int, default=Settings.seed)
    demo.add_argument("--trust-effect-pp", type=float, default=Settings.trust_effect_pp,
                      help="planted effect of an officer's arrival on trust, percentage points (0 = none)")
    demo.add_argument("--knows-effect-pp", type=float, default=Settings.knows_effect_pp,
                      help="planted effect on knowing the officer, percentage points")
    demo.add_argument("--as-of", type=date.fromisoformat, default=None, help="demo as-of date (default today)")
    demo.set_defaults(handler=cmd_demo)

    validate = sub.add_parser("validate", help="check the raw files against the input contract; write nothing")
    common(validate)
    validate.set_defaults(handler=cmd_validate)
    return parser


def _dirs(args) -> tuple[Path, Path, Path, Path]:
    return (args.raw or locations.raw_dir(), args.reference or locations.reference_dir(),
            args.facts or locations.facts_dir(), args.db or locations.db_path())


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _progress(message: str) -> None:
    _say(f"  {message}")


def cmd_build(args) -> int:
    raw, reference_dir, facts, db = _dirs(args)
    _say(f"Building {db} from {raw}")
    report = build(raw_dir=raw, reference_dir=reference_dir, facts_dir=facts, db_path=db, progress=_progress)
    total = sum(report.step_seconds.values())
    kind = "demo data" if report.is_demo else "programme data"
    print(f"Built {db} ({kind}, as of {report.as_of.isoformat()}) in {total:.1f} s; "
          f"{report.rows_rejected} rows set aside (see the rejects table)")
    return 0


def cmd_demo(args) -> int:
    raw, reference_dir, facts, _ = _dirs(args)
    settings = Settings(as_of=args.as_of or date.today(), seed=args.seed, scale=args.scale,
                        trust_effect_pp=args.trust_effect_pp, knows_effect_pp=args.knows_effect_pp)
    refresh_raw_dir(raw, reference_dir, facts, settings, say=_say)
    return cmd_build(args)


def cmd_validate(args) -> int:
    raw, reference_dir, _, _ = _dirs(args)
    files = programme.validate_files(raw)
    con = duckdb.connect(":memory:")
    schema.create_schema(con)
    reference.load_reference(con, reference_dir, RequiredRule.load())
    rows = programme.load_programme(con, files, date.today())
    for row in rows:
        ignored = f"; ignored columns: {row['ignored_columns']}" if row.get("ignored_columns") else ""
        print(f"{row['file']}: {row['rows_loaded']} of {row['rows_read']} rows valid, "
              f"{row['rows_rejected']} set aside{ignored}")
    reasons = con.execute(
        "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY count(*) DESC"
    ).fetchall()
    for reason, count in reasons:
        print(f"  {count} × {reason}")
    return 0
