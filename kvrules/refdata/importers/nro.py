"""Canada Named Research Organizations, as a CSV made from the science.gc.ca HTML page.

Columns: ``Name``, ``Country`` (as printed in parentheses, e.g. "China"), ``Known alias(es)``
(";"-separated, as printed). The page's aliases are often subsidiaries; they are kept as names of
the entry so that a subsidiary matches the listed organisation.
"""

from __future__ import annotations

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
    "guidelines-and-tools-implement-research-security/sensitive-technology-research-and-"
    "affiliations-concern/named-research-organizations",
    "licence": "Crown copyright (admin import; not redistributed)",
}


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    parsed = Parsed(info=dict(DEFAULTS))
    for line, row in read_csv(path, {"Name", "Country", "Known alias(es)"}):
        if not row["Name"]:
            parsed.errors.append(RowError(line, "Name is empty"))
            continue
        add_entry(
            parsed,
            line,
            entry_id=slug(row["Name"]),
            name=row["Name"],
            aliases=split_list(row["Known alias(es)"]),
            country=row["Country"] or None,
        )
    return parsed
