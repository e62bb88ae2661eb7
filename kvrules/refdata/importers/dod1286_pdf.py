"""The US DoD Section 1286 list read straight from the official PDF.

The PDF is a three-column table (English Name, Native Name, Foreign Country of Concern) with an
institution's affiliates as bullets under its name; Table 1 lists institutions, Table 2 foreign
talent recruitment programmes. Plain text extraction interleaves the columns, so this reads word
coordinates: columns from the header row (on the first page, repeated or not), rows from ruling
lines when the table has them, otherwise from each row's country cell (every Table 1 row has
exactly one, centred or top-aligned beside the name), otherwise from vertical gaps.

What does not add up is refused with its page, never guessed: a row with no country or two, a
country cell that names no country, an indented line without a bullet kvrules knows, text set
apart from every row (a page footer it does not know), a second table header without a
"Table 2" caption, or a count that differs from ``expect``. ``kvrules refdata transcribe``
writes the result as the CSV template so a person can check it against the PDF before importing.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kvrules.errors import ReferenceDataError
from kvrules.refdata.countries import as_country
from kvrules.refdata.normalise import name_and_scope

# Bullets as text extraction gives them back: Unicode bullets and dashes; Symbol and Wingdings
# glyphs mapped into the private use area (U+F0B7 …) or, in a font without a ToUnicode map, to
# the character of their code point (Wingdings "l" ●, "n" ■, "q" ❑, "u" ◆, "v" ❖, "§" ▪, "Ø" ➢,
# "ü" ✓; Word's Courier New "o"); and "(cid:N)" for a glyph with no mapping at all.
BULLET = re.compile(
    r"^(?:[•●▪◦■□➢►▸‣⁃∙·○◆◇❖✓✔➤§Øü*\ue000-\uf8ff]|[-–—](?=\s)|\(cid:\d+\)"
    r"|[lnoquv](?=\s+[\"“(A-Z0-9]|$))\s*"
)
# Page furniture: page numbers and classification banners (a line of nothing else is skipped).
FOOTER = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d+(?:\s+of\s+\d+)?|[-–]\s*\d+\s*[-–]"
    r"|(?:unclassified|cui|controlled\s+unclassified\s+information)(?:\s*//?\s*[\w /-]+)?)$",
    re.IGNORECASE,
)
CAPTION = re.compile(r"^table\s+(\d+|i{1,3})\b", re.IGNORECASE)
HEADER_WORDS = {"english", "name", "native", "foreign", "country", "of", "concern"}
AKA = re.compile(r"\s*\((?:a\.?k\.?a\.?|also known as)\s+([^)]+)\)", re.IGNORECASE)
FORMERLY = re.compile(r"^(?:formerly|previously)\s*:?\s+(.+)$", re.IGNORECASE)
EMPTY = re.compile(r"^(?:n/?a|none|[-–—])$", re.IGNORECASE)  # what an empty cell may print
# Chinese and Japanese, which run on without spaces (Korean spaces its words: not here)
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
INDENT = 3.0  # points: a line further right than the row's margin is indented
GAP = 1.5  # line heights: more white space than this inside a row means it is not one row
WRAP = 0.6  # line heights: at most this much white space between a cell's wrapped lines
NAME_WRAP = 0.8  # … and between a name's (a name may be typed as several paragraphs)
CELL_LINES = 4  # a country cell wraps onto at most this many lines


class PdfLayoutError(ReferenceDataError):
    """The PDF does not read as the expected table; ``page`` says where."""

    def __init__(self, page: int, message: str) -> None:
        self.page = page
        super().__init__(f"page {page}: {message}")


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    text: str

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def bullet(self) -> bool:
        return bool(BULLET.match(self.text))


@dataclass
class Row:
    """One printed row: the CSV template's fields, before validation."""

    table: int
    page: int
    margin: float  # x where a row's name lines start; further right is indented
    english: list[Line] = field(default_factory=list)
    native: list[Line] = field(default_factory=list)
    country: list[list[Line]] = field(default_factory=list)  # one inner list per cell

    @property
    def label(self) -> str:
        return _join([ln.text for ln in self.english[:2]]) or "(no name)"

    def fields(self) -> dict[str, str]:
        name, affiliates = _name_and_bullets(self.english, self.margin)
        aliases = [m.group(1).strip() for m in AKA.finditer(name)]
        name = AKA.sub("", name).strip()
        kept = []  # an affiliate's a.k.a. is another name of that affiliate, not of the entry
        for aff in affiliates:
            former = FORMERLY.match(aff)
            if former:  # "Formerly X" under a name is the entry's old name
                aliases.append(former.group(1).strip())
                continue
            kept += [AKA.sub("", aff).strip(), *(m.group(1).strip() for m in AKA.finditer(aff))]
        english, scope = name_and_scope(name)
        return {
            "Table": str(self.table),
            "English Name": english,
            "Native Name": _join([ln.text for ln in self.native], english=False),
            "Foreign Country of Concern": "; ".join(
                _country_name(_cell_text(cell)) or "" for cell in self.country
            ),
            "Aliases": "; ".join(aliases),
            "Affiliates": "; ".join(kept),
            "Scope": "select affiliates" if scope else "",
        }


