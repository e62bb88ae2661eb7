"""CLI: ``kvrules refdata import|update|lists|history`` and ``kvrules match``.

The main CLI adds these with ``cli.add_command(refdata)`` and ``cli.add_command(match)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from kvrules.refdata.store import EditionExistsError, Store, default_db_path

_db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file (default: $KVRULES_DB or ./kvrules.db)",
)


def _open(db: Path | None) -> Store:
    return Store(db or default_db_path())


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
@_db_option
@click.option("--list-id", help="list id (defaults per format, e.g. us_dod_1286, ror)")
@click.option("--edition", help="edition, e.g. FY25, 2025, v1.55")
@click.option("--title")
@click.option("--publisher")
@click.option("--list-kind", type=click.Choice(["designation", "assessment", "registry"]))
@click.option("--published", help="publication date (YYYY-MM-DD)")
@click.option("--source-url")
@click.option("--licence")
@click.option("--citation")
@click.option("--retrieved-at", help="when the file was downloaded (ISO date-time)")
@click.option("--partial", is_flag=True, default=None, help="mark as a partial transcription")
@click.option("--notes")
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
    help="dod1286 only: the number of institutions the DoD announced; any other count is refused",
)
@click.option("--replace", is_flag=True, help="replace an edition that is already stored")
def import_(
    kind: str, file: Path, db: Path | None, list_kind: str | None, replace: bool, **opts: str | None
) -> None:
    """Import FILE of format KIND as one list edition (all or nothing).

    KIND is one of ror, csv, dod1286 (the official PDF or the CSV template), nro (the official
    page or a CSV), csl, uk_sanctions, aspi, fh, opensanctions, or a format an installed plugin
    registers (kvrules plugins)."""
    from kvrules.refdata.importers import PARSERS, ImportValidationError, import_file

    options = {k: v for k, v in opts.items() if v is not None}
    for option, fmt in _FORMAT_OPTIONS.items():
        # a built-in format ignores another's options: refuse rather than import unchecked
        if option in options and kind in PARSERS and kind != fmt:
            flag = "--" + option.replace("_", "-")
            raise click.UsageError(f"{flag} is for {fmt} files only")
    if list_kind:
        options["kind"] = list_kind
    with _open(db) as store:
        try:
            report = import_file(store, kind, file, replace=replace, **options)
        except (ImportValidationError, EditionExistsError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    info = report.info
    click.echo(
        f"imported {report.entries} entries into {info.list_id} edition {info.edition}"
        + (f" ({report.skipped} skipped)" if report.skipped else "")
        + f"; sha256 {info.sha256}"
    )


@refdata.command("update")
@click.argument("lists", nargs=-1, metavar="[LIST]...")
@_db_option
def update_(lists: tuple[str, ...], db: Path | None) -> None:
    """Download the current editions from the official publishers and import the new ones.

    LIST is a list id of the catalogue (us_dod_1286, us_csl, ca_nro, ror, uk_sanctions; default:
    all). Prints what changed since the previous edition; the next scan re-screens the stored
    records the change affects. Exit 1 if any list could not be updated (that list is left
    unchanged)."""
    from kvrules.refdata.update import UpdateError, crosswalk_summary, update

    with _open(db) as store:
        try:
            results = update(store, list(lists) or None)
        except UpdateError as exc:
            raise click.ClickException(str(exc)) from exc
        for result in results:
            click.echo(
                ("error: " if result.error else "") + result.summary(), err=bool(result.error)
            )
        if any(not r.error and not r.unchanged for r in results):
            click.echo(crosswalk_summary(store))
            click.echo("the next scan re-screens the stored records these editions change")
    if any(r.error for r in results):
        raise SystemExit(1)


@refdata.command("transcribe")
@click.argument("kind", type=click.Choice(["dod1286"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write (default: standard output)",
)
@click.option("--expect", type=click.IntRange(min=1), help="institutions the DoD announced")
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
@_db_option
@click.option("--json", "as_json", is_flag=True)
def lists_(db: Path | None, as_json: bool) -> None:
    """Show stored list editions with their provenance."""
    with _open(db) as store:
        counts = store.counts()
        infos = store.lists()
    if as_json:
        rows = [
            {**i.model_dump(mode="json"), "entries": counts.get((i.list_id, i.edition), 0)}
            for i in infos
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("list", "edition", "kind", "entries", "title / publisher", "licence", "sha256")
    for i in infos:
        title = i.title + (" [PARTIAL]" if i.partial else "")
        table.add_row(
            i.list_id,
            i.edition,
            i.kind,
            str(counts.get((i.list_id, i.edition), 0)),
            f"{title}\n{i.publisher or ''} {i.source_url or ''}".strip(),
            i.licence or "",
            (i.sha256 or "")[:12],
        )
    Console().print(table)


@refdata.command("history")
@_db_option
@click.option("--ror", help="ROR id or URL")
@click.option("--name", help="exact name or alias (normalised)")
@click.option("--country", help="country of the name")
@click.option("--list-id")
@click.option("--json", "as_json", is_flag=True)
def history_(
    db: Path | None,
    ror: str | None,
    name: str | None,
    country: str | None,
    list_id: str | None,
    as_json: bool,
) -> None:
    """Which editions of which lists held an organisation (e.g. in FY24, not in FY25)."""
    if not ror and not name:
        raise click.UsageError("give --ror or --name")
    with _open(db) as store:
        rows = store.history(ror=ror, name=name, country=country, list_id=list_id)
    if as_json:
        click.echo(json.dumps([_row(r) for r in rows], ensure_ascii=False))
        return
    for r in rows:
        mark = "listed    " if r.listed else "not listed"
        click.echo(f"{r.list_id:16} {r.edition:12} {mark} {r.name or ''}")


def _row(r: object) -> dict[str, object]:
    return {k: getattr(r, k) for k in ("list_id", "edition", "listed", "entry_id", "name")}


@click.command()
@click.argument("name")
@_db_option
@click.option("--country", help="ISO country (code or name) of the organisation")
@click.option("--ror", "ror_id", help="ROR id, if known")
@click.option(
    "--threshold",
    type=float,
    default=0.85,
    show_default=True,
    help="minimum score of a fuzzy candidate",
)
@click.option("--json", "as_json", is_flag=True)
def match(
    name: str,
    db: Path | None,
    country: str | None,
    ror_id: str | None,
    threshold: float,
    as_json: bool,
) -> None:
    """Match NAME against the reference lists (loads the shipped data into an empty db)."""
    from kvrules.refdata.resolver import Resolver
    from kvrules.refdata.shipped import load_shipped

    with _open(db) as store:
        if store.is_empty():
            load_shipped(store)
        try:
            resolver = Resolver(store, threshold=threshold)
            found = resolver.match(name, country, ror_id)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        doc = {"query": name, "matches": [m.as_dict() for m in found]}
        click.echo(json.dumps({**doc, "searched": resolver.searched}, ensure_ascii=False))
        return
    if not found:
        click.echo(
            f"{name!r} was not found in {', '.join(resolver.searched) or 'any list'}; "
            "not found there is not the same as safe"
        )
        return
    for m in found:
        flag = " (candidate: confirm)" if m.candidate else ""
        via = f" via {m.via}" if m.via else ""
        click.echo(
            f"{m.score:.3f} {m.method:7} {m.list}@{m.edition} {m.entry}  {m.name}"
            f"{' ror:' + m.ror_id if m.ror_id else ''}{via}{flag}"
        )
