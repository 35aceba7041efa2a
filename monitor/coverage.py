"""Coverage of hromadas on a date: the map's data and its scope. Pure functions over a
read-only connection.

The status of a hromada on a date has one definition, the table macro `coverage_on(d)` that the
ETL persists in the database; this module only joins names to it and summarises it. A MapScope
says what the map shows for a choice of the whole country or one oblast.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

import vocabulary
from monitor import geometry
from monitor.db import NATIONAL, build_info, query
from monitor.formatting import fmt_date, fmt_int, fmt_pct
from monitor.i18n import name_col, t

STATUSES = vocabulary.STATUSES.codes  # in legend and table order
# The statuses of the programme's universe, and of its assessable hromadas (the denominator).
PROGRAMME_STATUSES = tuple(s for s in STATUSES if s != "outside_programme")
ASSESSABLE_STATUSES = tuple(s for s in PROGRAMME_STATUSES if s != "not_assessable")
# has an officer «є офіцер»: the statuses where at least one officer serves in an assessable hromada
WITH_OFFICER_STATUSES = ("at_required_strength", "below_required")


def status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang)


def available_dates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The dates of coverage_monthly (month ends from May 2019, then the as-of date), ISO strings."""
    df = query(con, "SELECT DISTINCT on_date FROM coverage_monthly ORDER BY on_date")
    return [d.isoformat()[:10] for d in pd.to_datetime(df["on_date"])]


