"""Synthetic PDFs in the layout of the DoD Section 1286 list, for the PDF importer's tests.

The official list is a three-column table (English Name, Native Name, Foreign Country of
Concern) with affiliates as bullets under a name, the country centred vertically in its row,
the header repeated on every page, and Table 2 for talent programmes. These builders reproduce
that shape with fpdf2 (names wrapped onto several lines, rows with and without ruling lines,
rows broken across pages) so the importer is exercised on what it will meet, not on a CSV.
They are not the DoD's file: the institution downloads that itself.
"""

from __future__ import annotations

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
PITCH, PAD, SIZE = 12.0, 5.0, 9.5


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
    ruled: bool = False,
    page_height: float = 612.0,
    split_after: int | None = None,  # break row N of table 1 across pages after its name
    pad: float = PAD,  # space above and below a row's text; 0 packs rows like wrapped lines
) -> Path:
    """Write the list to ``path`` (US Letter, landscape)."""
    pdf = FPDF(orientation="L", unit="pt", format=(page_height, 792.0))
    pdf.set_auto_page_break(False)
    if UNICODE:
        pdf.add_font("body", "", str(DEJAVU))
    font = "body" if UNICODE else "helvetica"
    bottom = page_height - 54
    state = {"y": 0.0, "page": 0}

    def footer() -> None:
        pdf.set_font(font, size=8)
        pdf.text(380, page_height - 24, f"Page {state['page']}")

    def new_page(caption: str | None = None) -> None:
        if state["page"]:
            footer()
        pdf.add_page()
        state["page"] += 1
        y = 40.0
        if state["page"] == 1:
            pdf.set_font(font, size=12)
            pdf.text(36, y, "Department of Defense List of Foreign Institutions of Higher")
            pdf.text(36, y + 15, "Education and Foreign Talent Recruitment Programs, FY25 (s.1286)")
            y += 40
        if caption:
            pdf.set_font(font, size=11)
            pdf.text(36, y, caption)
            y += 18
        pdf.set_font(font, size=SIZE)
        # the country header wraps onto two lines; the other two are centred beside it
        pdf.text(COLS[0][0], y + 6, "English Name")
        pdf.text(COLS[1][0], y + 6, "Native Name")
        pdf.text(COLS[2][0], y, "Foreign Country of")
        pdf.text(COLS[2][0], y + PITCH, "Concern")
        y += PITCH + 4
        if ruled:
            pdf.line(36, y, 750, y)
        state["y"] = y + 2

    def lines_of(row: Row) -> list[tuple[float, str]]:
        out = [(COLS[0][0], text) for text in row.name]
        for bullet in row.bullets:
            out.append((COLS[0][0] + 10, ("• " if UNICODE else "· ") + bullet[0]))
            out += [(COLS[0][0] + 19, text) for text in bullet[1:]]
        return out

    def draw(row: Row, english: list[tuple[float, str]], with_cells: bool) -> None:
        y = state["y"]
        rows_here = max(len(english), len(row.native) if with_cells else 0, 1)
        height = rows_here * PITCH + 2 * pad
        pdf.set_font(font, size=SIZE)
        for i, (x, text) in enumerate(english):
            pdf.text(x, y + pad + (i + 1) * PITCH - 3, text)
        if with_cells:
            for i, text in enumerate(row.native):
                pdf.text(COLS[1][0], y + pad + (i + 1) * PITCH - 3, text)
            cell = row.country_lines or ([row.country] if row.country else [])
            top = y + (height - len(cell) * PITCH) / 2
            for i, text in enumerate(cell):
                pdf.text(COLS[2][0], top + (i + 1) * PITCH - 3, text)
        state["y"] = y + height
        if ruled:
            pdf.line(36, state["y"], 750, state["y"])

    def table(rows: list[Row], caption: str, first: bool) -> None:
        if first or state["y"] + 60 > bottom:
            new_page(caption)
        else:
            pdf.set_font(font, size=11)
            pdf.text(36, state["y"] + 24, caption)
            state["y"] += 30
            # header of the new table on the same page
            pdf.set_font(font, size=SIZE)
            y = state["y"]
            pdf.text(COLS[0][0], y + 6, "English Name")
            pdf.text(COLS[1][0], y + 6, "Native Name")
            pdf.text(COLS[2][0], y, "Foreign Country of")
            pdf.text(COLS[2][0], y + PITCH, "Concern")
            state["y"] = y + PITCH + 6
        for n, row in enumerate(rows):
            english = lines_of(row)
            if split_after is not None and n == split_after and first:
                head, tail = english[: len(row.name)], english[len(row.name) :]
                draw(row, head, with_cells=True)
                new_page()
                draw(Row(name=[], country=None), tail, with_cells=False)
                continue
            if state["y"] + row.height(pad) > bottom:
                new_page()
            draw(row, english, with_cells=True)

    table(table1, "Table 1: Foreign Institutions of Higher Education", first=True)
    if table2:
        table(list(table2), "Table 2: Foreign Talent Recruitment Programs", first=False)
    footer()
    pdf.output(str(path))
    return path


def sample_rows(n: int = 40) -> list[Row]:
    """A realistic mix: wrapped names, bullets (wrapped too), native names, wrapped countries."""
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
        name = f"Synthetic Polytechnic Institute Number {i}"
        cut = name.index(" Number")
        rows.append(Row([name] if i % 4 else [name[:cut], name[cut + 1 :]], country))
    return rows[:n]


def programmes() -> list[Row]:
    return [
        Row(["Thousand Talents Plan"]),
        Row(["Changjiang Scholars Program"]),
        Row(["Project 5-100"], "Russia"),
    ]
