"""``kvrules refdata import|update|transcribe|lists|history`` and ``kvrules match``.

Every command here works on the one reference store that scans screen with (``--refdata``,
``$KVRULES_REFDATA``, the config's ``reference_data``, or the user data folder), seeded with
the shipped lists on first use: a list imported here is what the next scan screens with.
"""

from __future__ import annotations

import json
import sys
import textwrap
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import click

from kvrules.cli.options import CONFIG_OPTION, REFDATA_OPTION, config_from, screening_config
from kvrules.cli.output import progress_console
from kvrules.plain import NO_LICENCE, lists_in_words, match_provenance, not_in_script
from kvrules.refdata.models import HistoryRow, ListInfo, edition_provenance
from kvrules.refdata.store import Store


def _store_options(func):  # type: ignore[no-untyped-def]
    return CONFIG_OPTION(REFDATA_OPTION(func))


def _open(config_path: Path | None, refdata: Path | None, *, start: bool = True) -> Store:
    """The reference store; ``start=False`` (match): one named explicitly must exist."""
    from kvrules.refdata.shipped import open_reference_store

    resolve = config_from if start else screening_config
    return open_reference_store(resolve(config_path, refdata=refdata).reference_data, create=start)


@click.group()
def refdata() -> None:
    """Reference lists: import, inspect, history."""


# options that only one built-in format reads
_FORMAT_OPTIONS = {
    "source": "csl",
    "dataset": "opensanctions",
    "program": "opensanctions",
    "listed_in": "opensanctions",
    "topic": "opensanctions",
    "expect": "dod1286",
}


@refdata.command("import")
@click.argument("kind", metavar="KIND")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_store_options
@click.option("--list-id", help="list id (defaults per format, e.g. us_dod_1286, ror)")
@click.option("--edition", help="edition, e.g. FY25, 2025, v1.55")
@click.option(
    "--title", help="the list's name, as findings and reports name it (default: the list id)"
)
@click.option("--publisher", help="who publishes the list, e.g. 'US Department of Defense'")
@click.option(
    "--list-kind",
    type=click.Choice(["designation", "assessment", "registry"]),
    help="designation: a list naming organisations as fact (a government's, or your own "
    "decision); assessment: a rating or opinion (a think tank's tracker); registry: an "
    "identity source such as ROR, never a hit (default: per format; csv: designation)",
)
@click.option("--published", help="publication date (YYYY-MM-DD)")
@click.option(
    "--source-url",
    help="where the file was downloaded from; for an official list, the file itself is "
    "recorded unless this says so",
)
@click.option("--licence", help="the licence the list is published under, cited with every match")
@click.option("--citation", help="how to cite this edition, e.g. the act or notice it comes from")
@click.option("--retrieved-at", help="when the file was downloaded (ISO date-time)")
@click.option(
    "--partial/--complete",
    default=None,
    help="say the file is a partial transcription, or the complete list; by default a file of "
    "an official list (kvrules refdata update's catalogue) with fewer entries than a complete "
    "one is recorded partial, with the reason, and --complete is recorded as your statement",
)
@click.option(
    "--notes", help="anything else to record with the edition (shown by refdata lists --json)"
)
@click.option("--source", help="csl only: keep results whose source contains this text")
@click.option(
    "--dataset",
    help="opensanctions only: keep entities of this dataset, e.g. us_special_leg "
    "(targets.simple.csv: the dataset title)",
)
@click.option(
    "--program",
    help="opensanctions only: keep entities with a sanction of this program id, "
    "e.g. US-MCCAIN-1286",
)
@click.option(
    "--listed-in",
    help="opensanctions only: keep entities with a (matching) sanction listed in this year or "
    "date prefix, e.g. 2025 for the FY25 1286 list",
)
@click.option("--topic", help="opensanctions only: keep entities with this topic, e.g. debarment")
@click.option(
    "--expect",
    type=click.IntRange(min=1),
    help="dod1286 only: the number of rows of Table 1 (institutions) as printed, 150 in FY25 "
    "(not the 130 of the DoD's announcement); any other count is refused",
)
@click.option("--replace", is_flag=True, help="replace an edition that is already stored")
def import_(
    kind: str,
    file: Path,
    config_path: Path | None,
    refdata: Path | None,
    list_kind: str | None,
    replace: bool,
    **opts: str | None,
) -> None:
    """Import FILE of format KIND as one list edition (all or nothing).

    KIND is one of ror, csv, dod1286 (the official PDF or the CSV template), nro (the official
    page or a CSV), csl, uk_sanctions, aspi, fh, opensanctions, or a format an installed plugin
    registers (kvrules plugins)."""
    from kvrules.refdata.importers import PARSERS, import_file
    from kvrules.refdata.update import after_import, catalogued

    options = {k: v for k, v in opts.items() if v is not None}
    for option, fmt in _FORMAT_OPTIONS.items():
        # a built-in format ignores another's options: refuse rather than import unchecked
        if option in options and kind in PARSERS and kind != fmt:
            flag = "--" + option.replace("_", "-")
            raise click.UsageError(f"{flag} is for {fmt} files only")
    if list_kind:
        options["kind"] = list_kind
    with _open(config_path, refdata) as store:
        try:
            report = import_file(
                store, kind, file, replace=replace, catalogue=catalogued(), **options
            )
        except ValueError as exc:  # ImportValidationError, EditionExistsError and the like
            raise click.ClickException(str(exc)) from None
        info = report.info
        current = store.latest(info.list_id)
        screens = current is not None and current.edition == info.edition
        click.echo(
            f"imported {report.entries} entries into {info.list_id} edition {info.edition}"
            + (f" ({report.skipped_text()})" if report.skipped else "")
            + f"; from {info.source_url or file}"
            + (f"; PARTIAL: {info.notes or 'not the complete list'}" if info.partial else "")
            + (f"; {info.notes}" if options.get("partial") is False and info.notes else "")
            + f"; sha256 {info.sha256}"
            + (
                "; the next scan screens with it and re-screens the stored records whose "
                "screening it changes"
                if screens
                else ""
            )
        )
        _said_after_import(after_import(store, info))
        _build_index(store)


