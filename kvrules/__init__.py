"""kvrules: knowledge-security screening of research collaborations with cited rulebooks.

This module is the public API that adapters and plugins import, with ``kvrules.errors`` (the
exception tree), ``kvrules.http`` (HTTP plumbing for adapters) and ``kvrules.testing`` (the
conformance suite and simulator toolkit). Everything else is internal and may change.

The names are imported when first used (PEP 562 ``__getattr__``), not by ``import kvrules``:
every kvrules module imports this package first, and loading the engine, the rulebook
language and the model with it cost each start of ``kvrules`` (even ``--version``) about
0.6 s of CPU.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at run time, _WHERE below
    from kvrules.adapter import (
        Adapter,
        AdapterState,
        FetchedRecord,
        RecordExplanation,
        TagWrite,
        not_ours,
        pack_cursor,
        unpack_cursor,
    )
    from kvrules.alerting import (
        Alert,
        AlertChannel,
        AlertItem,
        DeliveryError,
        case_url,
        is_transient,
        unreachable,
    )
    from kvrules.credentials import (
        SecretMissing,
        masked_setting,
        read_secret,
        required_secret,
        secret_file_setting,
        secret_setting,
        secret_settings,
        setting_secret,
    )
    from kvrules.engine import load_rulebook
    from kvrules.engine.evaluator import Evaluator
    from kvrules.errors import KvrulesError
    from kvrules.findings import Finding
    from kvrules.hookspecs import hookimpl
    from kvrules.jsonguard import JSONTooDeep, parse_untrusted_json
    from kvrules.limits import LimitExceeded, RecordLimits, check_events, check_raw, check_refs
    from kvrules.model import (
        Application,
        Classification,
        CollaborationEvent,
        Contract,
        EventKind,
        Funder,
        Identifier,
        Organisation,
        Partner,
        Person,
        Project,
        ResearchOutput,
        Source,
        Visit,
        country_code,
        parse_timestamp,
    )
    from kvrules.refdata.importers.base import Parsed, RowError, add_entry
    from kvrules.rulebook.ir import Severity
    from kvrules.rulebook.loader import Diagnostic, RulebookError
    from kvrules.spreadsheet import csv_safe

# public name -> the module that defines it
_WHERE: dict[str, str] = {
    "Adapter": "kvrules.adapter",
    "AdapterState": "kvrules.adapter",
    "FetchedRecord": "kvrules.adapter",
    "RecordExplanation": "kvrules.adapter",
    "TagWrite": "kvrules.adapter",
    "not_ours": "kvrules.adapter",
    "pack_cursor": "kvrules.adapter",
    "unpack_cursor": "kvrules.adapter",
    "Alert": "kvrules.alerting",
    "AlertChannel": "kvrules.alerting",
    "AlertItem": "kvrules.alerting",
    "DeliveryError": "kvrules.alerting",
    "case_url": "kvrules.alerting",
    "is_transient": "kvrules.alerting",
    "unreachable": "kvrules.alerting",
    "SecretMissing": "kvrules.credentials",
    "masked_setting": "kvrules.credentials",
    "secret_settings": "kvrules.credentials",
    "read_secret": "kvrules.credentials",
    "required_secret": "kvrules.credentials",
    "secret_file_setting": "kvrules.credentials",
    "secret_setting": "kvrules.credentials",
    "setting_secret": "kvrules.credentials",
    "load_rulebook": "kvrules.engine",
    "Evaluator": "kvrules.engine.evaluator",
    "KvrulesError": "kvrules.errors",
    "Finding": "kvrules.findings",
    "hookimpl": "kvrules.hookspecs",
    "JSONTooDeep": "kvrules.jsonguard",
    "parse_untrusted_json": "kvrules.jsonguard",
    "LimitExceeded": "kvrules.limits",
    "RecordLimits": "kvrules.limits",
    "check_events": "kvrules.limits",
    "check_raw": "kvrules.limits",
    "check_refs": "kvrules.limits",
    "Application": "kvrules.model",
    "Classification": "kvrules.model",
    "CollaborationEvent": "kvrules.model",
    "Contract": "kvrules.model",
    "EventKind": "kvrules.model",
    "Funder": "kvrules.model",
    "Identifier": "kvrules.model",
    "Organisation": "kvrules.model",
    "Partner": "kvrules.model",
    "Person": "kvrules.model",
    "Project": "kvrules.model",
    "ResearchOutput": "kvrules.model",
    "Source": "kvrules.model",
    "Visit": "kvrules.model",
    "country_code": "kvrules.model",
    "parse_timestamp": "kvrules.model",
    "Parsed": "kvrules.refdata.importers.base",
    "RowError": "kvrules.refdata.importers.base",
    "add_entry": "kvrules.refdata.importers.base",
    "Severity": "kvrules.rulebook.ir",
    "Diagnostic": "kvrules.rulebook.loader",
    "RulebookError": "kvrules.rulebook.loader",
    "csv_safe": "kvrules.spreadsheet",
}

# Spelt out, not sorted(_WHERE): linters read it to know the imports above are the API.
__all__ = [
    "Adapter",
    "AdapterState",
    "Alert",
    "AlertChannel",
    "AlertItem",
    "Application",
    "Classification",
    "CollaborationEvent",
    "Contract",
    "DeliveryError",
    "Diagnostic",
    "Evaluator",
    "EventKind",
    "FetchedRecord",
    "Finding",
    "Funder",
    "Identifier",
    "JSONTooDeep",
    "KvrulesError",
    "LimitExceeded",
    "Organisation",
    "Parsed",
    "Partner",
    "Person",
    "Project",
    "RecordExplanation",
    "RecordLimits",
    "ResearchOutput",
    "RowError",
    "RulebookError",
    "SecretMissing",
    "Severity",
    "Source",
    "TagWrite",
    "Visit",
    "add_entry",
    "case_url",
    "check_events",
    "check_raw",
    "check_refs",
    "country_code",
    "csv_safe",
    "hookimpl",
    "is_transient",
    "load_rulebook",
    "masked_setting",
    "not_ours",
    "pack_cursor",
    "parse_timestamp",
    "parse_untrusted_json",
    "read_secret",
    "required_secret",
    "secret_file_setting",
    "secret_setting",
    "secret_settings",
    "setting_secret",
    "unpack_cursor",
    "unreachable",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kvrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # asked once: later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
