"""Trust in the police by survey wave: the series of a scope with its wave-to-wave changes, the
latest waves, each oblast's latest share, the national polls as an outside reference, and the
tables and tiles that show them. The reporting rules themselves are in monitor.survey."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

import vocabulary
from monitor.db import NATIONAL, query
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct, fmt_signed_pp
from monitor.i18n import t
from monitor.survey import difference_test, is_reportable
from monitor.tiles import Tile

GROUPS = vocabulary.SURVEY_GROUPS.codes
METRICS = ("trust", "knows_officer")


# ---------------------------------------------------------------- queries
def trust_series(con: duckdb.DuckDBPyConnection, scope: str, metric: str) -> pd.DataFrame:
    """trust_summary rows of one scope (NATIONAL or an oblast code) and metric, every group, by
    wave, with the change from the group's previous wave (wave_changes view) and its test
    (monitor.survey.difference_test): prev_wave, prev_n_effective, change, z, is_significant."""
    df = query(
        con,
        """
        SELECT s.wave, s.wave_start, s.wave_end, s.scope_katottg, s.grp, s.metric, s.share,
               s.n_unweighted, s.n_effective, s.se, s.ci_low, s.ci_high,
               c.prev_wave, c.change, p.se AS prev_se, p.n_effective AS prev_n_effective
        FROM trust_summary AS s
        LEFT JOIN wave_changes AS c USING (wave, scope_katottg, grp, metric)
        LEFT JOIN trust_summary AS p
            ON p.wave = c.prev_wave AND p.scope_katottg = s.scope_katottg
            AND p.grp = s.grp AND p.metric = s.metric
        WHERE s.scope_katottg = ? AND s.metric = ?
        ORDER BY s.grp, s.wave_start, s.wave
        """,
        [scope, metric],
    )
    tests = [difference_test(c, se, prev) for c, se, prev in zip(df["change"], df["se"], df["prev_se"], strict=True)]
    df["z"] = pd.Series([z for z, _ in tests], index=df.index, dtype="float64")
    df["is_significant"] = pd.Series([s for _, s in tests], index=df.index, dtype="boolean")
    return df.drop(columns="prev_se")


def latest_waves(con: duckdb.DuckDBPyConnection, scope: str, n_waves: int = 3) -> pd.DataFrame:
    """The last `n_waves` waves of trust_summary for a scope, both metrics, every group."""
    return query(
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


def oblast_latest(con: duckdb.DuckDBPyConnection, on_date: str) -> pd.DataFrame:
    """Per oblast, the trust share (group 'all') of the latest wave that started on or before
    `on_date`, as the survey measured it (not yet masked: see with_reportable_trust).

    Oblast level: the survey's samples per hromada are too small for a hromada estimate.
    Columns: oblast_katottg, wave, share, n_effective, n_unweighted.
    """
    return query(
        con,
        """
        SELECT scope_katottg AS oblast_katottg, wave, share, n_effective, n_unweighted
        FROM trust_summary
        WHERE metric = 'trust' AND grp = 'all' AND scope_katottg <> ?
          AND wave_start <= ?::DATE
        QUALIFY row_number() OVER (PARTITION BY scope_katottg ORDER BY wave_start DESC, wave DESC) = 1
        """,
        [NATIONAL, on_date],
    )


def with_oblast_trust(rows: pd.DataFrame, trust: pd.DataFrame) -> pd.DataFrame:
    """Hromada rows (with oblast_katottg) plus their oblast's trust from oblast_latest():
    trust_share (NaN unless reportable), trust_wave, trust_n_effective (NaN: no survey wave in
    the oblast yet) and trust_too_few (a survey value that is not reportable)."""
    renamed = trust.rename(columns={"share": "trust_share", "wave": "trust_wave", "n_effective": "trust_n_effective"})
    out = rows.merge(
        renamed[["oblast_katottg", "trust_share", "trust_wave", "trust_n_effective"]],
        on="oblast_katottg",
        how="left",
    )
    reportable = is_reportable(out["trust_n_effective"])
    out["trust_too_few"] = out["trust_n_effective"].notna() & ~reportable
    out.loc[~reportable, "trust_share"] = float("nan")
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
def mark_reportable(series: pd.DataFrame) -> pd.DataFrame:
    """Adds is_reportable and is_marked_change: a significant wave-to-wave change where both waves
    are reportable. Shares of unreportable rows are blanked (NaN), so no caller can show them as
    a number."""
    out = series.copy()
    out["is_reportable"] = is_reportable(out["n_effective"])
    prev_ok = is_reportable(out["prev_n_effective"])
    sig = out["is_significant"].astype("boolean").fillna(False).astype(bool)
    out["is_marked_change"] = sig & out["is_reportable"] & prev_ok
    for col in ("share", "se", "ci_low", "ci_high"):
        out.loc[~out["is_reportable"], col] = np.nan
    out.loc[~(out["is_reportable"] & prev_ok), ["change", "z"]] = np.nan
    return out


def value_text(share, reportable: bool, lang: str) -> str:
    """The share as text, or 'too few responses' — never a number for an unreportable value."""
    if not reportable:
        return t("trust.too_few", lang)
    return fmt_pct(share, lang)


def latest_wave(series: pd.DataFrame) -> str:
    """The label of the latest wave of a trust_series() frame."""
    return series.sort_values(["wave_start", "wave"])["wave"].iloc[-1]


def latest_tiles(series: pd.DataFrame, lang: str) -> list[Tile | None]:
    """The latest wave in four tiles: each group's share (None where a group has no row), then the
    gap covered − not covered with whether it is significant."""
    latest = series[series["wave"] == latest_wave(series)].set_index("grp")
    tiles: list[Tile | None] = [
        Tile(
            t(f"group.{grp}", lang),
            value_text(latest.at[grp, "share"], bool(latest.at[grp, "is_reportable"]), lang),
            help=t("trust.hover.n", lang, n=fmt_int(latest.at[grp, "n_unweighted"], lang),
                   n_eff=fmt_int(latest.at[grp, "n_effective"], lang)),
        )
        if grp in latest.index
        else None
        for grp in GROUPS
    ]
    tiles.append(_gap_tile(latest, lang))
    return tiles


def _gap_tile(latest: pd.DataFrame, lang: str) -> Tile | None:
    if not {"covered", "not_covered"} <= set(latest.index):
        return None
    a, b = latest.loc["not_covered"], latest.loc["covered"]
    if not (a["is_reportable"] and b["is_reportable"]):
        return Tile(t("trust.gap", lang), t("trust.too_few", lang))
    gap = b["share"] - a["share"]
    _, significant = difference_test(gap, b["se"], a["se"])
    return Tile(t("trust.gap", lang), fmt_signed_pp(gap, lang),
                note=t("trust.gap_sig", lang) if significant else t("trust.gap_ns", lang))


def series_table(series: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A readable table (translated headers, formatted values) of a mark_reportable() frame."""
    rows = []
    for r in series.sort_values(["wave_start", "grp"]).itertuples(index=False):
        rows.append(
            {
                t("trust.col.wave", lang): r.wave,
                t("trust.col.fieldwork", lang): fieldwork_text(r, lang),
                t("trust.col.group", lang): t(f"group.{r.grp}", lang),
                t("trust.col.share", lang): value_text(r.share, r.is_reportable, lang),
                t("trust.col.ci", lang): (
                    f"{fmt_pct(r.ci_low, lang)} – {fmt_pct(r.ci_high, lang)}" if r.is_reportable else "—"
                ),
                t("trust.col.n", lang): fmt_int(r.n_unweighted, lang),
                t("trust.col.n_eff", lang): fmt_num(r.n_effective, lang, 0),
                t("trust.col.change", lang): (fmt_signed_pp(r.change, lang) if pd.notna(r.change) else "—"),
                t("trust.col.significant", lang): (
                    t("common.yes", lang) if r.is_marked_change else t("common.no", lang) if pd.notna(r.change) else "—"
                ),
            }
        )
    return pd.DataFrame(rows)


def fieldwork_text(row, lang: str) -> str:
    """A wave's fieldwork as 'start – end'."""
    return f"{fmt_date(row.wave_start, lang)} – {fmt_date(row.wave_end, lang)}"


SERIES_DOWNLOAD_COLUMNS = [
    "wave", "wave_start", "wave_end", "scope_katottg", "grp", "metric", "share", "ci_low", "ci_high",
    "n_unweighted", "n_effective", "is_reportable", "change", "z", "is_marked_change",
]


def series_download(series: pd.DataFrame) -> pd.DataFrame:
    """The raw numbers for download; unreportable shares stay empty."""
    return series[SERIES_DOWNLOAD_COLUMNS].copy()
