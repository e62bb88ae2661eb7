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
# Collections of the older API the simulator answers (projects, awards and units: empty unless
# a test adds some).
COLLECTIONS = (
    "projects",
    "awards",
    "research-outputs",
    "external-organisations",
    "organisational-units",
)


class BadSavedResponse(ValueError):
    """A saved response the simulator cannot serve (not JSON, not a record, references of the
    wrong shape); the message says what, in one line."""


def _listed(value: Any, path: str) -> list[Json]:
    """The references at ``path``: a list of objects with a uuid each (absent: none)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadSavedResponse(f"{path}: expected a list, got {type(value).__name__}")
    for n, ref in enumerate(value):
        if not isinstance(ref, dict) or not isinstance(ref.get("uuid"), str):
            raise BadSavedResponse(f"{path}[{n}]: expected an object with a uuid")
    return value


def _references(rec: Json) -> list[Json]:
    refs = _listed(rec.get("externalOrganisations"), "externalOrganisations")
    associations = rec.get("personAssociations")
    if associations is not None and not isinstance(associations, list):
        raise BadSavedResponse("personAssociations: expected a list")
    for n, association in enumerate(associations or []):
        if not isinstance(association, dict):
            raise BadSavedResponse(f"personAssociations[{n}]: expected an object")
        refs = refs + _listed(
            association.get("externalOrganisations"),
            f"personAssociations[{n}].externalOrganisations",
        )
    return refs


def _saved(folder: Path, kind: str) -> list[Path]:
    """The saved responses of one kind, in either layout."""
    flat = folder.glob(f"{kind}-*.json")
    return sorted([*flat, *(folder / kind.replace("-", "_")).glob("*.json")])


def _record(path: Path) -> Json:
    """One saved response: a JSON object with a uuid (BadSavedResponse otherwise)."""
    try:
        rec = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadSavedResponse(f"not a readable JSON file ({e})") from None
    if not isinstance(rec, dict) or not isinstance(rec.get("uuid"), str):
        raise BadSavedResponse("not a record: expected a JSON object with a uuid")
    return rec


def load(folder: Path, skipped: list[str] | None = None) -> dict[str, dict[str, Json]]:
    """Collection name -> uuid -> record, in the older API's shape.

    A saved response that cannot be served is left out, and said in one line
    ("PATH: skipped: REASON") appended to ``skipped`` when given."""
    data: dict[str, dict[str, Json]] = {name: {} for name in COLLECTIONS}
    for kind, collection in (
        ("research-output", "research-outputs"),
        ("external-organisation", "external-organisations"),
    ):
        for path in _saved(folder, kind):
            try:
                rec = _record(path)
                refs = _references(rec) if kind == "research-output" else []
            except BadSavedResponse as e:
                if skipped is not None:
                    skipped.append(f"{path}: skipped: {e}")
                continue
            data[collection][rec["uuid"]] = rec
            for ref in refs:  # a full record saved for it replaces the reference
                data["external-organisations"].setdefault(ref["uuid"], ref)
    return data
