"""JSON lines of canonical ``CollaborationEvent`` (``kvrules schema``), as-is.

Lines with the same ``source.record_id`` make one record. A bad line quarantines its record
(found from the line's JSON when it parses) or, failing that, ``FILE:LINE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from kvrules import CollaborationEvent

from .records import Found, first_error


def _record_id_of(line: str) -> str | None:
    try:
        rid = json.loads(line)["source"]["record_id"]
    except (ValueError, TypeError, KeyError):
        return None
    return rid if isinstance(rid, str) and rid.strip() else None


def parse(path: Path, text: str) -> Iterator[Found]:
    found: dict[str, Found] = {}
    errors: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = CollaborationEvent.model_validate_json(line)
        except ValidationError as e:
            record_id = _record_id_of(line) or f"{path.name}:{number}"
            found.setdefault(record_id, Found(record_id))
            errors.setdefault(record_id, []).append(f"{path}:{number}: {first_error(e)}")
            continue
        found.setdefault(event.source.record_id, Found(event.source.record_id)).events.append(event)
    for record_id, item in found.items():
        yield Found.failed(record_id, "; ".join(errors[record_id])) if record_id in errors else item
