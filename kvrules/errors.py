"""One root for every error kvrules raises on purpose, so a caller catches one class.

Each leaf lives beside the code that raises it; this module only draws the tree::

    KvrulesError                      # anything kvrules reports as "what went wrong, what to do"
    ├── ConfigError                   kvrules.config: a configuration file or setting is wrong
    ├── AssemblyError                 kvrules.assembly: the config names something not installed
    ├── RulebookError                 kvrules.rulebook.loader: path:line:col diagnostics
    ├── YamlError                     kvrules.rulebook.yamlsource
    ├── ConditionError                kvrules.rulebook.condition
    ├── RegexError (ValueError)       kvrules.rulebook.regex
    ├── RuleRejected                  kvrules.rulebook.ir: a backend cannot run a rule
    │   └── CompileError              kvrules.engine.compiler: IR → durable_rules JSON
    ├── EngineError (RuntimeError)    kvrules.engine.durable: the C core refused a call
    ├── LimitExceeded (ValueError)    kvrules.limits: a record over a per-record limit
    ├── AreaDataError (ValueError)    kvrules.enrich.areas: a taxonomy file
    ├── ProfileError (ValueError)     kvrules.enrich.countries: a country-profile file
    ├── ReferenceDataError (ValueError)                 kvrules.refdata: lists and editions
    │   ├── ImportValidationError     kvrules.refdata.importers.base: rows refused, with numbers
    │   ├── PdfLayoutError            kvrules.refdata.importers.dod1286_pdf
    │   ├── EditionExistsError        kvrules.refdata.store
    │   └── UpdateError               kvrules.refdata.update: a download or its check failed
    ├── StoreError                    kvrules.store.db: the state database
    ├── CaseChanged                   kvrules.store.changes: a case changed since the page
    ├── StorageError                  kvrules.store.storage: a database's disk is full, read-only …
    ├── NotClosable (ValueError)      kvrules.store.closing: a case needs a decision first
    ├── MalformedAnchor (ValueError)  kvrules.store.audit: an audit head not ID:HASH
    ├── BadPeriod (ValueError)        kvrules.period: a report period that is no period
    ├── DeliveryError                 kvrules.alerting: an alert channel failed (may retry)
    ├── InsecureUrl (ValueError)      kvrules.http: plain http:// off loopback, not allowed
    ├── DeadlineExceeded              kvrules.http: a request's total deadline passed
    ├── ReaderFailed, ReaderUnavailable  kvrules.reader: the process reading a source
    ├── PluginError                   kvrules.contract: a plugin's hook raised or broke its type
    ├── HttpError                     kvrules.http: a request failed for good (no secrets)
    │   ├── PureError, NotFound, Conflict          kvrules_pure.client
    │   └── ConverisError, NotFound                kvrules_converis.client
    └── (adapters' own: MappingError, WriteConflict, ModelMismatch, RowError …)

Messages are written for the person at the terminal: one line that names the thing (file,
host, option) and says what to do. Secrets never appear in them. The command line prints
``str(error)`` and exits 1; anything else that escapes is a bug and is reported as one
(see ``kvrules.cli.main``), never as a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["KvrulesError", "ReferenceDataError", "problem_text", "validation_problem"]

# pydantic puts these before the message of an error raised in a validator
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


class KvrulesError(Exception):
    """Base class of every error kvrules raises on purpose."""


class ReferenceDataError(KvrulesError, ValueError):
    """A reference list, edition or reference store is unusable."""


def problem_text(error: Mapping[str, Any], unknown: str = "unknown field") -> str:
    """One of pydantic's ``ValidationError.errors()`` as a person reads it: an unknown key is
    called ``unknown``, and a validator's own message loses pydantic's "Value error, "."""
    if error.get("type") == "extra_forbidden":
        return unknown
    message = str(error.get("msg", ""))
    for prefix in _PYDANTIC_PREFIXES:
        message = message.removeprefix(prefix)
    return message


def validation_problems(error: ValidationError, where: str = "") -> str:
    """Every problem pydantic found, each ``field.path: message``, "; "-separated: a
    quarantine reason that names each field to fix (``partners.1.country: not an ISO 3166-1
    country: 'Narnia'; funders.0.name: Field required``)."""
    return "; ".join(
        f"{loc + ': ' if (loc := '.'.join(map(str, e['loc'])) or where) else ''}{problem_text(e)}"
        for e in error.errors()
    )


def validation_problem(error: ValidationError, where: str = "") -> str:
    """``field.path: message (+N more)`` of the first problem pydantic found in a record or
    file (``where`` names the place when the problem is the whole thing)."""
    first = error.errors()[0]
    loc = ".".join(map(str, first["loc"])) or where
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{loc + ': ' if loc else ''}{problem_text(first)}{more}"
