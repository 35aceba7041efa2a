"""One hromada in depth: search, facts, status history, officers, stations, memoranda,
territory status, and the comparison with peers of the same type and size band — the queries and
the tables, tiles and lines that show them (the charts are in monitor.figures.profile)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from monitor.coverage import status_label
from monitor.db import query
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct, fmt_size_band, fmt_wave
from monitor.i18n import name_col, t
from monitor.survey import value_text
from monitor.tiles import Tile
from monitor.trust import oblast_latest, with_oblast_trust
from vocabulary import apostrophes


def hromada_index(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """katottg, name_uk, name_en, oblast_name_uk, oblast_name_en of every hromada, by Ukrainian name."""
    return query(
        con,
        """
        SELECT h.katottg, h.name_uk, coalesce(h.name_en, h.name_uk) AS name_en,
               o.name_uk AS oblast_name_uk, o.name_en AS oblast_name_en
        FROM hromadas AS h JOIN oblasts AS o USING (oblast_katottg)
        ORDER BY h.name_uk, h.katottg
        """,
    )


def search_labels(index: pd.DataFrame, lang: str) -> dict[str, str]:
    """katottg -> 'Name (Oblast) — code' in the language, plus the other language's name in
    brackets so either spelling can be typed into the select box's search.

    The picker's search is Streamlit's fuzzy filter (the typed letters, case ignored, in order
    somewhere in the label), so a name with an apostrophe also carries its words in the other
    apostrophe spellings after the code: any way of typing it finds the hromada.
    """
    en = lang == "en"
    names = index["name_en" if en else "name_uk"].fillna("").tolist()
    others = index["name_uk" if en else "name_en"].fillna("").tolist()
    oblasts = index["oblast_name_en" if en else "oblast_name_uk"].fillna("").tolist()
    labels = {}
    for code, name, other, oblast in zip(index["katottg"], names, others, oblasts, strict=True):
        alias = f" / {other}" if other and other != name else ""
        labels[code] = f"{name}{alias} ({oblast}) — {code}" + _other_spellings(f"{name} {other}")
    return labels


_APOSTROPHE = re.compile("[" + "".join(apostrophes.SPELLINGS) + "]")


def _other_spellings(names: str) -> str:
    """' · ' and the words of `names` that hold an apostrophe, in the spellings they lack; ''."""
    words = [w for w in names.split() if _APOSTROPHE.search(w)]
    spellings = dict.fromkeys(_APOSTROPHE.sub(a, w) for w in words for a in apostrophes.SPELLINGS)
    missing = [s for s in spellings if s not in words]
    return " · " + " ".join(missing) if missing else ""


def hromada_facts(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The hromadas row of `code` (name_en falls back to name_uk) with its oblast's names (empty
    frame if unknown)."""
    return query(
        con,
        """
        SELECT h.* REPLACE (coalesce(h.name_en, h.name_uk) AS name_en),
               o.name_uk AS oblast_name_uk, o.name_en AS oblast_name_en
        FROM hromadas AS h JOIN oblasts AS o USING (oblast_katottg)
        WHERE h.katottg = ?
        """,
        [code],
    )


