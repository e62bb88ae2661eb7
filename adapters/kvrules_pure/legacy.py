"""The older versioned Pure API (``/ws/api/5xx``, e.g. ``/ws/api/524``) read as the current one.

Many institutions still run it. Its records carry the same information under other names:
British spellings (``externalOrganisations``, ``organisationalUnits``), ``personAssociations``
for contributors, the dates under ``info`` and no ``version``; an external organisation's
other id sits in ``externalId``/``externalIdSource``. Read naively, a real research output
that names 25 external organisations maps to an event with none (issue #15), so every record
that has the older shape is rewritten into the current one before the mapping reads it.

Real responses of the older API: ``tests/fixtures/pure-umn-524`` (UMNLibraries/pureapi, MIT).
"""

from __future__ import annotations

import re
from typing import Any

Json = dict[str, Any]

# A base URL that names a versioned API (".../ws/api/524") is the older API.
VERSIONED_BASE = re.compile(r"/ws/api/(?P<version>5\d\d)/*$")

# Older name -> current name, anywhere in a record (the 5.2x web service's schema).
RENAMES = {
    "externalOrganisations": "externalOrganizations",
    "externalOrganisation": "externalOrganization",
    "organisationalUnits": "organizations",
    "organisationalUnit": "organization",
    "organisation": "organization",
    "coManagingOrganisationalUnits": "coManagingOrganizations",
    "managingOrganisationalUnit": "managingOrganization",
    "personAssociations": "contributors",
    "awardholders": "awardHolders",
    # A participant's, author's or award holder's role (WSClassifiedParticipantAssociation and
    # kin): a classification there as here, where the current API calls it ``role``.
    "personRole": "role",
}
# Current name -> the older one, where only one older name becomes it ("organization" comes
# from two): a message about a record of the older API names its fields as that API does.
SOURCE_NAMES = {
    new: old for old, new in RENAMES.items() if sum(n == new for n in RENAMES.values()) == 1
}
# A field name in a message's path: not inside a longer name, followed by "[", "." or ":"
# (a word of the message's prose is followed by a space).
_FIELD = re.compile(
    r"(?<![A-Za-z])(" + "|".join(sorted(SOURCE_NAMES, key=len, reverse=True)) + r")(?=[\[.:])"
)
# Top-level keys only the older API has: one of them marks a record as the older shape. An
# organisation embedded in a research output is a reference with neither ``info`` nor a
# British-spelled key, but its ``externalIdSource`` is the older API's (the current one has
# ``identifiers`` instead): without it, the reference's external id would be lost.
LEGACY_MARKERS = frozenset(RENAMES) | {"info", "externalIdSource"}

# Funding amounts (awards, applications): plain numbers in the older API.
AMOUNTS = (
    "awardedAmountInAwardedCurrency",
    "awardedAmount",
    "appliedAmountInAppliedCurrency",
    "appliedAmount",
    "estimatedValue",
)
# The amount given in the funder's currency -> the classification naming that currency
# (WSAwardFundingAssociation, WSApplicationFundingAssociation in the 524 API's schema, e.g.
# {"uri": "/dk/atira/pure/core/currencies/usd"}). The other amounts are in the system's own
# currency, which the record does not name.
CURRENCY_OF = {
    "awardedAmountInAwardedCurrency": "awardedCurrency",
    "appliedAmountInAppliedCurrency": "appliedCurrency",
}
# A currency classification's last URI segment is its ISO 4217 code (checked against the
# code list where the funder is built: kvrules' Funder model).
CURRENCY_CODE = re.compile(r"[A-Za-z]{3}")

# Collection paths that differ between the two APIs (the current name -> the older one).
LEGACY_PATHS = {
    "/external-organizations": "/external-organisations",
    "/organizations": "/organisational-units",
}


def api_version(base_url: str) -> str | None:
    """'524' for a base URL of the older versioned API, None for the current ``/ws/api``."""
    match = VERSIONED_BASE.search(base_url)
    return match.group("version") if match else None


def is_legacy(rec: Json) -> bool:
    """The record has the older shape (cheap: looks at the top-level keys only)."""
    return "version" not in rec and not LEGACY_MARKERS.isdisjoint(rec)


