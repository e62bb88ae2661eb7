"""The US DoD Section 1286 list read straight from the official PDF.

The PDF is a three-column table (English Name, Native Name, Foreign Country of Concern) with an
institution's affiliates as bullets under its name; Table 1 lists institutions, Table 2 foreign
talent recruitment programmes. Plain text extraction interleaves the columns, so this reads word
coordinates: columns from the header row (repeated on each page), rows from ruling lines when the
table has them, otherwise from each row's country cell (every Table 1 row has exactly one,
centred or top-aligned beside the name), otherwise from vertical gaps. A row with no country or
two, or a count that differs from ``expect``, is refused with its page: a layout change must never
import a wrong list quietly. ``kvrules refdata transcribe`` writes the result as the CSV template
so a person can check it against the PDF before importing.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kvrules.refdata.countries import as_country

BULLET = re.compile(r"^[•●▪◦■□➢·\uf0b7\uf0a7]\s*")
FOOTER = re.compile(
    r"^(page\s+\d+(\s+of\s+\d+)?|\d+(\s+of\s+\d+)?|unclassified|cui|controlled unclassified"
    r" information)$",
    re.IGNORECASE,
)
CAPTION = re.compile(r"^table\s+(\d)\b", re.IGNORECASE)
HEADER_WORDS = {"english", "name", "native", "foreign", "country", "of", "concern"}
SUFFIX = re.compile(r",?\s*(and\s+(select\s+)?affiliates|select\s+affiliates)\s*:?\s*$", re.I)
AKA = re.compile(r"\s*\((?:a\.?k\.?a\.?|also known as)\s+([^)]+)\)", re.IGNORECASE)
FORMERLY = re.compile(r"^(?:formerly|previously)\s*:?\s+(.+)$", re.IGNORECASE)
CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af]")


class PdfLayoutError(ValueError):
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
    english: list[Line] = field(default_factory=list)
    native: list[Line] = field(default_factory=list)
    country: list[list[Line]] = field(default_factory=list)  # one inner list per cell

    def fields(self) -> dict[str, str]:
        name, affiliates = _name_and_bullets(self.english)
        aliases = [m.group(1).strip() for m in AKA.finditer(name)]
        name = AKA.sub("", name).strip()
        kept = []  # an affiliate's a.k.a. is another name of that affiliate, not of the entry
        for aff in affiliates:
            former = FORMERLY.match(aff)
            if former:  # "Formerly X" under a name is the entry's old name
                aliases.append(former.group(1).strip())
                continue
            kept += [AKA.sub("", aff).strip(), *(m.group(1).strip() for m in AKA.finditer(aff))]
        return {
            "Table": str(self.table),
            "English Name": SUFFIX.sub("", name).strip(" ,:"),
            "Native Name": _join([ln.text for ln in self.native], english=False),
            "Foreign Country of Concern": "; ".join(
                _join([ln.text for ln in cell]) for cell in self.country
            ),
            "Aliases": "; ".join(aliases),
            "Affiliates": "; ".join(kept),
        }


def read_rows(path: Path, expect: int | None = None) -> list[dict[str, str]]:
    """The list's rows as CSV-template dicts; :class:`PdfLayoutError` when it does not add up."""
    import pdfplumber  # imported here: only PDF imports pay for it

    rows: list[Row] = []
    with pdfplumber.open(path) as pdf:
        state = _State()
        for number, page in enumerate(pdf.pages, start=1):
            rows += _page_rows(page, number, state)
    if not rows:
        raise PdfLayoutError(1, "no table with an 'English Name' header found")
    for row in rows:
        # every institution has one country; a programme at most one (more: rows ran together)
        if len(row.country) > 1 or (row.table == 1 and not row.country):
            name = _join([ln.text for ln in row.english[:2]]) or "(no name)"
            found = "no country" if not row.country else f"{len(row.country)} country cells"
            raise PdfLayoutError(row.page, f"Table {row.table} row {name!r} has {found}")
    out = [row.fields() for row in rows]
    institutions = sum(r["Table"] == "1" for r in out)
    if expect is not None and institutions != expect:
        raise PdfLayoutError(
            rows[-1].page,
            f"read {institutions} institutions in Table 1, expected {expect}; "
            "check the PDF layout or transcribe the list with the CSV template",
        )
    return out


