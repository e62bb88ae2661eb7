"""A person erased under 0.3.0 stays erased after the upgrade (review of the privacy change,
item 2): the erased-name digest is over the folded name, and schema 18 folds the Turkish
dotless i (U+0131) as i, so "Mehmet Y\u0131ld\u0131z", erased under 0.3.0, no longer matched its digest and the
next scan stored the real name again. The store is a real 0.3.0 file
(``data/erased_under_0_3_0.sql``, made as ``data/make_erased_under_0_3_0.py`` says)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from kvrules.model import CollaborationEvent
from kvrules.store import Store
from tests.web.web_helpers import event

DUMP = Path(__file__).parent / "data" / "erased_under_0_3_0.sql"


def _led(record_id: str, name: str) -> CollaborationEvent:
    body = event(record_id, "Beihang University", "CN", with_match=True).model_dump(mode="json")
    body["project"]["participants"] = [{"role": "pi", "display_name": name}]
    return CollaborationEvent.model_validate(body)


def _store_of_0_3_0(tmp_path: Path) -> Path:
    path = tmp_path / "kv.db"
    conn = sqlite3.connect(path)
    conn.executescript(DUMP.read_text(encoding="utf-8"))
    conn.close()
    return path


def _lead(store: Store, record_id: str) -> str:
    row = store._db.conn.execute(
        "SELECT body FROM record_subjects WHERE record_id = ?", (record_id,)
    ).fetchone()
    return json.loads(row[0])["project"]["participants"][0]["display_name"]


def test_a_name_with_a_dotless_i_erased_under_0_3_0_stays_erased(tmp_path: Path) -> None:
    path = _store_of_0_3_0(tmp_path)
    with Store.open(path, say=lambda s: None) as store:  # upgraded to the current schema
        erased_to = _lead(store, "p-1")
        assert erased_to.startswith("(erased person ")
        store.record_subject(_led("p-1", "Mehmet Yıldız"))  # the next scan reads the RIS
        assert _lead(store, "p-1") == erased_to
        # another name with a dotless i, never erased, is kept as the RIS gives it
        store.record_subject(_led("p-2", "Ayşe Kılıç"))
        assert _lead(store, "p-2") == "Ayşe Kılıç"
