"""The title a stored finding is shown under: its rule's, as the site's rulebooks say it now.

A finding keeps the title its rule had when it was found (its stored body, the audit entries
that quote it): that is what was said then. A rulebook edited since may title the same rule
otherwise: ``eu-dual-use`` 2026.6 asks a site outside the EU about "a partner abroad" where
2026.5 said "outside the EU". A scan that re-screens the record updates the finding in place
(audited as ``finding.updated``); until then, or for a record no scan reads again (a closed
case, a project gone from the source), the case page, ``kvrules show``, the alerts and the
exports showed the old title. So they show the rule's title now, read from the rulebooks as
this site applies them (home country, ``apply_outside_jurisdiction``), and nothing stored is
rewritten. A rule no longer in the rulebooks (or a rulebook that does not load) leaves the
finding its stored title.

A title naming ``{vars.NAME}`` said the values in effect when it was found: "Large award
(>= EUR 1,000,000 …)" beside evidence "at or above the €1,000,000 threshold". A site that
raises ``large_award`` since must not see that finding under "(>= EUR 5,000,000 …)"
(reviewer). So such a title is replaced only when its wording as written changed (another
edition, ``title_abroad``) and the values it says now are those it said then; otherwise the
stored title stays. The case history says what was said when, always the stored titles.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kvrules.findings import Finding
from kvrules.jurisdiction import applicable

if TYPE_CHECKING:
    from kvrules.config import Config
    from kvrules.rulebook import ir
    from kvrules.store.cases import StoredFinding

__all__ = [
    "LiveRuleTitles",
    "RuleTitle",
    "RuleTitles",
    "config_rule_titles",
    "rule_titles",
    "titled_now",
    "titled_stored",
]

_VAR = re.compile(r"\{vars\.[A-Za-z_][A-Za-z0-9_]*\}")  # as kvrules.rulebook.loader says them


@dataclass(frozen=True)
class RuleTitle:
    """A rule's title as the site reads it now (``said``) and as written (``written``, its
    ``{vars.NAME}`` unsaid; None: not known, the title is taken as said)."""

    said: str
    written: str | None = None

    def for_stored(self, stored: str) -> str:
        """The title a finding stored under ``stored`` is shown under now."""
        if self.written is None or not _VAR.search(self.written):
            return self.said
        wording = _wording(self.written)
        if wording.fullmatch(stored):
            return stored  # the same wording: the values it said then stand
        now = wording.fullmatch(self.said)
        values_now = now.groups() if now else ()
        if values_now and all(value in stored for value in values_now):
            return self.said  # reworded, and the values are those said then
        return stored  # reworded, and the values differ: not said then, not claimed now


def _wording(written: str) -> re.Pattern[str]:
    """``written`` as a pattern: its words as they are, each ``{vars.NAME}`` any value."""
    parts = _VAR.split(written)
    return re.compile("(.+?)".join(re.escape(part) for part in parts), re.DOTALL)


# "rulebook/rule" → the rule's title as the site reads it now (a plain str: as said)
RuleTitles = Mapping[str, "RuleTitle | str"]


def rule_titles(books: Iterable[ir.Rulebook]) -> dict[str, RuleTitle | str]:
    """The titles of the rules of ``books`` (as applied: ``kvrules.jurisdiction.for_home``)."""
    return {
        f"{book.id}/{rule.id}": RuleTitle(rule.title, rule.title_written)
        for book in books
        for rule in book.rules
    }


def config_rule_titles(
    config: Config, rulebooks: Sequence[Path] = ()
) -> dict[str, RuleTitle | str]:
    """The titles of the configuration's rulebooks (``rulebooks`` given: those), as the site
    applies them. Read by the rulebook language only (0.16 s for the shipped ones, no engine
    built), once for as long as the rulebook files keep their (path, mtime, size): a process
    asking again (a command's several outputs, ``serve``'s pages through ``LiveRuleTitles``)
    stats the files only. A rulebook with problems is left out (``config check`` says them),
    and its findings keep their stored titles."""
    from kvrules.rulebook.discovery import rulebook_files

    paths = tuple(rulebooks or config.rulebooks)
    key = repr(
        (
            paths,
            config.rulebook_vars,
            tuple(config.readable_attributes),
            config.home_country,
            tuple(config.apply_outside_jurisdiction),
        )
    )
    stamp = _stamp(rulebook_files(paths))
    cached = _read.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    titles = _config_rule_titles(config, paths)
    _read[key] = (stamp, titles)
    return titles


# the titles read, by configuration: (the rulebook files' stamp then, the titles)
_read: dict[str, tuple[tuple[tuple[str, int, int], ...], dict[str, RuleTitle | str]]] = {}


def _stamp(files: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Each file's (path, mtime_ns, size): a file edited, added or removed changes it."""
    stamp = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            stamp.append((str(path), -1, -1))
            continue
        stamp.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamp)


class LiveRuleTitles(Mapping[str, "RuleTitle | str"]):
    """The titles of ``config``'s rulebooks as they are on disk now, for a process that runs
    on (``serve``: titles read at start-up were never refreshed, reviewer). The files are
    looked at (stat only) at most once every ``every`` seconds, read again when changed."""

    def __init__(self, config: Config, every: float = 2.0) -> None:
        self._config, self._every = config, every
        self._titles: dict[str, RuleTitle | str] = {}
        self._looked = -every

    def _now(self) -> dict[str, RuleTitle | str]:
        if time.monotonic() - self._looked >= self._every:
            self._titles = config_rule_titles(self._config)
            self._looked = time.monotonic()
        return self._titles

    def __getitem__(self, key: str) -> RuleTitle | str:
        return self._now()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())


def _config_rule_titles(config: Config, paths: Sequence[Path]) -> dict[str, RuleTitle | str]:
    from kvrules.rulebook.discovery import load_all

    books, _problems = load_all(
        list(paths),
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
    now = titles.get(f"{finding.rulebook.id}/{finding.rule_id}")
    if now is None:
        return finding
    title = now if isinstance(now, str) else now.for_stored(finding.rule_title)
    if title == finding.rule_title:
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
