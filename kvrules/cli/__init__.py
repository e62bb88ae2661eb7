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
unreachable host, a missing file); 2 success with records skipped or quarantined (``evaluate``,
``fetch``) or a usage error reported by click; 70 an internal error (a bug: the message says so
and ``KVRULES_DEBUG=1`` shows the traceback); 130 interrupted; 141 output closed early
(``kvrules … | head``), silently.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import Any
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


# command → (its module in kvrules.cli, its name there), as the table above. A command's module,
# and the library it imports, is loaded when that command is asked for: loading all of them
# took about 0.4 s of CPU at every start of every command.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("rulebooks", "validate"),
    "test": ("rulebooks", "test_cmd"),
    "evaluate": ("rulebooks", "evaluate"),
    "schema": ("rulebooks", "schema"),
    "check": ("check", "check"),
    "fetch": ("fetch", "fetch"),
    "scan": ("scan", "scan"),
    "watch": ("scan", "watch"),
    "deliver": ("scan", "deliver"),
    "init": ("configure", "init"),
    "config": ("configure", "config_group"),
    "findings": ("views", "findings"),
    "show": ("views", "show"),
    "alerts": ("views", "alerts"),
    "writebacks": ("views", "writebacks"),
    "quarantine": ("views", "quarantine"),
    "audit": ("views", "audit"),
    "purge": ("retention", "purge"),
    "refdata": ("refdata", "refdata"),
    "match": ("refdata", "match"),
    "serve": ("web", "serve"),
    "users": ("web", "users"),
    "tokens": ("tokens", "tokens"),
    "report": ("web", "report"),
    "plugins": ("plugins", "plugins"),
    "new-adapter": ("plugins", "new_adapter"),
    "demo": ("demo", "demo"),
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
            module, name = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"kvrules.cli.{module}"), name)
            self.add_command(command, cmd_name)
        elif cmd_name not in self.commands:
            self.add_plugin_commands()
        return super().get_command(ctx, cmd_name)

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
    expected = isinstance(error, KvrulesError | OSError) or _network_error(error)
    message = one_line(error)
    return ReportedError(
        message if isinstance(error, KvrulesError) else f"error: {message}", 1 if expected else 70
    )


@click.group(cls=KvrulesGroup)
@click.version_option(package_name="kvrules")
def cli() -> None:
    """Knowledge-security screening of research collaborations with cited rulebooks."""


def _network_error(error: BaseException) -> bool:
    """Did requests raise it? Asked without importing requests (about 0.15 s at each start):
    when no command imported it, nothing can have raised one of its errors."""
    requests = sys.modules.get("requests")
    return requests is not None and isinstance(error, requests.RequestException)


def one_line(error: BaseException) -> str:
    """What to tell the person at the terminal about an error that reached the top."""
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
