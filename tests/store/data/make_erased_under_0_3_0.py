"""How ``erased_under_0_3_0.sql`` was made: a kvrules 0.3.0 store (this repository at
450a225f877180d3a08daebe6d1b598b482432b9, version 0.3.0, schema 17; the project's own licence)
in which "Mehmet Y\u0131ld\u0131z" (a made-up lead, dotless i U+0131) was erased. Run from a 0.3.0 checkout:
``PYTHONPATH=. python make_erased_under_0_3_0.py erased.db``, then
``sqlite3 erased.db .dump`` (or ``iterdump``) into the .sql file. Not collected by pytest."""

import sqlite3
import sys
from pathlib import Path

from kvrules.model import CollaborationEvent
from kvrules.store import Store
from tests.web.web_helpers import event

out = Path(sys.argv[1])
for p in out.parent.glob(out.name + "*"):
    p.unlink()


def led(rid, name):
    body = event(rid, "Beihang University", "CN", with_match=True).model_dump(mode="json")
    body["project"]["participants"] = [{"role": "pi", "display_name": name}]
    return CollaborationEvent.model_validate(body)


with Store.open(out, create=True, say=lambda s: None) as s:
    s.record_subject(led("p-1", "Mehmet Yıldız"))
    s.record_subject(led("p-2", "Ayşe Kılıç"))
    done = s.erase_person("Mehmet Yıldız", actor="dpo", apply=True)
    print(done.pseudonym)
c = sqlite3.connect(out)
print(
    c.execute("PRAGMA user_version").fetchone(),
    c.execute("select count(*) from erased_people").fetchone(),
)
