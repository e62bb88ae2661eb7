"""The ``kvrules`` command line: the group, ``main``, and where each command lives.

=====================================  ===========================================
module                                 commands
=====================================  ===========================================
``kvrules.cli.rulebooks``              validate, test, evaluate, schema
``kvrules.cli.check``                  check (pre-screen a proposal or visit)
``kvrules.cli.scan``                   scan, watch, deliver
``kvrules.cli.fetch``                  fetch
``kvrules.cli.configure``              init, config check, config show
``kvrules.cli.views``                  findings, show, alerts, writebacks, quarantine, audit
``kvrules.cli.retention``              purge
``kvrules.cli.privacy``                privacy export, privacy erase
``kvrules.cli.db``                     db upgrade, db backup
``kvrules.cli.refdata``                refdata …, match
``kvrules.cli.web``                    serve, users …, report
``kvrules.cli.tokens``                 tokens … (pre-screening API clients)
``kvrules.cli.plugins``                plugins, new-adapter
``kvrules.cli.demo``                   demo
=====================================  ===========================================

Shared options (``--config``, ``--db``, ``--refdata``, ``--json``) are in
``kvrules.cli.options``; every command resolves its configuration through ``kvrules.settings``.
Commands hold no library logic: they parse, call the library, print.

Exit status: 0 success; 1 an error reported in one line (``KvrulesError``, a usage error, an
unreachable host, a missing file, a full or read-only disk); 2 success with records skipped or
quarantined (``evaluate``, ``fetch``) or a usage error reported by click; 70 an internal error
(a bug: the message says so and ``KVRULES_DEBUG=1`` shows the traceback); 130 interrupted
(Ctrl-C); 141 output closed early (``kvrules … | head``), silently; 143 stopped by SIGTERM
(``scan``, ``watch``: one line says what was kept; the next scan resumes).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import click

from kvrules.errors import KvrulesError

__all__ = ["cli", "main"]


class ReportedError(click.ClickException):
    """An error already worded for the person at the terminal: printed as is (diagnostics keep
    their leading ``path:line:col:``), exit status 1, or 70 for an internal error."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        if self.message:
            click.echo(self.message, err=True)


class Lazy(NamedTuple):
    """Where a built-in command lives, and its one-line help as ``kvrules --help`` lists it."""

    module: str  # in kvrules.cli
    name: str  # the command's name in that module
    # The command's short help (the first sentence of its docstring), so listing the commands
    # imports none of them; tests/test_cli_startup.py checks it is each command's own.
    summary: str


