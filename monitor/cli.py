"""Command line: ``python -m monitor plan|forecast|effect`` — the planning page's figures as text
or JSON, read from the warehouse (read-only); ``python -m monitor collegium`` — the year's
collegium pack (docs/collegium.md).

Every failure a user can cause prints one line on stderr and exits non-zero; no tracebacks
(``--debug`` shows them).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class UsageError(ValueError):
    """A bad argument the user can fix: printed as one line."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except (UsageError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # an unexpected fault: still one line, the traceback only with --debug
        if args.debug:
            raise
        print(f"error: {args.command} failed ({type(exc).__name__}: {exc}); rerun with --debug for details",
              file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    from monitor.planning import effect, planner

    parser = argparse.ArgumentParser(prog="python -m monitor",
                                     description="POG Monitor planning figures from the warehouse (read-only).")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(required=True, metavar="COMMAND", dest="command")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", type=Path, default=None,
                       help="database file (default data/processed/pog.duckdb, env POG_DB)")
        p.add_argument("--json", action="store_true", help="one JSON object on stdout")
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)

    plan = sub.add_parser("plan", help="where the next N officers go, and what coverage becomes")
    common(plan)
    plan.add_argument("--n", type=int, default=50, help="officers to place (default 50)")
    plan.add_argument("--oblast", default=None, help="an oblast's KATOTTG code (default: the whole country)")
    plan.add_argument("--weights", default=None,
                      help="weights as name=value,… for " + ", ".join(planner.COMPONENTS)
                      + " (default " + ",".join(f"{k}={v:g}" for k, v in planner.DEFAULT_WEIGHTS.items()) + ")")
    plan.set_defaults(handler=cmd_plan)

    fc = sub.add_parser("forecast", help="when 95 / 99 / 100 %% of hromadas have an officer (P10 / P50 / P90)")
    common(fc)
    fc.add_argument("--oblast", default=None, help="an oblast's KATOTTG code, or UA (default: every scope)")
    fc.set_defaults(handler=cmd_forecast)

    ef = sub.add_parser("effect", help="the effect of an officer's arrival (staggered difference-in-differences)")
    common(ef)
    ef.add_argument("--metric", choices=list(effect.METRICS), default="trust")
    ef.set_defaults(handler=cmd_effect)

    co = sub.add_parser("collegium", help="the year's collegium pack: slides (PPTX), print (PDF), workbook (XLSX)")
    co.add_argument("--db", type=Path, default=None,
                    help="database file (default data/processed/pog.duckdb, env POG_DB)")
    co.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    co.add_argument("--year", type=int, required=True, help="the year reported (its 31 December, or the data's date)")
    co.add_argument("--lang", choices=["uk", "en"], default="uk")
    where = co.add_mutually_exclusive_group()
    where.add_argument("--oblast", default=None, help="an oblast's KATOTTG code (default: the nation)")
    where.add_argument("--all-oblasts", action="store_true", help="the nation and every oblast, in one run")
    co.add_argument("--out", type=Path, required=True, help="directory for the files")
    co.set_defaults(handler=cmd_collegium)
    return parser


# ---------------------------------------------------------------- helpers
def _connect(args):
    from monitor import db

    path = args.db or db.db_path()
    if not Path(path).exists():
        raise UsageError(f"database not found: {path} (build it with: python -m etl demo)")
    return db.connect(path)


