"""``kvrules validate``, ``test``, ``evaluate`` and ``schema``: rulebooks and events."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from kvrules.cli.options import CONFIG_OPTION, REFDATA_OPTION, config_from
from kvrules.cli.output import shown, styled, terminal_text
from kvrules.config import Config
from kvrules.engine import load_rulebooks
from kvrules.errors import KvrulesError
from kvrules.events_io import read_events
from kvrules.findings import Finding
from kvrules.jurisdiction import applicable
from kvrules.model import event_json_schema
from kvrules.plain import lists_in_words, said
from kvrules.records import describe
from kvrules.rulebook.disabling import disabled_in_words
from kvrules.rulebook.discovery import rulebook_files, shipped_rulebooks
from kvrules.rulebook.ir import Rulebook
from kvrules.rulebook.loader import Diagnostic
from kvrules.rulebook.schema import RulebookSpec
from kvrules.settings import config_file
from kvrules.store.subjects import subject_body

# README, exit status 1: "a file that holds no records" is an error, not an empty success
NO_RECORDS = "holds no records (the file is empty): give canonical events, one JSON per line"


def _report(problems: list[Diagnostic]) -> None:
    for p in problems:  # a problem may quote the rulebook (a key, a tag): shown, never run
        click.echo(terminal_text(str(p)), err=True)


def _loaded(
    paths: tuple[str, ...], config: Config, with_vars: bool = True
) -> tuple[list[Rulebook], list[Diagnostic]]:
    """The rulebooks under ``paths``, else the ones a scan runs (the config's, with its
    rulebook_vars unless ``with_vars`` is False; the shipped ones when it names none); a folder
    that holds no rulebook at all is an error, not an empty success."""
    folders = [Path(p) for p in paths] if paths else list(config.rulebooks)
    for folder in folders:
        if folder.is_dir() and not rulebook_files([folder]):
            raise KvrulesError(f"{folder}: no rulebook files (*.yaml, *.yml) here")
    if paths:
        return load_rulebooks(paths, readable_attributes=config.readable_attributes)
    overrides = config.rulebook_vars if with_vars else None
    return load_rulebooks(config.rulebooks, overrides, config.readable_attributes)


def _say_rulebooks_read(paths: tuple[str, ...], config_path: Path | None, config: Config) -> None:
    """With no path given: which rulebooks a command reads, and from which configuration (a
    reviewer checking the institution's own rulebook must not get the shipped ones' result
    by mistake)."""
    if paths:
        return
    path, _why = config_file(config_path)
    named = ", ".join(map(str, config.rulebooks)) or f"the shipped ones ({shipped_rulebooks()})"
    if path is None:
        where = "no configuration: no --config, $KVRULES_CONFIG or ./kvrules.yaml"
    else:
        where = f"from the configuration {path.absolute()}"
    click.echo(f"rulebooks: {named} ({where})")


def _test_problems(books: list[Rulebook]) -> list[Diagnostic]:
    """What makes a rulebook's test unable to pass (a rule it expects is not there)."""
    return [
        Diagnostic(book.path, p.pos.line, p.pos.col, p.message)
        for book in books
        for case in book.tests
        for p in case.problems
    ]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@CONFIG_OPTION
def validate(paths: tuple[str, ...], config_path: Path | None) -> None:
    """Check rulebooks; print one 'path:line:col: message' line per problem.

    With no path: the rulebooks a scan runs (the configuration's, with its rulebook_vars)."""
    config = config_from(config_path)
    _say_rulebooks_read(paths, config_path, config)
    books, problems = _loaded(paths, config)
    problems += _test_problems(books)
    _report(problems)
    if problems:
        sys.exit(1)
    click.echo(f"ok: {len(books)} rulebook(s), {sum(len(b.rules) for b in books)} rule(s)")
    for line in disabled_in_words(books):  # a rule turned off is said, with its reason
        click.echo(line)
    # Valid is not the same as applied: say which ones a scan here would leave out, and why.
    for left_out in applicable(books, config.home_country, config.apply_outside_jurisdiction)[1]:
        click.echo(str(left_out))


