"""Trust in the police by survey wave: the series of a scope with its wave-to-wave changes, the
latest waves, each oblast's latest share, the national polls as an outside reference, and the
tables and tiles that show them. Which figures may be shown is the warehouse's `reporting` column,
read through monitor.survey."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

import vocabulary
from monitor.db import NATIONAL, query
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct, fmt_signed_pp, fmt_wave
from monitor.i18n import t
from monitor.survey import is_caution, is_shown, value_text
from monitor.tiles import Tile

GROUPS = vocabulary.SURVEY_GROUPS.codes
METRICS = ("trust", "knows_officer")


# ---------------------------------------------------------------- queries
def trust_series(con: duckdb.DuckDBPyConnection, scope: str, metric: str) -> pd.DataFrame:
    """trust_summary rows of one scope (NATIONAL or an oblast code) and metric, every group, by
    wave (with reporting, df, n_psu, n_hromadas, n_kish, deff), and the change from the group's
    previous wave as wave_changes tested it: prev_wave, change, p_value, p_adjusted,
    is_significant, change_reporting."""
    return query(
        con,
        """
        SELECT s.wave, s.wave_start, s.wave_end, s.scope_katottg, s.grp, s.metric, s.share,
               s.n_unweighted, s.n_effective, s.n_kish, s.deff, s.se, s.df, s.ci_low, s.ci_high,
               s.n_psu, s.n_hromadas, s.max_psu_weight_share, s.reporting,
               c.prev_wave, c.change, c.p_value, c.p_adjusted,
               coalesce(c.is_significant, FALSE) AS is_significant, c.reporting AS change_reporting
        FROM trust_summary AS s
        LEFT JOIN wave_changes AS c USING (wave, scope_katottg, grp, metric)
        WHERE s.scope_katottg = ? AND s.metric = ?
        ORDER BY s.grp, s.wave_start, s.wave
        """,
        [scope, metric],
    )


def gap_series(con: duckdb.DuckDBPyConnection, scope: str, metric: str) -> pd.DataFrame:
    """trust_gaps of one scope and metric by wave: has an officer − no officer, with its design
    se, p_value, reporting and is_significant (the warehouse's test)."""
    return query(
        con,
        "SELECT * FROM trust_gaps WHERE scope_katottg = ? AND metric = ? ORDER BY wave",
        [scope, metric],
    )


def latest_waves(con: duckdb.DuckDBPyConnection, scope: str, n_waves: int = 3) -> pd.DataFrame:
    """The last `n_waves` waves of trust_summary for a scope, both metrics, every group; the
    figures of rows that may not be shown are empty (the profile's table downloads these rows)."""
    df = query(
        con,
        """
        WITH w AS (
            SELECT DISTINCT wave, wave_start FROM trust_summary WHERE scope_katottg = ?
            ORDER BY wave_start DESC, wave DESC LIMIT ?
        )
        SELECT s.* FROM trust_summary AS s JOIN w USING (wave, wave_start)
        WHERE s.scope_katottg = ?
        ORDER BY s.wave_start, s.metric, s.grp
        """,
        [scope, n_waves, scope],
    )
    return blank_unshown(df)


SHOWN_ONLY_COLUMNS = ("share", "se", "ci_low", "ci_high")


def blank_unshown(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with share, se and interval emptied (NaN) on rows whose reporting class may not
    be shown, so that no table, chart or download can show them as a number."""
    out = df.copy()
    out.loc[~is_shown(out["reporting"]), list(SHOWN_ONLY_COLUMNS)] = np.nan
    return out


def oblast_latest(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Per oblast, the trust share (group 'all') of the latest wave that started on or before
    `on_date`, as the survey measured it (not yet masked: see with_reportable_trust).

    Oblast level: the survey's samples per hromada are too small for a hromada estimate.
    Columns: oblast_katottg, wave, share, n_effective, n_unweighted, reporting.
    """
    return query(
        con,
        """
        SELECT scope_katottg AS oblast_katottg, wave, share, n_effective, n_unweighted, reporting
        FROM trust_summary
        WHERE metric = 'trust' AND grp = 'all' AND scope_katottg <> ?
          AND wave_start <= ?::DATE
        QUALIFY row_number() OVER (PARTITION BY scope_katottg ORDER BY wave_start DESC, wave DESC) = 1
        """,
        [NATIONAL, on_date],
    )


def with_oblast_trust(rows: pd.DataFrame, trust: pd.DataFrame) -> pd.DataFrame:
    """Hromada rows (with oblast_katottg) plus their oblast's trust from oblast_latest():
    trust_share (NaN unless shown), trust_wave, trust_n_effective, trust_reporting (NaN: no survey
    wave in the oblast yet) and trust_too_few (a survey value that may not be shown)."""
    renamed = trust.rename(columns={"share": "trust_share", "wave": "trust_wave", "n_effective": "trust_n_effective",
                                    "reporting": "trust_reporting"})
    out = rows.merge(
        renamed[["oblast_katottg", "trust_share", "trust_wave", "trust_n_effective", "trust_reporting"]],
        on="oblast_katottg",
        how="left",
    )
    shown = is_shown(out["trust_reporting"])
    out["trust_too_few"] = out["trust_reporting"].notna() & ~shown
    out.loc[~shown, "trust_share"] = float("nan")
    return out


def national_polls(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Published national polls of trust in the police (facts_trust_polls), claims flagged.

    Columns: fieldwork_end, fieldwork_end_text, pollster, is_pog_claim, trust_share (0..1),
    sample_n, note, source_url, confidence.
    """
    return query(
        con,
        """
        SELECT fieldwork_end, fieldwork_end_text, pollster, is_pog_claim, trust_pct / 100.0 AS trust_share,
               sample_n, note, source_url, confidence
        FROM facts_trust_polls
        WHERE trust_pct IS NOT NULL
        ORDER BY fieldwork_end
        """,
    )


# ---------------------------------------------------------------- reporting
def mark_shown(series: pd.DataFrame) -> pd.DataFrame:
    """Adds is_shown, is_caution and is_marked_change (a change wave_changes found significant,
    between two waves that are both shown). Shares of figures that may not be shown are blanked
    (NaN), and so are changes involving one, so no caller can show them as a number."""
    out = blank_unshown(series)
    out["is_shown"] = is_shown(out["reporting"])
    out["is_caution"] = is_caution(out["reporting"])
    change_shown = is_shown(out["change_reporting"])
    out["is_marked_change"] = out["is_significant"].astype(bool) & change_shown
    out.loc[~change_shown, ["change", "p_value", "p_adjusted"]] = np.nan
    return out


def latest_wave(series: pd.DataFrame) -> str:
    """The label of the latest wave of a trust_series() frame."""
    return series.sort_values(["wave_start", "wave"])["wave"].iloc[-1]


def latest_tiles(series: pd.DataFrame, gaps: pd.DataFrame, lang: str) -> list[Tile | None]:
    """The latest wave in four tiles: each group's share (None where a group has no row; "use
    with caution" under a caution figure), then the gap has an officer − no officer of
    gap_series() with whether the warehouse found it significant."""
    latest = series[series["wave"] == latest_wave(series)].set_index("grp")
    tiles: list[Tile | None] = [
        Tile(
            t(f"group.{grp}", lang),
            value_text(latest.at[grp, "share"], latest.at[grp, "reporting"], lang),
            help=t("trust.hover.n", lang, n=fmt_int(latest.at[grp, "n_unweighted"], lang),
                   n_eff=fmt_int(latest.at[grp, "n_effective"], lang),
                   hromadas=fmt_int(latest.at[grp, "n_hromadas"], lang)),
        )
        if grp in latest.index
        else None
        for grp in GROUPS
    ]
    tiles.append(_gap_tile(gaps[gaps["wave"] == latest_wave(series)], lang))
    return tiles


def _gap_tile(gap: pd.DataFrame, lang: str) -> Tile | None:
    if gap.empty:
        return None
    g = gap.iloc[0]
    if not is_shown(g["reporting"]):
        return Tile(t("trust.gap", lang), t("reporting.too_few", lang))
    note = "trust.gap_sig" if g["is_significant"] else "trust.gap_ns" if pd.notna(g["p_value"]) else "trust.gap_unknown"
    caution = t("reporting.caution", lang) if is_caution(g["reporting"]) else None
    return Tile(t("trust.gap", lang), fmt_signed_pp(g["gap"], lang), note=t(note, lang), caption=caution)


def series_table(series: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A readable table (translated headers, formatted values) of a mark_shown() frame."""
    rows = []
    for r in series.sort_values(["wave_start", "grp"]).itertuples(index=False):
        has_change = pd.notna(r.change)
        rows.append(
            {
                t("trust.col.wave", lang): fmt_wave(r.wave, lang),
                t("trust.col.fieldwork", lang): fieldwork_text(r, lang),
                t("trust.col.group", lang): t(f"group.{r.grp}", lang),
                t("trust.col.share", lang): value_text(r.share, r.reporting, lang),
                t("trust.col.ci", lang): (
                    f"{fmt_pct(r.ci_low, lang)} – {fmt_pct(r.ci_high, lang)}"
                    if r.is_shown and pd.notna(r.ci_low) else "—"
                ),
                t("trust.col.n", lang): fmt_int(r.n_unweighted, lang),
                t("trust.col.n_eff", lang): fmt_num(r.n_effective, lang, 0),
                t("trust.col.hromadas", lang): fmt_int(r.n_hromadas, lang),
                t("trust.col.change", lang): (fmt_signed_pp(r.change, lang) if has_change else "—"),
                t("trust.col.significant", lang): (
                    t("common.yes", lang) if r.is_marked_change else t("common.no", lang) if has_change else "—"
                ),
            }
        )
    return pd.DataFrame(rows)


def fieldwork_text(row, lang: str) -> str:
    """A wave's fieldwork as 'start – end'."""
    return f"{fmt_date(row.wave_start, lang)} – {fmt_date(row.wave_end, lang)}"


SERIES_DOWNLOAD_COLUMNS = [
    "wave", "wave_start", "wave_end", "scope_katottg", "grp", "metric", "reporting", "share", "se", "df",
    "ci_low", "ci_high", "n_unweighted", "n_effective", "n_kish", "deff", "n_psu", "n_hromadas",
    "max_psu_weight_share", "prev_wave", "change_reporting", "change", "p_value", "p_adjusted", "is_marked_change",
]


def series_download(series: pd.DataFrame) -> pd.DataFrame:
    """The raw numbers for download, with each figure's reporting class; the shares of figures
    that may not be shown, and the changes involving one, stay empty."""
    return series[SERIES_DOWNLOAD_COLUMNS].copy()


def method_note(rule: dict, lang: str) -> str:
    """The caption under the chart: how the figures are estimated and when they are shown, with
    the thresholds of the rule the warehouse applied (monitor.survey.reporting_rule)."""
    return t(
        "trust.method_note",
        lang,
        level=fmt_pct(rule["confidence"], lang, 0),
        min_n=fmt_int(rule["min_effective_n"], lang),
        caution_n=fmt_int(rule["caution_effective_n"], lang),
        min_hromadas=fmt_int(rule["min_hromadas"], lang),
        max_share=fmt_pct(rule["max_hromada_weight_share"], lang, 0),
        fdr=fmt_pct(rule["fdr_level"], lang, 0),
    )
