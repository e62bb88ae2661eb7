"""US Consolidated Screening List JSON (trade.gov ``consolidated.json``).

Accepts the file as published (``{"results": [...]}``) or a bare array. Only entities are
imported (individuals, vessels and aircraft are skipped). ``--source`` keeps only results whose
``source`` contains the given text, e.g. "Entity List" for the BIS Entity List. Stored
attributes: source, source_list (the abbreviation the source prints: EL, MEU, SDN …),
federal_register_notice, start_date, license_requirement, license_policy,
programs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kvrules import jsonguard
from kvrules.plain import ONLY_PARTS
from kvrules.refdata.importers.base import Parsed, RowError, add_entry, slug, split_list

DEFAULTS = {
    "list_id": "us_csl",
    "kind": "designation",
    "title": "US Consolidated Screening List",
    "publisher": "US International Trade Administration",
    "source_url": "https://api.trade.gov/static/consolidated_screening_list/consolidated.json",
    "licence": "US government work (public domain)",
}
_SOURCE_LIST = re.compile(r"\(([A-Z][A-Z0-9-]{1,9})\)")
_UNIT = "result"
_KEEP = ("federal_register_notice", "start_date", "license_requirement", "license_policy")


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    parsed = Parsed(info=dict(DEFAULTS))
    try:
        # utf-8-sig: a BOM (Windows tools, some mirrors) is no reason to refuse the file
        data = jsonguard.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError as exc:
        parsed.errors.append(RowError(1, f"not JSON: {exc}"))
        return parsed
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        parsed.errors.append(RowError(1, "expected a results array"))
        return parsed
    wanted = (opts.get("source") or "").lower()
    kept: dict[str, None] = {}  # the component lists kept by --source, in file order
    for n, rec in enumerate(results, start=1):  # errors name the result's number and id
        ref = str(rec.get("id") or rec.get("entity_number") or "") if isinstance(rec, dict) else ""
        if not isinstance(rec, dict) or not rec.get("name"):
            parsed.errors.append(RowError(n, "result without a name", _UNIT, ref or None))
            continue
        if wanted and wanted not in str(rec.get("source", "")).lower():
            parsed.skip("from another source than --source")
            continue
        if str(rec.get("type") or "Entity").lower() not in {"entity", ""}:
            parsed.skip("people, vessels or aircraft")
            continue
        alt = rec.get("alt_names") or []
        aliases = split_list(alt) if isinstance(alt, str) else [str(a) for a in alt]
        countries = [a.get("country") for a in rec.get("addresses") or [] if a.get("country")]
        attributes = {k: rec[k] for k in _KEEP if rec.get(k)}
        attributes["source"] = rec.get("source")
        kept.setdefault(str(rec.get("source") or "a result without a source"), None)
        short = _SOURCE_LIST.search(str(rec.get("source") or ""))
        if short:  # "Entity List (EL) - Bureau of Industry and Security" -> EL, for rules
            attributes["source_list"] = short.group(1)
        if rec.get("programs"):
            attributes["programs"] = rec["programs"]
        if len(set(countries)) > 1:
            attributes["countries"] = sorted(set(countries))
        add_entry(
            parsed,
            n,
            unit=_UNIT,
            ref=ref or None,
            entry_id=str(rec.get("id") or rec.get("entity_number") or slug(rec["name"])),
            name=rec["name"],
            aliases=aliases,
            country=countries[0] if countries else None,
            attributes=attributes,
        )
    if wanted:
        _only_the_parts(parsed, str(opts.get("source")), list(kept))
    return parsed


def _only_the_parts(parsed: Parsed, source: str, parts: list[str]) -> None:
    """A file filtered with ``--source`` holds some component lists of the CSL, not the CSL:
    partial, its title and notes saying which parts, so that a miss is never read as "not on
    the Consolidated Screening List" (the title names the edition in every match, finding,
    `refdata lists` and `match`'s "searched")."""
    held = "; ".join(parts) or f"none (no result's source contains {source!r})"
    parsed.info["partial"] = True
    parsed.info["title"] = f"{DEFAULTS['title']}{ONLY_PARTS}{held})"
    parsed.info["notes"] = (
        f"only the results whose source contains {source!r} (--source): {held}; the other "
        "component lists of the CSL are not held"
    )
