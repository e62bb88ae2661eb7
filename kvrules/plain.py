"""Findings in words a committee member reads without the field catalogue.

``evidence_sentence`` turns one piece of evidence (``project.partners[1].lists contains
"us_dod_1286"``) into a sentence ("partner Chengdu Institute (CN) is on the US DoD Section 1286
list"); given the record as the store remembers it, the sentence also says which edition and
which entry matched ("…, edition FY25, entry 'Chengdu Institute'") and which words of the
project put it in a research area. The technical form stays available (``str(evidence)``) one
flag or click away. Records are named in ``kvrules.records``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


_STEP = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")
_METHOD = {
    "alias": " (matched by another of its names)",
    "parent": " (matched through its parent organisation)",
    "subunit": " (a unit of the listed organisation)",
}


def evidence_sentence(
    path: str,
    test: str,
    actual: Any,
    subject: str | None = None,
    record: Mapping[str, Any] | None = None,
) -> str:
    """One piece of evidence as a sentence; the technical form when no wording fits.

    ``record`` is the screened record as the store remembers it (``Store.subject``): with it,
    a list match names the edition and entry, and a research area the words that matched.
    """
    field = path.rsplit(".", 1)[-1]
    quoted = _QUOTED.findall(test)
    negated = test.startswith("not")
    if field in ("lists", "candidate_lists") and quoted and not negated:
        listed = LISTS.get(quoted[0], quoted[0])
        where = _list_entry(_element(record, path, subject), quoted[0], field == "candidate_lists")
        if field == "lists":
            return f"{_who(path, subject)} is on the {listed}{where}"
        return f"{_who(path, subject)} may be on the {listed}{where} (a possible match to confirm)"
    if field == "country_signals" and quoted and not negated:
        return f"{_who(path, subject)}: its country is {SIGNALS.get(quoted[0], quoted[0])}"
    if field == "sensitive_areas" and isinstance(actual, list) and not negated:
        areas = [str(a) for a in actual if a in quoted] or [str(a) for a in actual]
        words = (_element(record, path, None) or {}).get("area_words") or {}
        return "research area: " + "; ".join(_area(a, words.get(a)) for a in areas)
    if field == "country" and negated and "in [" in test:
        return f"{_who(path, subject)} is outside the EU ({actual})"
    if field == "country" and test == "exists":
        return f"{_who(path, subject)} is in {actual}"
    if field == "types" and quoted and not negated:
        return f"{_who(path, subject)} is of type {quoted[0]}"
    if field == "foreign_funding_share" and isinstance(actual, int | float):
        return f"the unit's funding from abroad is {actual:.0%}"
    return f"{path}{f' ({subject})' if subject else ''} {test}: {actual!r}"


def _area(code: str, words: list[str] | None) -> str:
    if not words:
        return area_label(code)
    return f"{area_label(code)}, matched words: " + ", ".join(f"'{w}'" for w in words)


def _list_entry(org: Mapping[str, Any] | None, list_id: str, candidate: bool) -> str:
    """ ", edition FY25, entry 'Sichuan University'" from the organisation's screening."""
    matches = [
        m
        for m in (org or {}).get("screening") or []
        if m.get("list") == list_id and bool(m.get("candidate")) == candidate
    ]
    if not matches:
        return ""
    m = max(matches, key=lambda m: m.get("score") or 0)
    text = f", edition {m['edition']}, entry '{m['name']}'"
    if m.get("method") == "ror" and m.get("ror_id"):
        return f"{text}, matched through its ROR id {m['ror_id']}"
    if m.get("method") in ("fuzzy", "corrected spelling"):
        how = "a similar name" if m["method"] == "fuzzy" else "its name with the spelling corrected"
        return f"{text} ({how}, score {float(m.get('score') or 0):.2f})"
    return text + _METHOD.get(m.get("method") or "", "")


def _element(record: Mapping[str, Any] | None, path: str, subject: str | None) -> Any:
    """What ``path`` without its last field points at in the record: the partner of
    ``project.partners[2].lists``. When the record has changed since and the position now
    holds another organisation, the one of that list named as in the evidence (``subject``)."""
    steps = _STEP.findall(path)[:-1]
    names = subject.split(" / ") if subject else []
    if len(names) != sum(1 for _, index in steps if index):
        names = []  # cannot tell which name belongs to which position: trust positions
    node: Any = record
    for name, index in steps:
        node = node.get(name) if isinstance(node, Mapping) else None
        if index and isinstance(node, list):
            want = names.pop(0) if names else None
            node = _pick(node, int(index), want)
        if node is None:
            return None
    return node if isinstance(node, Mapping) else None


def _pick(elements: list[Any], position: int, name: str | None) -> Any:
    at = elements[position] if position < len(elements) else None
    if name is None or (isinstance(at, Mapping) and "name" not in at):
        return at  # a person is named by affiliation in evidence, not by a name: position
    if isinstance(at, Mapping) and _identity(at) == name:
        return at
    return next((e for e in elements if isinstance(e, Mapping) and _identity(e) == name), None)


def _identity(org: Mapping[str, Any]) -> str:
    """As the evaluator names a list element in evidence: "Name (CC)"."""
    country = org.get("country")
    return f"{org.get('name')} ({country})" if country else str(org.get("name"))