@refdata.command("update")
@click.argument("lists", nargs=-1, metavar="[LIST]...")
@_store_options
def update_(lists: tuple[str, ...], config_path: Path | None, refdata: Path | None) -> None:
    """Download the current editions from the official publishers and import the new ones.

    LIST is a list id of the catalogue (us_dod_1286, us_csl, ca_nro, ror, uk_sanctions; default:
    all). Prints what changed since the previous edition; the next scan re-screens the stored
    records the change affects. Exit 1 if any list could not be updated (that list is left
    unchanged)."""
    from kvrules.refdata.update import UpdateError, crosswalk_summary, update

    with _open(config_path, refdata) as store:
        try:
            results = update(store, list(lists) or None)
        except UpdateError as exc:
            raise click.ClickException(str(exc)) from None
        for result in results:
            click.echo(
                ("error: " if result.error else "") + result.summary(), err=bool(result.error)
            )
            _said_after_import(result.warnings)
        if any(not r.error and not r.unchanged for r in results):
            click.echo(crosswalk_summary(store))
            click.echo("the next scan re-screens the stored records these editions change")
            _build_index(store)
    if any(r.error for r in results):
        raise SystemExit(1)


def _said_after_import(warnings: list[str]) -> None:
    """What ``kvrules.refdata.update.after_import`` tells of a new edition, whichever command
    imported it: on stderr, a line each."""
    for line in warnings:
        click.echo(line, err=True)


def _build_index(store: Store) -> None:
    """Build the lists' index now, after the lists changed, so that the next match, check or
    scan loads it at once instead of building it first (tens of seconds with a full ROR
    import); a spinner on a terminal, and one line saying so either way (on stderr)."""
    import time

    from kvrules.refdata.cache import build_estimate, prepare

    console = progress_console()  # a spinner on a real terminal only, whatever FORCE_COLOR says
    started = time.monotonic()
    with console.status(f"building the lists' index ({build_estimate(store)})…"):
        index = prepare(store, announce=False)  # rich shows nothing when stderr is no terminal
    if not index.built:  # current already: nothing was waited for
        return
    seconds = time.monotonic() - started
    took = f"{seconds:.0f} s" if seconds >= 1 else "under a second"
    if index.path is None:
        click.echo(
            f"the lists' index could not be kept beside {store.path} (built in {took}): every "
            "match, check and scan builds it again; make that folder writable",
            err=True,
        )
    else:
        click.echo(
            f"built the lists' index in {took}: the next match, check and scan load it at once",
            err=True,
        )