def coverage_on(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Every hromada's coverage on `on_date` (coverage_on macro) with names in both languages.

    Columns: those of coverage_on plus name_uk, name_en, type_uk, type_en, raion_name_uk,
    raion_name_en, has_geometry, programme_note, oblast_name_uk, oblast_name_en. Ordered by katottg.
    """
    return query(
        con,
        """
        SELECT
            c.*,
            h.name_uk,
            coalesce(h.name_en, h.name_uk) AS name_en,
            h.type_uk,
            h.type_en,
            h.raion_name_uk,
            h.raion_name_en,
            h.has_geometry,
            h.programme_note,
            o.name_uk AS oblast_name_uk,
            o.name_en AS oblast_name_en
        FROM coverage_on(?::DATE) AS c
        JOIN hromadas AS h USING (katottg)
        JOIN oblasts AS o ON o.oblast_katottg = c.oblast_katottg
        ORDER BY c.katottg
        """,
        [on_date],
    )


def with_geometry(cov: pd.DataFrame) -> pd.DataFrame:
    """The rows of a coverage_on() frame that have a boundary to draw (the map's hromadas)."""
    return cov[cov["has_geometry"]]


def status_counts(cov: pd.DataFrame, oblast: str | None = None) -> pd.DataFrame:
    """Hromadas, residents and officers by status, over the programme's universe (every status of
    it listed, even with zero; units outside the programme are not counted).

    `cov` is a coverage_on() frame; `oblast` limits it to one oblast code. Columns: status,
    hromadas, share (of the assessable hromadas; NaN for not_assessable, which is outside the
    denominator), population, officers_serving, required_officers, officer_gap (officers short),
    officers_above_required.
    """
    df = cov[cov["in_programme"]]
    if oblast:
        df = df[df["oblast_katottg"] == oblast]
    grouped = df.groupby("status").agg(
        hromadas=("katottg", "size"),
        population=("population_count", "sum"),
        officers_serving=("officers_serving", "sum"),
        required_officers=("required_officers", "sum"),
        officer_gap=("officer_gap", "sum"),
        officers_above_required=("officers_above_required", "sum"),
    )
    out = grouped.reindex(list(PROGRAMME_STATUSES), fill_value=0).reset_index(names="status")
    out = out.astype({c: "int64" for c in out.columns if c != "status"})
    assessable = int(out.loc[out["status"].isin(ASSESSABLE_STATUSES), "hromadas"].sum())
    out.insert(2, "share", [n / assessable if s in ASSESSABLE_STATUSES and assessable else float("nan")
                            for s, n in zip(out["status"], out["hromadas"], strict=True)])
    return out


STATUS_TABLE_COLUMNS = ["status", "hromadas", "share", "population", "officers_serving", "required_officers",
                        "officer_gap", "officers_above_required"]


def status_display(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """status_counts() as formatted text for reading, headers translated ('map.col.*'), with a
    total row of the assessable hromadas (the denominator of the shares)."""
    assessable = counts[counts["status"].isin(ASSESSABLE_STATUSES)]
    total = assessable.drop(columns=["status", "share"]).sum()
    share = 1.0 if total["hromadas"] else float("nan")
    rows = pd.concat([counts, pd.DataFrame([{**total.to_dict(), "status": "assessable_total", "share": share}])],
                     ignore_index=True)
    order = [*ASSESSABLE_STATUSES, "assessable_total", "not_assessable"]
    rows = rows.set_index("status").loc[order].reset_index()
    display = pd.DataFrame({
        "status": [t("map.assessable_total", lang) if s == "assessable_total" else status_label(s, lang)
                   for s in rows["status"]],
        "hromadas": [fmt_int(v, lang) for v in rows["hromadas"]],
        "share": [fmt_pct(v, lang) if pd.notna(v) else "—" for v in rows["share"]],
        **{c: [fmt_int(v, lang) for v in rows[c]] for c in STATUS_TABLE_COLUMNS[3:]},
    })[STATUS_TABLE_COLUMNS]
    return display.rename(columns={c: t(f"map.col.{c}", lang) for c in STATUS_TABLE_COLUMNS})


def status_download(counts: pd.DataFrame, lang: str, on_date: str, scope: str) -> pd.DataFrame:
    """status_counts() for download: raw numbers, the status in words, the date and the scope."""
    return counts.assign(status_label=[status_label(s, lang) for s in counts["status"]], on_date=on_date,
                         scope=scope)


# Above this many open stations the map shows one marker per hromada and kind (at their mean
# position, with the count): tens of thousands of points would make every rerun slow and hide the map.
MAX_STATION_MARKERS = 5000


def stations_open_on(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Stations open on `on_date` (closed_on is the day it closed: exclusive), with hromada names.

    One row per station, or, when more than MAX_STATION_MARKERS are open, one row per hromada and
    kind. Columns: hromada_katottg, oblast_katottg, kind, name, opened_on (the first), lat, lon,
    is_location_imputed (all of the row's stations), n_stations, hromada_name_uk, hromada_name_en.
    """
    open_count = int(query(
        con,
        "SELECT count(*) AS n FROM stations WHERE opened_on <= ?::DATE AND (closed_on IS NULL OR closed_on > ?::DATE)",
        [on_date, on_date],
    )["n"].iloc[0])
    group = "s.station_id" if open_count <= MAX_STATION_MARKERS else "s.hromada_katottg, s.kind"
    return query(
        con,
        f"""
        SELECT
            s.hromada_katottg, any_value(h.oblast_katottg) AS oblast_katottg, s.kind,
            CASE WHEN count(*) = 1 THEN any_value(s.name) END AS name,
            min(s.opened_on) AS opened_on, avg(s.lat) AS lat, avg(s.lon) AS lon,
            bool_and(s.is_location_imputed) AS is_location_imputed, count(*) AS n_stations,
            any_value(h.name_uk) AS hromada_name_uk, any_value(coalesce(h.name_en, h.name_uk)) AS hromada_name_en
        FROM stations AS s
        JOIN hromadas AS h ON h.katottg = s.hromada_katottg
        WHERE s.opened_on <= ?::DATE AND (s.closed_on IS NULL OR s.closed_on > ?::DATE)
        GROUP BY s.hromada_katottg, s.kind, {group}
        ORDER BY s.kind, s.hromada_katottg, min(s.opened_on)
        """,  # noqa: S608 - `group` is one of two constants above
        [on_date, on_date],
    )


def display_geometry(con: duckdb.DuckDBPyConnection, layer: str) -> str:
    """The simplified GeoJSON FeatureCollection of a layer ('hromadas' | 'oblasts'), as text."""
    df = query(con, "SELECT geojson FROM display_geometry WHERE layer = ?", [layer])
    if df.empty:
        raise LookupError(f"display_geometry has no layer {layer!r}")
    return str(df["geojson"].iloc[0])


def outside_programme(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The oblast-level units outside the programme (config/universe.toml, via the warehouse):
    oblast_katottg, code, drawn_as ('occupied' | 'outside'), label_uk, label_en."""
    return query(con, "SELECT * FROM outside_programme ORDER BY code, oblast_katottg")


# ---------------------------------------------------------------- the territory list's date
@dataclass(frozen=True)
class TerritoryList:
    """The date of the official list the territory statuses (and so "assessable") come from."""

    list_date: str  # ISO
    as_of: str  # ISO
    max_age_months: int

    @property
    def is_stale(self) -> bool:
        """The list is more than max_age_months older than the as-of date."""
        d = dt.date.fromisoformat(self.list_date)
        months = self.max_age_months
        year, month = divmod(d.month - 1 + months, 12)
        day = min(d.day, calendar.monthrange(d.year + year, month + 1)[1])
        return dt.date.fromisoformat(self.as_of[:10]) > dt.date(d.year + year, month + 1, day)

    def note(self, lang: str) -> str:
        """The line shown beside every map and figure that uses "assessable"."""
        text = t("common.territory_list", lang, date=fmt_date(self.list_date, lang),
                 as_of=fmt_date(self.as_of, lang))
        if self.is_stale:
            text += " " + t("common.territory_list_stale", lang, months=self.max_age_months)
        return text


def territory_list(con: duckdb.DuckDBPyConnection) -> TerritoryList:
    """The territory list's date and the staleness threshold, read from build_info."""
    info = build_info(con)
    return TerritoryList(info.get("territory_list_date", ""), info.get("as_of_date", "")[:10],
                         int(info.get("territory_list_max_age_months", "6")))


# ---------------------------------------------------------------- the map's scope
@dataclass(frozen=True)
class MapScope:
    """What the coverage map shows for a choice of the whole country (NATIONAL) or one oblast.

    The whole country stays drawn either way; an oblast's scope zooms to it, outlines it in bold
    and limits the counts (legend, table, hromadas without geometry, the profile picker) to it.
    """

    oblast: str  # NATIONAL or an oblast code
    bounds: geometry.Bounds | None  # what to zoom to; None: the whole country
    highlight: dict | None  # the oblast's outline (FeatureCollection), drawn bold
    outline_ids: tuple[str, ...]  # every oblast of the outline layer

    @property
    def is_national(self) -> bool:
        return self.oblast == NATIONAL

    @property
    def count_oblast(self) -> str | None:
        """The oblast the counts are limited to; None for the whole country."""
        return None if self.is_national else self.oblast

    def rows(self, cov: pd.DataFrame) -> pd.DataFrame:
        """The rows of a coverage_on() frame inside the scope."""
        return cov if self.is_national else cov[cov["oblast_katottg"] == self.oblast]

    def hromadas_by_name(self, cov: pd.DataFrame, lang: str) -> pd.DataFrame:
        """The scope's rows ordered by their name in the language (for the profile picker)."""
        return self.rows(cov).sort_values(name_col(lang))

    def without_geometry(self, cov: pd.DataFrame) -> int:
        """How many of the scope's hromadas of the programme have no boundary to draw."""
        rows = self.rows(cov)
        return int((~rows["has_geometry"] & rows["in_programme"]).sum())


def map_scope(oblast: str, cov: pd.DataFrame, hromada_layer: str, oblast_layer: str) -> MapScope:
    """The MapScope of `oblast` (NATIONAL or a code) over a coverage_on() frame and the two
    display-geometry layers (display_geometry() texts)."""
    outline_ids = tuple(geometry.geometry_ids(geometry.parse_geometry(oblast_layer)))
    if oblast == NATIONAL:
        return MapScope(oblast, None, None, outline_ids)
    drawn = cov[cov["has_geometry"]]
    in_oblast = drawn.loc[drawn["oblast_katottg"] == oblast, "katottg"]
    bounds = geometry.bounds_of(hromada_layer, in_oblast) or geometry.bounds_of(oblast_layer, [oblast])
    return MapScope(oblast, bounds, geometry.layer_subset(oblast_layer, [oblast]), outline_ids)
