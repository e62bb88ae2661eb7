"""What a case says of its record besides its findings, from the record as the scan stored it
(``kvrules.store.subjects.subject_body``), in the sentences pre-screening and the scan use:
the partners described under several spellings that are one organisation
(``kvrules.one_organisation``) and the partners whose name reads as a person's
(``kvrules.plain.read_as_person``). ``kvrules show case:N``, the case page and the Markdown
report say them alike, so that a case does not tell less than ``check`` did of the same
partners."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from kvrules.model import Funder, Organisation, Partner
from kvrules.one_organisation import one_organisation_in_words
from kvrules.plain import read_as_person
from kvrules.records import organisations_of

__all__ = ["SOURCE_GONE", "one_organisation_of", "read_as_persons_of", "source_gone_in_words"]

# the flag a case list, an export and a report give a case whose record was deleted at source
SOURCE_GONE = "record deleted at the source"


def _stored(orgs: Any, model: type[Organisation]) -> list[Organisation]:
    """The stored organisations as the model reads them; one stored by an older kvrules that
    no longer reads is left out (it is still on the case page, only not grouped)."""
    read = []
    for org in orgs or []:
        try:
            read.append(
                model.model_validate({k: v for k, v in org.items() if k in model.model_fields})
            )
        except (ValidationError, AttributeError):
            continue
    return read


def one_organisation_of(
    subject: Mapping[str, Any] | None, titles: Mapping[str, str] | None = None
) -> list[str]:
    """One line per organisation the record's partners (or funders) describe more than once,
    as ``check`` says it of the same partners (``titles``: list id → title)."""
    lines: list[str] = []
    for key in ("project", "application"):
        held = (subject or {}).get(key) or {}
        for what, orgs, model in (
            ("partner", held.get("partners"), Partner),
            ("funder", held.get("funders"), Funder),
        ):
            lines += one_organisation_in_words(_stored(orgs, model), what, titles)
    return lines


def read_as_persons_of(subject: Mapping[str, Any] | None) -> list[str]:
    """One line per partner whose name reads as a person's and that kept its country only
    because the organisation registry is partial (stored as ``read_as_person``), as the
    scan, pre-screening and the case page say it."""
    said: dict[str, None] = {}
    for org in organisations_of(dict(subject or {})):
        if org.get("read_as_person"):
            line = read_as_person(str(org.get("name") or "?"))
            said[line[0].upper() + line[1:]] = None
    return list(said)


def source_gone_in_words(details: Mapping[str, Any]) -> str:
    """ "The record is no longer in pure: the full read of 2026-12-07 did not find it (deleted
    there, or hidden from kvrules' account)": a case's ``case.source-gone`` note, said at the
    top of the case (``kvrules show``, as the case page says it)."""
    at = str(details.get("at") or "")[:10]
    return (
        f"The record is no longer in {details.get('source')}: the full read of {at} did not "
        "find it (deleted there, or hidden from kvrules' account); nothing was closed, the "
        "committee decides what the case needs"
    )
