"""Making packs: the slides of a scope, their images, then the deck, the PDF and the workbook.

One RunData (the data every pack shares, the slow estimates read once) and one image Renderer
(one browser) serve every pack of a run: make_packs(con, year, lang, scopes, out_dir).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from monitor.collegium import deck, pdf, workbook
from monitor.collegium.figures_data import NATIONAL, PackInputError, RunData, pack_as_of
from monitor.collegium.images import Renderer
from monitor.collegium.slides import Slide, pack_slides
from monitor.formatting import fmt_date, fmt_datetime
from monitor.i18n import t

FORMATS = ("pptx", "pdf", "xlsx")


@dataclass
class Pack:
    scope: str
    lang: str
    slides: list[Slide]
    files: dict[str, bytes] = field(default_factory=dict)  # format -> bytes
    names: dict[str, str] = field(default_factory=dict)  # format -> file name
    seconds: dict[str, float] = field(default_factory=dict)  # step -> time taken


def demo_label(run: RunData, lang: str) -> str | None:
    return t("coll.demo", lang) if run.is_demo else None


def footer(run: RunData, lang: str) -> str:
    """The line at the foot of every slide and page: the as-of date, the territory list's date, the source."""
    return t("coll.footer", lang, as_of=fmt_date(run.as_of, lang), list_date=fmt_date(run.territory_list_date, lang))


def file_stem(run: RunData, scope: str, lang: str) -> str:
    """'collegium_2025_UA_uk' / 'collegium_2025_<oblast short code>_en', '_DEMO' on demo data."""
    if scope == NATIONAL:
        tag = "UA"
    else:
        row = run.oblasts[run.oblasts["oblast_katottg"] == scope]
        short = str(row["short_code"].iloc[0]) if len(row) and row["short_code"].notna().iloc[0] else scope
        tag = short
    return f"collegium_{run.year}_{tag}_{lang}" + ("_DEMO" if run.is_demo else "")


def choices(run: RunData, scope: str, lang: str) -> list[tuple[str, str]]:
    """The first sheet: what the pack was made from."""
    name = t("common.national", lang) if scope == NATIONAL else run.oblast_name(scope, lang)
    return [
        (t("coll.choice.year", lang), str(run.year)),
        (t("coll.choice.scope", lang), name),
        (t("coll.choice.scope_code", lang), scope),
        (t("coll.choice.lang", lang), lang),
        (t("coll.choice.as_of", lang), run.as_of),
        (t("coll.choice.year_before", lang), run.year_before),
        (t("coll.choice.warehouse_as_of", lang), run.warehouse_as_of),
        (t("coll.choice.built_at", lang), fmt_datetime(run.info.get("built_at", ""), lang)),
        (t("coll.choice.is_demo", lang), t("common.yes" if run.is_demo else "common.no", lang)),
        (t("coll.choice.territory_list", lang), run.territory_list_date),
        (t("coll.choice.source", lang), footer(run, lang)),
    ]


def make_pack(run: RunData, scope: str, lang: str, renderer: Renderer, formats=FORMATS) -> Pack:
    """One pack (bytes of every format) for the nation or an oblast."""
    clock = time.perf_counter()
    slides = pack_slides(run, scope, lang)
    p = Pack(scope, lang, slides)
    p.seconds["data"] = time.perf_counter() - clock
    clock = time.perf_counter()
    for s in slides:
        if s.figure is not None:
            s.image = renderer.png(s.figure, *s.size)
    p.seconds["images"] = time.perf_counter() - clock
    label, foot, stem = demo_label(run, lang), footer(run, lang), file_stem(run, scope, lang)
    builders = {
        "pptx": lambda: deck.build_deck(slides, foot, label),
        "pdf": lambda: pdf.build_pdf(slides, lang, foot, label),
        "xlsx": lambda: workbook.build_workbook(slides, choices(run, scope, lang), lang, label, foot),
    }
    for fmt in formats:
        clock = time.perf_counter()
        p.files[fmt] = builders[fmt]()
        p.names[fmt] = f"{stem}.{fmt}"
        p.seconds[fmt] = time.perf_counter() - clock
    return p


def make_packs(
    con: duckdb.DuckDBPyConnection,
    year: int,
    lang: str,
    scopes: list[str] | None,
    out_dir: Path,
    renderer: Renderer | None = None,
    run: RunData | None = None,
) -> list[Pack]:
    """Packs for `scopes` (NATIONAL and/or oblast codes; None: the nation and every oblast),
    written to out_dir. One browser and one RunData for all of them."""
    run = run or RunData(con, year)
    codes = [run.check_oblast(s) for s in scopes] if scopes else [NATIONAL, *run.oblasts["oblast_katottg"]]
    out_dir.mkdir(parents=True, exist_ok=True)
    packs = []
    own = renderer is None
    r = renderer or Renderer()
    if own:
        r.__enter__()
    try:
        for code in codes:
            p = make_pack(run, code, lang, r)
            for fmt, data in p.files.items():
                (out_dir / p.names[fmt]).write_bytes(data)
            packs.append(p)
    finally:
        if own:
            r.__exit__(None, None, None)
    return packs


def pack_for_page(db_path: str, year: int, scope: str, lang: str) -> Pack:
    """One pack for the Collegium page: its own read-only connection and browser (the page caches
    the result per database build and choice)."""
    from monitor import db

    con = db.connect(db_path)
    try:
        run = RunData(con, year)
        with Renderer() as r:
            return make_pack(run, run.check_oblast(scope), lang, r)
    finally:
        con.close()


def years(warehouse_as_of: str) -> list[int]:
    """The years a pack can report: from the programme's start (2019) to the warehouse's year, latest first."""
    last = int(warehouse_as_of[:4]) if warehouse_as_of[:4].isdigit() else 2019
    return list(range(last, 2018, -1))


def pack_as_of_text(year: int, warehouse_as_of: str, lang: str) -> str:
    """The date a year's pack reports on, as text ('' when the year cannot be reported)."""
    try:
        return fmt_date(pack_as_of(year, warehouse_as_of), lang)
    except PackInputError:
        return ""
