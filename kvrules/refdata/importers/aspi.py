"""ASPI China Defence Universities Tracker style CSV (admin import: ASPI content is not shipped).

Columns: ``Name`` (required), ``Chinese Name``, ``Aliases`` (";"), ``Risk Level`` (Very High,
High, Medium, Low), ``Category`` (";", e.g. Civilian, Military, Seven sons of national defence),
``Supervising Agencies`` (";"), ``Security Credentials``, ``Major Defence Laboratories`` (int),
``URL``, ``Country`` (default CN).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kvrules.refdata.importers.base import Parsed, RowError, add_entry, read_csv, slug, split_list

RISK = {"very high": "very_high", "high": "high", "medium": "medium", "low": "low"}
DEFAULTS = {
    "list_id": "aspi_cdut",
    "kind": "assessment",
    "title": "ASPI China Defence Universities Tracker",
    "publisher": "Australian Strategic Policy Institute",
    "source_url": "https://unitracker.aspi.org.au/",
    "licence": "ASPI content; imported by the institution, not redistributed",
}


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    parsed = Parsed(info=dict(DEFAULTS))
    for line, row in read_csv(path, {"Name", "Risk Level", "Category"}):
        attributes: dict[str, Any] = {}
        risk = row["Risk Level"].lower().replace("_", " ").replace("-", " ")
        if risk:
            if risk not in RISK:
                parsed.errors.append(RowError(line, f"unknown Risk Level {row['Risk Level']!r}"))
                continue
            attributes["risk_level"] = RISK[risk]
        if row["Category"]:
            attributes["category"] = split_list(row["Category"])
        if row.get("Supervising Agencies"):
            attributes["supervising_agencies"] = split_list(row["Supervising Agencies"])
        if row.get("Security Credentials"):
            attributes["security_credential"] = (
                row["Security Credentials"].lower().replace(" ", "_")
            )
        labs = row.get("Major Defence Laboratories")
        if labs:
            if not labs.isdigit():
                parsed.errors.append(RowError(line, f"Major Defence Laboratories {labs!r}"))
                continue
            attributes["defence_labs"] = int(labs)
        if row.get("URL"):
            attributes["url"] = row["URL"]
        add_entry(
            parsed,
            line,
            entry_id=slug(row["Name"]),
            name=row["Name"],
            native_names=split_list(row.get("Chinese Name")),
            aliases=split_list(row.get("Aliases")),
            country=row.get("Country") or "CN",
            attributes=attributes,
        )
    return parsed
