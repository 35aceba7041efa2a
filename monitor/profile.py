"""One hromada in depth: search, facts, status history, officers, stations, memoranda,
territory status, and the comparison with peers of the same type and size band."""

from __future__ import annotations

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from monitor.db import query
from monitor.formatting import fmt_date, fmt_int, fmt_month, plotly_separators
from monitor.i18n import t
from monitor.maps import STATUS_COLOURS, STATUSES, status_label


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
    brackets so either spelling can be typed into the select box's search."""
    out = {}
    en = lang == "en"
    for r in index.itertuples(index=False):
        name, other = (r.name_en, r.name_uk) if en else (r.name_uk, r.name_en)
        oblast = r.oblast_name_en if en else r.oblast_name_uk
        alias = f" / {other}" if other and other != name else ""
        out[r.katottg] = f"{name}{alias} ({oblast}) — {r.katottg}"
    return out


def hromada_facts(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    """The hromadas row of `code` with its oblast's names (empty frame if unknown)."""
    return query(
        con,
        """
        SELECT h.*, o.name_uk AS oblast_name_uk, o.name_en AS oblast_name_en
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


def oblast_trust_table(trust: pd.DataFrame, min_effective_n: float, lang: str) -> pd.DataFrame:
    """monitor.trust.latest_waves() rows of an oblast as a readable table: one row per wave and
    group, trust and knows-officer side by side; a share with too few responses is written as
    such, never as a number."""
    from monitor.trust import value_text

    rows = []
    for (wave, grp), part in trust.groupby(["wave", "grp"], sort=False):
        by_metric = part.set_index("metric")
        row = {t("profile.col.wave", lang): wave, t("profile.col.group", lang): t(f"group.{grp}", lang)}
        for metric in ("trust", "knows_officer"):
            if metric in by_metric.index:
                r = by_metric.loc[metric]
                ok = (r["n_effective"] if pd.notna(r["n_effective"]) else 0) >= min_effective_n
                row[t(f"metric.{metric}", lang)] = value_text(r["share"], ok, lang)
            else:
                row[t(f"metric.{metric}", lang)] = "—"
        row[t("profile.col.n", lang)] = fmt_int(part["n_unweighted"].max(), lang)
        rows.append(row)
    return pd.DataFrame(rows)


def peers(con: duckdb.DuckDBPyConnection, code: str, on_date: str, min_effective_n: float) -> pd.DataFrame:
    """The hromada and its peers (same type_uk and size_band) on `on_date`.

    Columns: katottg, is_self, name_uk, name_en, oblast_name_uk, oblast_name_en, population_count,
    status, officers_serving, required_officers, officers_per_10k, is_covered, is_assessable,
    months_since_first_officer (NULL if none yet), trust_share (the oblast's latest wave on or
    before on_date; NULL where the effective n is below the minimum), trust_n_effective (NULL:
    no survey wave in the oblast yet).
    """
    return query(
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
        ),
        trust AS (
            SELECT scope_katottg AS oblast_katottg,
                   CASE WHEN n_effective >= $min_n THEN share END AS trust_share,
                   n_effective AS trust_n_effective
            FROM trust_summary
            WHERE metric = 'trust' AND grp = 'all' AND wave_start <= $d::DATE
            QUALIFY row_number() OVER (PARTITION BY scope_katottg ORDER BY wave_start DESC, wave DESC) = 1
        )
        SELECT p.katottg, p.katottg = $code AS is_self, p.name_uk, coalesce(p.name_en, p.name_uk) AS name_en,
               o.name_uk AS oblast_name_uk, o.name_en AS oblast_name_en, p.population_count,
               c.status, c.officers_serving, c.required_officers, c.officers_per_10k, c.is_covered,
               c.is_assessable,
               CASE WHEN f.first_start IS NOT NULL THEN date_diff('month', f.first_start, $d::DATE) END
                   AS months_since_first_officer,
               trust.trust_share, trust.trust_n_effective
        FROM peer AS p
        JOIN oblasts AS o USING (oblast_katottg)
        JOIN coverage_on($d::DATE) AS c USING (katottg)
        LEFT JOIN first_officer AS f USING (katottg)
        LEFT JOIN trust USING (oblast_katottg)
        ORDER BY is_self DESC, p.name_uk, p.katottg
        """,
        {"code": code, "d": on_date, "min_n": min_effective_n},
    )


def peer_summary(peer_df: pd.DataFrame) -> dict[str, float]:
    """The peers' (the hromada itself excluded) count, share covered (of assessable), median
    officers per 10k, median months since first officer, median oblast trust."""
    others = peer_df[~peer_df["is_self"]]
    assessable = others[others["is_assessable"]]
    return {
        "peers": float(len(others)),
        "share_covered": float(assessable["is_covered"].mean()) if len(assessable) else float("nan"),
        "officers_per_10k": float(assessable["officers_per_10k"].median()) if len(assessable) else float("nan"),
        # float64 first: a nullable integer column with no value at all has a median of NA, not NaN.
        "months_since_first_officer": float(others["months_since_first_officer"].astype("float64").median()),
        "trust_share": float(others["trust_share"].astype("float64").median()),
    }


# ---------------------------------------------------------------- figures
def status_figure(history: pd.DataFrame, lang: str) -> go.Figure:
    """Status by month as a step line across the ordered statuses (labels on the axis, so the
    status is read from the position as well as the colour)."""
    order = list(reversed(STATUSES))
    labels = [status_label(s, lang) for s in order]
    x = pd.to_datetime(history["on_date"])
    y = [status_label(s, lang) for s in history["status"]]
    hover = [
        f"{fmt_month(d, lang)}: {status_label(s, lang)}<br>"
        + t("profile.hover.officers", lang, serving=fmt_int(o, lang), required=fmt_int(r, lang))
        for d, s, o, r in zip(
            history["on_date"],
            history["status"],
            history["officers_serving"],
            history["required_officers"],
            strict=True,
        )
    ]
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            mode="lines+markers",
            line={"shape": "hv", "color": "#777777", "width": 1.5},
            marker={"color": [STATUS_COLOURS[s] for s in history["status"]], "size": 7},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(
        yaxis={"categoryorder": "array", "categoryarray": labels, "title": None},
        xaxis={"title": None},
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        separators=plotly_separators(lang),
    )
    return fig


def officers_figure(assignments: pd.DataFrame, history: pd.DataFrame, as_of: str, lang: str) -> go.Figure:
    """A timeline bar per assignment (pseudonymous id) above the monthly serving count against
    the required number."""
    n = max(len(assignments), 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.14)
    end_default = pd.Timestamp(as_of)
    for r in assignments.itertuples(index=False):
        start = pd.Timestamp(r.start_date)
        end = pd.Timestamp(r.end_date) if pd.notna(r.end_date) else end_default
        serving = pd.isna(r.end_date)
        hover = "<br>".join(
            [
                f"<b>{r.officer_id}</b>",
                t(
                    "profile.hover.assignment",
                    lang,
                    start=fmt_date(start, lang),
                    end=t("profile.serving_now", lang) if serving else fmt_date(end, lang),
                ),
            ]
        )
        fig.add_trace(
            go.Scatter(
                x=[start, end],
                y=[r.officer_id, r.officer_id],
                mode="lines+markers",
                line={"color": "#0072B2" if serving else "#999999", "width": 8},
                marker={"size": 4, "color": "#000000"},
                hovertext=[hover, hover],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
    x = pd.to_datetime(history["on_date"])
    fig.add_trace(
        go.Scatter(
            x=x,
            y=history["officers_serving"],
            mode="lines",
            line={"shape": "hv", "color": "#0072B2"},
            name=t("profile.serving", lang),
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=history["required_officers"],
            mode="lines",
            line={"shape": "hv", "color": "#D55E00", "dash": "dash"},
            name=t("profile.required", lang),
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(title=None, autorange="reversed", row=1, col=1)
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    top = max(
        int(history["officers_serving"].max() if len(history) else 0),
        int(history["required_officers"].max() if len(history) else 0),
        1,
    )
    fig.update_yaxes(title=None, rangemode="tozero", tick0=0, dtick=max(1, -(-top // 4)), row=2, col=1)
    fig.update_layout(
        height=min(300 + 22 * n, 740),
        # The legend above the plot: below it, it covered the shared date axis.
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "right", "x": 1},
        separators=plotly_separators(lang),
    )
    return fig
