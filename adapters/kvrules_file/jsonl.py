"""JSON lines of canonical ``CollaborationEvent`` (``kvrules schema``), as-is.

Lines with the same ``source.record_id`` make one record. A bad line quarantines its record
(found from the line's JSON when it parses) or, failing that, ``FILE:LINE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from kvrules import CollaborationEvent, LimitExceeded, RecordLimits, check_events

from .records import Found, first_error


def _record_id_of(line: str) -> str | None:
    try:
        rid = json.loads(line)["source"]["record_id"]
    except (ValueError, TypeError, KeyError):
        return None
    return rid if isinstance(rid, str) and rid.strip() else None


def parse(path: Path, text: str, limits: RecordLimits | None = None) -> Iterator[Found]:
    limits = limits or RecordLimits()
    found: dict[str, Found] = {}
    errors: dict[str, list[str]] = {}

    def fail(record_id: str, number: int, reason: str) -> None:
        found.setdefault(record_id, Found(record_id))
        errors.setdefault(record_id, []).append(f"{path}:{number}: {reason}")

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > limits.max_record_chars:  # not parsed: known by its position only
            limit = f"{limits.max_record_chars:,} (max_record_chars)"
            fail(f"{path.name}:{number}", number, f"size {len(line):,} is over the limit {limit}")
            continue
        try:
            event = CollaborationEvent.model_validate_json(line)
            check_events([event], limits)  # names and titles, before anything matches them
        except ValidationError as e:
            fail(_record_id_of(line) or f"{path.name}:{number}", number, first_error(e))
            continue
        except LimitExceeded as e:
            fail(event.source.record_id, number, str(e))
            continue
        found.setdefault(event.source.record_id, Found(event.source.record_id)).events.append(event)
    for record_id, item in found.items():
        yield Found.failed(record_id, "; ".join(errors[record_id])) if record_id in errors else item
