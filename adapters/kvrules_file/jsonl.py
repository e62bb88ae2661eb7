"""JSON lines of canonical ``CollaborationEvent`` (``kvrules schema``), as-is.

Lines with the same ``source.record_id`` make one record. A bad line quarantines its record
(found from the line's JSON when it parses) or, failing that, ``FILE:LINE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from kvrules import (
    CollaborationEvent,
    LimitExceeded,
    RecordLimits,
    check_events,
    parse_untrusted_json,
)

from . import encoding
from .records import Found, first_error


def _record_id_of(line: str) -> str | None:
    try:
        rid = parse_untrusted_json(line)["source"]["record_id"]
    except (ValueError, TypeError, KeyError):
        return None
    usable = isinstance(rid, str) and rid.strip() and not encoding.undecodable(rid)
    return rid if usable else None


def _bad_string(value: object, where: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """``(field path, text)`` of the first key or string holding a byte that was not UTF-8."""
    if isinstance(value, str):
        return (".".join(where), value) if encoding.undecodable(value) else None
    if isinstance(value, dict):
        items: Iterable[tuple[object, object]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:  # a number, true, false or null
        return None
    for key, item in items:
        if isinstance(key, str) and encoding.undecodable(key):
            return ".".join(where), key
        if found := _bad_string(item, (*where, str(key))):
            return found
    return None


def _not_utf8(line: str) -> str:
    """The reason a line with a byte that is not UTF-8 is bad, naming the JSON field it is in."""
    try:
        found = _bad_string(parse_untrusted_json(line))
    except ValueError:
        found = None
    if found is None:  # not JSON: the line may be anything (a key file), so not quoted
        return encoding.first_bad_byte(line)
    where, text = found
    return f"{where + ': ' if where else ''}{encoding.not_utf8(text)}"


# pydantic places a JSON syntax error "at line 1 column 14": the line of the JSON text, which
# is one line of the file; said beside the file's own line number it read as a second place.
_JSON_PLACE = re.compile(r" at line 1 column (\d+)$")


def _within_the_line(reason: str) -> str:
    """A JSON syntax error placed by its character in the line, not "at line 1"."""
    return _JSON_PLACE.sub(r" at character \1 of the line", reason)


def parse(path: Path, text: str, limits: RecordLimits | None = None) -> Iterator[Found]:
    limits = limits or RecordLimits()
    found: dict[str, Found] = {}
    errors: dict[str, list[str]] = {}

    def fail(record_id: str | None, number: int, reason: str) -> None:
        if record_id is None:  # known by its place only: FILE:LINE is the id and says where
            record_id, where = f"{path.name}:{number}", ""
        else:
            where = f"{path}:{number}: "
        found.setdefault(record_id, Found(record_id))
        errors.setdefault(record_id, []).append(where + reason)

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > limits.max_record_chars:  # not parsed: known by its position only
            limit = f"{limits.max_record_chars:,} (max_record_chars)"
            fail(None, number, f"size {len(line):,} is over the limit {limit}")
            continue
        if encoding.undecodable(line):
            fail(_record_id_of(line), number, _not_utf8(line))
            continue
        try:
            event = CollaborationEvent.model_validate_json(line)
            check_events([event], limits)  # names and titles, before anything matches them
        except ValidationError as e:
            fail(_record_id_of(line), number, _within_the_line(first_error(e)))
            continue
        except LimitExceeded as e:
            fail(event.source.record_id, number, str(e))
            continue
        found.setdefault(event.source.record_id, Found(event.source.record_id)).events.append(event)
    for record_id, item in found.items():
        yield Found.failed(record_id, "; ".join(errors[record_id])) if record_id in errors else item
