"""Trust in the police by survey wave: series, too-few-responses masking, significant changes,
the national polls as an outside reference, and the trend figures."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

import vocabulary
from monitor.db import query
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct, fmt_signed_pp, plotly_separators
from monitor.i18n import t
from vocabulary.locations import CONFIG_DIR

GROUPS = vocabulary.SURVEY_GROUPS.codes
METRICS = ("trust", "knows_officer")
Z_95 = 1.96
# Okabe–Ito, and each group also has its own marker symbol and line dash.
GROUP_STYLE = {
    "all": ("#000000", "circle", "solid"),
    "covered": ("#0072B2", "square", "solid"),
    "not_covered": ("#D55E00", "diamond", "dash"),
}
POLL_COLOUR = "#999999"
CLAIM_COLOUR = "#CC79A7"


@lru_cache(maxsize=1)
def settings(path: Path = CONFIG_DIR / "dashboard.toml") -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def min_effective_n() -> float:
    """[trust] min_effective_n of config/dashboard.toml: below it a share is 'too few responses'."""
    return float(settings().get("trust", {}).get("min_effective_n", 30))


def trust_series(con: duckdb.DuckDBPyConnection, scope: str, metric: str) -> pd.DataFrame:
    """trust_summary rows of one scope ('UA' or an oblast code) and metric, every group, by wave,
    with the change from the group's previous wave (wave_changes view): change, z, is_significant,
    prev_wave, prev_n_effective."""
    return query(
        con,
        """
        SELECT s.wave, s.wave_start, s.wave_end, s.scope_katottg, s.grp, s.metric, s.share,
               s.n_unweighted, s.n_effective, s.se, s.ci_low, s.ci_high,
               c.prev_wave, c.change, c.z, c.is_significant, p.n_effective AS prev_n_effective
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


def mark_reportable(series: pd.DataFrame, min_n: float) -> pd.DataFrame:
    """Adds is_reportable (n_effective >= min_n) and is_marked_change: a significant wave-to-wave
    change where both waves are reportable. Shares of unreportable rows are blanked (NaN), so
    no caller can show them as a number."""
    out = series.copy()
    out["is_reportable"] = out["n_effective"].fillna(0) >= min_n
    prev_ok = out["prev_n_effective"].fillna(0) >= min_n
    sig = out["is_significant"].astype("boolean").fillna(False).astype(bool)
    out["is_marked_change"] = sig & out["is_reportable"] & prev_ok
    for col in ("share", "se", "ci_low", "ci_high"):
        out.loc[~out["is_reportable"], col] = np.nan
    out.loc[~(out["is_reportable"] & prev_ok), ["change", "z"]] = np.nan
    return out


def z_test(share_a: float, se_a: float, share_b: float, se_b: float) -> tuple[float, bool]:
    """z of the difference of two independent shares, and whether |z| > 1.96."""
    se = float(np.hypot(se_a, se_b))
    if se == 0:
        return (0.0, share_a != share_b)
    z = (share_b - share_a) / se
    return z, abs(z) > Z_95


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


# ---------------------------------------------------------------- display
def value_text(share, is_reportable: bool, lang: str) -> str:
    """The share as text, or 'too few responses' — never a number for an unreportable value."""
    if not is_reportable:
        return t("trust.too_few", lang)
    return fmt_pct(share, lang)


