"""What a scan screened the stored records with, part by part, and which parts changed.

The scanner keeps it per source (``<source>#screened-with``); when it differs at the next scan
the stored records are screened again, and the scan says why, naming each part that changed:
the rulebooks (by version, ``Scanner._versions_changed``), a list edition, an area taxonomy or
glossary, the language guess, the home country, the funding shares. Before, the re-screen
named only rulebooks whose version changed (reviewer, 0.4.0 → 0.5.0: "re-screened 300:
us-dod-1286 2026.10 → 2026.11", while every new finding came from the new glossaries).

Kept as JSON. Releases up to 0.4.0 kept one line, ``rules|lists…,areas,home:XX|funding``: it
is read into the same parts (the areas as one digest, ``"*"``), so the first scan of this
release names what changed since that release's last scan.
"""

from __future__ import annotations

import json
from typing import Any

RULEBOOKS, FUNDING = "rulebooks", "funding"


def memo(parts: dict[str, Any]) -> str:
    return json.dumps(parts, sort_keys=True, ensure_ascii=False)


def read_memo(text: str) -> dict[str, Any]:
    """The parts a memo holds, in either form (see the module docstring)."""
    try:
        parts = json.loads(text)
    except ValueError:
        parts = None
    if isinstance(parts, dict):
        return parts
    rules, _, rest = text.partition("|")
    context, _, funding = rest.rpartition("|")
    parts = {RULEBOOKS: rules, FUNDING: funding, "lists": []}
    for item in filter(None, context.split(",")):
        if item.startswith("home:"):
            parts["home country"] = item.removeprefix("home:")
        elif "@" in item:
            parts["lists"].append(item)
        else:  # the taxonomies (and, in 0.5.0, glossaries) as one digest
            parts["areas"] = {"*": item}
    return parts


def changed(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Each part other than the rulebooks that differs, in words ("area glossary de (new)",
    "language guess (new)", "us_csl 2026-10 → 2026-11"); the rulebooks are said by version
    by the scanner, which knows them."""
    said = _lists_changed(before.get("lists") or [], now.get("lists") or [])
    said += _areas_changed(before.get("areas") or {}, now.get("areas") or {})
    for part in ("language guess", "home country"):
        was, is_now = before.get(part), now.get(part)
        if was == is_now:
            continue
        if was is None:
            said.append(f"{part} (new)")
        elif is_now is None:
            said.append(f"{part} (no longer used)")
        elif part == "home country":
            said.append(f"home country {was} → {is_now}")
        else:
            said.append(f"{part} changed")
    if before.get(FUNDING) and before.get(FUNDING) != now.get(FUNDING):
        said.append("foreign funding shares")
    return said


def _edition(item: str) -> tuple[str, str, str]:
    """(list, edition, file digest) of ``list@edition#digest`` (or ``list@edition``)."""
    name, _, rest = item.partition("@")
    edition, _, digest = rest.partition("#")
    return name, edition, digest


def _lists_changed(before: list[str], now: list[str]) -> list[str]:
    was = {name: (edition, digest) for name, edition, digest in map(_edition, before)}
    is_now = {name: (edition, digest) for name, edition, digest in map(_edition, now)}
    said = []
    for name, (edition, digest) in is_now.items():
        if name not in was:
            said.append(f"{name} {edition} (new)")
        elif was[name][0] != edition:
            said.append(f"{name} {was[name][0]} → {edition}")
        elif was[name][1] != digest:
            said.append(f"{name} {edition} (file replaced)")
    said += [f"{name} (no longer screened)" for name in was if name not in is_now]
    return said


def _areas_changed(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """ "area glossary de (new)", "area taxonomy stra changed" …; against an earlier release's
    single digest, which cannot say which file changed, the glossaries now used are named."""
    if before == now:
        return []
    if "*" in before or "*" in now:
        glossaries = [n.removeprefix("glossary ") for n in sorted(now) if n.startswith("glossary ")]
        now_said = f" (glossaries now: {', '.join(glossaries)})" if glossaries else ""
        return [f"area taxonomies or glossaries{now_said}"]
    said = []
    for name in sorted(now.keys() | before.keys()):
        if name not in before:
            said.append(f"area {name} (new)")
        elif name not in now:
            said.append(f"area {name} (no longer used)")
        elif before[name] != now[name]:
            said.append(f"area {name} changed")
    return said