def read_rows(path: Path, expect: int | None = None) -> list[dict[str, str]]:
    """The list's rows as CSV-template dicts; :class:`PdfLayoutError` when it does not add up."""
    rows = _read_pages(path)
    if not rows:
        raise PdfLayoutError(1, "no table with an 'English Name' header found")
    if not any(row.table == 1 for row in rows):
        raise PdfLayoutError(rows[0].page, "no rows of Table 1 (institutions) found")
    for row in rows:
        # every institution has one country; a programme at most one (more: rows ran together)
        if len(row.country) > 1 or (row.table == 1 and not row.country):
            found = "no country" if not row.country else f"{len(row.country)} country cells"
            raise PdfLayoutError(row.page, f"Table {row.table} row {row.label!r} has {found}")
        _check_together(row)
    out = [row.fields() for row in rows]
    institutions = sum(r["Table"] == "1" for r in out)
    if expect is not None and institutions != expect:
        raise PdfLayoutError(
            rows[-1].page,
            f"read {institutions} institutions in Table 1, expected {expect}; "
            "--expect is the number of Table 1 rows as printed (an announcement's count of "
            "institutions may differ); check the PDF layout or transcribe the list with the "
            "CSV template",
        )
    return out


def _read_pages(path: Path) -> list[Row]:
    import pdfplumber  # imported here: only PDF imports pay for it
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    rows: list[Row] = []
    number = 1
    try:
        with pdfplumber.open(path) as pdf:
            state = _State()
            for number, page in enumerate(pdf.pages, start=1):
                rows += _page_rows(page, number, state)
    except (PdfminerException, MalformedPDFException, PSException) as exc:
        # e.g. the error page a web site sent instead of the list, or a download cut short
        raise PdfLayoutError(number, f"not a PDF kvrules can read ({exc})") from exc
    return rows


@dataclass
class _State:
    """What carries over from page to page: the table we are in, its columns, the name margin
    (a page holding only a long affiliate list has no name line to take it from), the last
    row (which may continue at the top of the next page) and whether the header repeats."""

    table: int = 1
    columns: tuple[float, float] | None = None  # x where Native Name and the country start
    margin: float | None = None
    last: Row | None = None
    repeats: bool = False  # the column header is printed again at the top of each page


# -- page → lines -------------------------------------------------------------------------


def _page_rows(page, number: int, state: _State) -> list[Row]:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    lines = _full_lines(words)
    header = _header_bands(lines)
    above = _above_table(lines, header, number, state)
    body: list[tuple[int, list[dict]]] = []  # (table, words) in reading order
    for i, words_in_line in enumerate(lines):
        caption = CAPTION.match(_text(words_in_line))
        if caption:
            state.table = _table_number(caption.group(1))
            continue
        if i in above:
            continue
        if i in header:
            if header[i] is not None and body and body[-1][0] == state.table:
                raise _no_caption(number, state.table)
            state.columns = header[i] or state.columns
            continue
        if state.columns is None or _furniture(words_in_line, state.columns):
            continue
        body.append((state.table, words_in_line))
    if state.columns is None:
        return []
    rows: list[Row] = []
    for table, chunk in _by_table(body):
        cols = _split_columns(chunk, number, state.columns)
        rows += _rows(cols, table, number, page, state)
    return rows


def _above_table(
    lines: list[list[dict]],
    header: dict[int, tuple[float, float] | None],
    number: int,
    state: _State,
) -> set[int]:
    """The lines above the page's first column header that are no rows: the title, a running
    head, a banner. Above a header repeated at the top of a page, all of them (and the header
    is then known to repeat). Above a new table's caption, they are the previous table's last
    rows, unless the header repeats on every page (then the new table starts the page)."""
    if not header:
        return set()
    first = min(header)
    new_table = [
        i
        for i in range(first)
        if (caption := CAPTION.match(_text(lines[i])))
        and _table_number(caption.group(1)) != state.table
    ]
    if new_table:
        return set(range(new_table[0])) if state.repeats else set()
    if number > 1:
        if state.columns and any(_holds_country(lines[i], state.columns) for i in range(first)):
            raise _no_caption(number, state.table)  # rows above a header of their own table
        state.repeats = True
    return set(range(first))