def _clean(value):
    """JSON-safe: NaN / inf -> null, numpy scalars -> Python, dates -> ISO strings."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _records(df, columns: list[str]) -> list[dict]:
    return [_clean(dict(zip(columns, row, strict=True))) for row in df[columns].itertuples(index=False)]


def _emit(obj: dict, as_json: bool, lines: list[str]) -> None:
    if as_json:
        print(json.dumps(_clean(obj), ensure_ascii=False))
    else:
        print("\n".join(lines))


def _pp(share) -> float | None:
    return None if share is None or not math.isfinite(share) else round(share * 100, 2)


def _check_oblast(con, code: str | None, allow_national: bool = False) -> str | None:
    from monitor.db import query
    from monitor.planning import universe

    if code is None or (allow_national and code == "UA"):
        return code
    known = set(query(con, f"SELECT oblast_katottg FROM oblasts WHERE {universe.in_programme_sql('oblast_katottg')}")
                ["oblast_katottg"])  # noqa: S608 - a constant of monitor.planning.universe
    if code not in known:
        raise UsageError(f"unknown oblast code {code!r} (an oblast's KATOTTG code, e.g. UA05000000000010236)")
    return code


def _weights(text: str | None) -> tuple[float, ...]:
    from monitor.planning import planner

    w = dict(planner.DEFAULT_WEIGHTS)
    if text:
        for item in text.split(","):
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or name not in w:
                raise UsageError(f"bad weight {item!r}: use name=value with a name of {', '.join(planner.COMPONENTS)}")
            try:
                w[name] = float(value)
            except ValueError:
                raise UsageError(f"bad weight {item!r}: {value!r} is not a number") from None
            if w[name] < 0 or not math.isfinite(w[name]):
                raise UsageError(f"bad weight {item!r}: weights are 0 or more")
    if sum(w.values()) <= 0:
        raise UsageError("every weight is 0: set at least one above 0")
    return tuple(w[k] for k in planner.COMPONENTS)


# ---------------------------------------------------------------- commands
def cmd_plan(args) -> int:
    from monitor.planning import planner

    if args.n < 0:
        raise UsageError("--n must be 0 or more")
    weights = _weights(args.weights)
    con = _connect(args)
    try:
        oblast = _check_oblast(con, args.oblast)
        result = planner.plan(con, args.n, weights, oblast)
    finally:
        con.close()
    cols = ["first_step", "katottg", "name_uk", "name_en", "oblast_katottg", "population_count", "officers_serving",
            "required_officers", "officers_added", "residents_gained", "score", "need_residents", "area_km2",
            "distance_km", "has_memorandum", "trust_share", *[f"c_{k}" for k in planner.COMPONENTS]]
    obj = {k: result[k] for k in ("as_of", "oblast", "n_requested", "n_placed", "gap_in_scope", "weights",
                                  "weights_normalised", "what_if")}
    obj["chosen"] = _records(result["chosen"], cols)
    w = result["what_if"]
    lines = [f"as of {result['as_of']}: {result['n_placed']} of {result['n_requested']} officers placed "
             f"in {len(result['chosen'])} hromadas ({result['oblast'] or 'whole country'})",
             f"hromadas with an officer: {w['before_has_officer']} -> {w['after_has_officer']} of {w['assessable']}",
             f"at required strength:     {w['before_at_required']} -> {w['after_at_required']} of {w['assessable']}",
             f"residents served (strength-weighted): {w['before_residents_served']:,.0f} -> "
             f"{w['after_residents_served']:,.0f} of {w['population_assessable']:,.0f}",
             f"officers short: {w['before_gap']} -> {w['after_gap']}", ""]
    lines += [f"{int(r.first_step):4d}  +{r.officers_added}  score {r.score:.3f}  {r.katottg}  {r.name_en}"
              for r in result["chosen"].itertuples(index=False)]
    _emit(obj, args.json, lines)
    return 0


def cmd_forecast(args) -> int:
    from monitor.planning import forecast

    con = _connect(args)
    try:
        scope = _check_oblast(con, args.oblast, allow_national=True)
        result = forecast.forecast(con)
    finally:
        con.close()
    ms = result["milestones"]
    if scope:
        ms = ms[ms["scope_katottg"] == scope]
    cols = ["scope_katottg", "milestone", "kind", "share", "total", "current", "target", "status", "p10", "p50", "p90",
            "p10_date", "p50_date", "p90_date", "national_pace"]
    obj = {k: result[k] for k in ("as_of", "n_sims", "horizon", "seed", "pace_months")}
    obj["milestones"] = _records(ms, cols)
    lines = [f"as of {result['as_of']}: pace of the last {result['pace_months']} months, {result['n_sims']} "
             f"simulations, horizon {result['horizon']} months (P10 / P50 / P90 months from now)"]
    for r in ms.itertuples(index=False):
        span = " / ".join("-" if not math.isfinite(v) else f"{v:.0f}" for v in (r.p10, r.p50, r.p90))
        lines.append(f"{r.scope_katottg}  {r.milestone:13s} {r.current:5d} of {r.target:5d} needed  "
                     f"{r.status:18s} {span}")
    _emit(obj, args.json, lines)
    return 0


def cmd_effect(args) -> int:
    from monitor.planning import effect

    con = _connect(args)
    try:
        est = effect.estimate(con, args.metric)
    except effect.NotEstimable as exc:
        raise UsageError(f"no effect estimate from {args.db or 'the warehouse'}: {exc}") from None
    finally:
        con.close()
    o, c = est["overall"], est["cross_check"]
    es = est["event_study"]
    obj = {
        "metric": est["metric"],
        "as_of": est["as_of"],
        "estimator": est["estimator"],
        "unit": "percentage points",
        "estimate_pp": _pp(o["estimate"]),
        "ci95_pp": [_pp(o["ci_low"]), _pp(o["ci_high"])],
        "se_pp": _pp(o["se"]),
        "p_value": o["p_value"],
        "event_study": [
            {"event_time": int(r.event_time), "estimate_pp": _pp(r.estimate),
             "ci95_pp": [_pp(r.ci_low), _pp(r.ci_high)], "n_cohorts": int(r.n_cohorts), "is_pre": bool(r.is_pre),
             "is_reference": bool(r.is_reference), "shown": bool(r.shown)}
            for r in es.itertuples(index=False)
        ],
        "cross_check": {"estimator": est["cross_check_estimator"], "estimate_pp": _pp(c["estimate"]),
                        "ci95_pp": [_pp(c["ci_low"]), _pp(c["ci_high"])]},
        "n_hromadas": est["n_hromadas"],
        "n_treated_hromadas": est["n_treated_hromadas"],
        "n_waves": est["n_waves"],
        "n_respondents": est["n_respondents"],
        "left_out": est["left_out"],
        "is_demo": est["is_demo"],
        "planted_pp": _pp(est["planted"]) if est["planted"] is not None else None,
    }
    low, high = obj["ci95_pp"]
    lines = [f"{est['metric']}: {obj['estimate_pp']:+.1f} pp (95% {low:+.1f} to {high:+.1f}) - {est['estimator']}",
             f"cross-check {c['estimate'] * 100:+.1f} pp (95% {c['ci_low'] * 100:+.1f} to {c['ci_high'] * 100:+.1f}) "
             f"- {est['cross_check_estimator']}",
             f"{est['n_hromadas']} hromadas ({est['n_treated_hromadas']} with an officer), {est['n_waves']} waves, "
             f"{est['n_respondents']} responses"]
    if est["planted"] is not None:
        lines.append(f"demo data: planted effect {obj['planted_pp']:+.1f} pp")
    lines += [f"  e={int(r.event_time):+3d}  {r.estimate * 100:+6.1f} pp  "
              f"({r.ci_low * 100:+.1f} to {r.ci_high * 100:+.1f})  cohorts {int(r.n_cohorts)}"
              for r in es[es["shown"] & ~es["is_reference"]].itertuples(index=False)]
    _emit(obj, args.json, lines)
    return 0


def cmd_collegium(args) -> int:
    import time

    from monitor.collegium import figures_data, pack

    con = _connect(args)
    start = time.perf_counter()
    try:
        run = figures_data.RunData(con, args.year)
        scopes = None if args.all_oblasts else [args.oblast or figures_data.NATIONAL]
        packs = pack.make_packs(con, args.year, args.lang, scopes, args.out, run=run)
    except figures_data.PackInputError as exc:
        raise UsageError(str(exc)) from None
    finally:
        con.close()
    for p in packs:
        print("  ".join(str(args.out / p.names[f]) for f in pack.FORMATS))
    print(
        f"{len(packs)} pack(s), {len(packs[0].slides)} slides each, as of {run.as_of}"
        f"{' (demo data)' if run.is_demo else ''}, in {time.perf_counter() - start:.1f} s"
    )
    return 0