def series_table(series: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A readable table (translated headers, formatted values) of a mark_reportable() frame."""
    rows = []
    for r in series.sort_values(["wave_start", "grp"]).itertuples(index=False):
        rows.append(
            {
                t("trust.col.wave", lang): r.wave,
                t("trust.col.fieldwork", lang): f"{fmt_date(r.wave_start, lang)} – {fmt_date(r.wave_end, lang)}",
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


def series_download(series: pd.DataFrame) -> pd.DataFrame:
    """The raw numbers for download; unreportable shares stay empty."""
    cols = [
        "wave",
        "wave_start",
        "wave_end",
        "scope_katottg",
        "grp",
        "metric",
        "share",
        "ci_low",
        "ci_high",
        "n_unweighted",
        "n_effective",
        "is_reportable",
        "change",
        "z",
        "is_marked_change",
    ]
    return series[cols].copy()


def _hover(r, lang: str) -> str:
    lines = [
        f"<b>{t(f'group.{r.grp}', lang)}</b>",
        f"{r.wave}: {fmt_date(r.wave_start, lang)} – {fmt_date(r.wave_end, lang)}",
    ]
    if r.is_reportable:
        lines.append(
            t(
                "trust.hover.value",
                lang,
                value=fmt_pct(r.share, lang),
                low=fmt_pct(r.ci_low, lang),
                high=fmt_pct(r.ci_high, lang),
            )
        )
    else:
        lines.append(t("trust.too_few", lang))
    lines.append(t("trust.hover.n", lang, n=fmt_int(r.n_unweighted, lang), n_eff=fmt_num(r.n_effective, lang, 0)))
    if r.is_marked_change:
        lines.append(t("trust.hover.change_sig", lang, change=fmt_signed_pp(r.change, lang)))
    elif pd.notna(r.change):
        lines.append(t("trust.hover.change_ns", lang, change=fmt_signed_pp(r.change, lang)))
    return "<br>".join(lines)


def trend_figure(
    series: pd.DataFrame,
    lang: str,
    *,
    polls: pd.DataFrame | None = None,
    groups: tuple[str, ...] = GROUPS,
    title: str = "",
) -> go.Figure:
    """Shares by wave with 95 % intervals (error bars), one line per group; a wave whose value is
    too few responses has no point (a gap in the line) but keeps its hover text on a hollow
    marker at the axis; significant wave-to-wave changes get a star; polls as grey crosses and
    POG-claims as separate labelled markers."""
    fig = go.Figure()
    for grp in groups:
        part = series[series["grp"] == grp].sort_values(["wave_start", "wave"])
        if part.empty:
            continue
        colour, symbol, dash = GROUP_STYLE[grp]
        x = (
            pd.to_datetime(part["wave_start"])
            + (pd.to_datetime(part["wave_end"]) - pd.to_datetime(part["wave_start"])) / 2
        )
        hover = [_hover(r, lang) for r in part.itertuples(index=False)]
        y = part["share"].where(part["is_reportable"])
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=t(f"group.{grp}", lang),
                legendgroup=grp,
                line={"color": colour, "dash": dash, "width": 2},
                marker={"symbol": symbol, "size": 8, "color": colour},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (part["ci_high"] - part["share"]).tolist(),
                    "arrayminus": (part["share"] - part["ci_low"]).tolist(),
                    "color": colour,
                    "thickness": 1.2,
                    "width": 4,
                },
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                connectgaps=False,
            )
        )
        few = ~part["is_reportable"].to_numpy()
        if few.any():
            fig.add_trace(
                go.Scatter(
                    x=x[few],
                    y=[0.0] * int(few.sum()),
                    mode="markers",
                    legendgroup=grp,
                    showlegend=False,
                    marker={
                        "symbol": "x-thin-open",
                        "size": 9,
                        "color": colour,
                        "line": {"width": 1.5, "color": colour},
                    },
                    hovertext=[h for h, f in zip(hover, few, strict=True) if f],
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
        sig = part["is_marked_change"].to_numpy()
        if sig.any():
            fig.add_trace(
                go.Scatter(
                    x=x[sig],
                    y=(part["ci_high"][sig] + 0.03).tolist(),
                    mode="markers",
                    legendgroup=grp,
                    name=t("trust.legend_sig", lang),
                    showlegend=False,
                    marker={"symbol": "star", "size": 11, "color": colour},
                    hovertext=[h for h, s in zip(hover, sig, strict=True) if s],
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
    if not series["is_reportable"].all():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=t("trust.too_few", lang),
                marker={
                    "symbol": "x-thin-open",
                    "size": 9,
                    "color": "#555555",
                    "line": {"width": 1.5, "color": "#555555"},
                },
            )
        )
    if any(series["is_marked_change"]):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=t("trust.legend_sig", lang),
                marker={"symbol": "star", "size": 11, "color": "#555555"},
            )
        )
    if polls is not None and len(polls):
        for is_claim, colour, symbol, key in (
            (False, POLL_COLOUR, "cross", "trust.legend_polls"),
            (True, CLAIM_COLOUR, "triangle-up-open", "trust.legend_claims"),
        ):
            part = polls[polls["is_pog_claim"] == is_claim]
            if part.empty:
                continue
            hover = [
                "<br>".join(
                    [
                        f"<b>{t(key, lang)}</b>",
                        f"{r.pollster} · {r.fieldwork_end_text}",
                        fmt_pct(r.trust_share, lang),
                        t("trust.hover.sample", lang, n=fmt_int(r.sample_n, lang)) if pd.notna(r.sample_n) else "",
                    ]
                )
                for r in part.itertuples(index=False)
            ]
            fig.add_trace(
                go.Scatter(
                    x=pd.to_datetime(part["fieldwork_end"]),
                    y=part["trust_share"],
                    mode="markers",
                    name=t(key, lang),
                    marker={
                        "symbol": symbol,
                        "size": 10,
                        "color": colour,
                        "line": {"width": 2, "color": colour},
                    },
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
    fig.update_layout(
        title={"text": title} if title else None,
        yaxis={"tickformat": ".0%", "range": [0, 1.05], "title": None},
        xaxis={"title": None},
        separators=plotly_separators(lang),
        legend={"orientation": "h", "yanchor": "top", "y": -0.08},
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        height=440,
        hovermode="closest",
    )
    return fig
