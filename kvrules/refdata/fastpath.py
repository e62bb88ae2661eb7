"""A spreadsheet's matches rendered once per organisation (``kvrules match --file``).

A row's matches are the resolver's hits (which entry, by which name and method, in which
stretch of the row's text) expanded to every entry of their clusters and parents, then written
as the fields of ``kvrules match --json``. Expanding and rendering depend on the hits alone,
and a spreadsheet names the same organisations again and again in different strings
("Department of Physics, Tsinghua University, Beijing", "School of Medicine, Tsinghua
University" and "Tsinghua University" all find Tsinghua University by one name): so the
rendered fields are kept per distinct set of hits seen twice (:data:`RENDERED` sets are
remembered), and a later row only fills in the stretch of its own text that matched (``part``,
which the explanation quotes).
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any

from kvrules.refdata.resolver import Resolver, _Hit

RENDERED = 20_000  # distinct sets of hits kept rendered (a few KB each)

# everything a hit is but the stretch of text it was found in, which only ``part`` shows
_WHAT_WAS_FOUND = attrgetter(*(f.name for f in fields(_Hit) if f.name != "span"))

# a match's fields (``part`` and ``explanation`` to fill in), the stretch it was found in (the
# position of the first of the row's hits found in it), and its explanation after the quoted
# stretch
_Template = tuple[dict[str, Any], int, str]


class RenderedMatches:
    """``match(name, country, ror)`` gives what ``[m.as_dict() for m in resolver.match(...)]``
    gives, rendering each distinct set of hits once."""

    def __init__(self, resolver: Resolver, size: int = RENDERED) -> None:
        self.resolver = resolver
        self.size = size
        # per set of hits: its rendered matches, or None when it was seen once only (or its
        # matches cannot be rendered so: a part that is no hit's stretch)
        self._kept: dict[tuple[Any, ...], tuple[_Template, ...] | None] = {}

    def match(self, name: str, country: str | None, ror: str | None) -> list[dict[str, Any]]:
        resolver = self.resolver
        hits = resolver._hits(name, country, ror)
        if not hits or not self.size:
            return [m.as_dict() for m in resolver._expand(hits)]
        spans = [hit.span for hit in hits]
        # what was found, and which hits share a stretch (by the first hit found in it)
        key = (*map(_WHAT_WAS_FOUND, hits), *map(spans.index, spans))
        kept = self._kept
        templates = kept.get(key)
        if templates is None:
            found = [m.as_dict() for m in resolver._expand(hits)]
            if key in kept:  # seen twice: worth keeping (made ready on a first sighting, it
                # cost more than it saved on names a spreadsheet holds once)
                kept[key] = _templates([doc.copy() for doc in found], spans)
            else:
                if len(kept) >= self.size:
                    del kept[next(iter(kept))]  # the oldest
                kept[key] = None
            return found
        out = []
        for fixed, stretch, after in templates:
            doc = fixed.copy()
            part = spans[stretch]
            doc["part"] = part
            doc["explanation"] = f'"{part}" → {after}' if part else after
            out.append(doc)
        return out


def _templates(
    found: list[dict[str, Any]], spans: list[str | None]
) -> tuple[_Template, ...] | None:
    out = []
    for doc in found:
        part = doc["part"]
        if part not in spans:
            return None
        explanation = doc["explanation"]
        quoted = f'"{part}" → '
        if part:
            if not explanation.startswith(quoted):
                return None
            explanation = explanation[len(quoted) :]
        out.append((doc, spans.index(part), explanation))
    return tuple(out)
