"""UK Sanctions List (FCDO), the XML file the FCDO publishes on GOV.UK.

Layout (one ``Designation`` per designated person, entity or ship): ``UniqueID``,
``IndividualEntityShip``, ``Names/Name`` with ``Name1``…``Name6`` and ``NameType`` ("Primary
name", "Primary name variation", "Alias"), ``NonLatinNames/…/NameNonLatinScript``,
``Addresses/Address/AddressCountry``, ``RegimeName``, ``DateDesignated``, ``SanctionsImposed``.
Only entities are imported (individuals and ships are skipped). The file is read element by
element (``iterparse``). A country the importer cannot read is kept as printed in
``attributes.country_as_printed`` rather than refusing the list.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kvrules.refdata.countries import as_country
from kvrules.refdata.importers.base import Parsed, RowError, check_entry
from kvrules.refdata.models import Entry

DEFAULTS = {
    "list_id": "uk_sanctions",
    "kind": "designation",
    "title": "UK Sanctions List",
    "publisher": "Foreign, Commonwealth & Development Office",
    "source_url": "https://www.gov.uk/government/publications/the-uk-sanctions-list",
    "licence": "Open Government Licence v3.0",
}
_UNIT = "designation"
_PRIMARY = {"primary name", "primary name variation"}


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    parsed = Parsed(info=dict(DEFAULTS))
    parsed.stream = _stream(path, parsed)
    return parsed


def _stream(path: Path, parsed: Parsed) -> Iterator[Entry]:
    n = 0
    try:
        for _event, element in ET.iterparse(path, events=("end",)):
            if _local(element.tag) != "Designation":
                continue
            n += 1
            entry = _entry(parsed, n, element)
            element.clear()  # keep memory flat
            if entry is not None:
                yield entry
    except ET.ParseError as exc:
        parsed.errors.append(
            RowError(n + 1, f"not a complete UK Sanctions List XML file ({exc})", _UNIT)
        )
        return
    if n == 0:
        parsed.errors.append(RowError(1, "no Designation elements: not the UK Sanctions List"))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _texts(element: ET.Element, name: str) -> list[str]:
    return [
        (e.text or "").strip()
        for e in element.iter()
        if _local(e.tag) == name and (e.text or "").strip()
    ]


def _entry(parsed: Parsed, n: int, designation: ET.Element) -> Entry | None:
    kind = " ".join(_texts(designation, "IndividualEntityShip")).lower()
    unique_id = " ".join(_texts(designation, "UniqueID")) or None
    if kind != "entity":
        parsed.skip("individuals or ships")
        return None
    primary, aliases = [], []
    for name in (e for e in designation.iter() if _local(e.tag) == "Name" and len(e)):
        parts = [" ".join(_texts(name, f"Name{i}")) for i in range(1, 7)]
        full = " ".join(p for p in parts if p)
        if not full:
            continue
        name_type = " ".join(_texts(name, "NameType")).lower()
        (primary if name_type in _PRIMARY else aliases).append(full)
    if not primary:
        parsed.errors.append(RowError(n, "no primary name", _UNIT, unique_id))
        return None
    printed = _texts(designation, "AddressCountry")
    country = next((code for c in printed if (code := as_country(c))), None)
    attributes: dict[str, Any] = {
        "regimes": sorted(set(_texts(designation, "RegimeName"))),
        "date_designated": next(iter(_texts(designation, "DateDesignated")), None),
        "sanctions_imposed": next(iter(_texts(designation, "SanctionsImposed")), None),
    }
    if printed and country is None:
        attributes["country_as_printed"] = printed[0]
    return check_entry(
        parsed,
        n,
        unit=_UNIT,
        ref=unique_id,
        entry_id=unique_id or f"designation-{n}",
        name=primary[0],
        aliases=[*primary[1:], *aliases],
        native_names=_texts(designation, "NameNonLatinScript"),
        country=country,
        attributes={k: v for k, v in attributes.items() if v},
    )