@dataclass
class _State:
    """What carries over from page to page: the table we are in and its columns."""

    table: int = 1
    columns: tuple[float, float] | None = None  # x where Native Name and the country start
    last: Row | None = None


def _page_rows(page, number: int, state: _State) -> list[Row]:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    lines = _full_lines(words)
    header = _header_bands(lines)
    body: list[tuple[int, list[dict]]] = []  # (table, words) in reading order
    for i, words_in_line in enumerate(lines):
        text = " ".join(w["text"] for w in words_in_line)
        caption = CAPTION.match(text)
        if caption:
            state.table = int(caption.group(1))
            continue
        if i in header:
            state.columns = header[i] or state.columns
            continue
        if FOOTER.match(text.strip()) or state.columns is None:
            continue
        body.append((state.table, words_in_line))
    if state.columns is None:
        return []
    rows: list[Row] = []
    for table, chunk in _by_table(body):
        cols = _split_columns(chunk, number, state.columns)
        rows += _rows(cols, table, number, page, state)
    return rows


def _full_lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into visual lines across the page (same baseline within 2 pt)."""
    out: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if out and abs(out[-1][0]["top"] - w["top"]) <= 2:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in out]


def _header_bands(lines: list[list[dict]]) -> dict[int, tuple[float, float] | None]:
    """Line index → column starts for header lines (None for a header's wrapped parts)."""
    found: dict[int, tuple[float, float] | None] = {}
    for i, line in enumerate(lines):
        texts = [w["text"].lower() for w in line]
        if "english" not in texts or "native" not in texts:
            continue
        band = [j for j in range(max(0, i - 2), min(len(lines), i + 3)) if _all_header(lines[j])]
        words = [w for j in band for w in lines[j]]
        native = min(w["x0"] for w in words if w["text"].lower() == "native")
        starts = [w["x0"] for w in words if w["text"].lower() in {"foreign", "country"}]
        country = min((x for x in starts if x > native), default=None)
        if country is None:
            continue
        for j in band:
            found[j] = None
        found[i] = (native - 3, country - 3)
    return found


def _all_header(line: list[dict]) -> bool:
    return all(w["text"].lower().strip(":") in HEADER_WORDS for w in line)


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
    native_x, country_x = columns
    cols: tuple[list[Line], list[Line], list[Line]] = ([], [], [])
    for words in lines:
        parts: dict[int, list[dict]] = {}
        for w in words:
            parts.setdefault(
                0 if w["x0"] < native_x else 1 if w["x0"] < country_x else 2, []
            ).append(w)
        for col, ws in parts.items():
            cols[col].append(
                Line(
                    page,
                    min(w["top"] for w in ws),
                    max(w["bottom"] for w in ws),
                    ws[0]["x0"],
                    " ".join(w["text"] for w in ws),
                )
            )
    return cols


def _rows(
    cols: tuple[list[Line], list[Line], list[Line]], table: int, page: int, pdf_page, state: _State
) -> list[Row]:
    english, native, country = cols
    cells = _country_cells(country)
    # lines before the first row-starting line continue the previous page's last row
    margin = min((ln.x0 for ln in english if not ln.bullet), default=0.0)
    lead = 0
    while lead < len(english) and (english[lead].bullet or english[lead].x0 > margin + 3):
        lead += 1
    if lead and state.last is not None:
        state.last.english += english[:lead]
        english = english[lead:]
    starts = [i for i, ln in enumerate(english) if not ln.bullet and ln.x0 <= margin + 3]
    # a Table 2 programme may have no country, so only Table 1 rows are anchored on theirs
    groups = (
        _split_by_rules(english, _rules(pdf_page))
        or (_split_by_anchors(english, starts, cells) if table == 1 else None)
        or _split_by_gaps(english, starts)
    )
    rows = [Row(table, page, english=g) for g in groups]
    bounds = _bounds(rows)
    if not rows:
        return rows
    for ln in native:
        _owner(rows, bounds, ln.centre).native.append(ln)
    for cell in cells:
        _owner(rows, bounds, (cell[0].top + cell[-1].bottom) / 2).country.append(cell)
    state.last = rows[-1]
    return rows


def _country_cells(lines: list[Line]) -> list[list[Line]]:
    """Country lines grouped into cells: a line that is no country on its own joins the next."""
    cells: list[list[Line]] = []
    pending: list[Line] = []
    for ln in lines:
        pending.append(ln)
        if as_country(_join([p.text for p in pending])):
            cells.append(pending)
            pending = []
    if pending:
        cells.append(pending)  # unreadable: it surfaces as a bad country on import
    return cells


def _rules(pdf_page) -> list[float]:
    """y of horizontal rules that span most of the table's width."""
    width = float(pdf_page.width)
    ys = sorted(e["top"] for e in pdf_page.horizontal_edges if (e["x1"] - e["x0"]) > 0.6 * width)
    return [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 1.0]


def _split_by_rules(english: list[Line], rules: list[float]) -> list[list[Line]] | None:
    if len(rules) < 2 or not english:
        return None
    groups: dict[int, list[Line]] = {}
    for ln in english:
        band = sum(1 for y in rules if y <= ln.centre)
        groups.setdefault(band, []).append(ln)
    return [groups[k] for k in sorted(groups)]


def _split_by_anchors(
    english: list[Line], starts: list[int], cells: list[list[Line]]
) -> list[list[Line]] | None:
    """Partition the name lines into one contiguous group per country cell, each group starting
    at a row-starting line, so that group and cell line up best (centred or top-aligned)."""
    m = len(cells)
    if m == 0 or m > len(starts):
        return None
    best: list[list[Line]] | None = None
    best_cost = float("inf")
    for align in ("centre", "top"):
        groups, cost = _align(english, starts, cells, align)
        if groups is not None and cost < best_cost:
            best, best_cost = groups, cost
    return best


def _align(
    english: list[Line], starts: list[int], cells: list[list[Line]], align: str
) -> tuple[list[list[Line]] | None, float]:
    n, m = len(starts), len(cells)
    ends = [*starts[1:], len(english)]

    def at(cell: list[Line]) -> float:
        return (cell[0].top + cell[-1].bottom) / 2 if align == "centre" else cell[0].top

    def group_at(a: int, b: int) -> float:  # rows starts[a] .. up to ends[b-1]
        lines = english[starts[a] : ends[b - 1]]
        return (lines[0].top + lines[-1].bottom) / 2 if align == "centre" else lines[0].top

    inf = float("inf")
    # cost[k][j]: first k cells matched to the first j start-lines
    cost = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    cost[0][0] = 0.0
    for k in range(1, m + 1):
        for j in range(k, n - (m - k) + 1):
            for i in range(k - 1, j):
                if cost[k - 1][i] == inf:
                    continue
                c = cost[k - 1][i] + abs(group_at(i, j) - at(cells[k - 1]))
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


def _bounds(rows: list[Row]) -> list[float]:
    """Where each row after the first begins: its first name line (a row's other cells start
    level with its name or, centred, lower; they never reach the next row's name)."""
    return [row.english[0].top - 2 for row in rows[1:]]


def _owner(rows: list[Row], bounds: list[float], y: float) -> Row:
    return rows[sum(1 for b in bounds if b <= y)]


def _name_and_bullets(lines: list[Line]) -> tuple[str, list[str]]:
    name: list[str] = []
    bullets: list[list[str]] = []
    for ln in lines:
        if ln.bullet:
            bullets.append([BULLET.sub("", ln.text)])
        elif bullets:
            bullets[-1].append(ln.text)
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
