"""The planning page's tables and figures-in-words: formatted for reading, raw for download.

Display frames carry translated headers and formatted text; download frames carry raw numbers,
machine column names, and a `demo_data` column (True on demo builds) so a demo figure stays
labelled wherever the file travels.
"""

from __future__ import annotations

import math

import pandas as pd

from monitor.formatting import fmt_int, fmt_month, fmt_num, fmt_pct, fmt_signed_int, fmt_signed_pp
from monitor.i18n import name_col, t
from monitor.planning.planner import COMPONENTS


def _yes_no(v, lang: str) -> str:
    return t("common.yes", lang) if bool(v) else t("common.no", lang)


def _with_demo_flag(df: pd.DataFrame, is_demo: bool) -> pd.DataFrame:
    out = df.copy()
    out.insert(0, "demo_data", bool(is_demo))
    return out


def month_text(months: float, as_of: str, lang: str) -> str:
    """A month `months` after the as-of date as text ('бер. 2028'); '—' when not finite."""
    if not math.isfinite(months):
        return "—"
    return fmt_month(pd.Timestamp(as_of) + pd.DateOffset(months=int(months)), lang)


# ---------------------------------------------------------------- the plan
def what_if_rows(plan: dict, lang: str) -> list[dict]:
    """The what-if as four figures: label, value now -> after (text), change (number, text)."""
    w = plan["what_if"]
    total, pop = w["assessable"], w["population_assessable"]
    rows = []
    for key in ("has_officer", "at_required"):
        before, after = w[f"before_{key}"], w[f"after_{key}"]
        rows.append({"label": t(f"planning.kpi.{key}", lang), "value": fmt_int(after, lang),
                     "change": after - before,
                     "change_text": t("planning.kpi.of", lang, change=fmt_signed_int(after - before, lang),
                                      share=fmt_pct(after / total if total else float("nan"), lang),
                                      total=fmt_int(total, lang)),
                     "before": before, "after": after})
    before, after = w["before_residents_served"], w["after_residents_served"]
    rows.append({"label": t("planning.kpi.residents_served", lang),
                 "value": fmt_pct(after / pop if pop else float("nan"), lang),
                 "change": after - before,
                 "change_text": t("planning.kpi.residents_change", lang, n=fmt_signed_int(round(after - before), lang)),
                 "before": before, "after": after})
    before, after = w["before_gap"], w["after_gap"]
    rows.append({"label": t("planning.kpi.gap", lang), "value": fmt_int(after, lang),
                 "change": before - after,
                 "change_text": t("planning.kpi.gap_change", lang, n=fmt_int(before - after, lang)),
                 "before": before, "after": after})
    return rows


def chosen_display(plan: dict, lang: str) -> pd.DataFrame:
    """The hromadas the plan sends officers to, in the order of their first officer."""
    c = plan["chosen"]
    return pd.DataFrame({
        t("planning.col.order", lang): [fmt_int(v, lang) for v in c["rank"]],
        t("col.hromada", lang): c[name_col(lang)],
        t("col.oblast", lang): c["oblast_name_en" if lang == "en" else "oblast_name_uk"],
        t("planning.col.population", lang): [fmt_int(v, lang) for v in c["population_count"]],
        t("planning.col.serving_required", lang): [f"{fmt_int(s, lang)} / {fmt_int(r, lang)}" for s, r in
                                                    zip(c["officers_serving"], c["required_officers"], strict=True)],
        t("planning.col.officers_added", lang): [fmt_signed_int(v, lang) for v in c["officers_added"]],
        t("planning.col.residents_gained", lang): [fmt_int(round(v), lang) for v in c["residents_gained"]],
        t("planning.col.score", lang): [fmt_num(v, lang, 2) for v in c["score"]],
        **{t(f"planning.col.c_{k}", lang): [fmt_num(v, lang, 2) for v in c[f"c_{k}"]] for k in COMPONENTS},
        t("planning.col.distance_km", lang): [fmt_num(v, lang, 1) for v in c["distance_km"]],
        t("planning.col.memorandum", lang): [_yes_no(v, lang) for v in c["has_memorandum"]],
        t("planning.col.oblast_trust", lang): [fmt_pct(v, lang, 0) for v in c["trust_share"]],
    })


