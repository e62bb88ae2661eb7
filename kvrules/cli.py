"""The ``kvrules`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from kvrules.events_io import read_events
from kvrules.findings import Finding
from kvrules.model import event_json_schema
from kvrules.rulebook import ir
from kvrules.rulebook.loader import Diagnostic, RulebookError, load_rulebook
from kvrules.rulebook.schema import RulebookSpec
from kvrules.views_cli import styled

RULEBOOK_SUFFIXES = (".yaml", ".yml")


def shipped_rulebooks() -> Path:
    """The rulebooks that come with kvrules (packaged copy, or the source checkout's)."""
    packaged = Path(__file__).parent / "_rulebooks"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "rulebooks"


def rulebook_files(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths or (str(shipped_rulebooks()),)):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.suffix in RULEBOOK_SUFFIXES)
        else:
            files.append(p)
    return files


def load_all(
    paths: tuple[str, ...], overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[list[ir.Rulebook], list[Diagnostic]]:
    """Load rulebook files and folders; ``overrides`` sets vars per rulebook id (config)."""
    books, problems = [], []
    seen: dict[str, str] = {}
    overrides = overrides or {}
    for f in rulebook_files(paths):
        try:
            book = load_rulebook(f)
            if book.id in overrides:
                book = load_rulebook(f, overrides[book.id])
        except RulebookError as e:
            problems += e.diagnostics
            continue
        if book.id in seen:
            problems.append(
                Diagnostic(str(f), 1, 1, f"rulebook id '{book.id}' is also used by {seen[book.id]}")
            )
            continue
        seen[book.id] = str(f)
        books.append(book)
    for unknown in sorted(set(overrides) - set(seen)):
        problems.append(
            Diagnostic(
                "config", 1, 1, f"rulebook_vars names rulebook '{unknown}', which is not loaded"
            )
        )
    return books, problems


def _report(problems: list[Diagnostic]) -> None:
    for p in problems:
        click.echo(str(p), err=True)


@click.group()
@click.version_option(package_name="kvrules")
def cli() -> None:
    """Knowledge-security screening of research collaborations with cited rulebooks."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def validate(paths: tuple[str, ...]) -> None:
    """Check rulebooks; print one 'path:line:col: message' line per problem."""
    books, problems = load_all(paths)
    _report(problems)
    if problems:
        sys.exit(1)
    click.echo(f"ok: {len(books)} rulebook(s), {sum(len(b.rules) for b in books)} rule(s)")


DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="KVRULES_DB",
    help="reference-data store (default: the shipped lists, in memory)",
)
ENRICH_OPTION = click.option(
    "--enrich/--no-enrich",
    default=True,
    show_default=True,
    help="screen organisations and classify research areas before evaluating",
)


def _enricher(db: Path | None, enabled: bool):
    if not enabled:
        return None
    from kvrules.enrich import Enricher

    return Enricher.from_store(db)


@cli.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@DB_OPTION
@ENRICH_OPTION
def test_cmd(paths: tuple[str, ...], db: Path | None, enrich: bool) -> None:
    """Run the test cases of rulebooks; ends with 'N passed, M failed'."""
    from kvrules.rulebook.cases import run_cases

    books, problems = load_all(paths)
    _report(problems)
    enricher = _enricher(db, enrich)
    passed = failed = 0
    for book in books:
        for result in run_cases(book, enricher):
            if result.passed:
                passed += 1
            else:
                failed += 1
                click.echo(f"FAIL {result.describe()}")
    failed += len(problems)
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@cli.command()
@click.option(
    "--rulebook",
    "rulebooks",
    multiple=True,
    type=click.Path(exists=True),
    help="rulebook file or folder (repeatable; default: the shipped rulebooks)",
)
@click.option("--json", "as_json", is_flag=True, help="one JSON finding per line")
@DB_OPTION
@ENRICH_OPTION
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate(
    rulebooks: tuple[str, ...], as_json: bool, db: Path | None, enrich: bool, records: Path
) -> None:
    """Evaluate canonical events (JSON lines) and print every finding with its evidence."""
    from kvrules.engine.evaluator import Evaluator

    books, problems = load_all(rulebooks)
    _report(problems)
    if problems:
        sys.exit(1)
    enricher = _enricher(db, enrich)
    skipped: list[str] = []
    findings: list[Finding] = []
    events = 0
    with Evaluator(books) as evaluator:
        for event in read_events(records, skipped):
            events += 1
            if enricher is not None:
                enricher(event)
            for finding in evaluator.evaluate(event):
                if as_json:
                    click.echo(finding.to_json())
                else:
                    findings.append(finding)
    if not as_json:
        _print_findings(findings, events)
        if enricher is not None:
            lists = ", ".join(enricher.screened_against) or "none"
            click.echo(
                f"Organisations screened against: {lists}. Not on a list means not "
                "found in these editions — not that a partner is safe."
            )
    for line in skipped:
        click.echo(f"skipped {line}", err=True)
    sys.exit(2 if skipped else 0)


def _print_findings(findings: list[Finding], events: int) -> None:
    console = Console()
    table = Table(title=f"{len(findings)} finding(s) in {events} event(s)", show_lines=True)
    for col in ("severity", "record", "rule", "evidence", "source"):
        table.add_column(col, overflow="fold")
    for f in findings:
        evidence = "\n".join(map(str, f.evidence))
        table.add_row(
            styled(f.severity),
            f"{f.source_system}:{f.source_record_id}\n{f.event_kind}",
            f"{f.rulebook.id}/{f.rule_id}\n{f.rule_title}",
            evidence,
            f"{f.citation.cite}\n{f.rulebook.id} v{f.rulebook.version} "
            f"sha256:{f.rulebook.sha256[:12]}",
        )
    console.print(table)


@cli.command()
@click.option("--rulebook", "of_rulebook", is_flag=True, help="the rulebook file format instead")
def schema(of_rulebook: bool) -> None:
    """Print the JSON Schema of collaboration events (or of rulebooks)."""
    doc = RulebookSpec.model_json_schema() if of_rulebook else event_json_schema()
    click.echo(json.dumps(doc, indent=2))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="one object per entry point")
def plugins(as_json: bool) -> None:
    """List installed plugins: distribution, version, entry point and the adapters, alert
    channels and importers each provides. A plugin that fails to load is listed with its
    error; the others work regardless (exit status 0)."""
    from rich.markup import escape

    from kvrules.plugins import KINDS, plugin_errors, registrations, registry

    found = registrations()
    errors = plugin_errors()  # after registrations(): includes hooks that raised just now
    owners: dict[tuple[str, str], list[str]] = {}
    for r in found:
        owners.setdefault((r.kind, r.name), []).append(r.plugin)
    rows = []
    for info in registry().plugins:
        row: dict = {
            "name": info.name,
            "entry_point": info.entry_point,
            "distribution": info.distribution,
            "version": info.version,
            "error": errors.get(info.name),
        }
        for kind in KINDS:
            row[kind] = sorted({r.name for r in found if r.plugin == info.name and r.kind == kind})
        # Two plugins claiming one name: which one runs depends on installation order.
        row["clashes"] = sorted(
            f"{kind} {name!r} also registered by {', '.join(p for p in who if p != info.name)}"
            for (kind, name), who in owners.items()
            if info.name in who and len(set(who)) > 1
        )
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table()
    for col in ("name", "entry point", "distribution", "adapters", "alert channels", "importers"):
        table.add_column(col)
    table.add_column("status", overflow="fold")
    for r in rows:
        status = "; ".join(filter(None, [r["error"], *r["clashes"]]))
        table.add_row(
            r["name"],
            r["entry_point"],
            f"{r['distribution'] or '?'} {r['version'] or ''}".strip(),
            *(", ".join(r[kind]) for kind in KINDS),
            f"[red]{escape(status)}[/]" if status else "ok",
        )
    Console().print(table)


def _add_commands() -> None:
    from kvrules.fetch_cli import fetch
    from kvrules.refdata.cli import match, refdata
    from kvrules.retention_cli import purge
    from kvrules.scaffold import new_adapter
    from kvrules.scan_cli import config_group, deliver, init, scan, watch
    from kvrules.views_cli import alerts, audit, findings, quarantine, show
    from kvrules.web.cli import report, serve, users

    for command in (
        fetch,
        refdata,
        match,
        scan,
        watch,
        deliver,
        init,
        config_group,
        findings,
        show,
        alerts,
        quarantine,
        audit,
        purge,
        new_adapter,
        serve,
        users,
        report,
    ):
        cli.add_command(command)


_add_commands()


def main() -> None:
    from kvrules.plugins import call_each

    for plugin, error in call_each("register_commands", cli=cli):
        click.echo(f"warning: plugin {plugin!r} could not add its commands: {error}", err=True)
    cli()
