"""Overview: where the programme stands on the as-of date, a year before, and beside the
figures leadership has published. Pure functions over a read-only connection."""

from __future__ import annotations

import duckdb
import pandas as pd

from monitor.db import NATIONAL, query
from monitor.formatting import fmt_date, fmt_int, fmt_month, fmt_pct, fmt_signed_int, fmt_signed_pp, fmt_wave
from monitor.i18n import t, t_or
from monitor.rollout import scope_summary, year_before
from monitor.survey import is_caution, is_shown
from monitor.tiles import Tile

# KPI tiles, in display order: key (translated 'kpi.<key>') -> column of scope_summary.
KPI_COLUMNS = ("hromadas_with_officer", "officers_serving_assessable", "residents_strength_weighted",
               "stations_open", "memoranda_active")
# Published metrics that the data can be set beside: facts metric -> column of scope_summary.
# The published "hromadas/residents covered" are counted as the data's "has an officer".
PUBLISHED_METRICS = {
    "officers": "officers_serving",
    "hromadas_covered": "hromadas_with_officer",
    "residents_covered": "residents_with_officer",
    "police_stations": "police_stations_open",
}


def national_kpis(con: duckdb.DuckDBPyConnection, as_of: str) -> pd.DataFrame:
    """Two rows, 'now' (as_of) and 'year_before' (the same date a year earlier), of the national
    scope_summary columns, indexed by 'when'."""
    before = year_before(as_of).isoformat()
    df = scope_summary(con, (as_of[:10], before))
    df = df[df["scope_katottg"] == NATIONAL].copy()
    df["when"] = df["on_date"].map({as_of[:10]: "now", before: "year_before"})
    return df.set_index("when")


TRUST_GROUPS = ("has_officer", "no_officer")


def trust_gap(con: duckdb.DuckDBPyConnection, as_of: str) -> pd.DataFrame:
    """National trust where the respondent's hromada has an officer vs has none: the latest wave
    and the latest wave that ended a year or more before as_of (for the change).

    Rows: when ('now' | 'year_before') x grp ('has_officer' | 'no_officer'); columns wave,
    wave_end, share (NaN unless shown, monitor.survey), n_effective, ci_low, ci_high, reporting,
    too_few, caution (bools), city_100k_weight_share (the group's weight from hromadas of 100 000+
    residents). Empty when there is no survey.
    """
    before = year_before(as_of).isoformat()
    df = query(
        con,
        """
        WITH waves AS (
            SELECT DISTINCT wave, wave_start, wave_end FROM trust_summary
            WHERE scope_katottg = $national AND metric = 'trust' AND wave_end <= $as_of::DATE
        ),
        picked AS (
            SELECT 'now' AS "when", wave FROM (SELECT wave FROM waves ORDER BY wave_end DESC, wave DESC LIMIT 1)
            UNION ALL
            SELECT 'year_before', wave FROM (
                SELECT wave FROM waves WHERE wave_end <= $before::DATE ORDER BY wave_end DESC, wave DESC LIMIT 1)
        )
        SELECT picked."when", s.wave, strftime(s.wave_end, '%Y-%m-%d') AS wave_end, s.grp, s.share,
               s.n_unweighted, s.n_effective, s.ci_low, s.ci_high, s.reporting, s.city_100k_weight_share
        FROM picked
        JOIN trust_summary AS s ON s.wave = picked.wave
        WHERE s.scope_katottg = $national AND s.metric = 'trust' AND list_contains($groups, s.grp)
        ORDER BY picked."when", s.grp
        """,
        {"national": NATIONAL, "as_of": as_of[:10], "before": before, "groups": list(TRUST_GROUPS)},
    )
    df["too_few"] = ~is_shown(df["reporting"])
    df["caution"] = is_caution(df["reporting"])
    for col in ("share", "ci_low", "ci_high"):
        df.loc[df["too_few"], col] = float("nan")
    return df


