"""The adapter state of a source removed from the configuration: nothing scans it any more,
so nothing would replace its rows. ``kvrules purge`` says how many are kept for sources the
configuration no longer names; ``--apply`` drops them with the source's cursor (audited
``source.forgotten``): a source that comes back is read in full, which rebuilds them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store


def _site(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        for source in ("files", "old-pure"):
            with store.transaction():
                store.keep_adapter_state(source, [("records", "r1", ""), ("records", "r2", "")])
                store.set_cursor(source, f"{source}-cursor")
    exports = tmp_path / "exports"
    exports.mkdir()
    config = tmp_path / "kvrules.yaml"
    sources = {"files": {"adapter": "file", "settings": {"path": str(exports)}}}
    config.write_text(yaml.safe_dump({"database": str(db), "sources": sources}), "utf-8")
    return db, config


def _kept(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT source, count(*) FROM adapter_state GROUP BY source"))


def test_purge_drops_the_state_of_sources_no_longer_configured(tmp_path: Path) -> None:
    db, config = _site(tmp_path)
    dry = CliRunner().invoke(cli, ["purge", "--config", str(config), "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["unconfigured_sources"] == {"old-pure": 2}
    text = CliRunner().invoke(cli, ["purge", "--config", str(config)])
    assert "source 'old-pure' is no longer configured: 2 row(s) of adapter state" in text.stdout
    assert _kept(db) == {"files": 2, "old-pure": 2}  # a dry run changes nothing

    applied = CliRunner().invoke(cli, ["purge", "--config", str(config), "--apply", "--json"])
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout)["unconfigured_sources"] == {"old-pure": 2}
    assert _kept(db) == {"files": 2}
    with Store.open(db) as store:
        assert store.get_cursor("old-pure") is None  # if it comes back: read in full
        assert store.get_cursor("files") == "files-cursor"
        (entry,) = [e for e in store.audit_entries() if e.action == "source.forgotten"]
    assert entry.subject == "source:old-pure" and entry.details["adapter_state_rows"] == 2
