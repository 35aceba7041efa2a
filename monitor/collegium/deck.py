"""The pack as a PowerPoint deck (python-pptx, 16:9): one slide per monitor.collegium.slides.Slide,
the demo label on every slide while the data is demo data, speaker notes with the exact figures.

Type sizes are for a projector: titles 30 pt, tile values 34 pt, tables 14 pt, nothing below 11 pt.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from monitor.collegium.slides import Slide, caption_lines, column_weights, is_text_column
from monitor.tiles import Tile

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.45)
BODY_BOTTOM = Inches(6.9)
FONT = "Arial"
DARK = RGBColor(0x1A, 0x1A, 0x1A)
GREY = RGBColor(0x55, 0x55, 0x55)
BLUE = RGBColor(0x00, 0x57, 0x9E)
DEMO_RED = RGBColor(0xB0, 0x00, 0x20)
MARK_FILL = RGBColor(0xFF, 0xE3, 0xC4)
HEAD_FILL = RGBColor(0xDD, 0xE6, 0xF0)
UP, DOWN = RGBColor(0x00, 0x7A, 0x3D), RGBColor(0xB0, 0x00, 0x20)


def _text(
    slide,
    left,
    top,
    width,
    height,
    text: str,
    size: int,
    *,
    bold=False,
    colour=DARK,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.05)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        run = p.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = colour
    return box


def bullet_size(lines: list[str], width, height, largest: int = 22, smallest: int = 12) -> int:
    """The largest type (pt) at which the bullets fit the box, by an estimate of their wrapped lines."""
    for size in range(largest, smallest - 1, -1):
        per_line = max(1, int(width / Inches(1) * 72 / (size * 0.56)))
        n_lines = sum(-(-(len(line) + 2) // per_line) for line in lines)
        needed = n_lines * size * 1.2 / 72 + len(lines) * 10 / 72
        if needed <= height / Inches(1):
            return size
    return smallest


def _bullets(slide, left, top, width, height, lines: list[str], size: int = 20):
    size = min(size, bullet_size(lines, width, height, largest=size))
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.space_after = Pt(10)
        run = p.add_run()
        run.text = "• " + line
        run.font.size, run.font.name = Pt(size), FONT
        run.font.color.rgb = DARK
    return box


TILES_PER_ROW = 3  # a slide of more than four tiles lays them out in rows of three


def _tile_rows(tiles: list[Tile]) -> list[list[Tile]]:
    if len(tiles) <= 4:
        return [tiles]
    return [tiles[i : i + TILES_PER_ROW] for i in range(0, len(tiles), TILES_PER_ROW)]


def _tiles(slide, tiles: list[Tile], top, height):
    """Tiles in rows (_tile_rows) filling `height`; a taller tile (a slide of tiles only) gets
    larger type. A tile shows its label, value, change (or note) and caption (one line per
    ' · ' part), as the dashboard's tile does."""
    rows = _tile_rows(tiles)
    gap = Inches(0.2)
    row_h = (height - gap * (len(rows) - 1)) // len(rows)
    for k, row in enumerate(rows):
        _tile_row(slide, row, top + k * (row_h + gap), row_h, len(rows[0]))