def _renamed(value: Any) -> Any:
    """A copy with the older names replaced; iterative (a record may be nested very deep)."""
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, holder, 0)]  # (source, parent, key in parent)
    while stack:
        source, parent, key = stack.pop()
        if isinstance(source, dict):
            parent[key] = copy = {RENAMES.get(k, k): None for k in source}
            stack += [(v, copy, RENAMES.get(k, k)) for k, v in source.items()]
        elif isinstance(source, list):
            parent[key] = copy = [None] * len(source)
            stack += [(v, copy, n) for n, v in enumerate(source)]
        else:
            parent[key] = source
    return holder[0]


def to_current(rec: Json) -> Json:
    """The record in the current API's shape; a record of the current shape is returned as is.

    ``version`` becomes the last-modified time (the older API has no version; the modified
    time changes with every edit, so it serves the event id and the diffed passes alike).
    """
    if not is_legacy(rec):
        return rec
    out: Json = _renamed(rec)
    info = out.pop("info", None)
    info = info if isinstance(info, dict) else {}
    for key in ("createdDate", "modifiedDate", "createdBy", "modifiedBy", "portalUrl"):
        if key in info:
            out.setdefault(key, info[key])
    if out.get("version") is None and isinstance(out.get("modifiedDate"), str):
        out["version"] = out["modifiedDate"]
    # Amounts are plain numbers there, {value, currency} objects in the current API.
    for funding in out.get("fundings") or []:
        if isinstance(funding, dict):
            for key in AMOUNTS:
                if isinstance(funding.get(key), int | float) and not isinstance(funding[key], bool):
                    funding[key] = {"value": funding[key]}
                    if code := currency(funding.get(CURRENCY_OF.get(key, ""))):
                        funding[key]["currency"] = code
    # The older API's one "other id" of a record (e.g. a SciVal institution id), moved into
    # identifiers: taken out, so that the result is of the current shape and a second rewrite
    # (the scan's, then the mapping's) leaves it as it is instead of adding the id again.
    source, value = out.pop("externalIdSource", None), out.pop("externalId", None)
    if isinstance(source, str) and isinstance(value, str) and source.strip() and value.strip():
        ids = out.get("identifiers") if isinstance(out.get("identifiers"), list) else []
        out["identifiers"] = [
            *ids,
            {"typeDiscriminator": "PrimaryId", "idSource": source, "value": value},
        ]
    # Its typed ids (ROR, Scopus affiliation, ...): ``ids``, classifiedSources in the 524 schema,
    # each {value: {formatted, value}, type: classification}; the current API's ClassifiedId
    # is {id, type}. Taken out too, for the same reason as the other id.
    if "ids" in out:
        classified = out.pop("ids")
        ids = out.get("identifiers") if isinstance(out.get("identifiers"), list) else []
        if isinstance(classified, list):
            out["identifiers"] = [*ids, *(classified_id(c) for c in classified)]
        else:  # a wrong type stays visible: the mapping names it
            out["identifiers"] = classified
    return out


def classified_id(ident: Any) -> Any:
    """One of the older API's ``ids`` as the current API's ClassifiedId {id, type}; anything
    but an object is returned as is (the mapping says what is wrong with it)."""
    if not isinstance(ident, dict):
        return ident
    value = ident.get("value")
    if isinstance(value, dict):  # {"formatted": false, "value": "60001724"}
        value = value.get("value")
    return {"typeDiscriminator": "ClassifiedId", "id": value, "type": ident.get("type")}


def currency(classification: Any) -> str | None:
    """'USD' from the older API's currency classification ({"uri": ".../currencies/usd"}),
    None when there is none or its last segment is not a three-letter code."""
    uri = classification.get("uri") if isinstance(classification, dict) else None
    tail = uri.rstrip("/").rsplit("/", 1)[-1] if isinstance(uri, str) else ""
    return tail.upper() if CURRENCY_CODE.fullmatch(tail) else None


def source_names(message: str) -> str:
    """A mapping message about a rewritten record with the field names the older API gave
    (``externalOrganizations[3].uuid`` -> ``externalOrganisations[3].uuid``): what a person
    looking at that API's record finds."""
    return _FIELD.sub(lambda m: SOURCE_NAMES[m.group(1)], message)


def collection_path(path: str, version: str | None) -> str:
    """The collection path on the API in use (the older one spells some differently)."""
    return LEGACY_PATHS.get(path, path) if version else path