def candidates_download(plan: dict, lang: str, is_demo: bool) -> pd.DataFrame:
    """Every candidate in scope with its raw values, components, weights and score, and the
    officers the plan gives it."""
    c = plan["candidates"]
    cols = ["katottg", "oblast_katottg", "population_count", "officers_serving", "required_officers",
            "need_residents", "area_km2", "distance_km", "has_memorandum", "trust_share", "trust_wave",
            *[f"c_{k}" for k in COMPONENTS], "score", "officers_added", "rank", "first_step", "residents_gained"]
    out = c[cols].copy()
    out.insert(1, "hromada", c[name_col(lang)])
    out.insert(3, "oblast", c["oblast_name_en" if lang == "en" else "oblast_name_uk"])
    for k in COMPONENTS:
        out[f"weight_{k}"] = plan["weights_normalised"][k]
    out["as_of_date"] = plan["as_of"]
    return _with_demo_flag(out, is_demo)


def weights_markdown(plan: dict, lang: str) -> str:
    """The weights as set and as the score uses them (shares of their total), as a Markdown table
    (translated labels and numbers only: nothing from the data)."""
    head = [t("planning.col.component", lang), t("planning.col.weight", lang), t("planning.col.weight_share", lang)]
    rows = [[t(f"planning.component.{k}", lang), fmt_num(plan["weights"][k], lang, 1),
             fmt_pct(plan["weights_normalised"][k], lang, 0)] for k in COMPONENTS]
    return "\n".join("| " + " | ".join(r) + " |" for r in [head, ["---", "---:", "---:"], *rows])