def _tile_row(slide, tiles: list[Tile], top, height, per_row: int):
    gap = Inches(0.2)
    width = (WIDTH - 2 * MARGIN - gap * (per_row - 1)) // per_row
    tall = height >= Inches(2.0)  # room for a caption under the change
    label_size, change_size, top_value, top_change = (15, 14, 0.6, 1.15) if tall else (15, 15, 0.8, 1.35)
    for i, tile in enumerate(tiles):
        left = MARGIN + i * (width + gap)
        shape = slide.shapes.add_shape(1, left, top, width, height)  # rectangle
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(0xF3, 0xF6, 0xFA)
        shape.line.color.rgb = RGBColor(0xC8, 0xD2, 0xDE)
        _text(
            slide,
            left + Inches(0.1),
            top + Inches(0.08),
            width - Inches(0.2),
            Inches(0.7),
            tile.label,
            label_size,
            colour=GREY,
        )
        # The value on one line: smaller type for a long number in a narrow tile.
        size = max(20, min(30 if tall else 34, int(width / Inches(1) * 72 / max(len(tile.value), 1) * 1.6)))
        _text(
            slide,
            left + Inches(0.1),
            top + Inches(top_value),
            width - Inches(0.2),
            Inches(0.65),
            tile.value,
            size,
            bold=True,
        )
        change = tile.change_text or tile.note
        if change:
            colour = GREY if tile.change is None or tile.change == 0 else (UP if tile.change > 0 else DOWN)
            arrow = "" if tile.change is None or tile.change == 0 else ("▲ " if tile.change > 0 else "▼ ")
            _text(
                slide,
                left + Inches(0.1),
                top + Inches(top_change),
                width - Inches(0.2),
                Inches(0.35),
                arrow + change,
                change_size,
                colour=colour,
            )
        if tile.caption:
            below = top + Inches(top_change + (0.3 if change else 0))
            _text(
                slide,
                left + Inches(0.1),
                below,
                width - Inches(0.2),
                top + height - below,
                "\n".join(caption_lines(tile.caption)),
                11,
                colour=GREY,
            )


def _table(slide, df, left, top, width, height, marked: list[int], largest: int = 16):
    """A table in the box (left, top, width, height): the type as large as `size` while every row fits."""
    rows, cols = len(df) + 1, len(df.columns)
    weights = column_weights(df)
    for size in range(largest, 10, -1):  # the largest type at which the rows and the wrapped header fit
        head_lines = _header_lines(df, [width * w / sum(weights) for w in weights], size - 1)
        if (rows - 1 + head_lines) * (0.12 + size / 72 * 1.25) <= height / Inches(1):
            break
    row_h = Inches(0.12 + size / 72 * 1.25)
    shape = slide.shapes.add_table(rows, cols, left, top, width, row_h * rows)
    table = shape.table
    for j, w in enumerate(weights):
        table.columns[j].width = int(width * w / sum(weights))
    for i in range(rows):
        table.rows[i].height = row_h
    right = [not is_text_column(df[c]) for c in df.columns]
    for j, head in enumerate(df.columns):
        _cell(table.cell(0, j), str(head), size - 1, bold=True, fill=HEAD_FILL, align_right=right[j])
    for i, row in enumerate(df.itertuples(index=False), start=1):
        is_marked = (i - 1) in marked
        for j, value in enumerate(row):
            _cell(
                table.cell(i, j),
                str(value),
                size,
                bold=is_marked,
                fill=MARK_FILL if is_marked else None,
                align_right=right[j],
            )
    return shape


def _header_lines(df, widths, size: int) -> int:
    """How many lines the header row wraps to (the most of any column), by estimate."""
    most = 1
    for head, w in zip(df.columns, widths, strict=True):
        per_line = max(1, int((w / Inches(1) - 0.2) * 72 / (size * 0.58)))
        lines, used = 1, 0
        for word in str(head).split():
            if used and used + 1 + len(word) > per_line:
                lines, used = lines + 1, len(word)
            else:
                used += (1 if used else 0) + len(word)
        most = max(most, lines)
    return most


def _cell(cell, text: str, size: int, *, bold=False, fill=None, align_right=False):
    cell.text = ""
    p = cell.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.RIGHT if align_right else PP_ALIGN.LEFT
    run = p.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = DARK
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    else:
        cell.fill.background()


