"""What ``kvrules watch`` keeps from one scan to the next: the compiled rulebooks.

Compiling every rulebook takes seconds; a watch scanning every few minutes compiles them once,
and again only when a rulebook file changed (added, removed, or its content — its size and
modification time say whether to read it, its sha256 whether it changed).

A rulebook edited into one that does not compile (a YAML error, an unknown field, a file left
unreadable) is refused once: the rulebooks compiled before stay in force, ``refused`` says
why in one line (file:line:col: message) for the watch to say once, and that version of the
files is not compiled again; the next change to them is."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kvrules.assembly import RulebookOptions
from kvrules.config import Config
from kvrules.engine.evaluator import Evaluator
from kvrules.errors import KvrulesError
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


class RulebookUnreadable(KvrulesError):
    """A rulebook file that exists but cannot be read (permissions, a folder in its place)."""


def _one_line(error: BaseException) -> str:
    """An error's lines (one per file:line:col) joined into one line for the watch."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


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
        # Why the files as they are now were not compiled (None: they were); said by the
        # watch on the scan that found it, and not again until the files change.
        self.refused: str | None = None
        self._seen_refused = False  # whether ``_seen`` is a version refused, not compiled
        self.compiled_at = 0.0  # time.time() of the compile in force, for "compiled at"

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
        ([] when it was not compiled again; every file the first time).

        Files that no longer compile raise only when there is no evaluator yet; otherwise the
        last good one is returned, ``refused`` says why (the line to say once), and this
        version of the files is not tried again: the next change to them is."""
        try:
            now = self._look()
        except RulebookUnreadable as e:
            return self._refuse(e, None)
        before = self._seen
        changed = sorted(
            {p for p in now if p not in before or before[p].sha256 != now[p].sha256}
            | (set(before) - set(now))
        )
        if self._evaluator is not None and not changed:
            self._seen = now  # a file touched, not changed: its new time, not read again
            if not self._seen_refused:  # readable again, as compiled: nothing to say
                self.refused = None
            return self._evaluator, []
        try:
            evaluator = self.options.evaluator()
        except (KvrulesError, OSError) as e:
            return self._refuse(e, now)
        self.compiled += 1
        if self._evaluator is not None:
            self._evaluator.close()
        self._evaluator, self._seen, self._seen_refused = evaluator, now, False
        self.refused, self.compiled_at = None, time.time()
        return evaluator, changed

    def _refuse(
        self, error: KvrulesError | OSError, now: dict[Path, _Seen] | None
    ) -> tuple[Evaluator, list[Path]]:
        """Keep the evaluator in force over files that do not compile (``now``: their
        version, not tried again; None: unreadable, tried at every call until readable)."""
        if self._evaluator is None:
            raise error  # nothing good to keep: the scan says why and fails
        if now is not None:
            self._seen, self._seen_refused = now, True
        self.refused = _one_line(error)
        return self._evaluator, []

    def _look(self) -> dict[Path, _Seen]:
        """Each rulebook file as it is now; the content is read only when its size or
        modification time differs from when it was compiled. ``RulebookUnreadable`` names a
        file that cannot be read."""
        now: dict[Path, _Seen] = {}
        for path in rulebook_files(self.paths):
            try:
                stat = path.stat()
                before = self._seen.get(path)
                if before is not None and (before.mtime_ns, before.size) == (
                    stat.st_mtime_ns,
                    stat.st_size,
                ):
                    now[path] = before
                    continue
                now[path] = _Seen(stat.st_mtime_ns, stat.st_size, _sha256(path))
            except FileNotFoundError:
                continue  # removed while listed: as if it were gone
            except OSError as e:
                raise RulebookUnreadable(f"{path}: cannot be read ({e.strerror or e})") from None
        return now

    def close(self) -> None:
        if self._evaluator is not None:
            self._evaluator.close()
            self._evaluator = None

    def __enter__(self) -> CompiledRulebooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
