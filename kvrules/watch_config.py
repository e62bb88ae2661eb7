"""The configuration a running ``kvrules watch`` scans with, read again when it changed.

A service runs ``watch`` for months; an administrator edits ``kvrules.yaml`` (a
``rulebook_vars`` value, a new source), an own taxonomy, or replaces a rotated key's file and
expects the next scan to use it. Before each scan the files the configuration names are
compared with what was read; when one changed (or SIGHUP asked) the configuration is read and
its rulebooks compiled again. A configuration that does not validate is not taken: the one
read before keeps running, said once (as a refused rulebook is, ``kvrules.watch``), and again
only when the files change again or a SIGHUP asks; ``refused`` holds why until they are fixed
(the watch alerts it once: ``kvrules.watch_refusals``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from kvrules.config import Config
from kvrules.credentials import secret_settings
from kvrules.errors import KvrulesError
from kvrules.plugins import get_adapters, get_alert_channels
from kvrules.settings import Resolved
from kvrules.watch import CompiledRulebooks

__all__ = ["WatchedConfig", "named_files"]


def named_files(resolved: Resolved) -> list[Path]:
    """The files whose content makes the configuration: the config file, its own area
    taxonomies (each file of a folder), exchange rates and the secret files of sources and
    alert channels (declared with ``secret_file_setting``: a rotated key is often a replaced
    file; ``holds_a_secret`` for a plugin that declares none). Rulebook
    files are watched by ``CompiledRulebooks`` itself."""
    config = resolved.config
    files = [resolved.path] if resolved.path is not None else []
    for taxonomy in config.area_taxonomies:
        files += (
            sorted(p for p in taxonomy.rglob("*") if p.is_file())
            if taxonomy.is_dir()
            else [taxonomy]
        )
    if config.exchange_rates is not None:
        files.append(config.exchange_rates)
    adapters, channels = get_adapters(), get_alert_channels()
    settings = [(s.settings, adapters.get(s.adapter)) for s in config.sources.values()]
    settings += [(c.settings, channels.get(c.plugin)) for c in config.alerts.channels.values()]
    for each, plugin in settings:
        secret = _secret_files(getattr(plugin, "Config", None))
        files += [Path(v) for k, v in each.items() if secret(k) and isinstance(v, (str, Path))]
    return files


def _secret_files(settings: type[BaseModel] | None) -> Callable[[str], bool]:
    """Which settings of a plugin's class name a file holding a secret: those it declares
    (``secret_file_setting``), whatever their names; by name (``holds_a_secret``) only for
    a class that declares none (a third party's, or a plugin not installed)."""
    declared = {k for k, kind in secret_settings(settings).items() if kind == "file"}
    return declared.__contains__ if declared else holds_a_secret


# The words of settings that name a file holding a secret (api_key_file, password_file,
# secret_file, token_file): a safety net for a third party's plugin that declares none with
# secret_file_setting (kvrules' own adapters and plugins declare theirs). Other ``*_file``
# settings may be kvrules' own output (the file adapter's tags_file): watched, each scan that
# writes tags would read the configuration again.
_SECRET_WORDS = ("key", "password", "secret", "token")


def holds_a_secret(setting: str) -> bool:
    """Whether ``setting`` names a file holding a secret (``api_key_file``), not any file."""
    stem, suffix = setting[: -len("_file")], setting[-len("_file") :]
    return suffix == "_file" and any(word in stem for word in _SECRET_WORDS)


def _fingerprints(files: list[Path]) -> dict[Path, str | None]:
    """Each file's sha256 (None when it cannot be read: gone, or not yet written)."""
    seen: dict[Path, str | None] = {}
    for path in files:
        try:
            seen[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            seen[path] = None
    return seen


def _one_line(error: BaseException) -> str:
    """A configuration error's lines (one per file:line:col) joined for one watch line."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


class WatchedConfig:
    """The configuration in force (first ``resolved``) and its compiled rulebooks. ``read``
    reads the configuration again (raising ``KvrulesError`` when it does not validate);
    ``now`` is the wall clock, for the time said ("the configuration read at 10:02")."""

    def __init__(
        self,
        resolved: Resolved,
        read: Callable[[], Resolved],
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        self._read, self._now = read, now
        self.config: Config = resolved.config
        self.rulebooks = CompiledRulebooks.from_config(self.config)
        self.read_at = now()
        self._files = named_files(resolved)
        self._seen = _fingerprints(self._files)
        # Why the files as they are now were not taken (None: they were, or were not changed)
        self.refused: str | None = None
        # the version of the files waiting for the rulebooks to compile (said once)
        self._waiting: dict[Path, str | None] | None = None

    def changed(self) -> bool:
        """Whether a file the configuration names differs from when it was last read."""
        return _fingerprints(self._files) != self._seen

    def refresh(self, *, asked: bool = False) -> str | None:
        """Read the configuration again if a file changed (or ``asked``: SIGHUP); what to say
        on the watch line: that it was read again, or why it was not taken and which one keeps
        running (said once: not again until the files change or a SIGHUP asks); None when
        nothing changed."""
        now_seen = _fingerprints(self._files)
        if not asked and now_seen == self._seen:
            return None  # a refusal of these files was said when they were read
        why = "on SIGHUP" if asked else f"{self._changed_in_words(now_seen)} changed"
        before, self._seen = self._seen, now_seen  # this version is decided: taken or refused
        try:
            resolved = self._read()
            if not resolved.config.sources:  # watch would have nothing to scan: not taken
                raise KvrulesError(f"{resolved.path or 'the configuration'} names no source")
            candidate = CompiledRulebooks.from_config(resolved.config)
        except (KvrulesError, OSError) as e:
            return self._refuse(e)
        try:
            candidate.evaluator()  # rulebook_vars are checked against the rulebooks here
        except (KvrulesError, OSError) as e:
            candidate.close()
            if self._rulebooks_refused(resolved.config):
                return self._wait_for_rulebooks(before, why)
            return self._refuse(e)
        self.rulebooks.close()
        self.config, self.rulebooks, self.read_at = resolved.config, candidate, self._now()
        self._files = named_files(resolved)
        self._seen = _fingerprints(self._files)
        self.refused, self._waiting = None, None
        return f"configuration read again ({why})"

    def _rulebooks_refused(self, config: Config) -> bool:
        """Whether the rulebooks in force, as their files are now, do not compile either: a
        configuration refused for that is refused for the rulebooks (said and alerted as
        theirs, ``kvrules.watch``), not for itself. Compiled afresh: the watch's own
        ``CompiledRulebooks`` says which file changed when it compiles them."""
        if config.rulebooks != self.config.rulebooks:
            return False  # it names other rulebooks: their failure is the configuration's
        probe = CompiledRulebooks.from_config(self.config)
        try:
            probe.evaluator()
        except (KvrulesError, OSError):
            return True
        finally:
            probe.close()
        return False

    def _wait_for_rulebooks(self, before: dict[Path, str | None], why: str) -> str | None:
        """A configuration change not taken while the rulebooks do not compile: left unseen,
        read again at each scan until they do (reviewer: it was marked read, and a valid
        ``interval`` edited meanwhile was never taken once the rulebook was fixed). Said once
        per version of the files; not a refusal of the configuration (one cause, one alert)."""
        waiting, self._seen = self._seen, before
        if waiting == self._waiting:
            return None
        self._waiting = waiting
        return f"configuration: {why}; taken once the rulebooks compile again"

    def _changed_in_words(self, now_seen: dict[Path, str | None]) -> str:
        changed = [p.name for p in self._files if now_seen.get(p) != self._seen.get(p)]
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return ", ".join(changed[:3]) + more

    @property
    def kept(self) -> str:
        """What runs while a change is refused, in words."""
        return f"the configuration read at {self.read_at:%H:%M}"

    def _refuse(self, error: BaseException) -> str:
        self.refused = _one_line(error)
        return f"{self.refused}; still running with {self.kept}"

    def close(self) -> None:
        self.rulebooks.close()

    def __enter__(self) -> WatchedConfig:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
