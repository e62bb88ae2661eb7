"""US DoD Section 1286 list: the official PDF, or a CSV transcription of it.

A ``.pdf`` file is read by :mod:`kvrules.refdata.importers.dod1286_pdf` (option ``expect``: the
number of Table 1 rows as printed, 150 in FY25 — not the 130 institutions of the DoD's
announcement —, checked before anything is stored). Anything else is
the CSV template, whose columns are (one row per institution or programme; ";"-separated
multi-values): ``Table`` (1 = institutions, 2 = foreign talent recruitment programmes),
``English Name``, ``Native Name``, ``Foreign Country of Concern``, ``Aliases``, ``Affiliates``
(the bulleted affiliates printed under an institution), ``ROR ID``, ``Parent ROR ID``, ``Notes``
(remarks, kept on the entry, never read as names: a short name goes under Aliases or Acronyms),
``Scope`` ("select affiliates" when the list names an institution's "select affiliates" only),
``Acronyms`` (the entry's own acronyms, e.g. "NUDT": the list prints few, so kvrules adds those of
the linked ROR record here, as it adds the ROR ID; the entry keeps them whichever ROR edition is
imported later).
Names are kept exactly as printed (including typos such as "Xi'an Jiatong University"); add
correct spellings under Aliases. A name printed as "Chinese Academy of Sciences, select
affiliates:" is read as that scope too: such an entry covers its listed affiliates only, and
matching the institution itself gives at most a candidate (see the resolver).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kvrules.refdata.importers.base import Parsed, RowError, add_entry, read_csv, slug, split_list
from kvrules.refdata.normalise import name_and_scope

REQUIRED = {"Table", "English Name", "Foreign Country of Concern"}
COLUMNS = [
    "Table",
    "English Name",
    "Native Name",
    "Foreign Country of Concern",
    "Aliases",
    "Affiliates",
    "ROR ID",
    "Parent ROR ID",
    "Notes",
    "Scope",
    "Acronyms",
]
# "X and its affiliates", "X, select affiliates:" printed after an institution's name
DEFAULTS = {
    "list_id": "us_dod_1286",
    "kind": "designation",
    "title": "US DoD list of foreign institutions and talent programmes (NDAA FY2019 s.1286)",
    "publisher": "US Department of Defense",
    "licence": "US government work (public domain, 17 U.S.C. 105)",
}


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    parsed = Parsed(info=dict(DEFAULTS))
    expect = int(opts["expect"]) if opts.get("expect") is not None else None
    if path.suffix.lower() != ".pdf":
        _add_rows(parsed, read_csv(path, REQUIRED), "line")
        institutions = sum(e.entity_type == "organisation" for e in parsed.entries)
        if expect is not None and not parsed.errors and institutions != expect:
            parsed.errors.append(
                RowError(1, f"{institutions} institutions in Table 1, expected {expect}")
            )
        return parsed
    from kvrules.refdata.importers.dod1286_pdf import PdfLayoutError, read_rows

    try:
        rows = read_rows(path, expect)
    except PdfLayoutError as exc:
        parsed.errors.append(RowError(exc.page, str(exc).split(": ", 1)[1], unit="page"))
        return parsed
    _add_rows(parsed, enumerate(rows, start=1), "row")
    return parsed


def _add_rows(parsed: Parsed, rows: Iterable[tuple[int, dict[str, str]]], unit: str) -> None:
    for line, row in rows:
        table = row["Table"]
        if table not in {"1", "2"}:
            parsed.errors.append(RowError(line, f"Table must be 1 or 2, got {table!r}", unit))
            continue
        name, scope = name_and_scope(row["English Name"], row.get("Scope", ""))
        if not name:
            parsed.errors.append(RowError(line, "English Name is empty", unit))
            continue
        country = row["Foreign Country of Concern"]
        if table == "1" and not country:
            parsed.errors.append(
                RowError(line, "Table 1 rows need a Foreign Country of Concern", unit)
            )
            continue
        attributes: dict[str, Any] = {"table": int(table)}
        if row.get("Notes"):
            attributes["notes"] = row["Notes"]
        if scope:
            attributes["scope"] = scope
        add_entry(
            parsed,
            line,
            entry_id=slug(name),
            name=name,
            native_names=split_list(row.get("Native Name")),
            aliases=split_list(row.get("Aliases")),
            affiliates=split_list(row.get("Affiliates")),
            acronyms=split_list(row.get("Acronyms")),
            country=country or None,
            ror_id=row.get("ROR ID") or None,
            parent_ror_id=row.get("Parent ROR ID") or None,
            entity_type="organisation" if table == "1" else "programme",
            attributes=attributes,
            unit=unit,
        )
