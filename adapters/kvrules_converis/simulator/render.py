"""Store records -> Read API JSON (EntityData, LinkEntityData), trimmed as the headers ask."""

from __future__ import annotations

from typing import Any

from .config import READ_BASE
from .model import DataModel
from .store import Json, Store

BASIC = "BASIC"


class BadHeader(ValueError):
    pass


def attribute_names(header: str | None, model: DataModel, entity: str | None) -> set[str] | None:
    """None = all attributes; an empty set = BASIC (the fields EntityData always has)."""
    value = (header or BASIC).strip()
    if value.upper() == "ALL":
        return None
    if value.upper() == BASIC:
        return set()
    names = {n.strip() for n in value.split(",") if n.strip()}
    if entity is not None:
        known = {a.name for a in model.entities[entity].attributes}
        if unknown := sorted(names - known):
            raise BadHeader(f"Unknown attribute(s) for {entity}: {', '.join(unknown)}")
    return names


def _labels(labels: list[Json], language: str | None) -> list[Json]:
    return [x for x in labels if language is None or x.get("language") == language]


def _attrs(attrs: list[Json], names: set[str] | None, language: str | None) -> list[Json]:
    return [
        a
        for a in attrs
        if (names is None or a["attributeName"] in names)
        and (language is None or a.get("language") in (None, language))
    ]


def entity(
    rec: Json,
    model: DataModel,
    names: set[str] | None,
    language: str | None,
    link_refs: bool,
) -> Json:
    out: Json = {k: v for k, v in rec.items() if k != "attributes"}
    out["statusLabels"] = _labels(rec.get("statusLabels", []), language)
    out["shortDescription"] = _labels(rec.get("shortDescription", []), language)
    if names is None or names:
        out["attributes"] = _attrs(rec.get("attributes", []), names, language)
    if link_refs:
        links = []
        for ld in model.links_of(rec["entityName"]):
            other = ld.right if ld.left == rec["entityName"] else ld.left
            href = f"{READ_BASE}/data/entities/{other}/linked/{ld.name}/{rec['id']}"
            links.append({"rel": other, "href": href})
        out["links"] = links
    return out


def basic(store: Store, rec_id: int) -> Json:
    rec = store.find(rec_id) or {"id": rec_id, "entityName": "?", "status": 0}
    return {
        "id": rec_id,
        "entityName": rec["entityName"],
        "status": rec.get("status"),
        "data": {
            "rel": rec["entityName"],
            "href": f"{READ_BASE}/data/entities/{rec['entityName']}/{rec_id}",
        },
        "shortDescription": rec.get("shortDescription", []),
    }


def link(rec: Json, store: Store, names: set[str] | None, language: str | None) -> Json:
    out: Json = {
        "id": rec["id"],
        "linkName": rec["linkName"],
        "leftEntity": basic(store, rec["left"]),
        "rightEntity": basic(store, rec["right"]),
        **{
            k: rec[k]
            for k in ("leftSeq", "rightSeq", "createdBy", "createdOn", "updatedBy", "updatedOn")
        },
    }
    if names is None or names:
        out["attributes"] = _attrs(rec.get("attributes", []), names, language)
    return out


def page(
    items: list[Any],
    start: int,
    count: int,
    render: Any,
    omit_empty: bool = False,
    ends_at: int | None = None,
) -> Json:
    """One 1-based page of ``items``, rendering only the records on it. ``data`` is not a
    required property of the lists in the spec: ``omit_empty`` leaves it out of empty pages.
    ``ends_at``: no record past this many is answered, ``nrRecordsAll`` still counts them."""
    end = start - 1 + count if ends_at is None else min(start - 1 + count, ends_at)
    data = [render(r) for r in items[start - 1 : end]]
    out: Json = {
        "startRecord": start,
        "count": count,
        "nrRecordsAll": len(items),
        "nrRecordsFound": len(data),
    }
    if data or not omit_empty:
        out["data"] = data
    return out
