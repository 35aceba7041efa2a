"""Trust by survey wave: shares with 95 % intervals per group, the waves with too few responses,
the figures to use with caution (hollow markers), marked changes, and the national polls and POG
claims beside them (plotly; pure)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

import vocabulary
from monitor.figures.common import plain
from monitor.formatting import fmt_date, fmt_int, fmt_num, fmt_pct, fmt_signed_pp, fmt_wave, plotly_separators
from monitor.i18n import t

# Okabe–Ito, and each group also has its own marker symbol and line dash.
GROUP_STYLE = {
    "all": ("#000000", "circle", "solid"),
    "has_officer": ("#0072B2", "square", "solid"),
    "no_officer": ("#D55E00", "diamond", "dash"),
}
LEGEND_KEY_COLOUR = "#555555"
TOO_FEW_SYMBOL = "x-thin-open"
MARKED_SYMBOL = "star"
# (is a POG claim, colour, symbol, legend key) of the published polls.
POLL_STYLES = (
    (False, "#999999", "cross", "trust.legend_polls"),
    (True, "#CC79A7", "triangle-up-open", "trust.legend_claims"),
)
HOVER = "%{hovertext}<extra></extra>"


def trend_figure(
    series: pd.DataFrame,
    lang: str,
    *,
    polls: pd.DataFrame | None = None,
    groups: tuple[str, ...] = vocabulary.SURVEY_GROUPS.codes,
    title: str = "",
) -> go.Figure:
    """Shares by wave with 95 % intervals (error bars), one line per group; a wave whose value is
    too few responses has no point (a gap in the line) but keeps its hover text on a cross at the
    axis; a value to use with caution has a hollow marker (legend key and hover say so);
    significant wave-to-wave changes get a star; polls as grey crosses and POG-claims as
    separate labelled markers.

    series: a monitor.trust.mark_shown() frame; polls: monitor.trust.national_polls().
    """
    fig = go.Figure()
    for grp in groups:
        part = series[series["grp"] == grp].sort_values(["wave_start", "wave"])
        if not part.empty:
            fig.add_traces(_group_traces(part, grp, lang))
    if not series["is_shown"].all():
        fig.add_trace(_legend_key(t("reporting.too_few", lang), _too_few_marker(LEGEND_KEY_COLOUR)))
    if series["is_caution"].any():
        fig.add_trace(_legend_key(t("trust.legend_caution", lang), _caution_marker(LEGEND_KEY_COLOUR)))
    if any(series["is_marked_change"]):
        fig.add_trace(_legend_key(t("trust.legend_sig", lang), _marked_marker(LEGEND_KEY_COLOUR)))
    if polls is not None and len(polls):
        fig.add_traces(_poll_traces(polls, lang))
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


def _group_traces(part: pd.DataFrame, grp: str, lang: str) -> list[go.Scatter]:
    """One group's line with error bars, its too-few waves on the axis and its marked changes."""
    colour, symbol, dash = GROUP_STYLE[grp]
    start, end = pd.to_datetime(part["wave_start"]), pd.to_datetime(part["wave_end"])
    x = start + (end - start) / 2  # the middle of the fieldwork
    hover = [wave_hover(r, lang) for r in part.itertuples(index=False)]
    traces = [
        go.Scatter(
            x=x,
            y=part["share"].where(part["is_shown"]),
            mode="lines+markers",
            name=t(f"group.{grp}", lang),
            legendgroup=grp,
            line={"color": colour, "dash": dash, "width": 2},
            marker={"symbol": [f"{symbol}-open" if c else symbol for c in part["is_caution"]], "size": 8,
                    "color": colour, "line": {"width": 1.5, "color": colour}},
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
            hovertemplate=HOVER,
            connectgaps=False,
        )
    ]
    few = ~part["is_shown"].to_numpy()
    if few.any():
        traces.append(go.Scatter(
            x=x[few], y=[0.0] * int(few.sum()), mode="markers", legendgroup=grp, showlegend=False,
            marker=_too_few_marker(colour), hovertext=_pick(hover, few), hovertemplate=HOVER,
        ))
    marked = part["is_marked_change"].to_numpy()
    if marked.any():
        traces.append(go.Scatter(
            x=x[marked], y=(part["ci_high"][marked] + 0.03).tolist(), mode="markers", legendgroup=grp,
            name=t("trust.legend_sig", lang), showlegend=False, marker=_marked_marker(colour),
            hovertext=_pick(hover, marked), hovertemplate=HOVER,
        ))
    return traces


def _pick(items: list, mask) -> list:
    return [item for item, keep in zip(items, mask, strict=True) if keep]


def _too_few_marker(colour: str) -> dict:
    return {"symbol": TOO_FEW_SYMBOL, "size": 9, "color": colour, "line": {"width": 1.5, "color": colour}}


def _caution_marker(colour: str) -> dict:
    return {"symbol": "circle-open", "size": 9, "color": colour, "line": {"width": 1.5, "color": colour}}


def _marked_marker(colour: str) -> dict:
    return {"symbol": MARKED_SYMBOL, "size": 11, "color": colour}


def _legend_key(name: str, marker: dict) -> go.Scatter:
    """A legend entry only (no point): explains a marker every group uses in its own colour."""
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, marker=marker)


def wave_hover(r, lang: str) -> str:
    """The hover of one wave of one group: the share and interval, or 'too few responses'; n and
    effective n; the change from the previous wave and whether it is marked."""
    lines = [
        f"<b>{t(f'group.{r.grp}', lang)}</b>",
        f"{plain(fmt_wave(r.wave, lang))}: {fmt_date(r.wave_start, lang)} – {fmt_date(r.wave_end, lang)}",
    ]
    if r.is_shown:
        lines.append(t("trust.hover.value", lang, value=fmt_pct(r.share, lang), low=fmt_pct(r.ci_low, lang),
                       high=fmt_pct(r.ci_high, lang)))
        if r.is_caution:
            lines.append(t("reporting.caution", lang))
    else:
        lines.append(t("reporting.too_few", lang))
    lines.append(t("trust.hover.n", lang, n=fmt_int(r.n_unweighted, lang), n_eff=fmt_num(r.n_effective, lang, 0),
                   hromadas=fmt_int(r.n_hromadas, lang)))
    if r.is_marked_change:
        lines.append(t("trust.hover.change_sig", lang, change=fmt_signed_pp(r.change, lang)))
    elif pd.notna(r.change):
        lines.append(t("trust.hover.change_ns", lang, change=fmt_signed_pp(r.change, lang)))
    return "<br>".join(lines)


def _poll_traces(polls: pd.DataFrame, lang: str) -> list[go.Scatter]:
    """The published national polls, and separately the POG claims, as markers with their source."""
    traces = []
    for is_claim, colour, symbol, key in POLL_STYLES:
        part = polls[polls["is_pog_claim"] == is_claim]
        if part.empty:
            continue
        hover = [
            "<br>".join([
                f"<b>{t(key, lang)}</b>",
                f"{plain(r.pollster)} · {plain(r.fieldwork_end_text)}",
                fmt_pct(r.trust_share, lang),
                t("trust.hover.sample", lang, n=fmt_int(r.sample_n, lang)) if pd.notna(r.sample_n) else "",
            ])
            for r in part.itertuples(index=False)
        ]
        traces.append(go.Scatter(
            x=pd.to_datetime(part["fieldwork_end"]),
            y=part["trust_share"],
            mode="markers",
            name=t(key, lang),
            marker={"symbol": symbol, "size": 10, "color": colour, "line": {"width": 2, "color": colour}},
            hovertext=hover,
            hovertemplate=HOVER,
        ))
    return traces