# ---------------------------------------------------------------- the forecast
def _status_text(row, as_of: str, horizon: int, lang: str) -> tuple[str, str, str]:
    if row.status == "reached":
        done = t("planning.fc.status.reached", lang)
        return done, done, done
    if row.status == "never":
        never = t("planning.fc.status.never", lang)
        return never, never, never
    beyond = t("planning.fc.status.beyond", lang, years=fmt_int(horizon // 12, lang))
    return tuple(month_text(m, as_of, lang) if math.isfinite(m) else beyond for m in (row.p10, row.p50, row.p90))


def milestones_display(fc: dict, scope: str, lang: str) -> pd.DataFrame:
    """The scope's milestones: what, how many needed / have today, and the P10 / P50 / P90 month."""
    ms = fc["milestones"][fc["milestones"]["scope_katottg"] == scope]
    rows = []
    for r in ms.itertuples(index=False):
        p10, p50, p90 = _status_text(r, fc["as_of"], fc["horizon"], lang)
        rows.append({
            t("planning.col.milestone", lang): t(f"planning.milestone.{r.milestone}", lang),
            t("planning.col.needed_now", lang): t("planning.fc.needed_now", lang, target=fmt_int(r.target, lang),
                                                   current=fmt_int(r.current, lang)),
            t("planning.col.p10", lang): p10,
            t("planning.col.p50", lang): p50,
            t("planning.col.p90", lang): p90,
        })
    return pd.DataFrame(rows)


def milestones_download(fc: dict, oblast_names: dict[str, str], lang: str, is_demo: bool) -> pd.DataFrame:
    """Every scope's milestones, raw (months from the as-of date; empty when not reached)."""
    ms = fc["milestones"].copy()
    ms.insert(1, "scope", [oblast_names.get(s, t("common.national", lang)) for s in ms["scope_katottg"]])
    for q in ("p10", "p50", "p90"):
        ms[q] = ms[q].where(ms[q].map(math.isfinite))
        ms[f"{q}_date"] = pd.to_datetime(ms[f"{q}_date"]).dt.date
    ms["as_of_date"] = fc["as_of"]
    ms["n_sims"], ms["horizon_months"], ms["seed"] = fc["n_sims"], fc["horizon"], fc["seed"]
    return _with_demo_flag(ms, is_demo)


def pace_summary(fc: dict, scope: str, kind: str = "officer") -> dict[str, float]:
    """The last 12 months of a scope: hromadas that made the step, the mean pool, the mean rate."""
    p = fc["pace"][(fc["pace"]["scope_katottg"] == scope) & (fc["pace"]["kind"] == kind)]
    return {"months": int(len(p)), "gains": int(p["gains"].sum()),
            "mean_pool": float(p["pool"].mean()) if len(p) else float("nan"),
            "mean_rate": float(p["rate"].mean()) if p["rate"].notna().any() else float("nan")}


def stalled_scopes(fc: dict, kind: str = "officer") -> list[str]:
    """Oblasts with hromadas waiting whose 12 monthly rates are all zero (nothing moves there)."""
    p = fc["pace"][(fc["pace"]["kind"] == kind) & (fc["pace"]["scope_katottg"] != "UA")]
    ms = fc["milestones"]
    waiting = set(ms.loc[(ms["kind"] == kind) & (ms["share"] == 1.0) & (ms["status"] != "reached"), "scope_katottg"])
    moving = set(p.loc[p["gains"] > 0, "scope_katottg"])
    borrowed = set(ms.loc[ms["national_pace"] & (ms["kind"] == kind), "scope_katottg"])
    return sorted(waiting - moving - borrowed - {"UA"})


# ---------------------------------------------------------------- the effect
def event_study_display(est: dict, lang: str) -> pd.DataFrame:
    """The shown event times: waves since arrival, estimate and 95 % interval, cohorts, and the
    did2s cross-check."""
    es = est["event_study"][est["event_study"]["shown"]]
    cross = est["cross_check_event_study"].set_index("event_time")

    def interval(lo, hi) -> str:
        return f"{fmt_signed_pp(lo, lang)} … {fmt_signed_pp(hi, lang)}"

    rows = []
    for r in es.itertuples(index=False):
        c = cross.loc[r.event_time] if r.event_time in cross.index else None
        rows.append({
            t("planning.col.event_time", lang): fmt_signed_int(r.event_time, lang) if r.event_time else "0",
            t("planning.col.when", lang): t("planning.es.before" if r.is_pre else "planning.es.after", lang),
            t("planning.col.estimate", lang): t("planning.es.reference_cell", lang) if r.is_reference
            else fmt_signed_pp(r.estimate, lang),
            t("planning.col.interval", lang): "" if r.is_reference else interval(r.ci_low, r.ci_high),
            t("planning.col.cohorts", lang): fmt_int(r.n_cohorts, lang),
            t("planning.col.cross_check", lang): "" if c is None else fmt_signed_pp(c["estimate"], lang),
        })
    return pd.DataFrame(rows)


def event_study_download(est: dict, is_demo: bool) -> pd.DataFrame:
    """Every event time, raw (shares: 0.08 = 8 pp), with the cross-check beside it."""
    cross = est["cross_check_event_study"].add_prefix("cross_check_").rename(
        columns={"cross_check_event_time": "event_time"})
    out = est["event_study"].merge(cross, on="event_time", how="left")
    out.insert(0, "metric", est["metric"])
    out["overall_estimate"] = est["overall"]["estimate"]
    out["overall_ci_low"], out["overall_ci_high"] = est["overall"]["ci_low"], est["overall"]["ci_high"]
    out["planted"] = est["planted"]
    out["as_of_date"] = est["as_of"]
    return _with_demo_flag(out, is_demo)


def effect_texts(est: dict, lang: str) -> dict[str, str]:
    """The effect in words: the estimate, its interval, the sample, the cross-check, the planted
    value (demo only: '' otherwise)."""
    o, c = est["overall"], est["cross_check"]
    return {
        "estimate": fmt_signed_pp(o["estimate"], lang),
        "interval": t("planning.es.interval", lang, low=fmt_signed_pp(o["ci_low"], lang),
                      high=fmt_signed_pp(o["ci_high"], lang)),
        "sample_value": t("planning.es.sample_value", lang, hromadas=fmt_int(est["n_hromadas"], lang),
                          waves=fmt_int(est["n_waves"], lang)),
        "sample": t("planning.es.sample", lang, respondents=fmt_int(est["n_respondents"], lang)),
        "sample_help": t("planning.es.sample_help", lang, hromadas=fmt_int(est["n_hromadas"], lang),
                         treated=fmt_int(est["n_treated_hromadas"], lang),
                         never=fmt_int(est["n_never_treated_hromadas"], lang), waves=fmt_int(est["n_waves"], lang),
                         respondents=fmt_int(est["n_respondents"], lang)),
        "cross_value": fmt_signed_pp(c["estimate"], lang),
        "cross_interval": t("planning.es.interval", lang, low=fmt_signed_pp(c["ci_low"], lang),
                            high=fmt_signed_pp(c["ci_high"], lang)),
        "planted_value": fmt_signed_pp(est["planted"], lang) if est.get("planted") is not None else "",
        "planted_inside": (t("planning.es.inside" if o["ci_low"] <= est["planted"] <= o["ci_high"]
                             else "planning.es.outside", lang) if est.get("planted") is not None else ""),
        "left_out": t("planning.es.left_out", lang, not_assessable=fmt_int(est["left_out"]["not_assessable"], lang),
                      early=fmt_int(est["left_out"]["already_served_hromadas"], lang)),
    }