def _picture(slide, png: bytes, size: tuple[int, int], left, top, width, height):
    """The image, as large as fits the box, keeping its aspect, centred."""
    aspect = size[0] / size[1]
    w = min(width, int(height * aspect))
    h = int(w / aspect)
    return slide.shapes.add_picture(io.BytesIO(png), left + (width - w) // 2, top, Emu(w), Emu(h))


def _chrome(slide, s: Slide, n: int, total: int, footer: str, demo: str | None):
    if demo:
        bar = slide.shapes.add_shape(1, 0, 0, WIDTH, Inches(0.32))
        bar.fill.solid()
        bar.fill.fore_color.rgb = DEMO_RED
        bar.line.fill.background()
        _text(
            slide,
            MARGIN,
            0,
            WIDTH - 2 * MARGIN,
            Inches(0.32),
            demo,
            13,
            bold=True,
            colour=RGBColor(0xFF, 0xFF, 0xFF),
            align=PP_ALIGN.CENTER,
            anchor=MSO_ANCHOR.MIDDLE,
        )
    _text(slide, MARGIN, Inches(7.0), WIDTH - 2 * MARGIN - Inches(1.2), Inches(0.4), footer, 11, colour=GREY)
    _text(
        slide,
        WIDTH - MARGIN - Inches(1.2),
        Inches(7.0),
        Inches(1.2),
        Inches(0.4),
        f"{n} / {total}",
        11,
        colour=GREY,
        align=PP_ALIGN.RIGHT,
    )


CAPTION_SIZE = 11
CAPTION_CHARS_PER_LINE = 140  # at 11 pt across the slide (Cyrillic is wider than Latin)


def _caption(slide, text: str, bottom):
    """A small grey note across the foot of the body; returns where the body above it ends."""
    lines = sum(max(1, -(-len(part) // CAPTION_CHARS_PER_LINE)) for part in text.split("\n"))
    height = Inches(0.06 + lines * CAPTION_SIZE / 72 * 1.2)
    _text(slide, MARGIN, bottom - height, WIDTH - 2 * MARGIN, height, text, CAPTION_SIZE, colour=GREY)
    return bottom - height - Inches(0.08)


def _body(slide, s: Slide):
    inner = WIDTH - 2 * MARGIN
    top, bottom = BODY_TOP, BODY_BOTTOM
    if s.caption:
        bottom = _caption(slide, s.caption, bottom)
    if s.tiles:
        tile_h = bottom - top if s.table is None and not s.bullets and s.image is None else Inches(1.75)
        _tiles(slide, s.tiles, top, tile_h)
        top = top + tile_h + Inches(0.25)
    if s.image is not None and (s.table is not None or s.bullets):
        left_w = int(inner * 0.56)
        _picture(slide, s.image, s.size, MARGIN, top, left_w, bottom - top)
        right = MARGIN + left_w + Inches(0.25)
        if s.table is not None:
            _table(slide, s.table, right, top, inner - left_w - Inches(0.25), bottom - top, s.marked_rows, largest=14)
        else:
            _bullets(slide, right, top, inner - left_w - Inches(0.25), bottom - top, s.bullets, size=15)
    elif s.image is not None:
        _picture(slide, s.image, s.size, MARGIN, top, inner, bottom - top)
    elif s.table is not None:
        _table(slide, s.table, MARGIN, top, inner, bottom - top, s.marked_rows, largest=16)
    elif s.bullets:
        _bullets(slide, MARGIN, top, inner, bottom - top, s.bullets, size=22)


def build_deck(slides: list[Slide], footer: str, demo: str | None) -> bytes:
    """The deck as .pptx bytes. footer: the as-of and source line; demo: the demo label (None for
    real data), shown on every slide and in every slide's notes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    blank = prs.slide_layouts[6]
    total = len(slides)
    for n, s in enumerate(slides, start=1):
        slide = prs.slides.add_slide(blank)
        _chrome(slide, s, n, total, footer, demo)
        if s.key == "title":
            _text(slide, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(0.6), s.bullets[0], 22, colour=BLUE)
            _text(slide, MARGIN, Inches(2.3), WIDTH - 2 * MARGIN, Inches(1.4), s.title, 48, bold=True)
            _text(slide, MARGIN, Inches(3.7), WIDTH - 2 * MARGIN, Inches(0.9), s.subtitle, 32)
            _text(slide, MARGIN, Inches(4.7), WIDTH - 2 * MARGIN, Inches(0.6), s.bullets[1], 22, colour=GREY)
        else:
            _text(slide, MARGIN, Inches(0.4), WIDTH - 2 * MARGIN, Inches(0.7), s.title, 30, bold=True, colour=BLUE)
            if s.subtitle:
                _text(slide, MARGIN, Inches(1.02), WIDTH - 2 * MARGIN, Inches(0.45), s.subtitle, 15, colour=GREY)
            _body(slide, s)
        notes = [s.title, *([s.subtitle] if s.subtitle else []), *s.notes, footer]
        if demo:
            notes.insert(0, demo)
        slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
