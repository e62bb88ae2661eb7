"""What ``kvrules watch`` keeps from one scan to the next: the compiled rulebooks.

Compiling every rulebook takes seconds; a watch scanning every few minutes compiles them once,
and again only when a rulebook file changed (added, removed, or its content — its size and
modification time say whether to read it, its sha256 whether it changed)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kvrules.assembly import RulebookOptions
from kvrules.config import Config
from kvrules.engine.evaluator import Evaluator
from kvrules.rulebook.discovery import rulebook_files

__all__ = ["CompiledRulebooks"]


@dataclass(frozen=True)
class _Seen:
    """A rulebook file as last compiled."""

    mtime_ns: int
    size: int
    sha256: str


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CompiledRulebooks:
    """The evaluator of the rulebooks at ``paths`` (with the configuration's ``overrides`` and
    ``readable_attributes``, as ``build_evaluator`` takes them), compiled when first asked for
    and again only when a file changed."""

    def __init__(
        self,
        paths: Sequence[Path],
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
        readable_attributes: Sequence[str] = (),
        *,
        home_country: str | None = None,
        apply_anyway: Sequence[str] = (),
    ) -> None:
        self.options = RulebookOptions(
            tuple(paths),
            dict(overrides or {}),
            tuple(readable_attributes),
            home_country,
            tuple(apply_anyway),
        )
        self.paths = list(paths)
        self.compiled = 0  # how many times the rulebooks were compiled
        self._evaluator: Evaluator | None = None
        self._seen: dict[Path, _Seen] = {}

    @classmethod
    def from_config(cls, config: Config) -> CompiledRulebooks:
        """The rulebooks a scan with ``config`` evaluates (``RulebookOptions.of``)."""
        options = RulebookOptions.of(config)
        return cls(
            options.rulebooks,
            options.overrides,
            options.readable_attributes,
            home_country=options.home_country,
            apply_anyway=options.apply_anyway,
        )

    def evaluator(self) -> tuple[Evaluator, list[Path]]:
        """The evaluator to scan with, and the files that changed since it was last compiled
        ([] when it was not compiled again; every file the first time). A rulebook that no
        longer compiles raises, and the evaluator of the last good files is kept for a later
        call (the next scan tries again)."""
        now = self._look()
        before = self._seen
        changed = sorted(
            {p for p in now if p not in before or before[p].sha256 != now[p].sha256}
            | (set(before) - set(now))
        )
        if self._evaluator is not None and not changed:
            self._seen = now  # a file touched, not changed: its new time, not read again
            return self._evaluator, []
        evaluator = self.options.evaluator()
        self.compiled += 1
        if self._evaluator is not None:
            self._evaluator.close()
        self._evaluator, self._seen = evaluator, now
        return evaluator, changed

    def _look(self) -> dict[Path, _Seen]:
        """Each rulebook file as it is now; the content is read only when its size or
        modification time differs from when it was compiled."""
        now: dict[Path, _Seen] = {}
        for path in rulebook_files(self.paths):
            stat = path.stat()
            before = self._seen.get(path)
            if before is not None and (before.mtime_ns, before.size) == (
                stat.st_mtime_ns,
                stat.st_size,
            ):
                now[path] = before
                continue
            now[path] = _Seen(stat.st_mtime_ns, stat.st_size, _sha256(path))
        return now

    def close(self) -> None:
        if self._evaluator is not None:
            self._evaluator.close()
            self._evaluator = None

    def __enter__(self) -> CompiledRulebooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