def _holds_country(words: list[dict], columns: tuple[float, float]) -> bool:
    cell = [w for w in words if _column(w["x0"], columns) == 2]
    return bool(cell) and as_country(_text(cell)) is not None


def _no_caption(page: int, table: int) -> PdfLayoutError:
    return PdfLayoutError(
        page,
        f"the column header appears again below rows of Table {table} with no "
        f"'Table {table + 1}' caption above it",
    )


def _table_number(text: str) -> int:
    return int(text) if text.isdigit() else len(text)  # "II" → 2


def _full_lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into visual lines across the page. Words belong together when their
    vertical centres are close: a bullet from a symbol font sits a few points higher or lower
    than the text beside it, and a cell's baseline may be off by a point or two."""
    out: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(_mid(w), 1), w["x0"])):
        if out and abs(_mid(out[-1][0]) - _mid(w)) <= 0.4 * _height(out[-1][0], w):
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in out]


def _mid(word: dict) -> float:
    return (word["top"] + word["bottom"]) / 2


def _height(a: dict, b: dict) -> float:
    return min(a["bottom"] - a["top"], b["bottom"] - b["top"])


def _text(words: list[dict]) -> str:
    """Words as printed: spaced, except between CJK characters (a PDF may set those apart)."""
    out = ""
    for w in words:
        if out and not (CJK.search(out[-1]) and CJK.search(w["text"][:1])):
            out += " "
        out += w["text"]
    return out


def _header_bands(lines: list[list[dict]]) -> dict[int, tuple[float, float] | None]:
    """Line index → column starts for header lines (None for a header's wrapped parts)."""
    found: dict[int, tuple[float, float] | None] = {}
    for i, line in enumerate(lines):
        texts = [w["text"].lower() for w in line]
        if "english" not in texts or "native" not in texts:
            continue
        band = [j for j in range(max(0, i - 2), min(len(lines), i + 3)) if _all_header(lines[j])]
        titles = sorted((w for j in band for w in lines[j]), key=lambda w: w["x0"])
        native = next(w["x0"] for w in titles if w["text"].lower() == "native")
        country = next(
            (
                w["x0"]
                for w in titles
                if w["text"].lower() in {"foreign", "country"} and w["x0"] > native
            ),
            None,
        )
        if country is None:
            continue
        body = lines[max(band) + 1 :]
        for j in band:
            found[j] = None
        found[i] = (
            _column_start(body, _title_end(titles, native), native),
            _column_start(body, _title_end(titles, country), country),
        )
    return found


def _title_end(titles: list[dict], before: float) -> float:
    """Where the titles left of ``before`` end (the previous column's title)."""
    return max((w["x1"] for w in titles if w["x1"] <= before), default=0.0)


def _column_start(body: list[list[dict]], after: float, title: float) -> float:
    """x where a column's cells start: at its title, or, with the titles centred over their
    columns, at the leftmost cell text between the previous title and this one (text that
    starts a line or follows a wide gap, as a cell's text does)."""
    starts = [
        w["x0"]
        for line in body
        if not FOOTER.match(_text(line))
        for prev, w in zip([None, *line], line, strict=False)
        if (prev is None or w["x0"] - prev["x1"] > 8) and after < w["x0"] < title
    ]
    return min([title, *starts]) - 3


def _all_header(line: list[dict]) -> bool:
    return all(w["text"].lower().strip(":") in HEADER_WORDS for w in line)


def _furniture(words: list[dict], columns: tuple[float, float]) -> bool:
    """A page number or banner, alone or beside another (e.g. "UNCLASSIFIED … Page 3 of 14")."""
    if FOOTER.match(_text(words)):
        return True  # e.g. "Page 3" across a column boundary
    parts: dict[int, list[dict]] = {}
    for w in words:
        parts.setdefault(_column(w["x0"], columns), []).append(w)
    return all(FOOTER.match(_text(ws)) for ws in parts.values())


def _column(x: float, columns: tuple[float, float]) -> int:
    return 0 if x < columns[0] else 1 if x < columns[1] else 2


