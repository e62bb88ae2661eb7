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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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
