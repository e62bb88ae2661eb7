"""Findings and records in words a committee member reads without the field catalogue.

``evidence_sentence`` turns one piece of evidence (``project.partners[1].lists contains
"us_dod_1286"``) into a sentence ("partner Chengdu Institute (CN) is on the US DoD Section 1286
list"); the technical form stays available (``str(evidence)``) one flag or click away.
``record_name`` names a case by what the RIS calls it: title, units, partners.
"""

from __future__ import annotations

import re
from typing import Any

LISTS = {
    "us_dod_1286": "US DoD Section 1286 list",
    "ca_nro": "Canadian Named Research Organizations list",
    "us_csl": "US Consolidated Screening List",
    "aspi_cdut": "ASPI China Defence Universities Tracker",
    "us_fcoc": "US foreign-countries-of-concern list",
}
SIGNALS = {
    "us-country-of-concern": "a US foreign country of concern",
    "eu-arms-embargo": "under an EU arms embargo",
    "eu-sanctions-regime": "under an EU sanctions regime",
    "nl-state-actor-threat": "named by the Dutch government as a state-actor threat",
    "low-academic-freedom": "rated low in academic freedom",
    "eu001-destination": "an EU001 general-export-authorisation destination",
}
AREA_SCHEMES = {
    "eu-dual-use": "EU dual-use Annex I",
    "eu-critical-tech": "EU critical technology",
    "stra": "Canadian sensitive technology research area",
    "nl-clusters": "Dutch sensitive research cluster",
}
ROLES = {
    "partners": "partner",
    "funders": "funder",
    "affiliations": "affiliation",
    "participants": "participant",
    "partner": "partner",
    "funder": "funder",
    "visitor": "visitor",
}
_QUOTED = re.compile(r'"([^"]+)"')


def area_label(code: str) -> str:
    """'eu-critical-tech:energy' -> "EU critical technology 'energy'"."""
    scheme, _, item = code.partition(":")
    name = AREA_SCHEMES.get(scheme, scheme)
    if scheme == "eu-dual-use" and item.startswith("cat"):
        return f"{name} category {item[3:]}"
    return f"{name} '{item.replace('-', ' ')}'" if item else name


def _who(path: str, subject: str | None) -> str:
    parts = [p.split("[", 1)[0] for p in path.split(".")]
    role = next((ROLES[p] for p in reversed(parts[:-1]) if p in ROLES), parts[0])
    return f"{role} {subject}" if subject else role


def evidence_sentence(path: str, test: str, actual: Any, subject: str | None = None) -> str:
    """One piece of evidence as a sentence; the technical form when no wording fits."""
    field = path.rsplit(".", 1)[-1]
    quoted = _QUOTED.findall(test)
    negated = test.startswith("not")
    if field in ("lists", "candidate_lists") and quoted and not negated:
        listed = LISTS.get(quoted[0], quoted[0])
        if field == "lists":
            return f"{_who(path, subject)} is on the {listed}"
        return f"{_who(path, subject)} may be on the {listed} (a possible match to confirm)"
    if field == "country_signals" and quoted and not negated:
        return f"{_who(path, subject)}: its country is {SIGNALS.get(quoted[0], quoted[0])}"
    if field == "sensitive_areas" and isinstance(actual, list) and not negated:
        return "research area: " + "; ".join(area_label(str(a)) for a in actual)
    if field == "country" and negated and "in [" in test:
        return f"{_who(path, subject)} is outside the EU ({actual})"
    if field == "country" and test == "exists":
        return f"{_who(path, subject)} is in {actual}"
    if field == "types" and quoted and not negated:
        return f"{_who(path, subject)} is of type {quoted[0]}"
    if field == "foreign_funding_share" and isinstance(actual, int | float):
        return f"the unit's funding from abroad is {actual:.0%}"
    return f"{path}{f' ({subject})' if subject else ''} {test}: {actual!r}"


def record_name(subject: dict[str, Any] | None, source_system: str, record_id: str) -> str:
    """'Neutron detection for safeguards — Department of Physics; partners: University of
    Bristol (GB), …' or, when nothing is remembered, the record id."""
    if not subject:
        return f"{source_system} record {record_id}"
    for kind in ("project", "output", "visit"):
        if thing := subject.get(kind):
            title = thing.get("title") or thing.get("purpose") or f"{kind} {record_id}"
            bits = [title]
            if units := thing.get("units"):
                bits.append(", ".join(units))
            partners = thing.get("partners") or []
            if partners:
                bits.append("partners: " + ", ".join(_org(p) for p in partners))
            return " — ".join(bits)
    return f"{source_system} record {record_id}"


def _org(org: dict[str, Any]) -> str:
    country = f" ({org['country']})" if org.get("country") else ""
    return f"{org.get('name', '?')}{country}"
