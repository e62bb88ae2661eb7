"""A plugin's hooks checked where kvrules calls them, so that a broken hook is named in one line
("plugin 'dspace': write_tags returned dict, expected TagWrite") instead of failing later, deep
inside kvrules, as an AttributeError or an "internal error".

Used by scans (``kvrules.pipeline``), the reader process and the conformance suite
(``kvrules.testing``): the same words wherever the plugin is caught.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import requests

from kvrules.adapter import Adapter, FetchedRecord, TagWrite
from kvrules.credentials import scrubbed
from kvrules.errors import KvrulesError
from kvrules.intake import kvrules_only_field
from kvrules.plugin_stdout import plugin_prints_to_stderr


class PluginError(KvrulesError):
    """A plugin's hook raised an error of its own, or returned what the contract does not
    allow. Permanent until the plugin is fixed: not retried as a transient failure is."""


def plugin_of(provided: object) -> str:
    """The name ``kvrules plugins`` lists for the plugin that provides ``provided`` (an adapter
    or its class): the entry point that registered it (``kvrules.plugins.plugin_providing``),
    else its own name."""
    from kvrules.plugins import plugin_providing  # only when a plugin is to be named

    cls = provided if isinstance(provided, type) else type(provided)
    named = plugin_providing(cls)
    return named or str(getattr(cls, "name", None) or cls.__module__.split(".")[0])


def wrong_type(
    provided: object, hook: str, value: Any, expected: type, verb: str = "returned"
) -> str | None:
    """Why ``value`` breaks the contract of ``hook`` (None when it is an ``expected``)."""
    if isinstance(value, expected):
        return None
    return scrubbed(
        f"plugin '{plugin_of(provided)}': {hook} {verb} {type(value).__name__}, "
        f"expected {expected.__name__}"
    )


def raised(provided: object, hook: str, error: BaseException) -> PluginError:
    """An error of the plugin's own (not one kvrules defines) raised in ``hook``."""
    return PluginError(
        scrubbed(f"plugin '{plugin_of(provided)}': {hook} raised {type(error).__name__}: {error}")
    )


def failure(provided: object, hook: str, error: Exception) -> str:
    """One line for an error ``hook`` raised: the plugin and the hook named for an error of
    the plugin's own, the source's failure (its own words) as it is."""
    if isinstance(error, SOURCE_FAILURES):
        return scrubbed(f"{type(error).__name__}: {error}")
    return str(raised(provided, hook, error))


# What a source's own failure looks like (unreachable, refused, its own words): not a bug of the
# plugin, reported as it is.
SOURCE_FAILURES = (KvrulesError, OSError, requests.RequestException)


_END = object()


@contextlib.contextmanager
def _named(provided: object, hook: str) -> Iterator[None]:
    """An error of the plugin's own raised inside becomes a PluginError naming it and the hook;
    the source's failures pass as they are. What the plugin prints goes to stderr: stdout is
    the command's output (``kvrules fetch --json``), which a debugging print() would corrupt."""
    try:
        with plugin_prints_to_stderr():
            yield
    except SOURCE_FAILURES:
        raise
    except Exception as exc:
        raise raised(provided, hook, exc) from exc


def checked_fetch(adapter: Adapter, cursor: str | None) -> Iterator[FetchedRecord]:
    """``adapter.fetch(cursor)``: an item that is not a FetchedRecord comes out as one that is
    quarantined with the reason, and so does a record carrying a field only kvrules sets; an
    error of the plugin's own becomes a PluginError naming the plugin and the hook (the scan
    keeps what it read before; the next resumes there)."""
    with _named(adapter, "fetch"):
        records = iter(adapter.fetch(cursor))
    try:
        while True:
            with _named(adapter, "fetch"):
                item = next(records, _END)
            if item is _END:
                return
            if isinstance(item, FetchedRecord):
                yield _refused(item)
            else:
                reason = wrong_type(adapter, "fetch", item, FetchedRecord, "yielded")
                yield FetchedRecord(record_id=_record_id(item), error=reason)
    finally:  # stopped early (a limit, Ctrl-C): the adapter's own generator closes now
        close = getattr(records, "close", None)
        if close is not None:
            close()


def _refused(record: FetchedRecord) -> FetchedRecord:
    """``record``, or, when its events carry a field only kvrules sets (``kvrules.intake``),
    the same record quarantined with that field's path: its cursor and state rows kept, so
    that the scan resumes past it as it would have."""
    if not record.events or (reason := kvrules_only_field(record.events)) is None:
        return record
    return record.model_copy(update={"events": [], "error": reason})


def _record_id(item: Any) -> str:
    """The record id a wrong item seems to carry, to quarantine it under."""
    if isinstance(item, dict):
        for key in ("record_id", "id"):
            if isinstance(item.get(key), str | int) and str(item[key]).strip():
                return str(item[key])
    return f"(a {type(item).__name__} without a record id)"


def checked_write_tags(
    adapter: Adapter, record_id: str, tags: list[str], **options: Any
) -> TagWrite:
    """``adapter.write_tags``; a result that is not a TagWrite is a PluginError."""
    with plugin_prints_to_stderr():  # stdout is the command's (see _named)
        result = adapter.write_tags(record_id, tags, **options)
    if problem := wrong_type(adapter, "write_tags", result, TagWrite):
        raise PluginError(problem)
    return result