@refdata.command("transcribe")
@click.argument("kind", type=click.Choice(["dod1286"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write (default: standard output)",
)
@click.option(
    "--expect", type=click.IntRange(min=1), help="rows of Table 1 as printed (150 in FY25)"
)
def transcribe(kind: str, file: Path, out: Path | None, expect: int | None) -> None:
    """Read the official DoD 1286 PDF into the CSV template, to check before importing.

    Review the CSV against the PDF (add ROR ids, correct spellings as aliases), then
    `kvrules refdata import dod1286 FILE.csv --edition FY25`."""
    import csv
    import io

    from kvrules.refdata.importers.dod1286 import COLUMNS
    from kvrules.refdata.importers.dod1286_pdf import PdfLayoutError, read_rows

    try:
        rows = read_rows(file, expect)
    except PdfLayoutError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if out:
        out.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        click.echo(buffer.getvalue(), nl=False)
    tables = [sum(r["Table"] == t for r in rows) for t in ("1", "2")]
    click.echo(
        f"read {tables[0]} institutions and {tables[1]} programmes from {file.name}"
        + (f" into {out}" if out else ""),
        err=True,
    )


@refdata.command("lists")
@_store_options
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def lists_(config_path: Path | None, refdata: Path | None, as_json: bool) -> None:
    """Show stored list editions with their provenance (and where the store is).

    Of a list's editions one screens ("current": a complete edition before a partial one,
    then the newest); the others are kept for history ("superseded")."""
    from datetime import UTC, datetime

    from kvrules.refdata.update import links_lacking

    today = datetime.now(UTC).date()
    with _open(config_path, refdata) as store:
        counts = store.counts()
        infos = store.lists()
        current = {(i.list_id, i.edition) for i in store.latest_editions()}
        lacking = links_lacking(store)
        where = store.path
    if as_json:
        rows = [
            {
                **i.model_dump(mode="json"),
                "entries": counts.get((i.list_id, i.edition), 0),
                "current": (i.list_id, i.edition) in current,
            }
            for i in infos
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    click.echo(f"reference store: {where}")
    wide = console.width >= _WIDE_LISTS
    table = Table("list", "edition", "screens", "kind", "entries", expand=True)
    table.add_column("title / publisher", ratio=3, overflow="fold")  # an address whole
    table.add_column("licence", ratio=1)
    for i in infos:
        screens = "current" if (i.list_id, i.edition) in current else "superseded"
        entries = counts.get((i.list_id, i.edition), 0)
        title = i.title + (" [PARTIAL]" if i.partial else "")
        source = f"{i.publisher or ''} {i.source_url or ''}".strip()
        sha = f"sha256 {i.sha256[:12]}" if i.sha256 else ""
        dated, notes = _edition_dates(i, today), _edition_notes(i)
        if wide:
            licence = "\n".join(x for x in (i.licence or NO_LICENCE, sha) if x)
            about = "\n".join(x for x in (title, source, dated, notes) if x)
            table.add_row(i.list_id, i.edition, screens, i.kind, str(entries), about, licence)
            continue
        # a narrow terminal: one edition a block, its lines wrapped at words to the width
        click.echo(f"\n{i.list_id} {i.edition}  {screens}  {i.kind}  {entries:,} entries")
        licence = "; ".join(x for x in (i.licence or NO_LICENCE, sha) if x)
        for line in (title, source, dated, notes, licence):
            if line:
                click.echo(textwrap.fill(line, console.width, **_INDENTED))
    if wide:
        console.print(table)
    if lacking:
        click.echo(textwrap.fill(lacking, console.width, break_long_words=False))


def _edition_dates(info: ListInfo, today: date) -> str:
    """ "published 2025-01-15; retrieved 2026-12-07 (3 days ago)": how old the edition is, as
    its provenance records it ("" when it records neither)."""
    said = []
    if info.published:
        said.append(f"published {info.published.isoformat()}")
    if info.retrieved_at:
        day = info.retrieved_at.date()
        said.append(f"retrieved {day.isoformat()} ({_days_ago((today - day).days)})")
    return "; ".join(said)


def _days_ago(days: int) -> str:
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days:,} days ago"


def _edition_notes(info: ListInfo) -> str:
    """ "PARTIAL: 52 of the 156 rows …" for a partial edition, else its notes ("" if none)."""
    if info.partial:
        notes = info.notes or "not the complete list"
        return notes if notes.upper().startswith("PARTIAL") else f"PARTIAL: {notes}"
    return f"notes: {info.notes}" if info.notes else ""


# below this many columns ``refdata lists`` prints one block an edition instead of a table
_WIDE_LISTS = 140
# an address is never broken: it is copied whole
_INDENTED = {
    "initial_indent": "  ",
    "subsequent_indent": "    ",
    "break_long_words": False,
    "break_on_hyphens": False,
}


@refdata.command("history")
@_store_options
@click.option("--ror", help="ROR id or URL")
@click.option("--name", help="exact name or alias (normalised)")
@click.option("--country", help="country of the name")
@click.option("--list-id", help="only this list (default: every list)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def history_(
    config_path: Path | None,
    refdata: Path | None,
    ror: str | None,
    name: str | None,
    country: str | None,
    list_id: str | None,
    as_json: bool,
) -> None:
    """Which editions of which lists held an organisation (e.g. in FY24, not in FY25), and
    which edition screens ("current", as `refdata lists` marks it); a registry (ROR) records
    organisations, it does not list them."""
    from kvrules.refdata.countries import to_country

    if not ror and not name:
        raise click.UsageError("give --ror or --name")
    try:  # the check match makes, in its words
        country = to_country(country) if country else None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with _open(config_path, refdata) as store:
        rows = store.history(ror=ror, name=name, country=country, list_id=list_id)
        kinds = {i.list_id: i.kind for i in store.lists()}
    if as_json:
        click.echo(json.dumps([_row(r, kinds[r.list_id]) for r in rows], ensure_ascii=False))
        return
    for r in rows:
        marks = _HISTORY_MARKS["registry" if kinds[r.list_id] == "registry" else "list"]
        screens = "current" if r.current else "superseded"  # as `refdata lists` marks it
        line = f"{r.list_id:16} {r.edition:12} {marks[r.listed]:12} {screens:10} {r.name or ''}"
        click.echo(line.rstrip())


@refdata.command("current")
@click.argument("list_id", metavar="LIST")
@click.argument("edition", required=False)
@_store_options
@click.option(
    "--newest", is_flag=True, help="undo an earlier choice: the newest edition screens again"
)
def current_(
    list_id: str,
    edition: str | None,
    config_path: Path | None,
    refdata: Path | None,
    newest: bool,
) -> None:
    """Make EDITION of LIST the one that screens, e.g. an older edition when the newest is wrong
    (`kvrules refdata current us_dod_1286 FY24`); --newest undoes it. Without either: say
    which edition screens."""
    from kvrules.errors import ReferenceDataError

    if edition and newest:
        raise click.UsageError("give EDITION or --newest, not both")
    with _open(config_path, refdata) as store:
        if not store.editions(list_id):
            raise click.ClickException(f"{list_id}: no edition stored (kvrules refdata lists)")
        if edition or newest:
            try:
                store.pin(list_id, edition)
            except ReferenceDataError as exc:
                raise click.ClickException(str(exc)) from None
        info = store.latest(list_id)
        assert info is not None  # editions are stored
        chosen = store.pins().get(list_id) == info.edition
        how = (
            "chosen with `kvrules refdata current` (--newest undoes it)"
            if chosen
            else "a complete edition before a partial one, then the newest"
        )
        click.echo(f"{list_id} edition {info.edition} screens: {how}")
        if edition or newest:
            click.echo("the next scan re-screens the stored records this changes")
            _build_index(store)


# a list names (designates, assesses) an organisation; a registry only records that it exists
_HISTORY_MARKS = {
    "list": {True: "listed", False: "not listed"},
    "registry": {True: "recorded", False: "not recorded"},
}


def _row(r: HistoryRow, kind: str) -> dict[str, object]:
    keys = ("list_id", "edition", "listed", "entry_id", "name", "current")
    return {**{k: getattr(r, k) for k in keys}, "kind": kind}


@click.command()
@click.argument("name", required=False)
@_store_options
@click.option("--country", help="ISO country (code or name) of the organisation")
@click.option("--ror", "ror_id", help="ROR id, if known")
@click.option(
    "--threshold",
    type=float,
    default=0.85,
    show_default=True,
    help="minimum score of a fuzzy candidate",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option(
    "--file",
    "names_file",
    type=click.File("rb"),
    help="match every row: CSV with a 'name' column (optional 'country', 'ror'), JSON lines, "
    "or - for standard input",
)
@click.option(
    "--sheet",
    metavar="NAME",
    help="with --file, an Excel workbook (.xlsx): the sheet to read, as its tab names it "
    "(default: the one open when the workbook was saved)",
)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="with --file: one JSON object per row, or the input's CSV columns plus the top match",
)
@click.option(
    "--output",
    type=click.File("w", encoding="utf-8", lazy=True),
    help="with --file: write the results to this file (default: standard output)",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="with --file: processes that match, this one and workers that join it once started "
    "(default: every core for a file of more than 20,000 rows)",
)
def match(
    name: str | None,
    config_path: Path | None,
    refdata: Path | None,
    country: str | None,
    ror_id: str | None,
    threshold: float,
    as_json: bool,
    names_file: BinaryIO | None,
    sheet: str | None,
    out_format: str,
    output: TextIO | None,
    jobs: int | None,
) -> None:
    """Match NAME (or every row of --file) against the reference lists the scans screen with.

    The lists' index is built once and kept beside the reference store; an import or update
    builds it again when it ends."""
    from kvrules.refdata.batch import not_text
    from kvrules.refdata.cache import prepare

    for what, value in (("NAME", name), ("--country", country), ("--ror", ror_id)):
        if value is not None and not_text(value):  # said without echoing it: it may hold escapes
            raise click.UsageError(
                f"{what} holds control characters or bytes that are not UTF-8: "
                f"give {_WANTED[what]} as text"
            )
    if (name is None) == (names_file is None):
        raise click.UsageError("give a NAME or --file FILE (not both)")
    if output is not None and names_file is None:
        raise click.UsageError("--output goes with --file FILE")
    if sheet is not None and names_file is None:
        raise click.UsageError("--sheet goes with --file FILE (an Excel workbook)")
    if name is not None and not name.strip():
        raise click.UsageError("NAME is empty: give an organisation's name (or --file FILE)")
    if names_file is not None:
        rows = _rows(names_file, sheet)
        with _open(config_path, refdata, start=False) as store:
            index = prepare(store, threshold)
            editions = _provenance(store)
            titles = {info.list_id: info.title for info in store.latest_editions()}
        _match_file(
            index,
            rows,
            out_format,
            jobs,
            output or sys.stdout,
            editions,
            output is not None,
            titles,
        )
        return
    assert name is not None
    with _open(config_path, refdata, start=False) as store:
        resolver = prepare(store, threshold).resolver()
        titles = {info.list_id: info.title for info in store.latest_editions()}
        editions = _provenance(store)
    try:
        found = resolver.match(name, country, ror_id)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    matches = [_with_provenance(m.as_dict(), editions) for m in found]
    # a name in a script a list holds no names in is not screened against it by name
    unscreened = resolver.lists_without_script(name) if not found else None
    if as_json:
        doc = {"query": name, "matches": matches, "searched": resolver.searched}
        if unscreened:
            from kvrules.refdata.batch import script_doc

            doc["not_screened_in_script"] = script_doc(unscreened)
        click.echo(json.dumps(doc, ensure_ascii=False))
        return
    if not found:
        script_said = f"; {not_in_script(*unscreened, titles)}" if unscreened else ""
        click.echo(
            f"{name!r} was not found in {lists_in_words(resolver.searched, titles)}; "
            f"not found there is not the same as safe{script_said} (the list ids: --json)"
        )
        return
    for m, said in zip(found, matches, strict=True):
        flag = " (candidate: confirm)" if m.candidate else ""
        # what the list is, where it comes from and its licence, as a scan's evidence says it
        listed = f"; {said['provenance']}" if said["provenance"] else ""
        click.echo(
            f"{m.score:.3f} {m.method:7} {m.list}@{m.edition} {m.entry}  {m.name}"
            f"{' ror:' + m.ror_id if m.ror_id else ''}{flag}{listed}"
        )
        # how it was found, said once: what a person needs to judge the candidate in seconds
        click.echo(f"      {m.explanation}")


def _provenance(store: Store) -> dict[str, dict[str, str | None]]:
    """Where each stored edition ("list@edition") comes from, as a scan's evidence carries it
    with a match: title, publisher, source_url, licence."""
    return {f"{i.list_id}@{i.edition}": edition_provenance(i) for i in store.lists()}


def _with_provenance(
    match_: dict[str, Any], editions: dict[str, dict[str, str | None]]
) -> dict[str, Any]:
    """A match (``Match.as_dict``) with its edition's provenance, and ``provenance`` in the
    evidence's words: a designation or an assessment, the source, the licence."""
    found = {**match_, **editions.get(f"{match_.get('list')}@{match_.get('edition')}", {})}
    found["provenance"] = match_provenance(found).removeprefix("; ")
    return found


_WANTED = {"NAME": "an organisation's name", "--country": "a country", "--ror": "a ROR id"}


def _rows(stream: BinaryIO, sheet: str | None = None) -> tuple[str, Any]:
    """The input's rows (batch.Input; ``sheet``: the workbook's sheet to read), before the
    index is loaded: a file that holds no names, or has no such sheet, is refused at once, as
    one line naming it."""
    from kvrules.refdata.batch import BadInput, Input

    name = str(getattr(stream, "name", "-"))
    name = "-" if name == "<stdin>" else name
    fmt = "jsonl" if name.endswith((".jsonl", ".ndjson", ".json")) else None
    fmt = "csv" if name.endswith((".csv", ".tsv")) else fmt
    try:
        return name, Input(stream, fmt, sheet)  # type: ignore[arg-type]
    except BadInput as e:
        raise click.ClickException(f"{name}: {e}") from None


def _match_file(
    index: Any,
    named: tuple[str, Any],
    out_format: str,
    jobs: int | None,
    out: TextIO,
    editions: dict[str, dict[str, str | None]],
    to_file: bool = False,
    titles: dict[str, str] | None = None,
) -> None:
    """Rows in, one result per row out (``out``: stdout or --output); on stderr a progress line
    when it is a terminal, each bad row by its line, once per file the lines read in another
    encoding than UTF-8, and a count at the end."""
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from kvrules.refdata import batch

    name, rows = named
    errors = total = 0
    console = progress_console()
    # a bar over the file's bytes (a pipe has no size: a spinner); only on a terminal
    bar = (BarColumn(), TaskProgressColumn()) if rows.size else (SpinnerColumn(),)
    with Progress(
        *bar,
        TextColumn("{task.fields[rows]:,} names · {task.fields[errors]:,} bad rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
        # rich would otherwise send what is written to stdout (the results) to its console,
        # the terminal on stderr, when stdout is a file
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        task = progress.add_task("matching", total=rows.size, rows=0, errors=0)

        def say(row: Any, message: str) -> None:  # above the bar, which stays at the bottom
            # a CSV's row as the spreadsheet numbers it (header: row 1), a JSON line's line
            where = "row" if rows.format == "csv" else "line"
            text = f"{name}: {where} {row.number}: {message}"
            progress.console.print(text, markup=False, highlight=False, soft_wrap=True)

        done = 0  # bytes up to the last row matched (not those read ahead of it)

        def counted(results):  # type: ignore[no-untyped-def]
            nonlocal errors, total, done
            for result in results:
                total += 1
                done = result.row.offset or done
                # each match as `match --json` gives it: with its list's provenance
                result.matches = [_with_provenance(m, editions) for m in result.matches]
                # no match for a name in a script a list holds no names in: said, as `match`
                if not result.matches and not result.error and isinstance(result.row.name, str):
                    result.unscreened = index.resolver().lists_without_script(result.row.name)
                if result.error:
                    errors += 1
                    say(result.row, result.error)
                elif result.row.warning:  # screened all the same: said, not counted as bad
                    say(result.row, result.row.warning)
                if total % 1000 == 0 or result.error:
                    progress.update(task, completed=done, rows=total, errors=errors)
                yield result

        results = counted(batch.match_rows(index, rows, jobs=jobs))
        if out_format == "csv" and (first := next(results, None)) is not None:
            # no header for no rows: the run fails on them, leaving no file behind
            columns = rows.columns or list(first.row.fields) or ["name"]
            cut = batch.write_csv(
                chain([first], results),
                out,
                columns,
                delimiter=rows.delimiter,
                # a CSV written to a file is for a spreadsheet: with a byte-order mark, or
                # Excel (nl-NL: Windows-1252) shows "MÃ¼nchen"; to a pipe, as the input had it
                bom=rows.bom or to_file,
                searched=index.searched,
                titles=titles,
            )
            if cut:
                click.echo(
                    f"{name}: {cut:,} cells were longer than a spreadsheet cell holds "
                    f"({batch.SPREADSHEET_CELL:,} characters): cut, and marked so at their end",
                    err=True,
                )
        elif out_format == "jsonl":
            batch.write_jsonl(results, out, index.searched)
    for note in [*rows.column_notes(), *rows.recoded()]:  # once per file, not once per row
        click.echo(f"{name}: {note}", err=True)
    if not total:
        raise click.ClickException(f"{name}: no rows")
    if errors:
        click.echo(
            f"{name}: {errors:,} of {total:,} rows could not be matched (named above)",
            err=True,
        )
        sys.exit(2)  # done, with rows that could not be matched
