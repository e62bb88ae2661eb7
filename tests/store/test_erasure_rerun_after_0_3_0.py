"""Erasures made under 0.3.0 are to be run again after the upgrade, and keep their pseudonym
(reviewer, 0.3.0 → 0.4.0: 0.3.0 kept the audit entries quoting an erased name, so after `db
upgrade` `privacy export` still found `audit_entries: 1`; nothing said to re-run the erasure,
and re-running gave a new pseudonym each time, 247f2426 → 5b59cf1a: one person under several
pseudonyms).

The store is a real 0.3.0 file (``data/erased_under_0_3_0.sql``, made at 450a225 as
``data/make_erased_under_0_3_0.py`` says; the project's own licence), with one audit entry
quoting the name as 0.3.0 kept it (appended through the audit chain as 0.3.0 appended)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kvrules.cli import cli
from kvrules.store import Store
from kvrules.store import audit as _audit

DUMP = Path(__file__).parent / "data" / "erased_under_0_3_0.sql"
NAME = "Mehmet Y\u0131ld\u0131z"
PSEUDONYM = "(erased person f854a786)"  # what 0.3.0 erased the name to (the dump's)


def _store_of_0_3_0(tmp_path: Path) -> Path:
    path = tmp_path / "kvrules.db"
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.executescript(DUMP.read_text(encoding="utf-8"))
    with conn:
        _audit.append(
            conn,
            "2026-12-07T16:00:00.000000Z",
            "adviser",
            "case.triaged",
            "case:1",
            {"note": f"asked {NAME} for the contract"},
        )
    conn.close()
    return path


def test_db_upgrade_says_which_erasures_to_run_again(runner, tmp_path: Path) -> None:
    path = _store_of_0_3_0(tmp_path)
    upgraded = runner.invoke(cli, ["db", "upgrade", "--db", str(path)])
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout.splitlines()[-1] == (
        f"1 erasure(s) made by an earlier release did not rewrite the audit log, which may "
        f"still quote the name (2026-12-07 {PSEUDONYM}): run each again, `kvrules privacy "
        "erase --person NAME --apply` (the person keeps that pseudonym)"
    )


def test_erasing_an_erased_person_again_keeps_the_pseudonym(tmp_path: Path) -> None:
    path = _store_of_0_3_0(tmp_path)
    with Store.open(path, say=lambda line: None) as store:
        assert store.person_data(NAME, actor="dpo").counts()["audit_entries"] == 1
        dry = store.erase_person(NAME, actor="dpo")
        assert dry.pseudonym == PSEUDONYM
        again = store.erase_person(NAME, actor="dpo", apply=True)
        assert again.pseudonym == PSEUDONYM and again.found.counts()["audit_entries"] == 1
        assert store.person_data(NAME, actor="dpo").counts()["audit_entries"] == 0
        assert store.erasures_leaving_audit() == []  # re-run: nothing left to say
        third = store.erase_person(NAME, actor="dpo", apply=True)
        assert third.pseudonym == PSEUDONYM
        pseudonyms = {r[0] for r in store._db.conn.execute("SELECT pseudonym FROM erased_people")}
        assert pseudonyms == {PSEUDONYM}
        assert not store.verify_audit()


def test_another_person_gets_another_pseudonym(tmp_path: Path) -> None:
    path = _store_of_0_3_0(tmp_path)
    with Store.open(path, say=lambda line: None) as store:
        other = store.erase_person("Ay\u015fe K\u0131l\u0131\u00e7", actor="dpo", apply=True)
        assert other.pseudonym != PSEUDONYM and other.found.counts()["records"] == 1