def _by_table(body: list[tuple[int, list[dict]]]) -> Iterable[tuple[int, list[list[dict]]]]:
    chunk: list[list[dict]] = []
    table = body[0][0] if body else 1
    for t, words in body:
        if t != table and chunk:
            yield table, chunk
            chunk = []
        table = t
        chunk.append(words)
    if chunk:
        yield table, chunk


def _split_columns(
    lines: list[list[dict]], page: int, columns: tuple[float, float]
) -> tuple[list[Line], list[Line], list[Line]]:
    cols: tuple[list[Line], list[Line], list[Line]] = ([], [], [])
    for words in lines:
        parts: dict[int, list[dict]] = {}
        for w in words:
            parts.setdefault(_column(w["x0"], columns), []).append(w)
        for col, ws in parts.items():
            top, bottom = min(w["top"] for w in ws), max(w["bottom"] for w in ws)
            cols[col].append(Line(page, top, bottom, ws[0]["x0"], _text(ws)))
    return cols


# -- lines → rows -------------------------------------------------------------------------


def _rows(
    cols: tuple[list[Line], list[Line], list[Line]], table: int, page: int, pdf_page, state: _State
) -> list[Row]:
    """One table's rows on one page: the name lines grouped into rows (by rules, else by
    country cells, else by gaps), then the other cells placed beside them."""
    english, native, country = (cols[0], _filled(cols[1]), _filled(cols[2]))
    cells = _country_cells(country, page)
    known = [state.margin] if state.margin is not None else []
    state.margin = min([*known, *(ln.x0 for ln in english if not ln.bullet)], default=0.0)
    english = _continue_last_row(english, state)
    starts = [i for i, ln in enumerate(english) if not ln.bullet and ln.x0 <= state.margin + INDENT]
    groups = _split_by_rules(english, _rules(pdf_page), cells)
    if groups is None and table == 1:  # a programme may have no country: institutions only
        groups = _split_by_anchors(english, starts, cells, state.margin)
    if groups is None:
        groups = _split_by_gaps(english, starts)
    rows = [Row(table, page, state.margin, english=g) for g in groups]
    _place(rows, native, cells, state.last, page)
    if rows:
        state.last = rows[-1]
    return rows


def _filled(lines: list[Line]) -> list[Line]:
    """A cell's lines without placeholders: "N/A" is no native name (it would match every
    partner a record names "N/A") and no country."""
    return [ln for ln in lines if not EMPTY.match(ln.text)]


def _continue_last_row(english: list[Line], state: _State) -> list[Line]:
    """Lines before the page's first row-starting line continue the previous page's last row
    (a bullet list broken across pages); the rest is returned."""
    margin = state.margin or 0.0
    lead = 0
    while lead < len(english) and (english[lead].bullet or english[lead].x0 > margin + INDENT):
        lead += 1
    if lead and state.last is not None:
        state.last.english += english[:lead]
        return english[lead:]
    return english


def _place(
    rows: list[Row], native: list[Line], cells: list[list[Line]], last: Row | None, page: int
) -> None:
    """Native names and country cells to the row beside them. A row's other cells start level
    with its name or, centred, lower, and never reach the next row's name; what lies above the
    page's first row continues the previous page's last row."""
    bounds = [row.english[0].top - 2 for row in rows]

    def owner(y: float) -> Row:
        k = sum(1 for b in bounds if b <= y)
        if k == 0:
            if last is None and not rows:
                raise PdfLayoutError(page, "text in the table with no name beside it")
            return last if last is not None else rows[0]
        return rows[k - 1]

    for ln in native:
        owner(ln.centre).native.append(ln)
    for cell in cells:
        owner(_mid_cell(cell)).country.append(cell)


def _country_cells(lines: list[Line], page: int) -> list[list[Line]]:
    """Country lines grouped into cells: the longest run of adjacent lines (up to four) that
    reads as a country, so "Korea, Democratic" / "People's Republic of" is one cell, not Korea
    and a remainder. A line that starts no country is refused: it is not a country kvrules
    knows, or text from outside the table."""
    cells: list[list[Line]] = []
    i = 0
    while i < len(lines):
        run = [lines[i]]
        while len(run) < CELL_LINES and i + len(run) < len(lines):
            if not _adjacent(run[-1], lines[i + len(run)]):
                break
            run.append(lines[i + len(run)])
        readable = [k for k in range(1, len(run) + 1) if _country_name(_cell_text(run[:k]))]
        if not readable:
            raise PdfLayoutError(
                page,
                f"{_cell_text(run)!r} in the Foreign Country of Concern column is "
                "not a country kvrules knows (or text from outside the table); transcribe the "
                "list with the CSV template",
            )
        cells.append(run[: readable[-1]])
        i += readable[-1]
    return cells