def published_vs_data(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """National published milestones (facts_milestones) beside what the data says on the same date.

    Columns: milestone_date (ISO), date_text, date_precision, metric, published, data,
    difference (data - published), difference_share (of published), source_name, source_url,
    confidence, note. Only metrics the data can count (PUBLISHED_METRICS). A year or month given
    without a day is compared on the date the ETL resolved it to (shown with its precision).
    """
    facts = query(
        con,
        """
        SELECT strftime(milestone_date, '%Y-%m-%d') AS milestone_date, date_text, date_precision,
               metric, value AS published, source_name, source_url, confidence, note
        FROM facts_milestones
        WHERE oblast_katottg IS NULL AND list_contains(?::VARCHAR[], metric)
        ORDER BY milestone_date, metric, value
        """,
        [list(PUBLISHED_METRICS)],
    )
    if facts.empty:
        facts["data"] = pd.Series(dtype="float")
        facts["difference"] = pd.Series(dtype="float")
        facts["difference_share"] = pd.Series(dtype="float")
        return facts
    summary = scope_summary(con, tuple(sorted(facts["milestone_date"].unique())))
    summary = summary[summary["scope_katottg"] == NATIONAL].set_index("on_date")
    facts["data"] = [
        float(summary.at[d, PUBLISHED_METRICS[m]]) if d in summary.index else float("nan")
        for d, m in zip(facts["milestone_date"], facts["metric"], strict=True)
    ]
    facts["difference"] = facts["data"] - facts["published"]
    facts["difference_share"] = facts["difference"] / facts["published"]
    return facts[["milestone_date", "date_text", "date_precision", "metric", "published", "data",
                  "difference", "difference_share", "source_name", "source_url", "confidence", "note"]]


def published_date_text(iso: str, precision: str, lang: str) -> str:
    """A published date as precise as the source gave it: a day, a month or a year."""
    if precision == "year":
        return iso[:4]
    if precision == "month":
        return fmt_month(iso, lang)
    return fmt_date(iso, lang)


def published_table(pub: pd.DataFrame, lang: str) -> pd.DataFrame:
    """published_vs_data as formatted text for reading (headers are 'col.*' keys)."""
    return pd.DataFrame({
        "date": [published_date_text(d, p, lang)
                 for d, p in zip(pub["milestone_date"], pub["date_precision"], strict=True)],
        "metric": [t(f"metric.{m}", lang) for m in pub["metric"]],
        "published": [fmt_int(v, lang) for v in pub["published"]],
        "data": [fmt_int(v, lang) for v in pub["data"]],
        "difference": [fmt_signed_int(v, lang) for v in pub["difference"]],
        "difference_share": [fmt_pct(v, lang, 0) if pd.notna(v) and v <= 0 else
                             ("+" + fmt_pct(v, lang, 0) if pd.notna(v) else fmt_pct(v, lang))
                             for v in pub["difference_share"]],
        "confidence": [t_or(f"confidence.{c}", lang, str(c)) for c in pub["confidence"]],
        "source": pub["source_name"].fillna(""),
    })


def published_download(pub: pd.DataFrame, lang: str) -> pd.DataFrame:
    """published_vs_data for download: raw numbers, metric names in the language."""
    out = pub.copy()
    out["metric"] = [t(f"metric.{m}", lang) for m in out["metric"]]
    return out


# ---------------------------------------------------------------- tiles
def kpi_tiles(kpis: pd.DataFrame, lang: str) -> list[Tile]:
    """The KPI tiles of national_kpis() in KPI_COLUMNS order, each with its 12-month change.

    Every figure is over the programme's universe; hromadas and officers over its assessable
    hromadas (the same set for officers serving and required)."""
    now, prev = kpis.loc["now"], kpis.loc["year_before"]
    yoy = t("common.yoy", lang)
    share_change = now["with_officer_share"] - prev["with_officer_share"]
    n = {k: fmt_int(now[k], lang) for k in now.index if k not in ("on_date", "scope_katottg")}
    tiles = [
        Tile(
            t("kpi.hromadas_with_officer", lang, n=n["hromadas_with_officer"], total=n["hromadas_assessable"]),
            fmt_pct(now["with_officer_share"], lang),
            change=share_change,
            change_text=t("overview.change_with_count", lang, pp=fmt_signed_pp(share_change, lang),
                          change=fmt_signed_int(now["hromadas_with_officer"] - prev["hromadas_with_officer"],
                                                lang)),
            help=t("kpi.hromadas_with_officer_help", lang),
            description=yoy,
            caption=t("kpi.at_required_strength_caption", lang, n=n["hromadas_at_required_strength"],
                      share=fmt_pct(now["at_required_strength_share"], lang)),
        )
    ]
    captions = {
        "officers_serving_assessable": t("kpi.officers_caption", lang, required=n["officers_required"],
                                         short=n["officers_short"], above=n["officers_above_required"]),
        "residents_strength_weighted": t("kpi.residents_caption", lang,
                                         share=fmt_pct(now["strength_weighted_share"], lang),
                                         at_required=n["residents_at_required_strength"],
                                         per_officer=n["residents_per_officer"],
                                         large=n["residents_strength_weighted_large_urban"]),
    }
    helps = {"officers_serving_assessable": _officers_help(now, lang)}
    for key in KPI_COLUMNS[1:]:
        change = now[key] - prev[key]
        tiles.append(Tile(t(f"kpi.{key}", lang), fmt_int(now[key], lang), change=change,
                          change_text=fmt_signed_int(change, lang),
                          help=helps.get(key, t(f"kpi.{key}_help", lang)), description=yoy,
                          caption=captions.get(key)))
    return tiles


def _officers_help(now: pd.Series, lang: str) -> str:
    """The officers tile's help, naming the officers posted where nothing is assessed (not counted)."""
    text = t("kpi.officers_serving_assessable_help", lang)
    elsewhere = int(now["officers_serving"] - now["officers_serving_assessable"])
    if elsewhere:
        text += " " + t("kpi.officers_not_assessable", lang, n=fmt_int(elsewhere, lang))
    return text


def trust_tiles(trust: pd.DataFrame, lang: str) -> list[Tile]:
    """A tile per group of trust_gap(): the latest share (or 'too few', or 'no survey') and its
    change from the wave a year before when both are shown; under it "use with caution" where the
    rule says so, and who is in the group (its weight from cities of 100 000+)."""
    tiles = []
    for grp in TRUST_GROUPS:
        cur = trust[(trust["when"] == "now") & (trust["grp"] == grp)]
        old = trust[(trust["when"] == "year_before") & (trust["grp"] == grp)]
        label = t(f"kpi.trust_{grp}", lang)
        if cur.empty:
            tiles.append(Tile(label, t("overview.no_survey", lang)))
            continue
        c = cur.iloc[0]
        value = t("reporting.too_few", lang) if c["too_few"] else fmt_pct(c["share"], lang)
        help_text = t("kpi.trust_help", lang, wave=fmt_wave(c["wave"], lang), end=fmt_date(c["wave_end"], lang),
                      n=fmt_int(c["n_effective"], lang), low=fmt_pct(c["ci_low"], lang),
                      high=fmt_pct(c["ci_high"], lang))
        caption = " · ".join(
            ([t("reporting.caution", lang)] if c["caution"] else [])
            + [t("overview.trust_cities", lang, share=fmt_pct(c["city_100k_weight_share"], lang, 0))]
        )
        if old.empty or c["too_few"] or old.iloc[0]["too_few"]:
            tiles.append(Tile(label, value, help=help_text, caption=caption))
            continue
        o = old.iloc[0]
        change = c["share"] - o["share"]
        tiles.append(Tile(label, value, help=help_text, change=change, change_text=fmt_signed_pp(change, lang),
                          description=t("overview.vs_wave", lang, wave=fmt_wave(o["wave"], lang)), caption=caption))
    return tiles