ENRICH_OPTION = click.option(
    "--enrich/--no-enrich",
    default=True,
    show_default=True,
    help="screen organisations and classify research areas before evaluating",
)


def _enricher(config: Config, enabled: bool):
    """Enrichment as a scan does it: the reference store and the institution's taxonomies."""
    if not enabled:
        return None
    from kvrules.assembly import config_enricher

    return config_enricher(config)


# config_file's reasons, as a person names them
_CONFIG_FROM = {
    "flag": "--config",
    "env": "$KVRULES_CONFIG",
    "file": "./kvrules.yaml in this folder",
}


def _configuration_used(config_path: Path | None, config: Config, enrich: bool) -> str:
    """One line: the configuration file read (and why), or none, and what of it tests use."""
    path, why = config_file(config_path)
    if path is None:
        used = "configuration: none (no --config, $KVRULES_CONFIG or ./kvrules.yaml here)"
    else:
        used = f"configuration: {path.absolute()} ({_CONFIG_FROM.get(why.split()[0], why)})"
    if not enrich:
        return f"{used}; tests are not enriched (--no-enrich)"
    own = config.area_taxonomies
    areas = "the shipped ones" + (f" and {', '.join(p.name for p in own)}" if own else "")
    return f"{used}; reference store {config.reference_data.absolute()}; research areas: {areas}"


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@CONFIG_OPTION
@REFDATA_OPTION
@ENRICH_OPTION
def test_cmd(
    paths: tuple[str, ...], config_path: Path | None, refdata: Path | None, enrich: bool
) -> None:
    """Run the test cases of rulebooks; ends with 'N passed, M failed'.

    With no path: the rulebooks a scan runs (the configuration's; their tests check their own
    vars, not rulebook_vars)."""
    from kvrules.engine.evaluator import run_rulebook_tests

    config = config_from(config_path, refdata=refdata)
    _say_rulebooks_read(paths, config_path, config)
    # a rulebook's tests check its own values, not the institution's rulebook_vars
    books, problems = _loaded(paths, config, with_vars=False)
    _report(problems)
    if not problems and not any(book.tests for book in books):
        where = " ".join(paths) or "the rulebooks"
        raise KvrulesError(f"{where}: no tests to run (add some under tests:)")
    # "N passed" must not read as every rulebook tested: name each one that has no tests
    for book in books:
        if not book.tests:
            click.echo(
                f"warning: {book.path}: rulebook '{book.id}' has no tests, nothing of it was "
                "tested (add some under tests:)",
                err=True,
            )
    # A test's result can depend on the configuration (its reference store, its own research
    # areas), which ./kvrules.yaml supplies in one folder and not in another: say which.
    click.echo(_configuration_used(config_path, config, enrich))
    enricher = _enricher(config, enrich)
    passed = failed = 0
    for book in books:
        for result in run_rulebook_tests(book, enricher):
            if result.passed:
                passed += 1
            else:
                failed += 1
                click.echo(f"FAIL {result.describe()}")
    failed += len(problems)
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@click.command()
@click.option(
    "--rulebook",
    "rulebooks",
    multiple=True,
    type=click.Path(exists=True),
    help="rulebook file or folder (repeatable; default: the config's, else the shipped ones)",
)
@click.option("--json", "as_json", is_flag=True, help="one JSON finding per line")
@CONFIG_OPTION
@REFDATA_OPTION
@ENRICH_OPTION
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate(
    rulebooks: tuple[str, ...],
    as_json: bool,
    config_path: Path | None,
    refdata: Path | None,
    enrich: bool,
    records: Path,
) -> None:
    """Evaluate canonical events (JSON lines) and print every finding with its evidence."""
    from kvrules.engine.evaluator import Evaluator

    config = config_from(config_path, refdata=refdata)
    # As a scan evaluates: the config's rulebooks and their vars, unless --rulebook says others
    books, problems = load_rulebooks(
        rulebooks or config.rulebooks, config.rulebook_vars, config.readable_attributes
    )
    _report(problems)
    if problems:
        sys.exit(1)
    books, left_out = applicable(books, config.home_country, config.apply_outside_jurisdiction)
    for line in left_out:
        click.echo(str(line), err=True)
    enricher = _enricher(config, enrich)
    skipped: list[str] = []
    findings: list[tuple[Finding, dict[str, Any]]] = []
    # names not screened on a country (their country set apart), said as a scan says them
    unidentified: dict[str, str | None] = {}
    # partners named like a person: kept their country for a partial registry, or set apart
    read_as_person: list[str] = []
    named_like_persons: list[str] = []
    events = 0
    with Evaluator(books) as evaluator:
        from kvrules.thresholds import NotCompared, amount_rules

        thresholds, missed = amount_rules(books), NotCompared()
        for event in read_events(records, skipped, screen_again=enricher is not None):
            events += 1
            if enricher is not None:
                found = enricher.enrich(event)
                unidentified |= found.unidentified
                read_as_person += found.read_as_person
                named_like_persons += found.named_like_persons
            found = evaluator.evaluate(event)
            missed.add(event, thresholds)
            if as_json:
                for finding in found:
                    click.echo(finding.to_json())
            elif found:  # the record as a scan would remember it: names it, and its evidence
                record = subject_body(event)
                findings += [(finding, record) for finding in found]
    if not events and not skipped:  # an empty (or blank) file: nothing was evaluated
        raise KvrulesError(f"{records}: {NO_RECORDS}")
    if not as_json:
        _print_findings(findings, events)
        if enricher is not None:
            lists = lists_in_words(enricher.screened_against, enricher.list_titles, joined_by="and")
            click.echo(
                f"Organisations screened against {lists}. Not on a list means not "
                "found in these editions — not that a partner is safe."
            )
        if unidentified:  # no finding there is no all-clear: say what was not screened
            from kvrules.cli.scan import not_identified_in_words

            line = not_identified_in_words(unidentified, named_like_persons)
            click.echo(f"Not complete: {line}")
        if read_as_person:  # as the scan says it, beside the not-identified line
            from kvrules.cli.scan import read_as_persons_in_words

            click.echo(read_as_persons_in_words(list(dict.fromkeys(read_as_person))))
        if missed.awards:  # an award no threshold compared: said, as the scan says it
            click.echo(missed.in_words())
    for line in skipped:
        click.echo(f"skipped {line}", err=True)
    sys.exit(2 if skipped else 0)


