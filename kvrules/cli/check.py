"""``kvrules check``: screen a proposed collaboration or visit before it is in the RIS."""

from __future__ import annotations

import io
import json
import sys
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError
from rich.console import Console

from kvrules.cli.options import (
    JSON_OPTION,
    TECHNICAL_OPTION,
    screening_config,
    settings_from,
    settings_options,
)
from kvrules.cli.output import json_line, shown, styled
from kvrules.errors import KvrulesError
from kvrules.timezone import local_time, zone

if TYPE_CHECKING:
    from kvrules.prescreen import Screening
    from kvrules.proposal_file import ProposalFile

COLOURS = {"red": "bold red", "amber": "bold yellow", "green": "bold green"}


def organisation(text: str, option: str = "--partner") -> dict[str, Any]:
    """'Beihang University (CN)' → name and country (``prescreen.organisation_from_text``);
    a bracket that is no country is refused, naming the flag."""
    from kvrules.prescreen import organisation_from_text

    try:
        return organisation_from_text(text)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from None


def proposal_document(file: ProposalFile | None, **flags: Any) -> dict[str, Any]:
    """The proposal from a YAML/JSON file (``read_proposal_file``), completed (lists
    extended) by flags."""
    doc: dict[str, Any] = dict(file.data) if file is not None else {}
    for key in ("partners", "funders", "keywords", "units"):
        if flags[key]:
            doc[key] = [*doc.get(key, []), *flags[key]]
    for key in ("title", "topic"):
        if flags[key]:
            doc[key] = flags[key]
    if flags["visitor_institution"]:
        doc["visit"] = {
            **doc.get("visit", {}),
            "home_institution": flags["visitor_institution"],
            **({"host_unit": flags["host_unit"]} if flags["host_unit"] else {}),
        }
    return doc


@click.command()
@click.argument(
    "proposal_file",
    metavar="[PROPOSAL]",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--partner", "partners", multiple=True, help="'NAME (COUNTRY)'; repeatable")
@click.option("--funder", "funders", multiple=True, help="'NAME (COUNTRY)'; repeatable")
@click.option("--topic", help="the research topic, in free text")
@click.option("--keyword", "keywords", multiple=True, help="a keyword; repeatable")
@click.option("--unit", "units", multiple=True, help="one of your own units taking part")
@click.option("--title", help="a name for the proposal")
@click.option("--visitor-institution", help="for a visit: 'NAME (COUNTRY)' of the home institution")
@click.option("--host-unit", help="for a visit: the unit hosting the visitor")
@click.option(
    "--decimal-separator",
    type=click.Choice([",", "."]),
    help="how amounts are written: ',' reads 250.000 as 250000 (Dutch, German), '.' as 250 "
    "(default: the config's `decimal_separator`; neither: an amount such as 250.000 or 1,500 "
    "is refused as ambiguous)",
)
@settings_options
@click.option(
    "--rulebook",
    "rulebooks",
    multiple=True,
    type=click.Path(exists=True),
    help="rulebook file or folder (default: the config's, else the shipped rulebooks)",
)
@JSON_OPTION
@TECHNICAL_OPTION
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="write the answer to FILE for the grant file: Markdown when it is named .md (title, "
    "date, reference, what was screened, lists and editions, findings with evidence, "
    "versions), JSON with --json, else the text",
)
def check(
    proposal_file: Path | None,
    partners: tuple[str, ...],
    funders: tuple[str, ...],
    topic: str | None,
    keywords: tuple[str, ...],
    units: tuple[str, ...],
    title: str | None,
    visitor_institution: str | None,
    host_unit: str | None,
    decimal_separator: str | None,
    config_path: Path | None,
    db: Path | None,
    refdata: Path | None,
    rulebooks: tuple[str, ...],
    as_json: bool,
    technical: bool,
    output: Path | None,
) -> None:
    """Screen a proposed collaboration or visit before it is in the RIS.

    Describe it with flags or a YAML/JSON file (title, topic, keywords, units, partners,
    funders, visit: {home_institution, host_unit, purpose}; an organisation as 'NAME (COUNTRY)'
    or {name, country}; example: examples/proposal.yaml); people are described by their
    institution, never their nationality. Prints the triage (green, amber, red), every finding
    explained in words (--technical: rule ids and the tests the engine ran), and the
    organisations no list matched. The advisers' "not the same
    organisation" verdicts in the state database (--db) count, as in scans."""
    from kvrules.assembly import config_enricher, config_evaluator
    from kvrules.cli import ReportedError
    from kvrules.prescreen import Proposal, advisers_verdicts, screen
    from kvrules.proposal_file import NotAProposal, read_proposal_file

    try:
        file = read_proposal_file(proposal_file) if proposal_file is not None else None
    except NotAProposal as e:  # a usage error, said in one line as a problem in the file is
        raise ReportedError(str(e), 2) from None
    for note in file.notes if file is not None else []:
        click.echo(note, err=True)
    doc = proposal_document(
        file,
        partners=[organisation(p) for p in partners],
        funders=[organisation(f, "--funder") for f in funders],
        keywords=list(keywords),
        units=list(units),
        title=title,
        topic=topic,
        visitor_institution=(
            organisation(visitor_institution, "--visitor-institution")
            if visitor_institution
            else None
        ),
        host_unit=host_unit,
    )
    if not doc:
        raise click.UsageError("describe the proposal: a PROPOSAL file, or --partner, --topic …")
    # the flag, else the site's own setting: an English site writes 250,000
    separator = (
        decimal_separator or settings_from(config_path, db, refdata).config.decimal_separator
    )
    try:
        proposal = Proposal.model_validate(doc, context={"decimal_separator": separator})
    except ValidationError as e:
        raise ReportedError(_problem_in_words(e, file), 2) from None
    config = screening_config(config_path, db, refdata, screens=True)
    enricher = config_enricher(config)
    with (
        config_evaluator(config, [Path(r) for r in rulebooks]) as evaluator,
        advisers_verdicts(config.database) as verdicts,
    ):
        result = screen(proposal, evaluator, enricher, verdicts)
    tz = zone(config.time_zone)
    if output is not None:
        _write(output, result, tz, as_json=as_json, technical=technical)
        return
    if as_json:
        click.echo(json_line(result.as_dict()))
        return
    # hard-wrapped to the terminal's width only on a terminal: redirected to a file, a line
    # is a line
    _print(result, technical, tz, Console(soft_wrap=not sys.stdout.isatty()))


