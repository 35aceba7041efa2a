"""The collegium pack (monitor.collegium): one national pack (Ukrainian) and one oblast pack
(English) built once for the module from the session's demo warehouse, through one browser whose
proxy is a recording listener — so any request that would leave the machine is seen."""

from __future__ import annotations

import io
import re
import socket
import subprocess
import threading

import duckdb
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image
from pptx import Presentation

from monitor.cli import main as monitor_main
from monitor.collegium import images, pack, workbook
from monitor.collegium.figures_data import RunData, pack_as_of
from monitor.collegium.images import Renderer
from monitor.collegium.slides import Slide
from monitor.formatting import fmt_date, fmt_int, fmt_pct
from monitor.geometry import geometry_ids
from monitor.i18n import t

YEAR = 2025
OBLAST = "UA05000000000010236"  # Vinnytsia
SLIDE_KEYS = [
    "title",
    "key_figures",
    "map",
    "rollout",
    "league",
    "trust",
    "without",
    "officers",
    "plan",
    "forecast",
    "effect",
    "method",
]


class RecordingProxy:
    """A TCP listener on loopback used as the browser's proxy: records every request line."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.requests: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(4096).decode("latin-1").split("\r\n")[0])
                except OSError:
                    self.requests.append("?")

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def built(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("collegium")
    proxy = RecordingProxy()
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        run = RunData(con, YEAR)
        with Renderer(proxy_server=proxy.url) as r:
            national = pack.make_packs(con, YEAR, "uk", ["UA"], out, renderer=r, run=run)[0]
            oblast = pack.make_packs(con, YEAR, "en", [OBLAST], out, renderer=r, run=run)[0]
            seen_during_build = list(proxy.requests)
            # The positive control: a figure that asks for an outside image does reach the proxy.
            probe = go.Figure(layout={"images": [{"source": "http://example.com/probe.png", "x": 0, "y": 1}]})
            r.png(probe, 200, 100, scale=1)
            control = list(proxy.requests)
        yield {
            "run": run,
            "uk": national,
            "en": oblast,
            "out": out,
            "requests": seen_during_build,
            "control": control,
            "demo_db": demo_db,
        }
    finally:
        con.close()
        proxy.close()


def _deck(p) -> Presentation:
    return Presentation(io.BytesIO(p.files["pptx"]))


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


# Chromium's own housekeeping, which no flag of Debian's build fully silences (its start page, sign-in,
# component updates, network time). They never leave the machine in use: the renderer's proxy is a
# closed loopback port (images.DEAD_PROXY). Everything else — plotly.js, MathJax, the geo base map,
# fonts, anything a figure or the pack asks for — must not be requested at all.
CHROMIUM_HOUSEKEEPING = (
    "start.duckduckgo.com",
    "accounts.google.com",
    "update.googleapis.com",
    "clients2.google.com",
    "clients1.google.com",
    "www.google.com",
    "optimizationguide-pa.googleapis.com",
)


def _host(request_line: str) -> str:
    target = request_line.split(" ")[1] if " " in request_line else request_line
    return target.split("://")[-1].split("/")[0].split(":")[0]


def test_nothing_requested_off_the_machine(built):
    asked = [r for r in built["requests"] if _host(r) not in CHROMIUM_HOUSEKEEPING]
    assert asked == []
    assert any("example.com" in r for r in built["control"]), "the recording proxy saw no request at all"
    assert images.DEAD_PROXY.startswith("http://127.0.0.1:") and Renderer().proxy_server == images.DEAD_PROXY


def test_deck_opens_and_has_the_slides(built):
    for lang in ("uk", "en"):
        p = built[lang]
        assert [s.key for s in p.slides] == SLIDE_KEYS
        deck = _deck(p)
        assert len(deck.slides) == len(SLIDE_KEYS)
        demo = t("coll.demo", lang)
        for slide, s in zip(deck.slides, p.slides, strict=True):
            text = _slide_text(slide)
            assert s.title in text
            assert demo in text, f"no demo label on slide {s.key}"
            notes = slide.notes_slide.notes_text_frame.text
            assert demo in notes and len(notes.splitlines()) >= 3
        pictures = [sum(sh.shape_type == 13 for sh in slide.shapes) for slide in deck.slides]
        assert pictures[SLIDE_KEYS.index("map")] == 1 and pictures[SLIDE_KEYS.index("trust")] == 1


def test_deck_numbers_equal_the_database(built):
    """The key figures and the officers slide show what the database says, counted over the
    programme's assessable hromadas (has an officer, at required strength, officers serving beside
    officers required on the same hromadas, short and above, strength-weighted residents)."""
    run, p = built["run"], built["uk"]
    as_of = run.as_of
    con = duckdb.connect(str(built["demo_db"]), read_only=True)
    try:
        (assessable, with_officer, at_required, serving, required, short, above, weighted, serving_all) = con.execute(
            """SELECT count(*) FILTER (is_assessable), count(*) FILTER (has_officer),
                      count(*) FILTER (is_at_required_strength),
                      sum(officers_serving) FILTER (is_assessable), sum(required_officers) FILTER (is_assessable),
                      sum(officer_gap) FILTER (is_assessable), sum(officers_above_required) FILTER (is_assessable),
                      round(sum(residents_strength_weighted))::BIGINT, sum(officers_serving)
               FROM coverage_on(?::DATE) WHERE in_programme""",
            [as_of],
        ).fetchone()
        largest = con.execute(
            """SELECT h.name_uk FROM coverage_on(?::DATE) c JOIN hromadas h USING (katottg)
               WHERE c.in_programme AND c.is_assessable AND NOT c.has_officer
               ORDER BY c.population_count DESC, c.katottg LIMIT 1""",
            [as_of],
        ).fetchone()[0]
    finally:
        con.close()
    uk = "uk"
    deck = _deck(p)
    key = _slide_text(deck.slides[SLIDE_KEYS.index("key_figures")])
    assert t("kpi.hromadas_with_officer", uk, n=fmt_int(with_officer, uk), total=fmt_int(assessable, uk)) in key
    assert fmt_pct(with_officer / assessable, uk) in key
    assert t("coll.kpi.at_required_strength", uk, n=fmt_int(at_required, uk), total=fmt_int(assessable, uk)) in key
    assert fmt_pct(at_required / assessable, uk) in key
    assert fmt_int(weighted, uk) in key  # the headline residents: weighted by strength
    assert t("kpi.residents_strength_weighted", uk) in key
    assert fmt_int(serving, uk) in key
    assert t("kpi.officers_caption", uk, required=fmt_int(required, uk), short=fmt_int(short, uk),
             above=fmt_int(above, uk)).split(" · ")[0] in key
    officers = _slide_text(deck.slides[SLIDE_KEYS.index("officers")])
    for n in (serving, required, short, above):
        assert fmt_int(n, uk) in officers
    assert serving_all >= serving
    assert largest in _slide_text(deck.slides[SLIDE_KEYS.index("without")])
    assert str(YEAR) in _slide_text(deck.slides[0]) and "31.12.2025" in _slide_text(deck.slides[0])


def test_one_word_one_meaning_and_the_territory_list_beside_the_map(built):
    """No slide says "covered" / «охоплені»; the territory list's date (and its staleness warning)
    is beside the map, under the key figures and on the methodology slide; the territory outside
    the programme is drawn on the map, labelled as the config says."""
    run = built["run"]
    for lang in ("uk", "en"):
        p = built[lang]
        deck = _deck(p)
        texts = [_slide_text(slide) for slide in deck.slides]
        for text in texts:
            assert not re.search(r"\bcovered\b|охоплен", text, re.IGNORECASE), text[:300]
        note = run.territory_list.note(lang)
        assert run.territory_list.is_stale  # the list of 07.05.2025 against 31.12.2025
        assert t("common.territory_list_stale", lang, months=6) in note
        for key in ("key_figures", "map", "method"):
            assert note in texts[SLIDE_KEYS.index(key)].replace("\n", " "), key
        assert fmt_date(run.territory_list_date, lang) in texts[SLIDE_KEYS.index("league")]  # the footer
        rows = {s.key: s for s in p.slides}["map"].data
        assert "outside_programme" not in set(rows["status"])  # counts over the programme only
    figure = {s.key: s for s in built["uk"].slides}["map"].figure
    outside = [tr for tr in figure.data if tr.meta == "outside"]
    labels = {str(x).replace("<br>", " ") for x in (tr.name for tr in outside)}
    assert labels == set(run.outside["label_uk"])
    drawable = set(run.outside["oblast_katottg"]) & set(geometry_ids(run.oblast_geometry))  # Sevastopol: in Crimea's
    assert drawable and {c for tr in outside for c in tr.locations} == drawable


def test_oblast_pack_marks_its_own_place(built):
    p, run = built["en"], built["run"]
    league = p.slides[SLIDE_KEYS.index("league")]
    row = run.league[run.league["oblast_katottg"] == OBLAST].iloc[0]
    assert league.marked_rows, "the oblast's own row is not marked"
    marked = league.table.iloc[league.marked_rows[0]]
    assert marked.iloc[1] == row["name_en"] and marked.iloc[0] == fmt_int(row["rank"], "en")
    deck = _deck(p)
    table = next(sh.table for sh in deck.slides[SLIDE_KEYS.index("league")].shapes if sh.has_table)
    bold_rows = [r for r in range(1, len(table.rows)) if table.cell(r, 1).text_frame.paragraphs[0].runs[0].font.bold]
    assert [table.cell(r, 1).text for r in bold_rows] == [row["name_en"]]
    assert "Vinnytsia" in _slide_text(deck.slides[0])
    # English throughout: no Cyrillic on the English deck's slides (names are transliterated).
    for slide in deck.slides:
        assert not any("\u0400" <= ch <= "\u04ff" for ch in _slide_text(slide)), _slide_text(slide)[:200]


def test_trust_too_few_is_never_a_number_and_caution_is_marked(built, monkeypatch):
    from monitor import trust as trust_mod
    from monitor.collegium import slides as slides_mod

    run = built["run"]
    raw = trust_mod.trust_series(run.con, "UA", "trust")
    raw = raw[pd.to_datetime(raw["wave_end"]) <= pd.Timestamp(run.as_of)].copy()
    latest = trust_mod.latest_wave(raw)
    raw.loc[(raw["wave"] == latest) & (raw["grp"] == "no_officer"), "reporting"] = "too_few"
    raw.loc[(raw["wave"] == latest) & (raw["grp"] == "has_officer"), "reporting"] = "caution"
    monkeypatch.setattr(run, "trust", lambda scope: trust_mod.mark_shown(raw))
    for lang in ("uk", "en"):
        s = slides_mod.trust_slide(slides_mod.PackContext(run, slides_mod.Scope("UA", "UA"), lang))
        rows = s.table.set_index(s.table.columns[0])
        few = rows.loc[t("group.no_officer", lang)]
        assert few.iloc[0] == t("reporting.too_few", lang) and few.iloc[1] == "—"
        assert not any("%" in n and t("group.no_officer", lang) in n for n in s.notes)
        share = raw.loc[(raw["wave"] == latest) & (raw["grp"] == "has_officer"), "share"].iloc[0]
        assert rows.loc[t("group.has_officer", lang)].iloc[0] == t(
            "trust.value_caution", lang, value=fmt_pct(share, lang), caution=t("reporting.caution", lang)
        )
        assert t("trust.causal_note", lang) in s.caption


def test_every_pdf_page_renders_and_matches_the_deck(built, tmp_path):
    for lang in ("uk", "en"):
        p = built[lang]
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(p.files["pdf"])
        subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / lang)], check=True)
        pages = sorted(tmp_path.glob(f"{lang}-*.png"))
        assert len(pages) == len(_deck(p).slides)
        for page in pages:
            im = Image.open(page).convert("L")
            assert im.width > im.height  # landscape
            assert im.getextrema()[0] < 128, f"{page.name} is blank"
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(" yes " in r for r in rows), fonts  # every font embedded


def test_workbook_has_the_choices_and_every_slide_table(built):
    for lang in ("uk", "en"):
        p = built[lang]
        wb = openpyxl.load_workbook(io.BytesIO(p.files["xlsx"]))
        assert wb.sheetnames[0] == t("coll.sheet.choices", lang)
        assert len(wb.sheetnames) == 1 + len(SLIDE_KEYS)
        choices = {r[0]: r[1] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0]}
        assert choices[t("coll.choice.year", lang)] == str(YEAR)
        assert choices[t("coll.choice.lang", lang)] == lang
        assert choices[t("coll.choice.as_of", lang)] == built["run"].as_of
        assert choices[t("coll.choice.is_demo", lang)] == t("common.yes", lang)
        for n, s in enumerate(p.slides, start=1):
            ws = wb[workbook.sheet_name(n, s.key)]
            assert ws["A2"].value == t("coll.demo", lang)
            if s.data is None or s.data.empty:
                continue
            sheet = pd.read_excel(
                engine="openpyxl",
                io=io.BytesIO(p.files["xlsx"]),
                sheet_name=workbook.sheet_name(n, s.key),
                header=workbook.TABLE_HEADER_ROW,
            )
            assert len(sheet) == len(s.data), s.key
            assert list(sheet.columns) == [str(c) for c in s.data.columns]
            for col in s.data.select_dtypes("number").columns:
                pd.testing.assert_series_equal(
                    sheet[str(col)].astype(float),
                    s.data[col].astype(float).reset_index(drop=True),
                    check_names=False,
                    rtol=1e-9,
                )


def test_workbook_neutralises_formulas():
    data = pd.DataFrame({"name": ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)"], "n": [1, 2, 3]})
    xlsx = workbook.build_workbook([Slide("k", "T", data=data)], [("a", "=1+1")], "en", None, "f")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    ws = wb[workbook.sheet_name(1, "k")]
    # text as every download writes it: a leading apostrophe, so no spreadsheet runs it
    assert ws.cell(workbook.TABLE_HEADER_ROW + 2, 1).value == "'" + data["name"][0]
    assert wb.worksheets[0].cell(2, 2).value == "'=1+1"


def test_file_names_say_demo(built):
    assert built["uk"].names["pptx"] == "collegium_2025_UA_uk_DEMO.pptx"
    assert built["en"].names["pdf"].endswith("_en_DEMO.pdf")
    assert sorted(f.name for f in built["out"].iterdir()) == sorted(
        [*built["uk"].names.values(), *built["en"].names.values()]
    )


def test_year_choice():
    assert pack_as_of(2025, "2026-11-15") == "2025-12-31"
    assert pack_as_of(2026, "2026-11-15") == "2026-11-15"


def test_cli_refuses_bad_choices_in_one_line(demo_db, tmp_path, capsys):
    assert monitor_main(["collegium", "--db", str(demo_db), "--year", "2031", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "2031" in err and len(err.splitlines()) == 1
    assert (
        monitor_main(["collegium", "--db", str(demo_db), "--year", "2025", "--oblast", "UA99", "--out", str(tmp_path)])
        == 2
    )
    assert "UA99" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_page_offers_the_programme_and_makes_the_pack_in_one_click(app_db, built, monkeypatch):
    """The Collegium page: year, area (the nation and the programme's oblasts only) and language,
    one button, three downloads. The build itself is the module's (pack_for_page is stubbed with
    it): the page is tested, not the build twice."""
    from monitor.collegium import pack as pack_mod
    from tests import apptest

    made = built["en"]
    calls = []

    def stub(db_path, year, scope, lang):
        calls.append((year, scope, lang))
        return made

    monkeypatch.setattr(pack_mod, "pack_for_page", stub)
    at = apptest.run_page("views/collegium.py", "uk")
    assert [s.label for s in at.selectbox] == [t("coll.year", "uk"), t("coll.scope", "uk"), t("coll.lang", "uk")]
    scopes = at.selectbox(key="coll_scope").options
    names = dict(zip(built["run"].oblasts["oblast_katottg"], built["run"].oblasts["name_uk"], strict=True))
    assert sorted(scopes) == sorted([t("common.national", "uk"), *names.values()])  # no Crimea, Sevastopol, Kyiv city
    at.selectbox(key="coll_year").set_value(YEAR)
    at.selectbox(key="coll_scope").set_value(OBLAST)
    at.selectbox(key="coll_lang").set_value("en")
    at.button(key="coll_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert calls == [(YEAR, OBLAST, "en")]
    slides_text = t("coll.done", "uk", seconds="X", slides=len(SLIDE_KEYS)).split("X")[-1]
    assert at.success and slides_text in at.success[0].value
    assert len(at.get("download_button")) == 3