# command → where it lives, as the table above (click's documented LazyGroup pattern). A
# command's module, and the library it imports, is loaded when that command is asked for:
# loading all of them took about 0.4 s of CPU at every start of every command, `--help` too.
COMMANDS: dict[str, Lazy] = {
    "validate": Lazy(
        "rulebooks",
        "validate",
        "Check rulebooks; print one 'path:line:col: message' line per problem.",
    ),
    "test": Lazy(
        "rulebooks", "test_cmd", "Run the test cases of rulebooks; ends with 'N passed, M failed'."
    ),
    "evaluate": Lazy(
        "rulebooks",
        "evaluate",
        "Evaluate canonical events (JSON lines) and print every finding with its evidence.",
    ),
    "schema": Lazy(
        "rulebooks", "schema", "Print the JSON Schema of collaboration events (or of rulebooks)."
    ),
    "check": Lazy(
        "check", "check", "Screen a proposed collaboration or visit before it is in the RIS."
    ),
    "fetch": Lazy(
        "fetch",
        "fetch",
        (
            "Print the canonical records an adapter produces, enriched exactly as a scan enriches "
            "them before the rules see them (the reference store and taxonomies of the "
            "configuration)."
        ),
    ),
    "scan": Lazy(
        "scan",
        "scan",
        "Fetch, screen, evaluate, store findings, queue and deliver alerts, write tags back.",
    ),
    "watch": Lazy(
        "scan",
        "watch",
        "Scan incrementally every INTERVAL, forever (Ctrl-C stops it; what was read is kept).",
    ),
    "deliver": Lazy(
        "scan",
        "deliver",
        "Send the alerts that are due, without scanning (e.g. once a mail server is back).",
    ),
    "init": Lazy(
        "configure",
        "init",
        "Write a commented configuration template to PATH (default: ./kvrules.yaml).",
    ),
    "config": Lazy("configure", "config_group", "Configuration: check it, show it."),
    "findings": Lazy(
        "views",
        "findings",
        (
            "Findings of open cases, most severe first, each named by its project (title, unit, "
            "principal investigator, partners) with a link to the record in the RIS."
        ),
    ),
    "show": Lazy(
        "views",
        "show",
        (
            "The full explanation of a case (default) or a finding: the project as the RIS "
            "names it, evidence, rationale, source."
        ),
    ),
    "alerts": Lazy(
        "views",
        "alerts",
        "The alert outbox: what was sent, what waits for a retry, what was dead-lettered.",
    ),
    "writebacks": Lazy(
        "views",
        "writebacks",
        (
            "The write-back queue: the risk tags each record should carry in the RIS, what was "
            "written, and what was set aside (a plugin that broke the contract, retries run out)."
        ),
    ),
    "quarantine": Lazy(
        "views",
        "quarantine",
        "Records held aside because they could not be mapped, with the reason.",
    ),
    "audit": Lazy("views", "audit", "The append-only, hash-chained audit log."),
    "purge": Lazy(
        "retention",
        "purge",
        "Remove personal data older than the retention policy (dry run unless --apply).",
    ),
    "privacy": Lazy(
        "privacy",
        "privacy",
        "A person's data: export what is held (access) or erase it (erasure, rectification).",
    ),
    "db": Lazy("db", "db_group", "The state database: upgrade it, copy it while kvrules runs."),
    "refdata": Lazy("refdata", "refdata", "Reference lists: import, inspect, history."),
    "match": Lazy(
        "refdata",
        "match",
        "Match NAME (or every row of --file) against the reference lists the scans screen with.",
    ),
    "serve": Lazy(
        "web", "serve", "Run the committee's web app (cases, decisions, portfolio report)."
    ),
    "users": Lazy("web", "users", "Web app accounts."),
    "tokens": Lazy(
        "tokens", "tokens", "API tokens for the pre-screening API (one per client system)."
    ),
    "report": Lazy(
        "web", "report", "Write the portfolio report (charts inline, works offline) for the board."
    ),
    "plugins": Lazy(
        "plugins",
        "plugins",
        (
            "List installed plugins: distribution, version, entry point and the adapters, alert "
            "channels and importers each provides."
        ),
    ),
    "new-adapter": Lazy(
        "plugins",
        "new_adapter",
        (
            "Create kvrules-NAME/: an adapter package with config, a sample source, an entry "
            "point, the conformance suite and a README."
        ),
    ),
    "demo": Lazy(
        "demo",
        "demo",
        "Scan a simulated Pure instance end to end and show what the committee would get.",
    ),
}


