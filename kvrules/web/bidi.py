"""Names and titles from outside, isolated in pages: one cannot reorder the text after it.

A name is anyone's text (the RIS, a proposal's file, a list): one holding a bidirectional
control left open (U+202E RIGHT-TO-LEFT OVERRIDE, U+202B …) reordered everything after it to
the end of the block: the next partner, the record's kind, the rest of a sentence (security
review). Each that holds anything with a direction of its own (a control, right-to-left
script, Arabic digits) is shown in a ``<bdi>`` (HTML's isolate: its direction its own,
closed where the element ends), each name of a list in its own. A name of left-to-right
letters, digits and punctuation alone cannot move the pages' own (English) text, and is left as
it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from kvrules.records import LIST_SEPARATOR, MAX_PARTNERS, RecordLabel

__all__ = [
    "isolated",
    "isolated_authors",
    "isolated_in",
    "isolated_names",
    "isolated_partners",
    "proposal_names",
]

# Bidi classes that move text around them: right-to-left letters, Arabic digits, the controls
_DIRECTED = {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
_FIRST_DIRECTED = "\u0590"  # none before Hebrew's block: Latin text is told apart at once


def directed(text: str) -> bool:
    """Whether ``text`` holds anything that could reorder the text around it."""
    return any(unicodedata.bidirectional(c) in _DIRECTED for c in text if c >= _FIRST_DIRECTED)


def isolated(value: object) -> Markup:
    """``value`` escaped, in a ``<bdi>`` when it holds anything with a direction of its own
    (``directed``); nothing for no value."""
    if value is None or value == "":
        return Markup("")
    if not directed(str(value)):
        return escape(value)
    return Markup("<bdi>{}</bdi>").format(value)


def isolated_names(names: Iterable[object], limit: int | None = None) -> Markup:
    """Names on one line as ``kvrules.records.name_list`` writes them, each in a ``<bdi>``."""
    names = list(names)
    shown = names if limit is None else names[:limit]
    parts = [isolated(n) for n in shown]
    if (more := len(names) - len(shown)) > 0:
        parts.append(escape(f"+{more} more"))
    return Markup(escape(LIST_SEPARATOR)).join(parts)


def isolated_partners(record: RecordLabel) -> Markup:
    """A record's partners as ``RecordLabel.partner_list`` names them, each in a ``<bdi>``."""
    return isolated_names(record.partners, MAX_PARTNERS)


def isolated_authors(record: RecordLabel) -> Markup:
    """A research output's authors as ``RecordLabel.author_list`` names them, each in a
    ``<bdi>``: the list in one, as it was, let one author's override reverse the next."""
    return isolated_names(record.authors, MAX_PARTNERS)


def isolated_in(text: object, names: Iterable[object] = ()) -> Markup:
    """A sentence kvrules wrote around names (``names``, those it may hold): escaped, each of
    those names in it isolated. Anything with a direction of its own the names do not
    account for (a name this does not know) keeps to the sentence: the whole is isolated."""
    said = "" if text is None else str(text)
    if not directed(said):
        return escape(said)
    known = sorted({str(n) for n in names if n and directed(str(n))}, key=len, reverse=True)
    if not known:
        return isolated(said)
    parts: list[Markup] = []
    rest: list[str] = []
    at = 0
    for found in re.finditer("|".join(map(re.escape, known)), said):
        between = said[at : found.start()]
        parts += [escape(between), isolated(found.group())]
        rest.append(between)
        at = found.end()
    parts.append(escape(said[at:]))
    rest.append(said[at:])
    if any(directed(r) for r in rest):
        return isolated(said)
    return Markup("").join(parts)


def proposal_names(proposal: Mapping[str, Any]) -> list[str]:
    """The names a pre-screened proposal gave: partners, funders, the visitor's institution,
    units (what ``prescreen_record.screened_lines`` says them in)."""
    orgs = [*(proposal.get("partners") or []), *(proposal.get("funders") or [])]
    if home := (proposal.get("visit") or {}).get("home_institution"):
        orgs.append(home)
    names = [str(o.get("name")) for o in orgs if isinstance(o, Mapping) and o.get("name")]
    return [*names, *map(str, proposal.get("units") or [])]
