"""Synthetic PDFs in the layout of the DoD Section 1286 list, for the PDF importer's tests.

The official list is a three-column table (English Name, Native Name, Foreign Country of
Concern) with affiliates as bullets under a name, the country centred vertically in its row,
the header repeated on every page, and Table 2 for talent programmes. These builders reproduce
that shape with fpdf2 (names wrapped onto several lines, rows with and without ruling lines,
rows broken across pages) so the importer is exercised on what it will meet, not on a CSV.
Options give the variants a real file may show instead: the header on the first page only,
other captions, a top-aligned country, bullets from a symbol font (or as a private-use glyph),
rules drawn per cell, page banners and running heads, baseline jitter, portrait pages, and
native names in CJK whose characters a PDF may space apart. They are not the DoD's file: the
institution downloads that itself.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from anyascii import anyascii
from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
UNICODE = DEJAVU.exists()  # without it the PDF's core font is Latin-1: native names go ASCII


def native(text: str) -> str:
    """A native-script name as the test PDF can print it on this machine."""
    return text if UNICODE else anyascii(text)


COLS = ((36.0, 300.0), (350.0, 210.0), (580.0, 170.0))  # (x, width) per column, in points
PORTRAIT_COLS = ((36.0, 250.0), (290.0, 160.0), (460.0, 116.0))
PITCH, PAD, SIZE = 12.0, 5.0, 9.5
CAPTIONS = (
    "Table 1: Foreign Institutions of Higher Education",
    "Table 2: Foreign Talent Recruitment Programs",
)


@dataclass
class Row:
    name: list[str]  # the English name as printed, one string per printed line
    country: str | None = "China"
    native: list[str] = field(default_factory=list)
    bullets: list[list[str]] = field(default_factory=list)  # each bullet's printed lines
    country_lines: list[str] | None = None  # a wrapped country cell, e.g. ["North", "Korea"]

    @property
    def english_lines(self) -> int:
        return len(self.name) + sum(len(b) for b in self.bullets)

    def height(self, pad: float = PAD) -> float:
        lines = max(self.english_lines, len(self.native), len(self.country_lines or [1]))
        return lines * PITCH + 2 * pad


def build(
    path: Path,
    table1: list[Row],
    table2: list[Row] = (),  # type: ignore[assignment]
    *,
    ruled: bool | str = False,  # True: a rule under each row; "cells": drawn per cell;
    # "frame": only under the header and under the page's last row
    page_height: float = 612.0,
    split_after: int | None = None,  # break row N of table 1 across pages after its name
    split_bullets: int = 0,  # … or after this many of its bullets
    pad: float = PAD,  # space above and below a row's text; 0 packs rows like wrapped lines
    portrait: bool = False,  # US Letter upright (narrower columns) instead of landscape
    repeat_header: bool = True,  # False: the column header on the first page only
    captions: tuple[str | None, str | None] = CAPTIONS,  # None: no caption above the table
    country_align: str = "centre",  # or "top"
    header_align: str = "left",  # or "centre": the column titles centred over their columns
    bullet: str = "•",
    bullet_font: str | None = None,  # a core font for the bullet glyph: symbol, zapfdingbats …
    footer: str = "Page {page}",  # {page} and {pages} are filled in
    banner: str | None = None,  # a marking at the top and bottom of each page: UNCLASSIFIED
    running_head: str | None = None,  # a title at the top of every page after the first
    jitter: float = 0.0,  # English lines sit this much lower (even rows) or higher (odd rows)
    native_spacing: float = 0.0,  # character spacing of Chinese native names (set apart)
) -> Path:
    """Write the list to ``path`` (US Letter, landscape unless ``portrait``)."""
    cols = PORTRAIT_COLS if portrait else COLS
    width = 612.0 if portrait else 792.0
    right = width - 42
    if portrait:
        pdf = FPDF(orientation="P", unit="pt", format=(width, page_height))
    else:
        pdf = FPDF(orientation="L", unit="pt", format=(page_height, width))
    pdf.set_auto_page_break(False)
    texts = [t for row in (*table1, *table2) for t in _texts(row)]
    if UNICODE:
        pdf.add_font("body", "", str(_font_for("".join(texts) + bullet, path.parent)))
    else:
        bullet = "·" if bullet == "•" else bullet
    font = "body" if UNICODE else "helvetica"
    bottom = page_height - 54

    def write(x: float, y: float, text: str) -> None:
        pdf.text(x, y, text if UNICODE else _latin1(text))

    state = {"y": 0.0, "page": 0}

    def rule(y: float, between_rows: bool = False) -> None:
        if ruled == "frame" and between_rows:
            return  # only under the header and under the page's last row
        if ruled == "cells":  # each cell's border drawn on its own, as word processors do
            edges = [c[0] - 4 for c in cols[1:]] + [right]
            for x0, x1 in zip([cols[0][0], *edges[:-1]], edges, strict=True):
                pdf.line(x0, y, x1, y)
        elif ruled:
            pdf.line(cols[0][0], y, right, y)

    def page_furniture() -> None:  # drawn once the number of pages is known
        pages = pdf.page
        pdf.set_font(font, size=8)
        for page in range(1, pages + 1):
            pdf.page = page
            if footer:
                write(width / 2 - 20, page_height - 24, footer.format(page=page, pages=pages))
            if banner:
                write(width / 2 - 30, 16, banner)
                write(width / 2 - 30, page_height - 12, banner)

    def header(y: float) -> float:
        pdf.set_font(font, size=SIZE)

        def put(col: int, dy: float, text: str) -> None:
            x, w = cols[col]
            shift = (w - pdf.get_string_width(text)) / 2 if header_align == "centre" else 0
            write(x + shift, y + dy, text)

        # the country header wraps onto two lines; the other two are centred beside it
        put(0, 6, "English Name")
        put(1, 6, "Native Name")
        put(2, 0, "Foreign Country of")
        put(2, PITCH, "Concern")
        return y + PITCH + 4

    def new_page(caption: str | None = None) -> None:
        if state["page"] and ruled == "frame":
            rule(state["y"])
        pdf.add_page()
        state["page"] += 1
        y = 40.0
        if state["page"] == 1:
            pdf.set_font(font, size=12)
            write(36, y, "Department of Defense List of Foreign Institutions of Higher")
            write(36, y + 15, "Education and Foreign Talent Recruitment Programs, FY25 (s.1286)")
            y += 40
        elif running_head:
            pdf.set_font(font, size=9)
            write(width / 2 - 120, y - 8, running_head)
            y += 8
        if caption:
            pdf.set_font(font, size=11)
            write(36, y, caption)
            y += 18
        if state["page"] == 1 or repeat_header or caption:
            y = header(y)
            rule(y)
        state["y"] = y + 2

    def lines_of(row: Row) -> list[tuple[float, str, str | None]]:
        """(x, text, bullet glyph drawn before it) for each English line of a row."""
        out: list[tuple[float, str, str | None]] = [(cols[0][0], t, None) for t in row.name]
        for lines in row.bullets:
            out.append((cols[0][0] + 19, lines[0], bullet))
            out += [(cols[0][0] + 19, text, None) for text in lines[1:]]
        return out

    def draw(row: Row, english: list[tuple[float, str, str | None]], with_cells: bool) -> None:
        y, n = state["y"], state.setdefault("rows", 0)
        state["rows"] = n + 1
        shift = jitter if n % 2 == 0 else -jitter
        cell = (row.country_lines or ([row.country] if row.country else [])) if with_cells else []
        rows_here = max(len(english), len(row.native) if with_cells else 0, len(cell), 1)
        height = rows_here * PITCH + 2 * pad
        for i, (x, text, glyph) in enumerate(english):
            base = y + pad + (i + 1) * PITCH - 3 + shift
            if glyph:  # "" draws none, as when a bullet is a picture
                pdf.set_font(bullet_font or font, size=SIZE)
                write(x - 9, base, glyph)
            pdf.set_font(font, size=SIZE)
            write(x, base, text)
        if with_cells:
            for i, text in enumerate(row.native):
                han = "\u3000" <= text[:1] <= "\u9fff"  # Chinese and Japanese, set apart
                pdf.set_char_spacing(native_spacing if han else 0)
                write(cols[1][0], y + pad + (i + 1) * PITCH - 3, text)
            pdf.set_char_spacing(0)
            top = y + pad if country_align == "top" else y + (height - len(cell) * PITCH) / 2
            for i, text in enumerate(cell):
                write(cols[2][0], top + (i + 1) * PITCH - 3, text)
        state["y"] = y + height
        rule(state["y"], between_rows=True)

    def table(rows: list[Row], caption: str | None, first: bool) -> None:
        if first or state["y"] + 60 > bottom:
            new_page(caption)
        else:
            if caption:
                pdf.set_font(font, size=11)
                write(36, state["y"] + 24, caption)
            state["y"] = header(state["y"] + 30)  # the new table's header on the same page
            rule(state["y"])
            state["y"] += 2
        for n, row in enumerate(rows):
            english = lines_of(row)
            if split_after is not None and n == split_after and first:
                cut = len(row.name) + sum(len(b) for b in row.bullets[:split_bullets])
                draw(row, english[:cut], with_cells=True)
                new_page()
                draw(row, english[cut:], with_cells=False)
                continue
            if state["y"] + row.height(pad) > bottom:
                new_page()
            with_cells = True
            while state["y"] + len(english) * PITCH + 2 * pad > bottom:  # taller than a page
                room = int((bottom - state["y"] - 2 * pad) // PITCH)
                draw(row, english[:room], with_cells)
                english, with_cells = english[room:], False
                new_page()
            draw(row, english, with_cells)

    table(table1, captions[0], first=True)
    if table2:
        table(list(table2), captions[1], first=False)
    if ruled == "frame":
        rule(state["y"])
    page_furniture()
    pdf.output(str(path))
    return path


def _latin1(text: str) -> str:
    """Text a core font can print: typographic quotes and dashes made plain ASCII."""
    return "".join(c if ord(c) < 256 else anyascii(c) for c in text)


def _texts(row: Row) -> list[str]:
    return [*row.name, *row.native, *(t for b in row.bullets for t in b), row.country or ""]


def _font_for(text: str, where: Path) -> Path:
    """DejaVu Sans, with a glyph of its own for each character it lacks (CJK, private use).

    The glyphs are copies of a filled box, but each is a separate glyph, so the PDF's ToUnicode
    map gives every character back to a text extractor, as a real CJK font would.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(str(DEJAVU))
    cmap = font.getBestCmap()
    missing = sorted({c for c in text if ord(c) not in cmap and c >= " "})
    if not missing:
        return DEJAVU
    order = font.getGlyphOrder()
    glyf, hmtx, box = font["glyf"], font["hmtx"], cmap[0x25A0]
    names = [f"kv{ord(c):05X}" for c in missing]
    for name in names:
        glyf.glyphs[name] = copy.deepcopy(glyf[box])
        hmtx.metrics[name] = (font["head"].unitsPerEm, 0)  # full width, as CJK is set
    font.setGlyphOrder(order + names)
    glyf.glyphOrder = order + names
    font["maxp"].numGlyphs = len(order) + len(names)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update({ord(c): n for c, n in zip(missing, names, strict=True)})
    for tag in ("GSUB", "GPOS", "GDEF", "MATH", "kern", "FFTM"):
        if tag in font:  # layout tables index the old glyph order; the test PDF needs none
            del font[tag]
    out = where / "kv-dejavu-extra.ttf"
    font.save(str(out))
    return out


