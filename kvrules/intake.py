"""What a source may hand over: fields that only kvrules sets are refused at intake.

``Organisation.country_set_apart`` holds the source's country of an organisation that
enrichment did not screen on it (a visitor's institution nothing identifies: its country would
be the visitor's nationality). A re-screen puts it back into ``country`` to decide again. A
source that carried it could hide a country from screening or plant one for the next re-screen,
so a record that carries it is quarantined with the field's path, as a record over a limit is
(``kvrules.limits``): visible, read again on the next scan, never silently changed.

``Organisation.read_as_person`` says a partner kept its country only because the registry is
partial; carried by a source, it would put that note on a case page: refused alike.

Other enrichment fields (``lists``, ``country_signals`` …) a source may set: enrichment adds
to them and never takes away, so a source can only screen more, never less.

``kvrules evaluate`` reads events from a file, which may be kvrules' own enriched output
(``kvrules fetch --json``, "records exactly as the rules will see them"): there an organisation
that enrichment set apart has no ``country`` and the source's in ``country_set_apart``.
``from_enriched_output`` takes such events back as a re-screen does: before enrichment the
country returns to ``country``, and enrichment decides again, setting it apart or screening
it. Nothing is hidden from screening, and ``evaluate`` stores nothing for a later re-screen to
read, so neither harm above can come of it. An organisation with both fields is no output of
kvrules and is refused, as from a source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kvrules.model import CollaborationEvent, Organisation

# Fields of an organisation that kvrules' enrichment alone sets, with why.
KVRULES_ONLY = {
    "country_set_apart": "set apart by kvrules' enrichment, never by a source; give the "
    "organisation's country in `country`",
    "read_as_person": "said by kvrules' enrichment of a partner named like a person, never by "
    "a source",
    "country_from": "set by kvrules' enrichment (a country taken from a list entry), never by "
    "a source; give the organisation's country in `country`",
}


def located_organisations(event: CollaborationEvent) -> Iterator[tuple[str, Organisation]]:
    """Every organisation an event names, with its field path (``project.partners[0]``)."""
    for field in ("partner", "funder"):
        if (org := getattr(event, field)) is not None:
            yield field, org
    if (p := event.project) is not None:
        for field in ("partners", "funders"):
            for i, org in enumerate(getattr(p, field)):
                yield f"project.{field}[{i}]", org
        for i, person in enumerate(p.participants):
            for j, org in enumerate(person.affiliations):
                yield f"project.participants[{i}].affiliations[{j}]", org
    if (o := event.output) is not None:
        for i, org in enumerate(o.affiliations):
            yield f"output.affiliations[{i}]", org
    if (v := event.visit) is not None:
        for i, org in enumerate(v.visitor.affiliations):
            yield f"visit.visitor.affiliations[{i}]", org


def kvrules_only_field(events: Iterable[CollaborationEvent]) -> str | None:
    """Why a source's events cannot be taken: the first field only kvrules sets that one of
    them carries, as ``path.field: reason`` (None: none does)."""
    for event in events:
        for path, org in located_organisations(event):
            for field, why in KVRULES_ONLY.items():
                if getattr(org, field) is not None:
                    return f"{path}.{field}: {why}"
    return None


NOT_ENRICHED_OUTPUT = (
    "kvrules' enrichment sets a country apart by leaving `country` empty, never both; give the "
    "organisation's country in `country` alone"
)


def from_enriched_output(event: CollaborationEvent, *, screen_again: bool) -> str | None:
    """An event of kvrules' own enriched output (``kvrules fetch --json``) to evaluate: with
    ``screen_again`` (enrichment follows), each set-apart country goes back into ``country``
    for enrichment to decide again, and a country taken from a list entry (``country_from``)
    is cleared (as a re-screen does both); without, the organisation stays as
    the rules saw it. Returns why the event cannot be taken (``path.field: reason``): an
    organisation with both a country and a set-apart one; None when it can."""
    apart = [
        (path, org)
        for path, org in located_organisations(event)
        if org.country_set_apart is not None
    ]
    for path, org in apart:
        if org.country is not None:
            return f"{path}.country_set_apart: {NOT_ENRICHED_OUTPUT}"
    if screen_again:
        for _, org in apart:
            org.country, org.country_set_apart = org.country_set_apart, None
        # A country enrichment took from a list entry is no source's: it goes, as on a
        # re-screen (``pipeline._clear_screening``), and enrichment takes it again or not.
        for _, org in located_organisations(event):
            if org.country_from is not None:
                org.country, org.country_from = None, None
    return None


def with_notes(event: CollaborationEvent, body: dict[str, Any]) -> dict[str, Any]:
    """``body``, a dump of ``event``, with what enrichment noted of its organisations that
    every dump leaves out (``read_as_person``): what reads the record in words says it (the
    case page, a finding's evidence, the pre-screen's answer)."""
    for path, org in located_organisations(event):
        if org.read_as_person:
            _at(body, path)["read_as_person"] = True
    return body


def _at(body: dict[str, Any], path: str) -> dict[str, Any]:
    """The dict at ``path`` (``project.partners[0]``) of a dumped event."""
    found: Any = body
    for part in path.split("."):
        key, _, index = part.partition("[")
        found = found[key]
        if index:
            found = found[int(index.rstrip("]"))]
    return found
