"""The title a stored finding is shown under: its rule's, as the site's rulebooks say it now.

A finding keeps the title its rule had when it was found (its stored body, the audit entries
that quote it): that is what was said then. A rulebook edited since may title the same rule
otherwise: ``eu-dual-use`` 2026.6 asks a site outside the EU about "a partner abroad" where
2026.5 said "outside the EU". A scan that re-screens the record updates the finding in place
(audited as ``finding.updated``); until then, or for a record no scan reads again (a closed
case, a project gone from the source), the case page, ``kvrules show``, the alerts and the
exports showed the old title. So they show the rule's title now, read from the rulebooks as
this site applies them (its ``rulebook_vars``, home country, ``apply_outside_jurisdiction``),
and nothing stored is rewritten. A rule no longer in the rulebooks (or a rulebook that does
not load) leaves the finding its stored title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kvrules.findings import Finding
from kvrules.jurisdiction import applicable

if TYPE_CHECKING:
    from kvrules.config import Config
    from kvrules.rulebook import ir
    from kvrules.store.cases import StoredFinding

__all__ = ["RuleTitles", "config_rule_titles", "rule_titles", "titled_now", "titled_stored"]

# "rulebook/rule" → the rule's title as the site reads it now
RuleTitles = Mapping[str, str]


def rule_titles(books: Iterable[ir.Rulebook]) -> dict[str, str]:
    """The titles of the rules of ``books`` (as applied: ``kvrules.jurisdiction.for_home``)."""
    return {f"{book.id}/{rule.id}": rule.title for book in books for rule in book.rules}


def config_rule_titles(config: Config, rulebooks: Sequence[Path] = ()) -> dict[str, str]:
    """The titles of the configuration's rulebooks (``rulebooks`` given: those), as the site
    applies them. Read by the rulebook language only (0.16 s for the shipped ones, no engine
    built); a rulebook with problems is left out (``config check`` says them), and its
    findings keep their stored titles."""
    from kvrules.rulebook.discovery import load_all

    books, _problems = load_all(
        list(rulebooks or config.rulebooks),
        config.rulebook_vars,
        tuple(config.readable_attributes),
        warn=False,  # a rulebook's warnings are `config check`'s and the scan's to say
    )
    applied, _left_out = applicable(
        books, config.home_country, tuple(config.apply_outside_jurisdiction)
    )
    return rule_titles(applied)


def titled_now(finding: Finding, titles: RuleTitles | None) -> Finding:
    """``finding`` under its rule's title now (a copy; the same object when unchanged)."""
    if not titles:
        return finding
    title = titles.get(f"{finding.rulebook.id}/{finding.rule_id}")
    if title is None or title == finding.rule_title:
        return finding
    return replace(finding, rule_title=title)


def titled_stored(
    stored: Iterable[StoredFinding], titles: RuleTitles | None
) -> list[StoredFinding]:
    """Stored findings, each under its rule's title now (the stored ones are not changed)."""
    out = []
    for one in stored:
        finding = titled_now(one.finding, titles)
        out.append(one if finding is one.finding else replace(one, finding=finding))
    return out
