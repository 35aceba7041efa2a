"""The gaps list: which hromadas have no officer, or fewer than required — largest first?

One row per assessable hromada that lacks officers on a date (no officer at all, or serving fewer
than required), with its population, officers serving and required, the gap, whether a memorandum
is in force and the nearest open station. Read side only: the statuses are the warehouse's
(coverage_on), their labels the vocabulary's.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from monitor.db import NATIONAL, query
from monitor.formatting import fmt_int, fmt_num
from monitor.i18n import name_col, t

SHOW = ("all", "no_officer", "below_strength")  # which of the gaps the list shows
SORTS = ("population", "officer_gap", "nearest_station_km")  # the list's orders (largest / farthest first)

def gap_list(con: duckdb.DuckDBPyConnection, on_date: str, oblast: str = NATIONAL) -> pd.DataFrame:
    """The hromadas lacking officers on `on_date` in `oblast` (NATIONAL: the whole country).

    Columns: katottg, name_uk, name_en, oblast_katottg, oblast_name_uk, oblast_name_en,
    raion_name_uk, raion_name_en, population_count, officers_serving, required_officers,
    officer_gap, has_officer, status, has_memorandum, nearest_station (name, NULL when the file gave none),
    nearest_station_kind, nearest_station_hromada_uk/_en, nearest_station_km (great-circle
    distance from the hromada's centre, 0.1 km). Ordered by population, largest first.
    "Lacks officers" is the warehouse's own words: assessable, officers short (officer_gap) above 0;
    with an officer or not is its has_officer (docs/methodology.md).
    """
    return query(
        con,
        """
        WITH gaps AS (
            SELECT c.katottg, c.oblast_katottg, c.population_count, c.officers_serving,
                   c.required_officers, c.officer_gap, c.has_officer, c.status, c.has_memorandum,
                   h.name_uk, coalesce(h.name_en, h.name_uk) AS name_en,
                   h.raion_name_uk, coalesce(h.raion_name_en, h.raion_name_uk) AS raion_name_en,
                   h.centre_lat, h.centre_lon,
                   o.name_uk AS oblast_name_uk, o.name_en AS oblast_name_en
            FROM coverage_on(?::DATE) AS c
            JOIN hromadas AS h USING (katottg)
            JOIN oblasts AS o ON o.oblast_katottg = c.oblast_katottg
            WHERE c.is_assessable AND c.officer_gap > 0
              AND (?::VARCHAR = ?::VARCHAR OR c.oblast_katottg = ?::VARCHAR)
        ),
        open_stations AS (
            SELECT s.name, s.kind, s.lat, s.lon, sh.name_uk AS hromada_uk,
                   coalesce(sh.name_en, sh.name_uk) AS hromada_en
            FROM stations AS s JOIN hromadas AS sh ON sh.katottg = s.hromada_katottg
            WHERE s.opened_on <= ?::DATE AND (s.closed_on IS NULL OR s.closed_on > ?::DATE)
        ),
        distances AS (
            SELECT g.katottg, s.*,
                   2 * 6371.0088 * asin(sqrt(
                       pow(sin(radians(s.lat - g.centre_lat) / 2), 2)
                       + cos(radians(g.centre_lat)) * cos(radians(s.lat))
                         * pow(sin(radians(s.lon - g.centre_lon) / 2), 2))) AS km
            FROM gaps AS g, open_stations AS s
            WHERE g.centre_lat IS NOT NULL
        ),
        nearest AS (
            SELECT katottg, arg_min(name, km) AS nearest_station, arg_min(kind, km) AS nearest_station_kind,
                   arg_min(hromada_uk, km) AS nearest_station_hromada_uk,
                   arg_min(hromada_en, km) AS nearest_station_hromada_en, round(min(km), 1) AS nearest_station_km
            FROM distances GROUP BY katottg
        )
        SELECT g.* EXCLUDE (centre_lat, centre_lon), n.* EXCLUDE (katottg)
        FROM gaps AS g LEFT JOIN nearest AS n USING (katottg)
        ORDER BY g.population_count DESC NULLS LAST, g.katottg
        """,
        [on_date, oblast, NATIONAL, oblast, on_date, on_date],
    )


def shown(gaps: pd.DataFrame, show: str = "all", sort: str = "population") -> pd.DataFrame:
    """The rows `show` asks for ('all' | 'no_officer' | 'below_strength'), largest `sort` first."""
    if show == "no_officer":
        gaps = gaps[~gaps["has_officer"].astype(bool)]
    elif show == "below_strength":
        gaps = gaps[gaps["has_officer"].astype(bool)]
    key = sort if sort in SORTS else "population"
    ties = [c for c in ("population_count", "officer_gap") if c != key]
    by = ["population_count" if key == "population" else key, *ties]
    out = gaps.sort_values([*by, "katottg"], ascending=[False] * len(by) + [True], na_position="last")
    return out.reset_index(drop=True)


def summary(gaps: pd.DataFrame) -> dict[str, int]:
    """Counts for the tiles: hromadas with no officer, below required strength, officers short,
    residents of the listed hromadas."""
    no_officer = ~gaps["has_officer"].astype(bool)
    return {
        "no_officer": int(no_officer.sum()),
        "below_strength": int((~no_officer).sum()),
        "officers_short": int(gaps["officer_gap"].sum()),
        "residents": int(gaps["population_count"].fillna(0).sum()),
    }


def _lack(status: str, lang: str) -> str:
    """What the hromada lacks, in the vocabulary's words (its status label)."""
    return t(f"status.{status}", lang)


def _station(row, lang: str) -> str:
    """The nearest open station: its name (which says its kind), else its kind and hromada."""
    if pd.isna(row.nearest_station_kind):
        return "—"
    if isinstance(row.nearest_station, str) and row.nearest_station.strip():
        return row.nearest_station
    where = row.nearest_station_hromada_en if lang == "en" else row.nearest_station_hromada_uk
    return f"{t(f'station.{row.nearest_station_kind}', lang)} ({where})"


def _yes_no(flags: pd.Series, lang: str) -> list[str]:
    return [t("common.yes" if bool(f) else "common.no", lang) for f in flags]


def profile_link(code: str, lang: str) -> str:
    return f"/hromada?hromada={code}&lang={lang}"


DISPLAY_COLUMNS = ["no", "hromada", "oblast", "population", "officers_serving", "officers_required", "officer_gap",
                   "has_officer", "lack", "memorandum", "nearest_station", "nearest_station_km", "profile"]


def gaps_display(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list as text for reading (numbers written the language's way), with a profile link;
    headers are 'col.<name>' keys (app_state.show_table translates them)."""
    nc = name_col(lang)
    return pd.DataFrame({
        "no": [fmt_int(i + 1, lang) for i in range(len(rows))],
        "hromada": rows[nc].tolist(),
        "oblast": rows[f"oblast_{nc}"].tolist(),
        "population": [fmt_int(v, lang) for v in rows["population_count"]],
        "officers_serving": [fmt_int(v, lang) for v in rows["officers_serving"]],
        "officers_required": [fmt_int(v, lang) for v in rows["required_officers"]],
        "officer_gap": [fmt_int(v, lang) for v in rows["officer_gap"]],
        "has_officer": _yes_no(rows["has_officer"], lang),
        "lack": [_lack(s, lang) for s in rows["status"]],
        "memorandum": _yes_no(rows["has_memorandum"], lang),
        "nearest_station": [_station(r, lang) for r in rows.itertuples(index=False)],
        "nearest_station_km": [fmt_num(v, lang, 1) for v in rows["nearest_station_km"]],
        "profile": [profile_link(c, lang) for c in rows["katottg"]],
    }, columns=DISPLAY_COLUMNS)


def gaps_download(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list for a file: numbers as numbers, every code in words of the language, the code of
    each hromada kept for joining (headers are 'col.<name>' keys)."""
    nc = name_col(lang)
    return pd.DataFrame({
        "no": range(1, len(rows) + 1),
        "katottg": rows["katottg"].tolist(),
        "hromada": rows[nc].tolist(),
        "raion": rows[f"raion_{nc}"].tolist(),
        "oblast": rows[f"oblast_{nc}"].tolist(),
        "population": rows["population_count"].tolist(),
        "officers_serving": rows["officers_serving"].tolist(),
        "officers_required": rows["required_officers"].tolist(),
        "officer_gap": rows["officer_gap"].tolist(),
        "has_officer": _yes_no(rows["has_officer"], lang),
        "lack": [_lack(s, lang) for s in rows["status"]],
        "memorandum": _yes_no(rows["has_memorandum"], lang),
        "nearest_station": [_station(r, lang) for r in rows.itertuples(index=False)],
        "nearest_station_km": rows["nearest_station_km"].tolist(),
    })
