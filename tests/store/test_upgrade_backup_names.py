"""An upgrade never overwrites an earlier upgrade's copy (reviewer's defect: a second upgrade
from schema 11, after a rollback, replaced `X.schema-11.bak` silently)."""

from __future__ import annotations

from pathlib import Path

from kvrules.store.migrations import MIGRATIONS
from tests.store.store_helpers import T0
from tests.store.test_upgrade_readers import PREVIOUS, previous_schema, version_of


def test_an_upgrade_keeps_an_earlier_copy_and_names_its_own(tmp_path: Path) -> None:
    from datetime import timedelta

    from kvrules.store import Store

    path = previous_schema(tmp_path / "kvrules.db")
    earlier = tmp_path / f"kvrules.db.schema-{PREVIOUS}.bak"
    earlier.write_bytes(b"the copy an earlier upgrade kept")
    said: list[str] = []
    moment = T0 + timedelta(days=3)
    with Store.open(path, say=said.append, clock=lambda: moment) as store:
        upgraded = store.audit_entries()[-1]
    assert earlier.read_bytes() == b"the copy an earlier upgrade kept"
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    kept = tmp_path / f"kvrules.db.schema-{PREVIOUS}.{stamp}.bak"
    assert version_of(kept) == PREVIOUS
    assert said == [
        f"upgrading {path} from schema {PREVIOUS} to {MIGRATIONS[-1].version}; the previous "
        f"file is kept at {kept} ({earlier}, from an earlier upgrade, is kept as it was)"
    ]
    assert upgraded.details["previous_file"] == str(kept)
