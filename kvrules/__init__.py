"""kvrules: knowledge-security screening of research collaborations with cited rulebooks.

This module is the public API that adapters and plugins import.
"""

from kvrules.adapter import Adapter, FetchedRecord, TagWrite
from kvrules.alerting import Alert, AlertChannel, AlertItem, DeliveryError, case_url
from kvrules.engine.evaluator import Evaluator
from kvrules.findings import Finding
from kvrules.hookspecs import hookimpl
from kvrules.limits import LimitExceeded, RecordLimits, check_events, check_raw, check_refs
from kvrules.model import (
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
    parse_timestamp,
)
from kvrules.rulebook.ir import Severity
from kvrules.rulebook.loader import Diagnostic, RulebookError, load_rulebook

__all__ = [
    "Adapter",
    "Alert",
    "AlertChannel",
    "AlertItem",
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
    "LimitExceeded",
    "Organisation",
    "Partner",
    "Person",
    "Project",
    "RecordLimits",
    "ResearchOutput",
    "RulebookError",
    "Severity",
    "Source",
    "TagWrite",
    "Visit",
    "case_url",
    "check_events",
    "check_raw",
    "check_refs",
    "hookimpl",
    "load_rulebook",
    "parse_timestamp",
]