def _print_findings(findings: list[tuple[Finding, dict[str, Any]]], events: int) -> None:
    """One row per finding: the record and the evidence in words, the ids, paths and tests
    that produced them in a column of their own."""
    console = Console()
    table = Table(title=f"{len(findings)} finding(s) in {events} event(s)", show_lines=True)
    for col in ("severity", "record", "finding", "technical detail", "source"):
        table.add_column(col, overflow="fold")
    for f, record in findings:
        label = describe(record, f.source_system, f.source_record_id)
        in_words = [f"• {sentence}" for sentence in said(f.evidence, record)]
        technical = [
            f"{f.source_system}:{f.source_record_id} {f.event_kind}",
            f"{f.rulebook.id}/{f.rule_id} v{f.rulebook.version} sha256:{f.rulebook.sha256[:12]}",
            *map(str, f.evidence),
        ]
        table.add_row(
            styled(f.severity),
            shown(str(label)),
            "\n".join(map(shown, [f.rule_title, *in_words])),  # one line each
            "\n".join(map(shown, technical)),
            shown(f.citation.cite),
        )
    console.print(table)


@click.command()
@click.option("--rulebook", "of_rulebook", is_flag=True, help="the rulebook file format instead")
def schema(of_rulebook: bool) -> None:
    """Print the JSON Schema of collaboration events (or of rulebooks)."""
    doc = RulebookSpec.model_json_schema() if of_rulebook else event_json_schema()
    click.echo(json.dumps(doc, indent=2))
