"""ROR data dump, schema v2 (JSON array of records; the Zenodo zip is read directly).

Per record: ``id`` → entry id and ROR id; the ``ror_display`` name → name; ``label`` and
``alias`` names → aliases, or native names when not in Latin script; ``acronym`` → acronyms;
``locations[0].geonames_details.country_code`` → country; a ``parent`` relationship → parent.
Withdrawn records are skipped. Errors are reported by record number (1-based).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from kvrules.refdata.importers.base import Parsed, RowError, add_entry

DEFAULTS = {
    "list_id": "ror",
    "kind": "registry",
    "title": "Research Organization Registry (ROR) data dump",
    "publisher": "ROR",
    "source_url": "https://zenodo.org/communities/ror-data",
    "licence": "CC0 1.0",
}
_VERSION = re.compile(r"v\d+\.\d+")


def _load(path: Path) -> Any:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(".json")]
            chosen = next((n for n in names if "schema_v2" in n), None) or names[0]
            return json.loads(zf.read(chosen))
    return json.loads(path.read_text(encoding="utf-8"))


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    info = dict(DEFAULTS)
    found = _VERSION.search(path.name)
    if found:
        info["edition"] = found.group(0)
    parsed = Parsed(info=info)
    try:
        records = _load(path)
    except (ValueError, zipfile.BadZipFile, IndexError) as exc:
        parsed.errors.append(RowError(1, f"not a ROR JSON dump: {exc}"))
        return parsed
    if not isinstance(records, list):
        parsed.errors.append(RowError(1, "expected a JSON array of ROR records"))
        return parsed
    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict) or not isinstance(rec.get("names"), list):
            parsed.errors.append(RowError(n, "not a ROR v2 record (no names array)"))
            continue
        if rec.get("status") == "withdrawn":
            parsed.skipped += 1
            continue
        display = [x["value"] for x in rec["names"] if "ror_display" in x.get("types", [])]
        if len(display) != 1:
            parsed.errors.append(RowError(n, f"{rec.get('id')}: needs exactly one ror_display"))
            continue
        aliases, native, acronyms = [], [], []
        for item in rec["names"]:
            types, value = item.get("types", []), item.get("value", "")
            if "acronym" in types:
                acronyms.append(value)
            elif value != display[0] and ("alias" in types or "label" in types):
                (aliases if _latin(value) else native).append(value)
        locations = rec.get("locations") or [{}]
        country = (locations[0].get("geonames_details") or {}).get("country_code")
        parent = next((r for r in rec.get("relationships", []) if r.get("type") == "parent"), {})
        ids = {
            str(x.get("type", "")).lower(): x.get("preferred") or (x.get("all") or [""])[0]
            for x in rec.get("external_ids", [])
        }
        add_entry(
            parsed,
            n,
            entry_id=str(rec.get("id", "")).rsplit("/", 1)[-1],
            name=display[0],
            aliases=aliases,
            native_names=native,
            acronyms=acronyms,
            country=country,
            ror_id=rec.get("id"),
            parent_ror_id=parent.get("id"),
            parent_name=parent.get("label"),
            identifiers={k: v for k, v in ids.items() if k and v},
            attributes={
                "types": [str(t).lower() for t in rec.get("types", [])],
                "status": rec.get("status", "active"),
                "city": (locations[0].get("geonames_details") or {}).get("name"),
            },
        )
    return parsed
