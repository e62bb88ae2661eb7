"""What a format parser finds in a file, before cursors are attached."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from kvrules import CollaborationEvent, EventKind, FetchedRecord, Project, Source
from kvrules.errors import validation_problem

SYSTEM = "file"


@dataclass
class Found:
    """One record: a CSV project, JSONL events sharing a record id, or a reason it is bad."""

    record_id: str
    project: Project | None = None
    events: list[CollaborationEvent] = field(default_factory=list)
    updated_at: datetime | None = None
    error: str | None = None

    @classmethod
    def failed(cls, record_id: str, error: str) -> Found:
        return cls(record_id, error=error)

    @classmethod
    def at(cls, path: Path, line: int, reason: str) -> Found:
        """A failure known only by its place: ``FILE:LINE`` is its id, so the reason does not
        repeat it."""
        return cls(f"{path.name}:{line}", error=reason)

    def to_record(self, kind: EventKind, file_time: datetime) -> FetchedRecord:
        if self.error is not None:
            return FetchedRecord(record_id=self.record_id, error=self.error)
        events = list(self.events)
        if self.project is not None:
            events.append(project_event(self.project, kind, self.updated_at or file_time))
        return FetchedRecord(record_id=self.record_id, events=events)


def project_event(project: Project, kind: EventKind, at: datetime) -> CollaborationEvent:
    # The id hashes the project's content: an unchanged project re-read from a re-exported
    # file gets the same id (the store drops it as a repeat); any change gives a new id.
    content = project.model_dump_json().encode()
    version = hashlib.blake2b(content, digest_size=6).hexdigest()
    return CollaborationEvent(
        id=f"{SYSTEM}:{project.id}:{version}",
        kind=kind,
        source=Source(system=SYSTEM, record_id=project.id),
        occurred_at=at if at.tzinfo else at.replace(tzinfo=UTC),
        project=project,
    )


def first_error(e: ValidationError) -> str:
    """``loc: message (+N more)`` of the first problem pydantic found."""
    return validation_problem(e)
