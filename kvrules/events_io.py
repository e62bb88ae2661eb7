"""Reading canonical events from JSON lines (``kvrules evaluate``), bounded per line.

A line is read with at most ``max_record_chars`` bytes in memory (a longer one is skipped
without being held whole), parsed and typed by the model, then its names and titles are
checked against the limits before anything matches them. A bad line is reported as
``FILE:LINE: field.path: reason`` and left out; the others are evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from kvrules.errors import validation_problem
from kvrules.intake import from_enriched_output
from kvrules.limits import LimitExceeded, RecordLimits, check_events
from kvrules.model import CollaborationEvent

CHUNK = 1 << 20


def validation_reason(e: ValidationError) -> str:
    """``field.path: message (+N more)`` of the first problem pydantic found."""
    return validation_problem(e, "line")


def bounded_lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, the line or None when it is longer than ``max_bytes``, its length)."""
    number = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield number, line, len(line)
            continue
        length = len(line)
        while line and not line.endswith(b"\n"):  # skip the rest of an over-long line
            line = fh.readline(CHUNK)
            length += len(line)
        yield number, None, length


def read_events(
    path: Path,
    skipped: list[str],
    limits: RecordLimits | None = None,
    *,
    screen_again: bool = True,
) -> Iterator[CollaborationEvent]:
    """Events from a JSON-lines file; bad lines are reported in ``skipped`` and left out.

    The file may be kvrules' own enriched output (``kvrules fetch --json``): a country its
    enrichment set apart goes back to be decided again when ``screen_again`` (the events are
    enriched next), else stays apart (``kvrules.intake.from_enriched_output``)."""
    limits = limits or RecordLimits()
    with path.open("rb") as fh:
        for number, raw, length in bounded_lines(fh, limits.max_record_chars):
            if raw is None:
                skipped.append(
                    f"{path}:{number}: line: size {length:,} bytes is over the limit "
                    f"{limits.max_record_chars:,} (max_record_chars)"
                )
                continue
            if not raw.strip():
                continue
            try:
                event = CollaborationEvent.model_validate_json(raw)
                check_events([event], limits)
            except ValidationError as e:
                skipped.append(f"{path}:{number}: {validation_reason(e)}")
                continue
            except LimitExceeded as e:
                skipped.append(f"{path}:{number}: {e}")
                continue
            if (refused := from_enriched_output(event, screen_again=screen_again)) is not None:
                skipped.append(f"{path}:{number}: {refused}")
                continue
            yield event
