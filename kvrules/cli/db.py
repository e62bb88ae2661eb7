"""``kvrules db upgrade`` and ``kvrules db backup``: the state database itself.

Commands that only read (``findings``, ``show``, ``audit verify`` …) open the database
read-only and refuse an older schema rather than upgrade it behind the reader's back: an
upgrade cannot be undone by the previous kvrules release, so it happens only when asked for
(``db upgrade``) or by a command that writes anyway (``scan``, ``watch``, ``serve`` …), and
always keeps the previous file (``X.schema-N.bak``), says so and audits it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from kvrules.cli.options import state_db


def _existing(db: Path) -> None:
    if not db.exists():
        raise click.ClickException(f"no kvrules database at {db} (run `kvrules scan` first)")


@click.group("db")
def db_group() -> None:
    """The state database: upgrade it, copy it while kvrules runs."""


@db_group.command("upgrade")
@state_db
def db_upgrade(db: Path) -> None:
    """Upgrade the state database to this kvrules' schema, keeping the previous file beside it
    (X.schema-N.bak) and writing the upgrade to the audit log."""
    from kvrules.store import Store

    _existing(db)
    said: list[str] = []
    # the upgrade's own line ("upgrading X from schema 17 to 19; the previous file is kept at
    # …"), said once when it is done, as a scan that upgrades says it: not a second line
    with Store.open(db, say=said.append) as store:
        version = store.schema_version
    if not said:
        click.echo(f"{db} has schema {version} already: nothing to upgrade")
        return
    for line in said:
        click.echo(line.replace("upgrading ", "upgraded ", 1))


@db_group.command("backup")
@state_db
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(db: Path, dest: Path) -> None:
    """Copy the state database to DEST while scans or the web app may be writing it (SQLite's
    backup API: every committed change, those still in the -wal file too); DEST is readable
    by its owner only."""
    from kvrules.store.upgrade import copy_database

    _existing(db)
    if dest.resolve() == db.resolve():
        raise click.UsageError("DEST is the database itself: name another file")
    # said by the folder the user named: the copy is written to a hidden file there first,
    # whose name would otherwise be the one the error shows
    folder = dest.parent
    if not folder.is_dir():
        raise click.ClickException(f"{folder}: no such folder for the copy (create it first)")
    try:
        copy_database(db, dest)
    except sqlite3.DatabaseError as e:  # not SQLite at all, or a file it cannot open
        raise click.ClickException(
            f"{db}: cannot be read as a database ({e}); nothing copied"
        ) from e
    except OSError as e:
        raise click.ClickException(
            f"{folder}: cannot write the copy there ({e.strerror or e})"
        ) from e
    click.echo(f"copied {db} to {dest}")