def status_history(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """coverage_monthly rows of the hromada: on_date, status, officers_serving, required_officers,
    officer_gap, has_memorandum, territory_status, is_partial_territory, stations_open."""
    return query(
        con,
        """
        SELECT on_date, status, officers_serving, required_officers, officer_gap, has_memorandum,
               territory_status, is_partial_territory, stations_open
        FROM coverage_monthly WHERE katottg = ? ORDER BY on_date
        """,
        [code],
    )


def officer_assignments(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """Assignments to the hromada (pseudonymous officer_id only): officer_id, start_date,
    end_date (NULL = serving), lives_in_hromada, trained_on."""
    return query(
        con,
        """
        SELECT officer_id, start_date, end_date, lives_in_hromada, trained_on
        FROM officers WHERE hromada_katottg = ? ORDER BY start_date, officer_id
        """,
        [code],
    )


def stations_of(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return query(
        con,
        """
        SELECT station_id, kind, name, opened_on, closed_on, is_location_imputed
        FROM stations WHERE hromada_katottg = ? ORDER BY opened_on, station_id
        """,
        [code],
    )


def memoranda_of(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return query(con, "SELECT signed_on, ended_on FROM memoranda WHERE hromada_katottg = ? ORDER BY signed_on", [code])


def territory_periods(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return query(
        con,
        """
        SELECT status, start_date, end_date, is_partial
        FROM territory_status_periods WHERE katottg = ? ORDER BY start_date, status
        """,
        [code],
    )


# ---------------------------------------------------------------- tables for reading
def _yes_no(v, lang: str) -> str:
    return t("common.yes", lang) if v is True else t("common.no", lang) if v is False else "—"


def officers_display(assignments: pd.DataFrame, lang: str) -> pd.DataFrame:
    """officer_assignments() rows as a readable table (pseudonymous ids only)."""
    return pd.DataFrame({
        t("profile.col.officer_id", lang): assignments["officer_id"],
        t("profile.col.start_date", lang): [fmt_date(d, lang) for d in assignments["start_date"]],
        t("profile.col.end_date", lang): [
            fmt_date(d, lang) if pd.notna(d) else t("profile.serving_now", lang) for d in assignments["end_date"]
        ],
        t("profile.col.lives_in_hromada", lang): [_yes_no(v, lang) for v in assignments["lives_in_hromada"]],
        t("profile.col.trained_on", lang): [fmt_date(d, lang) for d in assignments["trained_on"]],
    })


def stations_display(stations: pd.DataFrame, lang: str) -> pd.DataFrame:
    """stations_of() rows as a readable table."""
    return pd.DataFrame({
        t("profile.col.kind", lang): [t(f"station.{k}", lang) for k in stations["kind"]],
        t("profile.col.name", lang): stations["name"].fillna("—"),
        t("profile.col.opened_on", lang): [fmt_date(d, lang) for d in stations["opened_on"]],
        t("profile.col.closed_on", lang): [fmt_date(d, lang) for d in stations["closed_on"]],
        t("profile.col.imputed", lang): [_yes_no(bool(v), lang) for v in stations["is_location_imputed"]],
    })


def memoranda_display(memoranda: pd.DataFrame, lang: str) -> pd.DataFrame:
    """memoranda_of() rows as a readable table."""
    return pd.DataFrame({
        t("profile.col.signed_on", lang): [fmt_date(d, lang) for d in memoranda["signed_on"]],
        t("profile.col.ended_on", lang): [
            fmt_date(d, lang) if pd.notna(d) else t("profile.in_force", lang) for d in memoranda["ended_on"]
        ],
    })


def territory_display(periods: pd.DataFrame, lang: str) -> pd.DataFrame:
    """territory_periods() rows as a readable table."""
    return pd.DataFrame({
        t("profile.col.status", lang): [t(f"territory.{s}", lang) for s in periods["status"]],
        t("profile.col.start_date", lang): [fmt_date(d, lang) for d in periods["start_date"]],
        t("profile.col.end_date", lang): [fmt_date(d, lang) for d in periods["end_date"]],
        t("profile.col.partial", lang): [_yes_no(bool(v), lang) for v in periods["is_partial"]],
    })


def oblast_trust_table(trust: pd.DataFrame, lang: str) -> pd.DataFrame:
    """monitor.trust.latest_waves() rows of an oblast as a readable table: one row per wave and
    group, trust and knows-officer side by side; each share as its reporting class allows (a
    number, a number to use with caution, or "too few responses")."""
    rows = []
    for (wave, grp), part in trust.groupby(["wave", "grp"], sort=False):
        by_metric = part.set_index("metric")
        row = {t("profile.col.wave", lang): fmt_wave(wave, lang), t("profile.col.group", lang): t(f"group.{grp}", lang)}
        for metric in ("trust", "knows_officer"):
            if metric in by_metric.index:
                r = by_metric.loc[metric]
                row[t(f"metric.{metric}", lang)] = value_text(r["share"], r["reporting"], lang)
            else:
                row[t(f"metric.{metric}", lang)] = "—"
        row[t("profile.col.n", lang)] = fmt_int(part["n_unweighted"].max(), lang)
        rows.append(row)
    return pd.DataFrame(rows)


PEER_COLUMNS = [
    "katottg", "is_self", "name_uk", "name_en", "oblast_name_uk", "oblast_name_en", "population_count", "status",
    "officers_serving", "required_officers", "officers_per_10k", "has_officer", "is_assessable",
    "months_since_first_officer", "trust_share", "trust_n_effective", "trust_reporting",
]


def peers(con: duckdb.DuckDBPyConnection, code: str, on_date: str) -> pd.DataFrame:
    """The hromada and its peers (same type_uk and size_band) on `on_date`. Peers are assessable
    hromadas of the programme only (not occupied, not under active hostilities, not outside the
    universe on that date): a comparison with hromadas nobody can serve says nothing.

    Columns: katottg, is_self, name_uk, name_en, oblast_name_uk, oblast_name_en, population_count,
    status, officers_serving, required_officers, officers_per_10k, has_officer, is_assessable,
    months_since_first_officer (NULL if none yet), trust_share (the oblast's latest wave on or
    before on_date, monitor.trust.with_oblast_trust: NaN unless shown), trust_n_effective,
    trust_reporting (NaN: no survey wave in the oblast yet).
    """
    df = query(
        con,
        """
        WITH me AS (SELECT type_uk, size_band FROM hromadas WHERE katottg = $code),
        peer AS (
            SELECT h.* FROM hromadas AS h, me
            WHERE h.size_band = me.size_band AND h.type_uk IS NOT DISTINCT FROM me.type_uk
        ),
        first_officer AS (
            SELECT hromada_katottg AS katottg, min(start_date) AS first_start
            FROM officers WHERE start_date <= $d::DATE GROUP BY 1
        )
        SELECT p.katottg, p.katottg = $code AS is_self, p.name_uk, coalesce(p.name_en, p.name_uk) AS name_en,
               p.oblast_katottg, o.name_uk AS oblast_name_uk, o.name_en AS oblast_name_en, p.population_count,
               c.status, c.officers_serving, c.required_officers, c.officers_per_10k, c.has_officer,
               c.is_assessable,
               CASE WHEN f.first_start IS NOT NULL THEN date_diff('month', f.first_start, $d::DATE) END
                   AS months_since_first_officer
        FROM peer AS p
        JOIN oblasts AS o USING (oblast_katottg)
        JOIN coverage_on($d::DATE) AS c USING (katottg)
        LEFT JOIN first_officer AS f USING (katottg)
        WHERE c.is_assessable OR p.katottg = $code
        ORDER BY is_self DESC, p.name_uk, p.katottg
        """,
        {"code": code, "d": on_date},
    )
    return with_oblast_trust(df, oblast_latest(con, on_date))[PEER_COLUMNS]


def peer_summary(peer_df: pd.DataFrame) -> dict[str, float]:
    """The peers' (the hromada itself excluded; all assessable, see peers()) count, share with an
    officer, median officers per 10k, median months since first officer, median oblast trust."""
    others = peer_df[~peer_df["is_self"]]
    assessable = others[others["is_assessable"]]
    return {
        "peers": float(len(others)),
        "share_with_officer": float(assessable["has_officer"].mean()) if len(assessable) else float("nan"),
        "officers_per_10k": float(assessable["officers_per_10k"].median()) if len(assessable) else float("nan"),
        # float64 first: a nullable integer column with no value at all has a median of NA, not NaN.
        "months_since_first_officer": float(others["months_since_first_officer"].astype("float64").median()),
        "trust_share": float(others["trust_share"].astype("float64").median()),
    }


def peer_tiles(peer_df: pd.DataFrame, lang: str) -> list[Tile]:
    """The hromada's own figures in four tiles, each with its peers' median (or share) under it."""
    me = peer_df[peer_df["is_self"]].iloc[0]
    summary = peer_summary(peer_df)

    def median(text: str) -> str:
        return f"{t('profile.peers_median', lang)}: {text}"

    per_10k = median(fmt_num(summary["officers_per_10k"], lang, 2))
    return [
        Tile(t("profile.m.officers_per_10k", lang), fmt_num(me["officers_per_10k"], lang, 2), help=per_10k,
             caption=per_10k),
        Tile(t("profile.m.has_officer", lang),
             t("profile.has_officer_yes", lang) if me["has_officer"] else t("profile.has_officer_no", lang),
             caption=t("profile.peers_share", lang, value=fmt_pct(summary["share_with_officer"], lang))),
        Tile(t("profile.m.months_since_first", lang), fmt_int(me["months_since_first_officer"], lang),
             caption=median(fmt_int(summary["months_since_first_officer"], lang))),
        Tile(t("profile.m.trust", lang), _trust_cell(me["trust_share"], me["trust_reporting"], lang),
             caption=median(fmt_pct(summary["trust_share"], lang))),
    ]


def peer_caption(peer_df: pd.DataFrame, as_of: str, lang: str) -> str:
    return (t("profile.peer_count", lang, n=fmt_int(peer_summary(peer_df)["peers"], lang)) + " · "
            + t("profile.peers_note", lang, date=fmt_date(as_of, lang)))


def _trust_cell(share, reporting, lang: str) -> str:
    """An oblast's trust share as its reporting class allows; '—' without a survey."""
    return "—" if pd.isna(reporting) else value_text(share, reporting, lang)


def peer_display(peer_df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """peers() as a readable table, the hromada itself first and marked ▶."""
    name = name_col(lang)
    return pd.DataFrame({
        t("profile.col.hromada", lang): [
            f"▶ {n}" if is_self else n for n, is_self in zip(peer_df[name], peer_df["is_self"], strict=True)
        ],
        t("profile.col.oblast", lang): peer_df[f"oblast_{name}"],
        t("profile.col.population", lang): [fmt_int(v, lang) for v in peer_df["population_count"]],
        t("profile.col.status", lang): [status_label(s, lang) for s in peer_df["status"]],
        t("profile.col.officers", lang): [fmt_int(v, lang) for v in peer_df["officers_serving"]],
        t("profile.col.per10k", lang): [fmt_num(v, lang, 2) for v in peer_df["officers_per_10k"]],
        t("profile.col.months", lang): [fmt_int(v, lang) for v in peer_df["months_since_first_officer"]],
        t("profile.col.trust", lang): [
            _trust_cell(v, r, lang) for v, r in zip(peer_df["trust_share"], peer_df["trust_reporting"], strict=True)
        ],
    })


# ---------------------------------------------------------------- the header
@dataclass(frozen=True)
class HromadaCard:
    """What the profile's header says about one hromada, in one language."""

    title: str  # 'Name — Oblast'
    oblast_katottg: str
    oblast_name: str
    type_label: str
    size_band: str
    tiles: list[Tile]  # population, area, settlements, required officers, officers now
    status_line: str | None  # Markdown: the status now (None without a history)
    facts_line: str  # Markdown: type · raion · oblast · size band · code [· occupied before 2022]


def hromada_card(facts: pd.Series, history: pd.DataFrame, lang: str) -> HromadaCard:
    """facts: a hromada_facts() row; history: its status_history()."""
    name = name_col(lang)
    oblast_name = facts[f"oblast_{name}"]
    now = history.iloc[-1] if len(history) else None
    type_label = (t(f"hromada_type.{facts['type_en']}", lang) if pd.notna(facts["type_en"])
                  else t("profile.type_unknown", lang))
    raion = facts[f"raion_{name}"]
    items = [
        (t("profile.type", lang), type_label),
        (t("profile.raion", lang), raion if pd.notna(raion) else "—"),
        (t("profile.oblast", lang), oblast_name),
        (t("profile.size_band", lang), fmt_size_band(facts["size_band"], lang)),
        (t("profile.code", lang), f"`{facts['katottg']}`"),
    ]
    facts_line = " · ".join(
        [f"**{label}:** {value}" for label, value in items]
        + ([f"**{t('profile.occupied_before_2022', lang)}**"] if facts["is_occupied_before_2022"] else [])
        + ([f"**{t('profile.large_urban', lang)}**"] if facts.get("is_large_urban", False) else [])
        + ([f"**{t('profile.outside_programme', lang)}**"] if not facts.get("in_programme", True) else [])
    )
    tiles = [
        Tile(t("profile.population", lang), fmt_int(facts["population_count"], lang),
             help=t("profile.population_help", lang)),
        Tile(t("profile.area", lang), fmt_num(facts["area_km2"], lang, 1)),
        Tile(t("profile.settlements", lang), fmt_int(facts["settlements_count"], lang)),
        Tile(t("profile.required_officers", lang), fmt_int(facts["required_officers"], lang)),
        Tile(t("profile.officers_now", lang), fmt_int(now["officers_serving"] if now is not None else None, lang)),
    ]
    return HromadaCard(
        title=f"{facts[name]} — {oblast_name}",
        oblast_katottg=facts["oblast_katottg"],
        oblast_name=oblast_name,
        type_label=type_label,
        size_band=fmt_size_band(facts["size_band"], lang),
        tiles=tiles,
        status_line=(f"**{t('profile.status_now', lang)}:** {status_label(now['status'], lang)}"
                     if now is not None else None),
        facts_line=facts_line,
    )
