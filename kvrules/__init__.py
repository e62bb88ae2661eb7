"""kvrules: knowledge-security screening of research collaborations with cited rulebooks.

This module is the public API that adapters and plugins import, with ``kvrules.errors`` (the
exception tree), ``kvrules.http`` (HTTP plumbing for adapters) and ``kvrules.testing`` (the
conformance suite and simulator toolkit). Everything else is internal and may change.
"""

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
from kvrules.alerting import Alert, AlertChannel, AlertItem, DeliveryError, case_url
from kvrules.credentials import SecretMissing, read_secret, required_secret
from kvrules.engine import load_rulebook
from kvrules.engine.evaluator import Evaluator
from kvrules.errors import KvrulesError
from kvrules.findings import Finding
from kvrules.hookspecs import hookimpl
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
from kvrules.rulebook.ir import Severity
from kvrules.rulebook.loader import Diagnostic, RulebookError

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
    "KvrulesError",
    "LimitExceeded",
    "Organisation",
    "Partner",
    "Person",
    "Project",
    "RecordExplanation",
    "RecordLimits",
    "ResearchOutput",
    "RulebookError",
    "SecretMissing",
    "Severity",
    "Source",
    "TagWrite",
    "Visit",
    "case_url",
    "check_events",
    "check_raw",
    "check_refs",
    "country_code",
    "hookimpl",
    "load_rulebook",
    "not_ours",
    "pack_cursor",
    "parse_timestamp",
    "read_secret",
    "required_secret",
    "unpack_cursor",
]
