"""The older versioned Pure API (/ws/api/524), served from REAL responses.

``load(folder)`` reads responses saved from a real Pure: ``research-output-*.json`` and
``external-organisation-*.json`` (the adapter's tests/fixtures/pure-umn-524), or one folder per
collection as UMNLibraries/pureapi (MIT) publishes them (``research_output/*.json``,
``external_organisation/*.json``). Every external organisation a research output references is
served too: the full record where one was saved, else the reference itself, which in that API
already carries the organisation's name, type and external id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Json = dict[str, Any]
# Collections of the older API the simulator answers (projects and awards: empty).
COLLECTIONS = ("projects", "awards", "research-outputs", "external-organisations")


def _references(rec: Json) -> list[Json]:
    refs = list(rec.get("externalOrganisations") or [])
    for association in rec.get("personAssociations") or []:
        refs += association.get("externalOrganisations") or []
    return refs


def _saved(folder: Path, kind: str) -> list[Path]:
    """The saved responses of one kind, in either layout."""
    flat = folder.glob(f"{kind}-*.json")
    return sorted([*flat, *(folder / kind.replace("-", "_")).glob("*.json")])


def load(folder: Path) -> dict[str, dict[str, Json]]:
    """Collection name -> uuid -> record, in the older API's shape."""
    data: dict[str, dict[str, Json]] = {name: {} for name in COLLECTIONS}
    for path in _saved(folder, "research-output"):
        rec = json.loads(path.read_text("utf-8"))
        data["research-outputs"][rec["uuid"]] = rec
        for ref in _references(rec):
            data["external-organisations"].setdefault(ref["uuid"], ref)
    for path in _saved(folder, "external-organisation"):
        rec = json.loads(path.read_text("utf-8"))
        data["external-organisations"][rec["uuid"]] = rec
    return data