def sample_rows(n: int = 40) -> list[Row]:
    """A realistic mix: names wrapped onto 2 or 3 lines, bullets (wrapped too), native names,
    wrapped countries."""
    rows = [
        Row(["Harbin Institute of Technology"], bullets=[["School of Astronautics"]]),
        Row(
            ["Moscow Institute of Physics and Technology"],
            "Russia",
            [native("Московский физико-"), native("технический институт")],
        ),
        Row(
            ["Chinese Academy of Sciences, select affiliates:"],
            bullets=[
                ["Institute of Computing Technology"],
                ["Shenyang Institute of Automation,", "including its Robotics Laboratory"],
            ],
        ),
        Row(["Nanjing University of Aeronautics and", "Astronautics"]),
        Row(
            ["Academy of Military Medical Sciences, and", "affiliates"],
            bullets=[
                [
                    "Institute of Military Cognition and Brain Sciences",
                    "(a.k.a. Institute of Basic Medicine)",
                ],
                ["Formerly Fourth Military Medical University"],
            ],
        ),
        Row(["Kim Il Sung University"], "North Korea", country_lines=["North", "Korea"]),
        Row(["Sharif University of Technology"], "Iran"),
        Row(["Xi'an Jiatong University"]),
        Row(
            ["Skolkovo Institute of Science and Technology"],
            "Russia",
            [native("Сколковский институт")],
        ),
        Row(["Beijing Institute of Aero-", "nautical Materials"]),
    ]
    i = 0
    while len(rows) < n:
        i += 1
        country = ("China", "Russia", "Iran")[i % 3]
        printed = [f"Synthetic Polytechnic Institute Number {i}"]  # wrapped onto 2 or 3 lines:
        if i % 7 == 0:
            printed = ["Synthetic Polytechnic", "Institute", f"Number {i}"]
        elif i % 4 == 0:
            printed = ["Synthetic Polytechnic Institute", f"Number {i}"]
        rows.append(Row(printed, country))
    return rows[:n]


def programmes() -> list[Row]:
    return [
        Row(["Thousand Talents Plan"]),
        Row(["Changjiang Scholars Program"]),
        Row(["Project 5-100"], "Russia"),
    ]
