"""``kvrules db upgrade`` and ``kvrules db backup``: the state database itself.

Commands that only read (``findings``, ``show``, ``audit verify`` …) open the database
read-only and refuse an older schema rather than upgrade it behind the reader's back: an
upgrade cannot be undone by the previous kvrules release, so it happens only when asked for
(``db upgrade``) or by a command that writes anyway (``scan``, ``watch``, ``serve`` …), and
always keeps the previous file (``X.schema-N.bak``), says so and audits it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click

from kvrules.cli.options import CONFIG_OPTION, DB_OPTION, config_from, state_db
from kvrules.cli.retention import cutoffs_of
from kvrules.store.privacy_api import ErasureLeft
from kvrules.store.retention import CategoryResult
from kvrules.store.upgrade import UPGRADED


def _existing(db: Path) -> None:
    """Refuse a missing path, and an empty file as one: SQLite takes a 0-byte file for a new
    database, so an upgrade made a fresh one there and said "nothing to upgrade"."""
    if not db.exists():
        raise click.ClickException(f"no kvrules database at {db} (run `kvrules scan` first)")
    if db.is_file() and db.stat().st_size == 0 and not _has_content(_beside(db, "-wal")):
        raise click.ClickException(
            f"{db} is an empty file, no kvrules database (the path may be wrong): nothing done"
        )


def _beside(db: Path, suffix: str) -> Path:
    return db.with_name(db.name + suffix)


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


# The files SQLite keeps beside the database: its -wal holds committed pages not yet in the
# file, so a copy written over it loses them (integrity_check still says ok)
SIDE_FILES = ("-wal", "-shm", "-journal")


def _dest_refused(db: Path, dest: Path) -> str | None:
    """Why ``dest`` may not be the copy's name: the database itself or one of its side files,
    by name or (where it exists) by file identity, a link or hard link to one of them."""
    own = [db, *(_beside(db, suffix) for suffix in SIDE_FILES)]
    named = dest.resolve()
    try:
        found = dest.stat()
    except OSError:
        found = None
    for kept in own:
        if named == kept.resolve() or (found is not None and _same_file(found, kept)):
            what = "the database itself" if kept == db else f"the database's {kept.name}"
            return f"DEST is {what}: name another file"
    return None


def _same_file(found: os.stat_result, path: Path) -> bool:
    try:
        other = path.stat()
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (other.st_dev, other.st_ino)


@click.group("db")
def db_group() -> None:
    """The state database: upgrade it, copy it while kvrules runs."""


# The first schema of 0.4.0, whose retention counts a record's content from its project's
# end: rows 0.3.0's clock kept become due at once, all at the first `purge --apply`.
RETENTION_FROM_PROJECT_END = 18


@db_group.command("upgrade")
@CONFIG_OPTION
@DB_OPTION
def db_upgrade(config_path: Path | None, db: Path | None) -> None:
    """Upgrade the state database to this kvrules' schema, keeping the previous file beside it
    (X.schema-N.bak) and writing the upgrade to the audit log; say what the upgrade makes due
    (retention) and what is left to do (erasures made under an older release)."""
    from kvrules.store import Store

    config = config_from(config_path, db)
    path = config.database
    _existing(path)
    said: list[str] = []
    # the upgrade's own line ("upgrading X from schema 19 to 20; the previous file is kept at
    # …"), said once when it is done, as a scan that upgrades says it: not a second line
    with Store.open(path, say=said.append) as store:
        version = store.schema_version
        if not said:
            click.echo(f"{path} has schema {version} already: nothing to upgrade")
            return
        for line in said:
            click.echo(line.replace("upgrading ", "upgraded ", 1))
        from_schema = store.audit_entries_of_action(UPGRADED)[-1].details["from_schema"]
        if from_schema < RETENTION_FROM_PROJECT_END:
            due = store.retention_survey(cutoffs_of(config.retention.periods(), store.clock()))
            if line := _due_now(due):
                click.echo(line)
        if line := _erasures_left(store.erasures_leaving_audit()):
            click.echo(line)


def _erasures_left(left: list[ErasureLeft]) -> str | None:
    """Erasures an older release made without rewriting the audit log (0.3.0 kept the
    entries quoting the name): each is to be run again, by name, which the store never kept."""
    if not left:
        return None
    each = "; ".join(
        f"{e.at[:10]} {e.pseudonym}" + (f" request {e.request}" if e.request else "") for e in left
    )
    return (
        f"{len(left)} erasure(s) made by an earlier release did not rewrite the audit log, "
        f"which may still quote the name ({each}): run each again, `kvrules privacy erase "
        "--person NAME --apply` (the person keeps that pseudonym)"
    )


def _due_now(due: list[CategoryResult]) -> str | None:
    """Rows the retention policy takes at the next ``purge --apply``, said before it runs."""
    counted = [r for r in due if r.count]
    if not counted:
        return None
    total = sum(r.count for r in counted)
    each = "; ".join(
        f"{r.category} {r.count:,}, oldest {r.oldest:%Y-%m-%d}"
        if r.oldest
        else f"{r.category} {r.count:,}"
        for r in counted
    )
    return (
        f"retention now counts a record's content from its project's end: {total:,} row(s) are "
        f"due ({each}); run `kvrules purge` (a dry run) and read them before the next "
        "`purge --apply`, which removes them"
    )


@db_group.command("backup")
@state_db
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(db: Path, dest: Path) -> None:
    """Copy the state database to DEST while scans or the web app may be writing it (SQLite's
    backup API: every committed change, those still in the -wal file too); DEST is readable
    by its owner only."""
    from kvrules.store.upgrade import copy_database

    _existing(db)
    if refused := _dest_refused(db, dest):
        raise click.UsageError(refused)
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