class KvrulesGroup(click.Group):
    """The command group: whatever a command raises ends as one line, never a traceback.

    Built-in commands are loaded when asked for (``COMMANDS``). The plugins' commands
    (``register_commands``) are added when a name is not built in, or when the commands are
    listed (``--help``): loading every plugin (the adapters, the e-mail channel) cost a
    built-in command such as ``check`` about 0.2 s of CPU at each start."""

    plugins_of: object = None  # the plugin registry whose commands were added

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.add_plugin_commands()
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            lazy = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"kvrules.cli.{lazy.module}"), lazy.name)
            self.add_command(command, cmd_name)
        elif cmd_name not in self.commands:
            self.add_plugin_commands()
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, as click lists them, without importing a
        built-in command that has not run (its summary is in ``COMMANDS``)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in COMMANDS and name not in self.commands:
                # cut to the width as the command would cut its own help
                summary = click.Command(name, help=COMMANDS[name].summary)
                rows.append((name, summary.get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def add_plugin_commands(self) -> None:
        """Every plugin's ``register_commands``, once; a plugin that fails is named on stderr
        and the others' commands are still added."""
        from kvrules.plugins import call_each, registry

        if self.plugins_of is registry():  # a new registry (plugins.reset) is asked again
            return
        self.plugins_of = registry()

        for plugin, error in call_each("register_commands", cli=self):
            click.echo(f"warning: plugin {plugin!r} could not add its commands: {error}", err=True)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except Exception as e:
            if os.environ.get("KVRULES_DEBUG"):
                raise
            raise as_reported(e) from None


def as_reported(error: Exception) -> ReportedError:
    if isinstance(error, BrokenPipeError):  # `kvrules … | head`: the reader has what it wanted
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ReportedError("", 141)
    if failed := _storage_failed(error):  # a full or read-only disk is no bug of kvrules
        return ReportedError(f"error: {failed}", 1)
    expected = isinstance(error, KvrulesError | OSError) or _network_error(error)
    message = one_line(error)
    return ReportedError(
        message if isinstance(error, KvrulesError) else f"error: {message}", 1 if expected else 70
    )


def _say_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # the commit too, run from a checkout: two sites on one release may run different code
    if not value or ctx.resilient_parsing:
        return
    from kvrules.release import described

    click.echo(f"kvrules, version {described()}")
    ctx.exit()


@click.group(cls=KvrulesGroup)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_say_version,
    help="Show the version (and the git commit, run from a checkout) and exit.",
)
def cli() -> None:
    """Knowledge-security screening of research collaborations with cited rulebooks."""


def _network_error(error: BaseException) -> bool:
    """Did requests raise it? Asked without importing requests (about 0.15 s at each start):
    when no command imported it, nothing can have raised one of its errors."""
    requests = sys.modules.get("requests")
    return requests is not None and isinstance(error, requests.RequestException)


def _storage_failed(error: BaseException) -> str | None:
    """A database's disk failed (full, read-only, I/O error) outside a store transaction,
    which would have named the file (kvrules.store.storage): said without the file. Asked
    without importing sqlite3 when no command did."""
    if sys.modules.get("sqlite3") is None:
        return None
    from kvrules.store.storage import storage_error

    failed = storage_error(error, "a database kvrules uses")
    return str(failed) if failed else None


def one_line(error: BaseException) -> str:
    """What to tell the person at the terminal about an error that reached the top, with
    every known secret value masked (a plugin's error may quote its key)."""
    from kvrules.credentials import scrubbed
    from kvrules.terminal import terminal_lines

    # An error may quote a file or a server (a setting's name, a value): shown, never run
    return terminal_lines(scrubbed(_one_line(error)))


def _one_line(error: BaseException) -> str:
    if isinstance(error, KvrulesError):
        return str(error)
    if _network_error(error):
        # requests' own text can hold a URL with a query; name the host only.
        host = getattr(getattr(error, "request", None), "url", None)
        where = f" ({urlsplit(host).netloc})" if host else ""
        return f"network error{where}: {type(error).__name__}; check the host and try again"
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    if isinstance(error, OSError):
        return f"{error.strerror or error}"
    return (
        f"internal error ({type(error).__name__}: {error}); this is a bug in kvrules or a "
        "plugin: please report it (KVRULES_DEBUG=1 shows the traceback)"
    )


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status (see the module docstring)."""
    try:
        status = cli.main(args=argv, prog_name="kvrules", standalone_mode=False)
    except click.exceptions.Abort as e:  # Ctrl-C; a command may say what it kept: Abort(text)
        click.echo(str(e) or "interrupted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:  # raised while parsing, before a command ran
        if os.environ.get("KVRULES_DEBUG"):
            raise
        reported = as_reported(e)
        reported.show()
        return reported.exit_code
    return status if isinstance(status, int) else 0


def main() -> None:
    """The ``kvrules`` console script."""
    sys.exit(run())
