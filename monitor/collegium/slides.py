"""The pack's content, slide by slide: one function per slide, each returning a Slide (what the
deck, the PDF and the workbook all show). Every figure comes from monitor.collegium.figures_data
(the read side); this module only chooses, formats and words them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from monitor import coverage, geometry, overview, survey
from monitor import trust as trust_mod
from monitor.collegium.figures_data import NATIONAL, RunData, Scope
from monitor.figures import maps
from monitor.figures import trust as trust_fig
from monitor.figures.common import axis_date_format
from monitor.formatting import fmt_date, fmt_datetime, fmt_int, fmt_pct, fmt_signed_int, fmt_signed_pp, fmt_wave
from monitor.i18n import name_col, t, t_or
from monitor.planning import figures as plan_fig
from monitor.planning import tables as plan_tables
from monitor.tiles import Tile

LEAGUE_SHOWN = 5  # best and worst
LIST_SHOWN = 10  # rows of the hromada lists
LIST_WITH_TILES = 7  # ... on a slide that also has tiles
# Image sizes in CSS pixels (rendered at 2x): a full-width slide figure and one beside a table.
# Smaller CSS sizes at a larger scale make the charts' own type larger on the slide.
FULL = (1150, 540)
HALF = (640, 500)
WIDE = (700, 520)
ROLLOUT = (820, 490)
FONT_SIZE = 16  # chart text: legible when projected
MAP_SHARE = 0.62  # of the map image's width; the legend stands beside the map
LEGEND_CHARS = 34  # a legend entry wraps after this many characters


@dataclass
class Slide:
    """One slide: what it says (title, subtitle, tiles, bullets, a display table, an image) and
    the raw table behind it (data, for the workbook). notes: the speaker notes — exact figures
    and their definitions."""

    key: str
    title: str
    subtitle: str = ""
    tiles: list[Tile] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    marked_rows: list[int] = field(default_factory=list)
    figure: go.Figure | None = None
    size: tuple[int, int] = FULL
    image: bytes | None = None
    data: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    caption: str = ""  # a small line under the body (the territory list's date beside a map, a caveat)


@dataclass
class PackContext:
    run: RunData
    scope: Scope
    lang: str

    def d(self, iso: str) -> str:
        return fmt_date(iso, self.lang)


def _chart_style(fig: go.Figure, height: int) -> go.Figure:
    """Large type for a projector, white background, legend below."""
    fig.update_layout(
        font={"size": FONT_SIZE, "family": "Liberation Sans, Arial, sans-serif"},
        height=height,
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        title=None,
    )
    return fig


def is_text_column(values) -> bool:
    """A column of words (names, yes/no, 'never at this pace'), left-aligned; else numbers, right-aligned."""
    vals = [str(v) for v in values]
    return bool(vals) and sum(bool(re.search(r"[^\W\d_]{3,}", v)) for v in vals) * 2 > len(vals)


def column_weights(df: pd.DataFrame) -> list[float]:
    """Relative column widths from the longest text of each column (header words count less: they wrap)."""
    out = []
    for col in df.columns:
        longest = max([len(str(v)) for v in df[col]] + [1])
        head = max(len(w) for w in str(col).split()) if str(col).split() else 1
        out.append(max(longest + 3, head + 2, 6))
    return out


def short_oblast(name: str) -> str:
    """'Вінницька область' -> 'Вінницька', 'Vinnytsia Oblast' -> 'Vinnytsia': chart labels that fit."""
    return re.sub(r"\s+(область|Oblast)$", "", name)


def caption_lines(text: str) -> list[str]:
    """A tile's caption ('a · b · c', as the dashboard writes it) as one line per part."""
    return [part.strip() for part in text.split(" · ") if part.strip()]


