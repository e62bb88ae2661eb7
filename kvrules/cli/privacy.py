"""``kvrules privacy``: a data subject's requests (GDPR art. 15-17) about a person kvrules
names, by the name the RIS gives them: ``export`` (what is held) and ``erase`` (replace the
name by a pseudonym everywhere kvrules keeps it; dry run unless --apply).

The erasure compacts the file afterwards (as ``purge --apply`` does), so the name leaves the
disk, not only the tables. Back-ups made before still hold it; mails sent before are in their
recipients' mailboxes. Audit entries that quote the name are rewritten too, each sealed in the
erasure's own entry so the hash chain still verifies (``kvrules.store.privacy``).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from kvrules.cli.options import JSON_OPTION, config_from, open_existing, settings_options
from kvrules.store.privacy_api import Erasure

PERSON = click.option(
    "--person",
    required=True,
    help="the person's name as the RIS gives it (case and spacing do not matter)",
)
REFERENCE = click.option(
    "--request", "reference", help="the request's reference (e.g. the DPO's case number), audited"
)


@click.group()
def privacy() -> None:
    """A person's data: export what is held (access) or erase it (erasure, rectification)."""


def _busy(e: sqlite3.OperationalError) -> click.ClickException:
    return click.ClickException(
        f"the database is busy ({e}): a scan or another kvrules process is writing; "
        "try again when it has finished"
    )


@privacy.command("export")
@settings_options
@PERSON
@REFERENCE
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write the JSON here (default: standard output)",
)
def export(
    config_path: Path | None,
    db: Path | None,
    refdata: Path | None,
    person: str,
    reference: str | None,
    out: Path | None,
) -> None:
    """Everything kvrules holds naming PERSON, as JSON (an access request's answer):
    remembered records they lead, committee texts that name them, audit entries that quote
    them, their account if they have one. Audited (counts and reference, not the name)."""
    from kvrules.actors import cli_actor
    from kvrules.private import write_private

    config = config_from(config_path, db, refdata)
    try:
        with open_existing(config.database) as store:
            found = store.person_data(person, actor=cli_actor(), reference=reference)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    except sqlite3.OperationalError as e:
        raise _busy(e) from None
    document = {
        "person": person,
        "database": str(config.database),
        "why": "kvrules names the lead of each project so a case says whose project it is; "
        "see README, 'Personal data'",
        "counts": found.counts(),
        "records": found.records,
        "texts": found.texts,
        "audit_entries": found.audit_entries,
        "account": found.account,
    }
    _unspaced_warning(person)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        write_private(out, text)  # a person's data: the owner's only, never through a link
        click.echo(f"wrote {out}: {found.counts()}", err=True)


def _unspaced_warning(person: str) -> None:
    """Said on standard error: what a search for a name in such a script cannot find."""
    from kvrules.store.privacy import in_unspaced_script

    if in_unspaced_script(person):
        click.echo(
            "note: a name in a script written without spaces is found only where it stands "
            "apart (a whole value, or between spaces or punctuation), not inside a sentence "
            '("由张伟负责"): look for it there yourself',
            err=True,
        )


def _quoting(done: Erasure) -> list[int]:
    return [e["id"] for e in done.found.audit_entries if e["quotes_the_name"]]


@privacy.command("erase")
@settings_options
@PERSON
@REFERENCE
@click.option("--apply", is_flag=True, help="erase, audit and compact the file (default: dry run)")
@click.option(
    "--single-word",
    is_flag=True,
    help='allow --apply for a one-word name ("Will" is also in "We will review it"): '
    "read the dry run first",
)
@JSON_OPTION
def erase(
    config_path: Path | None,
    db: Path | None,
    refdata: Path | None,
    person: str,
    reference: str | None,
    apply: bool,
    single_word: bool,
    as_json: bool,
) -> None:
    """Replace PERSON's name by a pseudonym in the records and committee texts kvrules keeps
    (dry run unless --apply), audit entries quoting it included, and keep it out of later
    scans. Audited as privacy.erased with the pseudonym, counts and the seals of the entries
    rewritten, never the name; the audit chain stays verifiable. For a
    rectification, correct the name in the RIS: the next scan stores the corrected one."""
    from kvrules.actors import cli_actor

    config = config_from(config_path, db, refdata)
    problem = None
    try:
        with open_existing(config.database) as store:
            done = store.erase_person(
                person,
                actor=cli_actor(),
                apply=apply,
                reference=reference,
                single_word=single_word,
            )
            if apply:
                compacted = store.compact()
                if not compacted["checkpoint_complete"]:
                    problem = (
                        "erased, but another process was reading the database, so the "
                        "write-ahead log may still hold the old pages; run `kvrules purge "
                        "--apply` when the web app and scans are idle"
                    )
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    except sqlite3.OperationalError as e:
        raise _busy(e) from None
    counts = done.found.counts()
    _unspaced_warning(person)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "applied": done.applied,
                    "pseudonym": done.pseudonym if done.applied else None,
                    "audit_entry": done.audit_id,
                    **counts,
                    "audit_entries_quoting": _quoting(done),
                }
            )
        )
    else:
        verb = "replaced" if done.applied else "would be replaced"
        by = f"'{done.pseudonym}' (audit entry {done.audit_id})" if done.applied else "a pseudonym"
        click.echo(
            f"{counts['records']} record(s) and {counts['texts']} other stored text(s) naming "
            f"the person ({counts['texts_that_are_names']} a name as a whole, "
            f"{counts['texts_of_free_text']} in free text): {verb} by {by}"
        )
        if quoting := _quoting(done):
            ids = ", ".join(str(i) for i in quoting)
            how = "rewritten and sealed in the erasure's entry" if done.applied else "rewritten"
            click.echo(f"{len(quoting)} audit entr(y/ies) quoting the name: {how}: {ids}")
        if done.found.account:
            click.echo(
                "the person also has a kvrules account: disable it with `kvrules users "
                "disable`; its name stays as the actor of its audit entries"
            )
        if not done.applied:
            click.echo("dry run: nothing changed; --apply erases")
    if problem:
        click.echo(f"warning: {problem}", err=True)
        sys.exit(1)