def _problem_in_words(error: ValidationError, file: ProposalFile | None) -> str:
    """One line: where the problem is in the file (``file:line:col``, when the file holds
    it), the field as a person counts ("funder 3, amount"), and what to write."""
    from kvrules.prescreen import position_in_words, proposal_problem_at

    loc, text = proposal_problem_at(error)
    unknown = text.startswith("unknown field")  # a key that should not be there: at the key
    where = file.where(loc, key=unknown) if file is not None else None
    return f"{where + ': ' if where else ''}{position_in_words(loc)}: {text}"


def _write(output: Path, result: Screening, tz: tzinfo, *, as_json: bool, technical: bool) -> None:
    """The answer to ``output``: Markdown by its name (as ``kvrules report --out`` decides),
    JSON with --json, else the text; one line on stderr says what was written."""
    from kvrules.cli.web import MARKDOWN_SUFFIXES
    from kvrules.prescreen_record import prescreen_markdown

    if output.suffix.lower() in MARKDOWN_SUFFIXES:
        text, what = (
            prescreen_markdown(
                result.proposal.model_dump(mode="json", exclude_defaults=True),
                result.as_dict(),
                [e.model_dump(mode="json") for e in result.events],
                at=result.at,
                tz=tz,
                home_country=result.home_country,
            ),
            "Markdown",
        )
    elif as_json:
        text, what = json.dumps(result.as_dict(), ensure_ascii=False, default=str) + "\n", "JSON"
    else:
        buffer = io.StringIO()
        _print(result, technical, tz, Console(file=buffer, soft_wrap=True, no_color=True))
        text, what = buffer.getvalue(), "text"
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise KvrulesError(f"{output}: cannot write the pre-screen: {e.strerror or e}") from None
    click.echo(
        f"pre-screen {result.proposal.reference}: {result.triage.headline}, written to "
        f"{output} ({what})",
        err=True,
    )


def _print(result: Screening, technical: bool, tz: tzinfo, console: Console) -> None:
    """The answer in words; rule ids, area codes and evidence as field paths and tests with
    ``--technical``. It names what was screened, when, under which reference and with which
    versions, so that it can go in the grant file as it is."""
    from kvrules.plain import areas_said
    from kvrules.prescreen import INCOMPLETE
    from kvrules.prescreen_record import screened_lines, screened_with

    triage = result.triage
    reason = triage.reason + (f" [{triage.rule}]" if technical and triage.rule else "")
    # "NOT COMPLETE" in place of a green one is not printed green
    style = "bold" if triage.headline == INCOMPLETE else COLOURS[triage.colour]
    console.print(f"[{style}]{triage.headline}[/] — {shown(reason)}")
    title = result.proposal.title
    console.print(
        f"Pre-screen: {shown(title)}, {local_time(result.at, tz)}, "
        f"reference {result.proposal.reference}"
    )
    described = screened_lines(result.proposal.model_dump(mode="json"), result.home_country)
    for label, text in described:
        console.print(f"{label}: {shown(text)}")
    areas = result.areas if technical else result.areas_in_words()
    said = areas_said(areas, result.areas_not_screened, result.area_vocabulary)
    console.print(f"Sensitive research areas: {shown(said)}")
    for f in result.findings:
        console.print(f"\n{styled(f.severity)} [bold]{shown(f.rule_title)}[/]")
        console.print(f"  {shown(f.rationale.strip())}")
        evidence = result.evidence_technically(f) if technical else result.evidence_in_words(f)
        for line in evidence:
            console.print(f"  · {shown(line)}")
        rule = f"{f.rulebook.id}/{f.rule_id} — " if technical else "source: "
        console.print(f"  [dim]{shown(rule + f.citation.cite)}[/]")
    if not result.findings:
        console.print("No findings.")
    if result.not_compared:  # no finding for those awards is no all-clear on them
        console.print(f"\n{shown(result.not_compared)}")
    answer = result.as_dict()
    said = answer if technical else answer["in_words"]  # list and entry ids: --technical
    for line in answer["in_words"]["one_organisation"]:
        console.print(f"\n{shown(line)}")
    for line in [
        *said["found"],
        *said["set_aside"],
        *said["not_found"],
        *said["unidentified"],
        *said["read_as_person"],
    ]:
        console.print(f"\n{shown(line)}")
    for line in answer["in_words"]["countries_taken"]:
        console.print(f"\n{shown(line)}")
    for line in answer["in_words"]["not_checked"]:
        console.print(f"\n{shown(line)}")
    for line in answer["in_words"]["lists_not_imported"]:
        console.print(f"\n{shown(line)}")
    if countries := answer["in_words"]["countries"]:  # no organisation is searched in them
        console.print(f"\nCountries checked against {shown(' and '.join(countries))}.")
    console.print(
        "\nNot on a list means not found in these editions — not that a partner is safe. "
        "Send it to the committee when in doubt."
    )
    # the countries' sources are said above
    versions = [v for v in screened_with(answer) if not v.startswith("countries checked")]
    console.print("\nScreened with " + shown("; ".join(versions)) + ".")
