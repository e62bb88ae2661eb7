"""Generic CSV: one row per entry, for any list an admin maintains by hand.

Columns (only ``name`` is required; multi-valued cells are separated by ";"):
``entry_id, name, aliases, acronyms, native_names, affiliates, country, ror_id, parent_ror_id,
parent_name, entity_type (organisation|programme|country), identifiers ("wikidata:Q1; grid:…")``.
Every other non-empty column becomes a list-specific attribute (e.g. ``risk_level``,
``category``, ``listing_date``). Documented for users, with the provenance options, in
docs/reference-data.md ("Your own lists"); ``examples/own-list.csv`` is a complete file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kvrules.refdata.importers.base import Parsed, RowError, add_entry, read_csv, slug, split_list

COLUMNS = (
    "entry_id",
    "name",
    "aliases",
    "acronyms",
    "native_names",
    "affiliates",
    "country",
    "ror_id",
    "parent_ror_id",
    "parent_name",
    "entity_type",
    "identifiers",
)


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    parsed = Parsed(info={"kind": "designation"})
    for line, row in read_csv(path, {"name"}):
        ids: dict[str, str] = {}
        for item in split_list(row.get("identifiers")):
            scheme, sep, value = item.partition(":")
            if not sep or not value.strip():
                parsed.errors.append(RowError(line, f"identifier {item!r} is not scheme:value"))
                continue
            ids[scheme.strip().lower()] = value.strip()
        attributes = {k: v for k, v in row.items() if k not in COLUMNS and v}
        add_entry(
            parsed,
            line,
            entry_id=row.get("entry_id") or slug(row["name"]),
            name=row["name"],
            aliases=split_list(row.get("aliases")),
            acronyms=split_list(row.get("acronyms")),
            native_names=split_list(row.get("native_names")),
            affiliates=split_list(row.get("affiliates")),
            country=row.get("country") or None,
            ror_id=row.get("ror_id") or None,
            parent_ror_id=row.get("parent_ror_id") or None,
            parent_name=row.get("parent_name") or None,
            entity_type=row.get("entity_type") or "organisation",
            identifiers=ids,
            attributes=attributes,
        )
    return parsed
