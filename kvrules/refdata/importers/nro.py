"""Canada Named Research Organizations: the official science.gc.ca page as published, or a CSV.

The page (HTML, recognised by its content) lists each organisation inside the page's
``div.content`` as ``<li><strong>Name</strong> (Country)<p>Known alias(es): a; b</p></li>``;
its "Date modified" becomes the edition unless one is given. A page on which no organisation
reads that way is refused as a changed layout (nothing is imported).

The CSV has the columns ``Name``, ``Country`` (as printed in parentheses, e.g. "China") and
``Known alias(es)`` (";"-separated, as printed). The page's aliases are often subsidiaries; they
are kept as names of the entry so that a subsidiary matches the listed organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kvrules.refdata.importers.base import Parsed, RowError, add_entry, read_csv, slug, split_list

DEFAULTS = {
    "list_id": "ca_nro",
    "kind": "designation",
    "title": "Named Research Organizations (Policy on Sensitive Technology Research and "
    "Affiliations of Concern)",
    "publisher": "Government of Canada",
    "source_url": "https://science.gc.ca/site/science/en/safeguarding-your-research/"
    "guidelines-and-tools-implement-research-security/named-research-organizations",
    "licence": "Crown copyright (admin import; not redistributed)",
}
_COUNTRY = re.compile(r"^\s*\(([^)]+)\)")
_ALIASES = re.compile(r"^\s*known\s+alias(?:\(es\)|es)?\s*:?", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    head = path.read_bytes()[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<!--")) or b"<html" in head:
        return _parse_page(path)
    parsed = Parsed(info=dict(DEFAULTS))
    for line, row in read_csv(path, {"Name", "Country", "Known alias(es)"}):
        _add(parsed, line, row["Name"], row["Country"], row["Known alias(es)"], "line")
    return parsed


def _add(parsed: Parsed, n: int, name: str, country: str, aliases: str, unit: str) -> None:
    if not name:
        parsed.errors.append(RowError(n, "Name is empty", unit))
        return
    add_entry(
        parsed,
        n,
        unit=unit,
        entry_id=slug(name),
        name=name,
        aliases=split_list(aliases),
        country=country or None,
    )


def _parse_page(path: Path) -> Parsed:
    parsed = Parsed(info=dict(DEFAULTS))
    page = _Page()
    page.feed(path.read_text(encoding="utf-8-sig", errors="replace"))
    page.close()
    if page.modified:
        parsed.info["edition"] = page.modified
        parsed.info["published"] = page.modified
    if not page.items:
        parsed.errors.append(
            RowError(
                1,
                "no organisations listed as '<strong>Name</strong> (Country)': "
                "the page layout has changed or this is not the NRO page",
                "page",
            )
        )
        return parsed
    for n, item in enumerate(page.items, start=1):
        found = _COUNTRY.match(item.after)
        if not found:
            parsed.errors.append(RowError(n, f"{item.name!r}: no (Country) after the name", "item"))
            continue
        _add(parsed, n, item.name, found.group(1).strip(), _ALIASES.sub("", item.aliases), "item")
    return parsed


@dataclass
class _Item:
    name: str = ""
    after: str = ""  # text after the name: "(Country)"
    aliases: str = ""


class _Page(HTMLParser):
    """Collects the organisations of the page's content area and its "Date modified"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[_Item] = []
        self.modified: str | None = None
        self._content_depth = 0  # > 0 inside div.content (divs nested in it counted)
        self._li_depth = 0
        self._item: _Item | None = None
        self._in: str | None = None  # "name", "after", "aliases" or "date": where text goes

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "div" and (self._content_depth or "content" in (attr.get("class") or "").split()):
            self._content_depth += 1
        elif tag == "time" and attr.get("property") == "dateModified":
            self._in = "date"
        if not self._content_depth:
            return
        if tag == "li":
            self._li_depth += 1
            if self._li_depth == 1:
                self._item, self._in = _Item(), None
        elif tag == "strong" and self._item is not None and not self._item.name:
            self._in = "name"
        elif tag == "p" and self._item is not None:
            self._in = "aliases"

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._content_depth:
            self._content_depth -= 1
        elif tag == "time" and self._in == "date":
            self._in = None
        elif tag == "strong" and self._in == "name":
            self._in = "after"
        elif tag == "p" and self._in == "aliases":
            self._in = None
        elif tag == "li" and self._li_depth:
            self._li_depth -= 1
            if not self._li_depth and self._item is not None:
                if self._item.name.strip():
                    self.items.append(_tidy(self._item))
                self._item, self._in = None, None

    def handle_data(self, data: str) -> None:
        if self._in == "date" and _DATE.match(data.strip()):
            self.modified = data.strip()
        elif self._item is not None and self._in in ("name", "after", "aliases"):
            setattr(self._item, self._in, getattr(self._item, self._in) + data)


def _tidy(item: _Item) -> _Item:
    def clean(text: str) -> str:
        return " ".join(text.replace("\xa0", " ").split())

    return _Item(clean(item.name), clean(item.after), clean(item.aliases))
