"""The one adapter between the collegium pack and the read side.

Every number on a slide, page of the PDF or sheet of the workbook comes through this module from
the functions the dashboard itself shows (monitor.overview / rollout / coverage / trust and
monitor.planning); nothing here computes a figure of its own beyond selecting rows and summing a
warehouse column over the rows the dashboard counts. When the warehouse's words change, this is
the file to re-point. Today (issue 8):

- HAS_OFFICER: the coverage macro's `has_officer` («є офіцер»: an assessable hromada with at least
  one officer serving); AT_REQUIRED: its `is_at_required_strength` («повний склад»);
- the programme universe: the warehouse's `in_programme` / `outside_programme`
  (config/universe.toml: Crimea, Sevastopol and Kyiv city are outside), through
  monitor.planning.universe.outside_oblasts and monitor.coverage.outside_programme;
- officers serving, required, short and above requirement: the overview's and the league's
  columns of rollout_on_dates, over the same (assessable) hromadas;
- trust: monitor.trust.mark_shown (the warehouse's reporting class: shown, "use with caution",
  or "too few responses" — never a number) and trust_gaps for the gap between the groups;
- the territory list's date and staleness: monitor.coverage.territory_list, on the pack's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cached_property

import duckdb
import pandas as pd

from monitor import coverage, db, geometry, overview, rollout, survey, trust
from monitor.planning import effect, forecast, planner, universe

NATIONAL = db.NATIONAL
HAS_OFFICER = "has_officer"
AT_REQUIRED = "is_at_required_strength"
# The officers the "where next" slide places (the planning page's default).
PLAN_OFFICERS = 50


class PackInputError(ValueError):
    """A choice the warehouse cannot answer (a year after its as-of date, an unknown oblast)."""


def pack_as_of(year: int, warehouse_as_of: str) -> str:
    """The date a year's pack reports on: 31 December of `year`, or the warehouse's as-of date
    when the year is not over yet. A year after the warehouse's data is refused."""
    end = dt.date(int(year), 12, 31)
    wh = dt.date.fromisoformat(warehouse_as_of[:10])
    if end.year > wh.year:
        raise PackInputError(f"the data end on {wh.isoformat()}: there are no results for {year} yet")
    if end.year < 2019:
        raise PackInputError(f"the programme started in 2019: no results for {year}")
    return min(end, wh).isoformat()