def _cell_text(lines: list[Line]) -> str:
    return _join([ln.text for ln in lines])


def _adjacent(a: Line, b: Line) -> bool:
    """``b`` is ``a`` wrapped: the white space between them is well under a line's height."""
    return b.top - a.bottom <= WRAP * (a.bottom - a.top)


def _country_name(text: str) -> str | None:
    """The cell, printed as it is, if it reads as a country ("Iran (Islamic Republic of)" and
    "Korea (North)" do: see kvrules.refdata.countries), else None."""
    return text if as_country(text) else None


def _rules(pdf_page) -> list[float]:
    """y of horizontal rules across most of the page's width; a rule drawn as one segment per
    cell (as word processors draw cell borders) counts as one rule."""
    spans: dict[float, list[tuple[float, float]]] = {}
    for e in sorted(pdf_page.horizontal_edges, key=lambda e: e["top"]):
        y = next((k for k in spans if abs(k - e["top"]) <= 1.0), e["top"])
        spans.setdefault(y, []).append((e["x0"], e["x1"]))
    width = float(pdf_page.width)
    return sorted(y for y, parts in spans.items() if _covered(parts) > 0.6 * width)


def _covered(parts: list[tuple[float, float]]) -> float:
    """Width covered by segments, joining those less than 8 pt apart (gaps at cell corners)."""
    total, start, end = 0.0, None, None
    for x0, x1 in sorted(parts):
        if end is not None and x0 <= end + 8:
            end = max(end, x1)
            continue
        if start is not None and end is not None:
            total += end - start
        start, end = x0, x1
    return total + (end - start if start is not None and end is not None else 0.0)


def _split_by_rules(
    english: list[Line], rules: list[float], cells: list[list[Line]]
) -> list[list[Line]] | None:
    """Rows between rules; None when there are none, or when they only frame the table (two
    country cells between the same two rules)."""
    if len(rules) < 2 or not english:
        return None

    def band(y: float) -> int:
        return sum(1 for r in rules if r <= y)

    if len({band(_mid_cell(c)) for c in cells}) < len(cells):
        return None
    groups: dict[int, list[Line]] = {}
    for ln in english:
        groups.setdefault(band(ln.centre), []).append(ln)
    return [groups[k] for k in sorted(groups)]


def _mid_cell(cell: list[Line]) -> float:
    return (cell[0].top + cell[-1].bottom) / 2


def _split_by_anchors(
    english: list[Line], starts: list[int], cells: list[list[Line]], margin: float
) -> list[list[Line]] | None:
    """Partition the name lines into one contiguous group per country cell, each group starting
    at a row-starting line, so that group and cell line up best (centred or top-aligned); None
    when no partition gives every cell one row (a row without its country: the rows are then
    split by gaps, and that row is refused)."""
    m = len(cells)
    if m == 0 or m > len(starts):
        return None
    breaks = _breaks(english, starts, margin)
    best: list[list[Line]] | None = None
    best_cost = float("inf")
    for align in ("centre", "top"):
        groups, cost = _align(english, starts, cells, breaks, align)
        if groups is not None and cost < best_cost:
            best, best_cost = groups, cost
    return best


def _breaks(english: list[Line], starts: list[int], margin: float) -> list[bool]:
    """For each row-starting line: does a new row certainly start there? Yes after a bullet
    (a name never follows its affiliates) or after more space than a wrapped line leaves; no
    for a name's wrapped line, which looks the same in a table packed without space."""
    out = [True]
    for s in starts[1:]:
        prev, ln = english[s - 1], english[s]
        after_name = not prev.bullet and prev.x0 <= margin + INDENT and prev.page == ln.page
        gap = ln.top - prev.bottom > NAME_WRAP * (prev.bottom - prev.top)
        out.append(not after_name or gap)
    return out


