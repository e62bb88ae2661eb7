"""A change to what a stored record holds is a schema change (reviewer, 0.4.0 → 0.5.0: main
stored ``project.areas_not_screened`` in ``record_subjects`` and kept schema 19, so
``db upgrade`` kept no ``.schema-19.bak`` and 0.4.0, run again on the file, neither refused it
nor read it: every scan stopped with exit 70 on a ValidationError, ``extra_forbidden``).

The event model forbids fields it does not know (``kvrules.model._Model``): a release reading
a record a later one stored with a new field fails, so a new field needs a new schema number,
which every release refuses in one line ("schema version 20 is newer than this kvrules
supports (19)", checked by hand with 0.4.0 itself, commit 44ac1d3)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kvrules.cli import cli
from kvrules.model import CollaborationEvent
from kvrules.store.db import Database, connect, migrate
from kvrules.store.migrations import MIGRATIONS
from tests.store.store_helpers import T0

LATEST = MIGRATIONS[-1].version

# Schema → digest of the stored event's fields (``_fields_digest``) in the release that has it.
# 19: kvrules 0.4.0 (44ac1d3), computed with that release installed; 20: ``areas_not_screened``
# on projects, outputs and visits, and an output's units and internal authors. A new field: add a migration (even one with no statement)
# and its digest here.
STORED_FORMAT = {19: "d4c4aea879b9d671", 20: "6f53a2958c197f47"}


def _fields_digest() -> str:
    """Every field of every model a stored event is made of ("Project.areas_not_screened"),
    not their descriptions: what a release that forbids unknown fields would refuse."""
    schema = CollaborationEvent.model_json_schema()
    models = {"CollaborationEvent": schema, **schema.get("$defs", {})}
    fields = sorted(f"{m}.{f}" for m, d in models.items() for f in d.get("properties", {}))
    return hashlib.sha256("\n".join(fields).encode()).hexdigest()[:16]


def test_the_stored_event_format_has_a_schema_number_of_its_own() -> None:
    assert STORED_FORMAT.get(LATEST) == _fields_digest(), (
        f"what a stored record holds changed without a schema change (schema {LATEST}): "
        "add a migration, so that the previous release refuses the file in one line"
    )


def test_a_0_4_0_file_is_upgraded_with_its_copy_kept(runner, tmp_path: Path) -> None:
    """Schema 19 as 0.4.0 made it (its shipped migrations 1-19): ``db upgrade`` keeps the
    ``.schema-19.bak`` README's "Rolling back" moves back, and says 19 → the latest."""
    path = tmp_path / "kvrules.db"
    db = Database(connect(path), path)
    migrate(db, T0, MIGRATIONS[:19])
    db.close()
    upgrade = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert upgrade.exit_code == 0, upgrade.stderr
    assert upgrade.stdout == (
        f"upgraded {path} from schema 19 to {LATEST}; the previous file is kept at "
        f"{path}.schema-19.bak\n"
    )
    assert (tmp_path / "kvrules.db.schema-19.bak").is_file()