class RunData:
    """What every pack of one run shares, read once: build info, the oblasts, the geometry, the
    coverage and summaries on the pack's date and a year before, the league, the plan's base, the
    forecast and the effect estimate (the slow parts: measured in bench/bench_collegium.py)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, year: int):
        self.con = con
        self.year = int(year)
        self.info = db.build_info(con)
        self.warehouse_as_of = self.info.get("as_of_date", "")[:10]
        self.as_of = pack_as_of(self.year, self.warehouse_as_of)
        self.year_before = rollout.year_before(self.as_of).isoformat()
        self.is_demo = self.info.get("is_demo", "").lower() == "true"

    # ------------------------------------------------------------ reference
    @cached_property
    def outside_codes(self) -> frozenset[str]:
        """The oblast-level codes outside the programme (config/universe.toml, via the warehouse)."""
        return universe.outside_oblasts(self.con)

    @cached_property
    def outside(self) -> pd.DataFrame:
        """coverage.outside_programme: the units outside the programme, with their labels (the maps
        draw them as the config says)."""
        return coverage.outside_programme(self.con)

    def in_universe(self, oblast_codes: pd.Series) -> pd.Series:
        """Whether each oblast code is inside the programme's universe."""
        return ~oblast_codes.isin(self.outside_codes)

    @cached_property
    def oblasts(self) -> pd.DataFrame:
        """The programme's oblasts (oblast_katottg, name_uk, name_en, short_code)."""
        o = db.oblasts(self.con)
        return o[self.in_universe(o["oblast_katottg"])].reset_index(drop=True)

    def check_oblast(self, code: str | None) -> str:
        if code in (None, "", NATIONAL):
            return NATIONAL
        if code not in set(self.oblasts["oblast_katottg"]):
            raise PackInputError(f"unknown oblast code {code!r} (an oblast's KATOTTG code, e.g. UA05000000000010236)")
        return code

    def oblast_name(self, code: str, lang: str) -> str:
        row = self.oblasts[self.oblasts["oblast_katottg"] == code]
        return str(row.iloc[0]["name_en" if lang == "en" else "name_uk"])

    @cached_property
    def territory_list(self) -> coverage.TerritoryList:
        """The official list of territories the statuses (and so "assessable") come from, with its
        staleness judged against the pack's date (the note beside every map and figure)."""
        return replace(coverage.territory_list(self.con), as_of=self.as_of)

    @property
    def territory_list_date(self) -> str:
        return self.territory_list.list_date

    # ------------------------------------------------------------ geometry
    @cached_property
    def hromada_layer(self) -> str:
        return coverage.display_geometry(self.con, "hromadas")

    @cached_property
    def oblast_layer(self) -> str:
        return coverage.display_geometry(self.con, "oblasts")

    @cached_property
    def hromada_geometry(self) -> dict:
        return geometry.parse_geometry(self.hromada_layer)

    @cached_property
    def oblast_geometry(self) -> dict:
        return geometry.parse_geometry(self.oblast_layer)

    # ------------------------------------------------------------ coverage and rollout
    @cached_property
    def coverage(self) -> pd.DataFrame:
        """coverage.coverage_on on the pack's date (every hromada, names in both languages)."""
        return coverage.coverage_on(self.con, self.as_of)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """rollout.scope_summary on the pack's date and a year before (the overview's KPI source)."""
        return rollout.scope_summary(self.con, (self.as_of, self.year_before))

    def kpis(self, scope: str) -> pd.DataFrame:
        """The overview's KPI rows ('now', 'year_before') of a scope — for the nation exactly
        overview.national_kpis; for an oblast the same scope_summary rows of that oblast."""
        if scope == NATIONAL:
            return overview.national_kpis(self.con, self.as_of)
        df = self.summary[self.summary["scope_katottg"] == scope].copy()
        df["when"] = df["on_date"].map({self.as_of: "now", self.year_before: "year_before"})
        return df.set_index("when")

    @cached_property
    def league(self) -> pd.DataFrame:
        """rollout.league_table on the pack's date (the programme's oblasts only, as on the page)."""
        return rollout.league_table(self.con, self.as_of)

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """rollout_monthly up to the pack's date (every scope)."""
        m = rollout.monthly(self.con)
        return m[m["on_date"] <= pd.Timestamp(self.as_of)]

    def scope_rows(self, scope: str) -> pd.DataFrame:
        """The coverage rows of the programme universe inside a scope."""
        cov = self.coverage[self.coverage["in_programme"]]
        return cov if scope == NATIONAL else cov[cov["oblast_katottg"] == scope]

    def without_officer(self, scope: str) -> pd.DataFrame:
        """Assessable hromadas of the scope with no officer serving, largest population first."""
        rows = self.scope_rows(scope)
        out = rows[rows["is_assessable"] & ~rows[HAS_OFFICER]]
        return out.sort_values(["population_count", "katottg"], ascending=[False, True]).reset_index(drop=True)

    def officers(self, scope: str) -> dict[str, int]:
        """Officers on the pack's date over the assessable hromadas of the scope (one set of
        hromadas for every figure, the overview's columns): serving, required, short (the sum of
        the hromadas' gaps), above requirement; serving_all (every hromada, where nothing is
        assessed too) and the hromadas short of their requirement."""
        now = self.kpis(scope).loc["now"]
        rows = self.scope_rows(scope)
        return {
            "serving_all": int(now["officers_serving"]),
            "serving": int(now["officers_serving_assessable"]),
            "required": int(now["officers_required"]),
            "short": int(now["officers_short"]),
            "above": int(now["officers_above_required"]),
            "hromadas_short": int((rows["is_assessable"] & (rows["officer_gap"] > 0)).sum()),
            "hromadas_assessable": int(now["hromadas_assessable"]),
        }

    OFFICER_COLUMNS = ("officers_serving_assessable", "officers_required", "officers_short", "officers_above_required")

    def officers_by_oblast(self) -> pd.DataFrame:
        """The league's officer columns for every oblast of the programme, most officers short first."""
        cols = ["oblast_katottg", "name_uk", "name_en", "hromadas_assessable", *self.OFFICER_COLUMNS]
        return self.league[cols].sort_values(["officers_short", "name_uk"], ascending=[False, True]).reset_index(
            drop=True
        )

    # ------------------------------------------------------------ trust
    def trust(self, scope: str) -> pd.DataFrame:
        """trust.trust_series (metric 'trust') of a scope with the warehouse's reporting classes
        applied (trust.mark_shown), waves that ended by the pack's date."""
        s = trust.mark_shown(trust.trust_series(self.con, scope, "trust"))
        return s[pd.to_datetime(s["wave_end"]) <= pd.Timestamp(self.as_of)].reset_index(drop=True)

    def trust_gaps(self, scope: str) -> pd.DataFrame:
        """trust.gap_series (metric 'trust'): has an officer − no officer by wave, as the warehouse tested it."""
        return trust.gap_series(self.con, scope, "trust")

    @cached_property
    def reporting_rule(self) -> dict:
        """survey.reporting_rule: the thresholds the warehouse classified the survey figures with."""
        return survey.reporting_rule(self.con)

    # ------------------------------------------------------------ planning
    @cached_property
    def plan_base(self):
        """planner.candidates on the pack's date (state and scored candidates of the country)."""
        return planner.candidates(self.con, self.as_of)

    def plan(self, scope: str) -> dict:
        """planner.plan_from: where the next PLAN_OFFICERS officers go in the scope (default weights)."""
        return planner.plan_from(self.plan_base, PLAN_OFFICERS, None, None if scope == NATIONAL else scope)

    @cached_property
    def forecast(self) -> dict:
        """forecast.forecast: when coverage milestones are reached (from the warehouse's as-of date)."""
        return forecast.forecast(self.con)

    @cached_property
    def effect(self) -> dict | None:
        """effect.estimate (trust), or None when the survey cannot carry it (the reason in effect_error)."""
        try:
            return effect.estimate(self.con, "trust")
        except effect.NotEstimable as exc:
            self.effect_error = str(exc)
            return None

    effect_error: str = ""


@dataclass(frozen=True)
class Scope:
    """A pack's area: the nation or one oblast."""

    code: str
    name: str

    @property
    def is_national(self) -> bool:
        return self.code == NATIONAL
