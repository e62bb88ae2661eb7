"""A spreadsheet's matches rendered once per organisation (``kvrules match --file``).

A row's matches are the resolver's hits (which entry, by which name and method, in which
stretch of the row's text) expanded to every entry of their clusters and parents, then written
as the fields of ``kvrules match --json``. Expanding and rendering depend on the hits alone,
and a spreadsheet names the same organisations again and again in different strings
("Department of Physics, Tsinghua University, Beijing", "School of Medicine, Tsinghua
University" and "Tsinghua University" all find Tsinghua University by one name): so the
rendered fields are kept per distinct set of hits (:data:`RENDERED` of them), and a row only
fills in the stretch of its own text that matched (``part``, which the explanation quotes).
Only the rows whose hits are new pay for expanding and rendering.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any

from kvrules.refdata.resolver import Resolver, _Hit

RENDERED = 20_000  # distinct sets of hits kept rendered (a few KB each)

# everything a hit is but the stretch of text it was found in, which only ``part`` shows
_WHAT_WAS_FOUND = attrgetter(*(f.name for f in fields(_Hit) if f.name != "span"))

# a match's fields (``part`` and ``explanation`` to fill in), the stretch it was found in (an
# index into the row's distinct stretches, in the order its hits give them), and its
# explanation after the quoted stretch
_Template = tuple[dict[str, Any], int, str]


class RenderedMatches:
    """``match(name, country, ror)`` gives what ``[m.as_dict() for m in resolver.match(...)]``
    gives, rendering each distinct set of hits once."""

    def __init__(self, resolver: Resolver, size: int = RENDERED) -> None:
        self.resolver = resolver
        self.size = size
        self._kept: dict[tuple[Any, ...], tuple[_Template, ...]] = {}

    def match(self, name: str, country: str | None, ror: str | None) -> list[dict[str, Any]]:
        resolver = self.resolver
        hits = resolver._hits(name, country, ror)
        if not hits or not self.size:
            return [m.as_dict() for m in resolver._expand(hits)]
        stretches: dict[str | None, int] = {}
        key = tuple(
            (_WHAT_WAS_FOUND(hit), stretches.setdefault(hit.span, len(stretches))) for hit in hits
        )
        templates = self._kept.get(key)
        if templates is None:
            found = [m.as_dict() for m in resolver._expand(hits)]
            rendered = _templates(found, stretches)
            if rendered is None:  # a part that is no hit's stretch: nothing to reuse
                return found
            if len(self._kept) >= self.size:
                del self._kept[next(iter(self._kept))]  # the oldest
            self._kept[key] = templates = rendered
        spans = list(stretches)
        out = []
        for fixed, stretch, after in templates:
            doc = fixed.copy()
            part = spans[stretch]
            doc["part"] = part
            doc["explanation"] = f'"{part}" → {after}' if part else after
            out.append(doc)
        return out


def _templates(
    found: list[dict[str, Any]], stretches: dict[str | None, int]
) -> tuple[_Template, ...] | None:
    out = []
    for doc in found:
        part = doc["part"]
        if part not in stretches:
            return None
        explanation = doc["explanation"]
        quoted = f'"{part}" → '
        if part:
            if not explanation.startswith(quoted):
                return None
            explanation = explanation[len(quoted) :]
        out.append((doc, stretches[part], explanation))
    return tuple(out)
