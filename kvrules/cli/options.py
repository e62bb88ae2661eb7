"""Options shared by the commands: one name, one meaning, everywhere.

- ``--config``  the configuration file (``$KVRULES_CONFIG``, else ``./kvrules.yaml``)
- ``--db``      the state database: findings, cases, alert outbox, audit log (``$KVRULES_DB``)
- ``--refdata`` the reference-list store (``$KVRULES_REFDATA``)
- ``--json``    machine-readable output
- ``--technical`` rule ids and evidence as field paths and tests, not sentences

Commands take the resolved configuration from ``settings_from`` (kvrules.settings), so the
precedence — flags > environment > config file > defaults — is the same for every command.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from kvrules.config import DEFAULT_PATH, Config, parse_duration
from kvrules.settings import Resolved, require_folders, require_reference_store, resolve

F = TypeVar("F", bound=Callable[..., Any])

CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"configuration file (default: $KVRULES_CONFIG, else ./{DEFAULT_PATH} if present)",
)
DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="the state database: findings, cases, alerts, audit log "
    "(default: $KVRULES_DB, else the config's `database`, else ./kvrules.db)",
)
REFDATA_OPTION = click.option(
    "--refdata",
    type=click.Path(dir_okay=False, path_type=Path),
    help="the reference-list store (default: $KVRULES_REFDATA, else the config's "
    "`reference_data`, else the user data folder; seeded with the shipped lists)",
)


class Duration(click.ParamType):
    """A duration option (``30s``, ``15m``, ``1h``, ``1d``): a mistyped one is a usage error
    (exit status 2) that says what to write, not an internal error."""

    name = "duration"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(str(value))
        except ValueError as e:
            self.fail(str(e), param, ctx)


DURATION = Duration()
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="machine-readable output")
# Evidence is said in words for people; this shows what the engine tested, and the rule ids.
TECHNICAL_OPTION = click.option(
    "--technical",
    is_flag=True,
    help="rule ids, and evidence as field paths and tests, not sentences",
)


def settings_options(func: F) -> F:
    """``--config``, ``--db`` and ``--refdata``: what a command needs to run against a site."""
    return CONFIG_OPTION(DB_OPTION(REFDATA_OPTION(func)))


def settings_from(
    config_path: Path | None = None, db: Path | None = None, refdata: Path | None = None
) -> Resolved:
    """The resolved configuration (ConfigError, with file:line:col lines, on a bad file;
    MissingStore when a database or store named explicitly is in a folder that does not
    exist: no command creates that folder)."""
    resolved = resolve(config_path, database=db, reference_data=refdata)
    require_folders(resolved)
    return resolved


def config_from(
    config_path: Path | None = None,
    db: Path | None = None,
    refdata: Path | None = None,
    *,
    screens: bool = False,
) -> Config:
    """The resolved configuration; ``screens``: the command screens records (``scan``,
    ``watch``), so an unset home_country is said (``say_home_country_unset``)."""
    resolved = settings_from(config_path, db, refdata)
    if screens:
        say_home_country_unset(resolved)
    return resolved.config


def screening_config(
    config_path: Path | None = None,
    db: Path | None = None,
    refdata: Path | None = None,
    *,
    screens: bool = False,
) -> Config:
    """The configuration of a command that screens against the reference store without
    starting one (``match``, ``check``): a store named explicitly must exist; a new default
    store is said on stderr, never silently (it holds the shipped lists only). ``screens``:
    rules run (``check``), so an unset home_country is said too."""
    resolved = settings_from(config_path, db, refdata)
    if note := require_reference_store(resolved):
        click.echo(f"note: {note}", err=True)
    if screens:
        say_home_country_unset(resolved)
    return resolved.config


def home_country_unset(resolved: Resolved) -> str | None:
    """The notice while home_country is unset, None once it is set. Until this release an
    unset home_country meant NL; now nothing is foreign, so a deployment that never set it
    would stop flagging foreign funding without a word (README, "Upgrading")."""
    if resolved.config.home_country is not None:
        return None
    where = resolved.path or "kvrules.yaml (`kvrules init` writes one)"
    return f"home_country is not set: no funder or partner is counted as foreign; set it in {where}"


def say_home_country_unset(resolved: Resolved) -> None:
    """One line on stderr (stdout may be JSON) while home_country is unset."""
    if notice := home_country_unset(resolved):
        click.echo(f"note: {notice}", err=True)


def open_existing(db: Path, *, read_only: bool = False):
    """The state database at ``db``; a clear error, not a new empty database, when there is
    none (a typo in --db must not look like 'no findings').

    ``read_only``: a command that only reads opens the file read-only: it changes nothing (an
    older database is refused with `kvrules db upgrade`, not upgraded behind the reader's
    back) and it works where nothing can be written. A command that writes upgrades an older
    database, keeping a copy of the previous file and saying so on stderr."""
    from kvrules.store import Store

    if not db.exists():
        raise click.ClickException(f"no kvrules database at {db} (run `kvrules scan` first)")
    return Store.open(db, read_only=read_only)


def state_db(func: F) -> F:
    """``--config`` and ``--db``, handed to the command as ``db``: the resolved state database
    (flag, $KVRULES_DB, the config's `database`, ./kvrules.db)."""

    @CONFIG_OPTION
    @DB_OPTION
    @functools.wraps(func)
    def wrapper(*args: Any, config_path: Path | None, db: Path | None, **kwargs: Any) -> Any:
        return func(*args, db=config_from(config_path, db).database, **kwargs)

    return wrapper  # type: ignore[return-value]


def change_state(db: Path, change: Callable[[Any], bool], refused: str, done: str) -> None:
    """Run one audited change on the state database; say ``done``, or fail with ``refused``
    when the change did not apply (no such account, no live token …)."""
    with open_existing(db) as store:
        if not change(store):
            raise click.ClickException(refused)
    click.echo(done)