def md_lines(text: str) -> list[str]:
    """A Markdown bullet list as plain lines (no ** or *): for slides, which show text, never markup."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        line = re.sub(r"^[-*]\s+", "", line)
        lines.append(re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", line))
    return lines


# ---------------------------------------------------------------- 1. title
def title_slide(c: PackContext) -> Slide:
    r = c.run
    return Slide(
        key="title",
        title=t("coll.s.title", c.lang, year=r.year),
        subtitle=c.scope.name,
        bullets=[t("coll.programme", c.lang), t("coll.s.title_as_of", c.lang, as_of=c.d(r.as_of))],
        notes=[t("coll.as_of_note", c.lang, year=r.year, as_of=c.d(r.as_of))],
        data=pd.DataFrame(
            {
                "text": [
                    t("coll.s.title", c.lang, year=r.year),
                    c.scope.name,
                    t("coll.programme", c.lang),
                    t("coll.s.title_as_of", c.lang, as_of=c.d(r.as_of)),
                ]
            }
        ),
    )


# ---------------------------------------------------------------- 2. key figures
# The overview's figures, over the programme's assessable hromadas; the workbook's columns.
KEY_COLUMNS = [
    "hromadas_assessable",
    "hromadas_with_officer",
    "with_officer_share",
    "hromadas_at_required_strength",
    "at_required_strength_share",
    "officers_serving_assessable",
    "officers_required",
    "officers_short",
    "officers_above_required",
    "officers_serving",
    "residents_strength_weighted",
    "strength_weighted_share",
    "residents_at_required_strength",
    "residents_with_officer",
    "residents_strength_weighted_large_urban",
    "population_assessable",
    "residents_per_officer",
    "stations_open",
    "memoranda_active",
]


def at_required_tile(kpis: pd.DataFrame, lang: str) -> Tile:
    """At required strength as a tile of its own: the share of the assessable hromadas, the count,
    the change (the overview shows the same figures as its first tile's caption)."""
    now, prev = kpis.loc["now"], kpis.loc["year_before"]
    change = now["at_required_strength_share"] - prev["at_required_strength_share"]
    return Tile(
        t(
            "coll.kpi.at_required_strength",
            lang,
            n=fmt_int(now["hromadas_at_required_strength"], lang),
            total=fmt_int(now["hromadas_assessable"], lang),
        ),
        fmt_pct(now["at_required_strength_share"], lang),
        change=change,
        change_text=t(
            "overview.change_with_count",
            lang,
            pp=fmt_signed_pp(change, lang),
            change=fmt_signed_int(now["hromadas_at_required_strength"] - prev["hromadas_at_required_strength"], lang),
        ),
        help=t("status.at_required_strength", lang),
        description=t("common.yoy", lang),
    )


def key_figure_tiles(kpis: pd.DataFrame, lang: str) -> list[Tile]:
    """The overview's KPI tiles (overview.kpi_tiles) with at required strength as a tile of its
    own, in two rows: has an officer, at required strength, residents weighted by strength (the
    headline residents); officers serving against required on the same hromadas, stations, memoranda."""
    with_officer, officers, residents, stations, memoranda = overview.kpi_tiles(kpis, lang)
    return [
        replace(with_officer, caption=None),  # at required strength has its own tile here
        at_required_tile(kpis, lang),
        residents,
        officers,
        stations,
        memoranda,
    ]


def key_figures_slide(c: PackContext) -> Slide:
    r = c.run
    kpis = r.kpis(c.scope.code)
    tiles = key_figure_tiles(kpis, c.lang)
    now, prev = kpis.loc["now"], kpis.loc["year_before"]
    data = pd.DataFrame(
        {
            "metric": KEY_COLUMNS,
            "label": [t_or(f"col.{k}", c.lang, t_or(f"kpi.{k}", c.lang, t_or(f"coll.key.{k}", c.lang, k)))
                      for k in KEY_COLUMNS],
            "now": [now[k] for k in KEY_COLUMNS],
            "year_before": [prev[k] for k in KEY_COLUMNS],
        }
    )
    data["change"] = data["now"] - data["year_before"]
    notes = [
        f"{tl.label}: {tl.value}"
        + (f" ({tl.change_text}, {tl.description})" if tl.change_text else "")
        + (f"; {tl.caption}" if tl.caption else "")
        for tl in tiles
    ]
    notes += [f"{tl.label}: {tl.help}" for tl in tiles if tl.help]
    territory = r.territory_list.note(c.lang)
    return Slide(
        "key_figures",
        t("coll.s.key_figures", c.lang, year=r.year),
        t("coll.s.key_figures_sub", c.lang, before=c.d(r.year_before)),
        tiles=tiles,
        data=data,
        notes=[*notes, territory],
        caption=territory,
    )


# ---------------------------------------------------------------- 3. coverage map
def _overlaps(a: geometry.Bounds | None, b: geometry.Bounds | None) -> bool:
    return a is not None and b is not None and a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def map_slide(c: PackContext) -> Slide:
    r = c.run
    cov = coverage.with_geometry(r.scope_rows(NATIONAL))
    if c.scope.is_national:
        spec = maps.MapSpec(
            outlines=r.oblast_geometry,
            view=geometry.view_for_bounds(None, MAP_SHARE * FULL[0] / FULL[1]),
            height=FULL[1],
            outside=r.outside,
            outside_geometry=r.oblast_geometry,
            legend_chars=LEGEND_CHARS,  # the legend beside the map: long entries on two lines
        )
    else:
        # An oblast's pack draws its own hromadas only (a tenth of the country: a faster image),
        # and the territory outside the programme that lies in its view (Kyiv city in Kyiv oblast).
        cov = cov[cov["oblast_katottg"] == c.scope.code]
        bounds = geometry.bounds_of(r.hromada_layer, cov["katottg"])
        near = [
            code
            for code in r.outside["oblast_katottg"]
            if _overlaps(bounds, geometry.bounds_of(r.oblast_layer, [code]))
        ]
        spec = maps.MapSpec(
            view=geometry.view_for_bounds(bounds, MAP_SHARE * FULL[0] / FULL[1]),
            highlight=geometry.layer_subset(r.oblast_layer, [c.scope.code]),
            height=FULL[1],
            outside=r.outside[r.outside["oblast_katottg"].isin(near)],
            outside_geometry=r.oblast_geometry,
            legend_chars=LEGEND_CHARS,
        )
    fig = maps.coverage_figure(cov, r.hromada_geometry, c.lang, spec)
    fig.update_layout(
        geo={"domain": {"x": [0, MAP_SHARE], "y": [0, 1]}},
        legend={"font": {"size": 17}, "orientation": "v", "x": MAP_SHARE + 0.02, "xanchor": "left", "y": 0.55,
                "yanchor": "middle", "tracegroupgap": 6},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
    )
    counts = coverage.status_counts(r.coverage, None if c.scope.is_national else c.scope.code)
    notes = [
        f"{coverage.status_label(s, c.lang)}: {fmt_int(n, c.lang)}"
        for s, n in zip(counts["status"], counts["hromadas"], strict=True)
    ]
    territory = r.territory_list.note(c.lang)
    notes += [territory, *_outside_lines(r, c.lang), maps.OSM_ATTRIBUTION]
    return Slide(
        "map",
        t("coll.s.map", c.lang, as_of=c.d(r.as_of)),
        t("coll.s.map_sub", c.lang, list_date=c.d(r.territory_list_date)),
        figure=_chart_style(fig, FULL[1]),
        data=counts.assign(status_label=[coverage.status_label(s, c.lang) for s in counts["status"]]),
        notes=notes,
        caption=territory,
    )


def _outside_lines(r: RunData, lang: str) -> list[str]:
    """The units outside the programme, one line per reason (config/universe.toml's labels)."""
    return list(dict.fromkeys(r.outside["label_en" if lang == "en" else "label_uk"]))


# ---------------------------------------------------------------- 4. rollout by oblast
def rollout_slide(c: PackContext) -> Slide:
    r = c.run
    lg = r.league.dropna(subset=["with_officer_share"]).sort_values("with_officer_share")
    names = [short_oblast(n) for n in lg[name_col(c.lang)]]
    own = lg["oblast_katottg"] == c.scope.code
    colours = ["#D55E00" if o else "#0072B2" for o in own]
    national = float(r.kpis(NATIONAL).loc["now", "with_officer_share"])
    fig = go.Figure(
        [
            go.Bar(
                y=names,
                x=lg["with_officer_share"],
                orientation="h",
                marker={"color": colours},
                name=t("coll.col.now", c.lang, date=c.d(r.as_of)),
                text=[fmt_pct(v, c.lang, 0) for v in lg["with_officer_share"]],
                textposition="outside",
                textfont={"size": 12},
            ),
            go.Scatter(
                y=names,
                x=lg["with_officer_share"] - lg["with_officer_share_change"],
                mode="markers",
                marker={"symbol": "line-ns-open", "size": 14, "color": "#000000", "line": {"width": 2}},
                name=t("coll.col.before", c.lang, date=c.d(r.year_before)),
            ),
        ]
    )
    fig.add_vline(x=national, line={"color": "#000000", "dash": "dash", "width": 1.5})
    fig.add_annotation(
        x=national,
        y=1.0,
        yref="paper",
        text=f"{t('common.national', c.lang)}: {fmt_pct(national, c.lang)}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 14},
    )
    _chart_style(fig, ROLLOUT[1])
    fig.update_layout(
        xaxis={"tickformat": ".0%", "range": [0, 1.12]},
        yaxis={"tickfont": {"size": 14}, "tickmode": "array", "tickvals": names, "ticktext": names},
        legend={"orientation": "h", "y": -0.06, "yanchor": "top", "font": {"size": 16}},
        margin={"l": 10, "r": 20, "t": 30, "b": 10},
        bargap=0.25,
        separators="," + " " if c.lang == "uk" else ".,",
    )
    data = r.league[
        [
            "rank",
            "oblast_katottg",
            "name_uk",
            "name_en",
            "hromadas_assessable",
            "hromadas_with_officer",
            "with_officer_share",
            "with_officer_share_change",
            "hromadas_at_required_strength",
            "at_required_strength_share",
        ]
    ].copy()
    notes = [
        f"{n}: {fmt_pct(v, c.lang)} ({fmt_signed_pp(ch, c.lang)})"
        for n, v, ch in zip(
            lg[name_col(c.lang)][::-1],
            lg["with_officer_share"][::-1],
            lg["with_officer_share_change"][::-1],
            strict=True,
        )
    ]
    return Slide(
        "rollout",
        t("coll.s.rollout", c.lang),
        t("coll.s.rollout_sub", c.lang, as_of=c.d(r.as_of)),
        figure=fig,
        size=ROLLOUT,
        data=data,
        notes=notes,
    )


# ---------------------------------------------------------------- 5. league
def league_slide(c: PackContext) -> Slide:
    r = c.run
    lg = r.league
    ranked = lg[lg["rank"].notna()]
    idx = list(ranked.index[:LEAGUE_SHOWN]) + list(ranked.index[-LEAGUE_SHOWN:])
    own_idx = list(lg.index[lg["oblast_katottg"] == c.scope.code])
    if own_idx and own_idx[0] not in idx:
        idx = idx[:LEAGUE_SHOWN] + own_idx + idx[LEAGUE_SHOWN:]
    idx = list(dict.fromkeys(idx))
    part = lg.loc[idx]
    table = pd.DataFrame(
        {
            t("col.rank", c.lang): [fmt_int(v, c.lang) for v in part["rank"]],
            t("col.oblast", c.lang): part[name_col(c.lang)].tolist(),
            t("col.hromadas_with_officer", c.lang): [
                t("rollout.n_of", c.lang, n=fmt_int(n, c.lang), total=fmt_int(tt, c.lang))
                for n, tt in zip(part["hromadas_with_officer"], part["hromadas_assessable"], strict=True)
            ],
            t("col.with_officer_share", c.lang): [fmt_pct(v, c.lang) for v in part["with_officer_share"]],
            t("col.with_officer_share_change", c.lang): [
                fmt_signed_pp(v, c.lang) for v in part["with_officer_share_change"]
            ],
            t("col.at_required_strength_share", c.lang): [
                fmt_pct(v, c.lang) for v in part["at_required_strength_share"]
            ],
        }
    )
    marked = [i for i, code in enumerate(part["oblast_katottg"]) if code == c.scope.code]
    if c.scope.is_national:
        own = t("coll.s.league_national", c.lang)
    else:
        row = lg[lg["oblast_katottg"] == c.scope.code].iloc[0]
        own = t(
            "coll.s.league_own",
            c.lang,
            oblast=c.scope.name,
            rank=fmt_int(row["rank"], c.lang),
            total=fmt_int(len(ranked), c.lang),
        )
    notes = [own] + [" · ".join(str(v) for v in row) for row in table.itertuples(index=False)]
    notes += [t("kpi.hromadas_with_officer_help", c.lang), c.run.territory_list.note(c.lang)]
    return Slide(
        "league",
        t("coll.s.league", c.lang),
        t("coll.s.league_sub", c.lang, own=own),
        table=table,
        marked_rows=marked,
        data=lg.copy(),
        notes=notes,
    )


# ---------------------------------------------------------------- 6. trust
def trust_slide(c: PackContext) -> Slide:
    series = c.run.trust(c.scope.code)
    title = t("coll.s.trust", c.lang)
    rule = survey.rule_note(c.run.reporting_rule, c.lang)
    if series.empty:
        return Slide("trust", title, bullets=[t("coll.s.no_survey", c.lang)], data=series)
    recent = series[pd.to_datetime(series["wave_end"]) >= pd.Timestamp(c.run.as_of) - pd.DateOffset(years=4)]
    fig = trust_fig.trend_figure(recent, c.lang)
    _chart_style(fig, HALF[1])
    fig.update_xaxes(tickformat=axis_date_format(c.lang))
    fig.update_layout(
        legend={"orientation": "h", "y": -0.1, "yanchor": "top", "font": {"size": 15}},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    wave = trust_mod.latest_wave(series)
    latest = series[series["wave"] == wave]
    # The trust page's tiles of the latest wave: each group's value as the page shows it (marked
    # "use with caution", or "too few responses" without a number), then the gap between the groups.
    tiles = trust_mod.latest_tiles(series, c.run.trust_gaps(c.scope.code), c.lang)
    by_label = {tl.label: tl for tl in tiles if tl is not None}
    table = pd.DataFrame(
        {
            t("coll.col.group", c.lang): [t(f"group.{g}", c.lang) for g in latest["grp"]],
            t("coll.col.trust", c.lang): [by_label[t(f"group.{g}", c.lang)].value for g in latest["grp"]],
            t("coll.col.interval", c.lang): [
                f"{fmt_pct(lo, c.lang)} – {fmt_pct(hi, c.lang)}" if ok else "—"
                for lo, hi, ok in zip(latest["ci_low"], latest["ci_high"], latest["is_shown"], strict=True)
            ],
        }
    )
    gap = tiles[-1]
    caption = []
    if gap is not None:
        caption.append(f"{gap.label}: {gap.value}" + (f" ({gap.note})" if gap.note else "")
                       + (f", {gap.caption}" if gap.caption else ""))
    caption.append(t("trust.causal_note", c.lang))
    notes = [
        f"{t('coll.col.wave', c.lang)} {fmt_wave(r.wave, c.lang)}: {t(f'group.{r.grp}', c.lang)} — "
        f"{survey.value_text(r.share, r.reporting, c.lang)}"
        + (f" (95 %: {fmt_pct(r.ci_low, c.lang)} – {fmt_pct(r.ci_high, c.lang)})" if r.is_shown else "")
        + f"; n = {fmt_int(r.n_unweighted, c.lang)}, n_eff = {fmt_int(round(r.n_effective), c.lang)}"
        for r in latest.itertuples(index=False)
    ]
    notes += [*caption, rule]
    return Slide(
        "trust",
        title,
        t("coll.s.trust_sub", c.lang, wave=fmt_wave(wave, c.lang)),
        table=table,
        figure=fig,
        size=HALF,
        data=trust_mod.series_download(series),
        notes=notes,
        caption="\n".join(caption),
    )


# ---------------------------------------------------------------- 7. largest without an officer
def without_slide(c: PackContext) -> Slide:
    rows = c.run.without_officer(c.scope.code)
    title = t("coll.s.without", c.lang)
    sub = t(
        "coll.s.without_sub",
        c.lang,
        n=fmt_int(len(rows), c.lang),
        population=fmt_int(rows["population_count"].sum(), c.lang),
    )
    data = rows[
        [
            "katottg",
            "oblast_katottg",
            "name_uk",
            "name_en",
            "oblast_name_uk",
            "oblast_name_en",
            "population_count",
            "required_officers",
            "has_memorandum",
            "status",
        ]
    ].copy()
    if rows.empty:
        return Slide("without", title, sub, bullets=[t("coll.s.without_none", c.lang)], data=data)
    top = rows.head(LIST_SHOWN)
    table = _hromada_table(
        top,
        c.lang,
        {
            t("coll.col.population", c.lang): [fmt_int(v, c.lang) for v in top["population_count"]],
            t("coll.col.required", c.lang): [fmt_int(v, c.lang) for v in top["required_officers"]],
            t("coll.col.memorandum", c.lang): [
                t("common.yes" if v else "common.no", c.lang) for v in top["has_memorandum"]
            ],
        },
        with_oblast=c.scope.is_national,
    )
    notes = [sub] + [" · ".join(str(v) for v in row) for row in table.itertuples(index=False)]
    return Slide("without", title, sub, table=table, data=data, notes=notes)


def _hromada_table(rows: pd.DataFrame, lang: str, columns: dict, with_oblast: bool) -> pd.DataFrame:
    out = {t("coll.col.hromada", lang): rows[name_col(lang)].tolist()}
    if with_oblast:
        out[t("coll.col.oblast", lang)] = rows["oblast_name_en" if lang == "en" else "oblast_name_uk"].tolist()
    out.update(columns)
    return pd.DataFrame(out)


# ---------------------------------------------------------------- 8. officers still required
def officers_slide(c: PackContext) -> Slide:
    r = c.run
    o = r.officers(c.scope.code)
    tiles = [
        Tile(t("coll.s.officers.serving", c.lang), fmt_int(o["serving"], c.lang)),
        Tile(t("coll.s.officers.required", c.lang), fmt_int(o["required"], c.lang)),
        Tile(
            t("coll.s.officers.short", c.lang),
            fmt_int(o["short"], c.lang),
            note=t("coll.s.officers.short_note", c.lang, n=fmt_int(o["hromadas_short"], c.lang)),
        ),
        Tile(t("coll.s.officers.above", c.lang), fmt_int(o["above"], c.lang)),
    ]
    if c.scope.is_national:
        by = r.officers_by_oblast().head(LIST_WITH_TILES)
        table = pd.DataFrame(
            {
                t("coll.col.oblast", c.lang): by[name_col(c.lang)].tolist(),
                t("coll.col.serving", c.lang): [fmt_int(v, c.lang) for v in by["officers_serving_assessable"]],
                t("coll.col.required", c.lang): [fmt_int(v, c.lang) for v in by["officers_required"]],
                t("coll.col.short", c.lang): [fmt_int(v, c.lang) for v in by["officers_short"]],
                t("coll.col.above", c.lang): [fmt_int(v, c.lang) for v in by["officers_above_required"]],
            }
        )
        data = r.officers_by_oblast()
    else:
        rows = r.scope_rows(c.scope.code)
        rows = rows[rows["is_assessable"] & (rows["officer_gap"] > 0)].sort_values(
            ["officer_gap", "population_count"], ascending=False
        )
        top = rows.head(LIST_WITH_TILES)
        table = _hromada_table(
            top,
            c.lang,
            {
                t("coll.col.serving", c.lang): [fmt_int(v, c.lang) for v in top["officers_serving"]],
                t("coll.col.required", c.lang): [fmt_int(v, c.lang) for v in top["required_officers"]],
                t("coll.col.short", c.lang): [fmt_int(v, c.lang) for v in top["officer_gap"]],
            },
            with_oblast=False,
        )
        data = rows[
            [
                "katottg",
                "name_uk",
                "name_en",
                "population_count",
                "officers_serving",
                "required_officers",
                "officer_gap",
            ]
        ].copy()
    notes = [f"{tl.label}: {tl.value}" + (f" ({tl.note})" if tl.note else "") for tl in tiles]
    notes.append(t("kpi.officers_serving_assessable_help", c.lang))
    if o["serving_all"] > o["serving"]:
        notes.append(t("kpi.officers_not_assessable", c.lang, n=fmt_int(o["serving_all"] - o["serving"], c.lang)))
    notes.append(t("coll.s.method.required", c.lang))
    return Slide(
        "officers",
        t("coll.s.officers", c.lang),
        t("coll.s.officers_sub", c.lang, as_of=c.d(r.as_of)),
        tiles=tiles,
        table=table,
        data=data,
        notes=notes,
    )


# ---------------------------------------------------------------- 9. where the next officers go
def plan_slide(c: PackContext) -> Slide:
    plan = c.run.plan(c.scope.code)
    title = t("coll.s.plan", c.lang, n=fmt_int(plan["n_placed"], c.lang))
    chosen = plan["chosen"]
    sub = t("coll.s.plan_sub", c.lang, shown=fmt_int(min(LIST_WITH_TILES, len(chosen)), c.lang))
    tiles = [
        Tile(w["label"], w["value"], change=w["change"], change_text=w["change_text"])
        for w in plan_tables.what_if_rows(plan, c.lang)
    ]
    data = plan_tables.candidates_download(plan, c.lang, c.run.is_demo)
    if chosen.empty:
        return Slide("plan", title, sub, tiles=tiles, bullets=[t("coll.s.plan_none", c.lang)], data=data)
    top = chosen.head(LIST_WITH_TILES)
    table = _hromada_table(
        top,
        c.lang,
        {
            t("coll.col.population", c.lang): [fmt_int(v, c.lang) for v in top["population_count"]],
            t("coll.col.officers_added", c.lang): [fmt_signed_int(v, c.lang) for v in top["officers_added"]],
        },
        with_oblast=c.scope.is_national,
    )
    notes = [f"{tl.label}: {tl.value} ({tl.change_text})" for tl in tiles]
    return Slide("plan", title, sub, tiles=tiles, table=table, data=data, notes=notes)


# ---------------------------------------------------------------- 10. when coverage completes
def forecast_slide(c: PackContext) -> Slide:
    fc = c.run.forecast
    fig = plan_fig.forecast_figure(fc, c.scope.code, c.lang, height=WIDE[1])
    _chart_style(fig, WIDE[1])
    fig.update_layout(legend={"font": {"size": 14}}, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_annotations(font={"size": 14})
    table = plan_tables.milestones_display(fc, c.scope.code, c.lang)
    table = table[[t("planning.col.milestone", c.lang), t("planning.col.p50", c.lang)]]
    data = fc["milestones"][fc["milestones"]["scope_katottg"] == c.scope.code].copy()
    notes = [
        " · ".join(str(v) for v in row)
        for row in plan_tables.milestones_display(fc, c.scope.code, c.lang).itertuples(index=False)
    ]
    return Slide(
        "forecast",
        t("coll.s.forecast", c.lang),
        t("coll.s.forecast_sub", c.lang, months=fmt_int(fc["pace_months"], c.lang), as_of=c.d(fc["as_of"])),
        table=table,
        figure=fig,
        size=WIDE,
        data=data,
        notes=notes,
    )


# ---------------------------------------------------------------- 11. the effect
def effect_slide(c: PackContext) -> Slide:
    est = c.run.effect
    title = t("coll.s.effect", c.lang)
    caveats = md_lines(t("planning.caveats", c.lang))[1:]
    if est is None:
        return Slide(
            "effect",
            title,
            bullets=[t("coll.s.effect_none", c.lang, reason=c.run.effect_error), *caveats],
            data=pd.DataFrame(),
        )
    texts = plan_tables.effect_texts(est, c.lang)
    o = est["overall"]
    bullets = [
        t(
            "coll.s.effect_value",
            c.lang,
            estimate=fmt_signed_pp(o["estimate"], c.lang),
            low=fmt_signed_pp(o["ci_low"], c.lang),
            high=fmt_signed_pp(o["ci_high"], c.lang),
        ),
        t("planning.es.sample_help", c.lang, **_sample_args(est, c.lang)),
        t("coll.s.effect_cross", c.lang, estimate=texts["cross_value"] + " (" + texts["cross_interval"] + ")"),
        caveats[0],
    ]
    if est.get("planted") is not None:
        bullets.append(t("coll.s.effect_planted", c.lang, value=texts["planted_value"], inside=texts["planted_inside"]))
    fig = plan_fig.event_study_figure(est, c.lang, height=HALF[1])
    _chart_style(fig, HALF[1])
    fig.update_layout(
        legend={"font": {"size": 13}, "orientation": "h", "y": -0.15, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    fig.update_annotations(font={"size": 13})
    return Slide(
        "effect",
        title,
        t("coll.s.effect_sub", c.lang, as_of=c.d(est["as_of"])),
        bullets=bullets,
        figure=fig,
        size=HALF,
        data=plan_tables.event_study_download(est, c.run.is_demo),
        notes=bullets + caveats[1:] + [texts["left_out"]],
    )


def _sample_args(est: dict, lang: str) -> dict:
    return {
        "hromadas": fmt_int(est["n_hromadas"], lang),
        "treated": fmt_int(est["n_treated_hromadas"], lang),
        "never": fmt_int(est["n_never_treated_hromadas"], lang),
        "waves": fmt_int(est["n_waves"], lang),
        "respondents": fmt_int(est["n_respondents"], lang),
    }


# ---------------------------------------------------------------- 12. methodology and sources
def method_slide(c: PackContext) -> Slide:
    r = c.run
    bullets = [
        r.territory_list.note(c.lang),
        t("coll.s.method.outside", c.lang, units="; ".join(_outside_lines(r, c.lang))),
        t("coll.s.method.words", c.lang),
        t("kpi.residents_strength_weighted_help", c.lang),
        t("coll.s.method.required", c.lang),
        t("coll.s.method.trust", c.lang, rule=survey.rule_note(r.reporting_rule, c.lang)),
        t(
            "coll.s.method.dates",
            c.lang,
            as_of=c.d(r.as_of),
            before=c.d(r.year_before),
            built_at=fmt_datetime(r.info.get("built_at", ""), c.lang),
        ),
        t("coll.s.method.osm", c.lang),
    ]
    sources = md_lines(t("quality.sources_list", c.lang))
    return Slide(
        "method",
        t("coll.s.method", c.lang),
        bullets=bullets,
        notes=bullets + sources,
        data=pd.DataFrame({"text": bullets + sources}),
    )


SLIDES = (
    title_slide,
    key_figures_slide,
    map_slide,
    rollout_slide,
    league_slide,
    trust_slide,
    without_slide,
    officers_slide,
    plan_slide,
    forecast_slide,
    effect_slide,
    method_slide,
)


def pack_slides(run: RunData, scope_code: str, lang: str) -> list[Slide]:
    """Every slide of a pack for the nation (NATIONAL) or an oblast, in order."""
    code = run.check_oblast(scope_code)
    name = t("common.national", lang) if code == NATIONAL else run.oblast_name(code, lang)
    ctx = PackContext(run, Scope(code, name), lang)
    return [make(ctx) for make in SLIDES]