def _align(
    english: list[Line],
    starts: list[int],
    cells: list[list[Line]],
    breaks: list[bool],
    align: str,
) -> tuple[list[list[Line]] | None, float]:
    n, m = len(starts), len(cells)
    ends = [*starts[1:], len(english)]
    inf = float("inf")

    def misfit(a: int, b: int, cell: list[Line]) -> float:
        """How far rows starts[a] .. up to ends[b-1] sit from ``cell`` as one row."""
        if any(breaks[a + 1 : b]):
            return inf  # two rows for one cell
        lines = english[starts[a] : ends[b - 1]]
        if align == "top":
            return abs(lines[0].top - cell[0].top)
        # a centred cell sits in the middle of its row, which is as tall as its tallest cell
        top, bottom = min(lines[0].top, cell[0].top), max(lines[-1].bottom, cell[-1].bottom)
        return abs((top + bottom) / 2 - _mid_cell(cell))

    # cost[k][j]: first k cells matched to the first j start-lines
    cost = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    cost[0][0] = 0.0
    for k in range(1, m + 1):
        for j in range(k, n - (m - k) + 1):
            for i in range(k - 1, j):
                c = cost[k - 1][i] + misfit(i, j, cells[k - 1])
                if c < cost[k][j]:
                    cost[k][j], back[k][j] = c, i
    if cost[m][n] == inf:
        return None, inf
    cuts, j = [], n
    for k in range(m, 0, -1):
        cuts.append((back[k][j], j))
        j = back[k][j]
    groups = [english[starts[a] : ends[b - 1]] for a, b in reversed(cuts)]
    if starts and starts[0] > 0:
        groups[0] = english[: starts[0]] + groups[0]
    return groups, cost[m][n]


def _split_by_gaps(english: list[Line], starts: list[int]) -> list[list[Line]]:
    """Without rules or countries: a row starts at the margin after a bullet, or after a gap
    wider than a wrapped line's (line spacing stays under 1.5 times the text height)."""
    if not english:
        return []
    height = statistics.median(ln.bottom - ln.top for ln in english)
    groups: list[list[Line]] = [[english[0]]]
    for i in range(1, len(english)):
        prev, ln = english[i - 1], english[i]
        wide = ln.page != prev.page or ln.top - prev.top > 1.5 * height
        if i in starts and (prev.bullet or _in_bullet(groups[-1]) or wide):
            groups.append([ln])
        else:
            groups[-1].append(ln)
    return groups


def _in_bullet(group: list[Line]) -> bool:
    return any(ln.bullet for ln in group)


# -- rows → fields ------------------------------------------------------------------------


def _check_together(row: Row) -> None:
    """A row's lines follow each other closely on each page it spans. Text set apart by more
    than a blank line is a page footer or heading kvrules does not know, or rows that ran
    together: refused rather than read into the row above it."""
    lines = [*row.english, *row.native, *(ln for cell in row.country for ln in cell)]
    for page in sorted({ln.page for ln in lines}):
        here = sorted((ln for ln in lines if ln.page == page), key=lambda ln: ln.top)
        height = statistics.median(ln.bottom - ln.top for ln in here)
        reach = here[0].bottom
        for ln in here[1:]:
            if ln.top - reach > GAP * height:
                raise PdfLayoutError(
                    page,
                    f"{ln.text!r} stands apart from the row {row.label!r} above it: a page "
                    "footer kvrules does not know, or a layout it cannot read",
                )
            reach = max(reach, ln.bottom)


def _name_and_bullets(lines: list[Line], margin: float) -> tuple[str, list[str]]:
    """The name (lines at the margin) and the affiliates (bullets, with their wrapped lines).
    An indented line before any bullet is an affiliate whose bullet kvrules does not recognise
    (or drawn as a picture): refused, so that it is not read as part of the name."""
    name: list[str] = []
    bullets: list[list[str]] = []
    for ln in lines:
        if ln.bullet:
            bullets.append([BULLET.sub("", ln.text)])
        elif bullets:
            bullets[-1].append(ln.text)
        elif ln.x0 > margin + INDENT:
            raise PdfLayoutError(
                ln.page,
                f"indented line {ln.text!r} under {_join(name)!r} starts with no bullet kvrules "
                "recognises; transcribe the list with the CSV template",
            )
        else:
            name.append(ln.text)
    return _join(name), [_join(b) for b in bullets]


def _join(parts: list[str], *, english: bool = True) -> str:
    """Printed lines as one string. In English a hyphen before a lower-case word was a line
    break ("Aero-" "nautical"); elsewhere the hyphen is kept ("физико-" "технический"); CJK
    text runs on without spaces."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("-") and not out.endswith(" -"):
            out = (out[:-1] if english and part[:1].islower() else out) + part
        elif CJK.search(out[-1:]) and CJK.search(part[:1]):
            out += part
        else:
            out += " " + part
    return out
