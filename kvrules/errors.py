"""One root for every error kvrules raises on purpose, so a caller catches one class.

Each leaf lives beside the code that raises it; this module only draws the tree::

    KvrulesError                      # anything kvrules reports as "what went wrong, what to do"
    ├── ConfigError                   kvrules.config: a configuration file or setting is wrong
    ├── AssemblyError                 kvrules.assembly: the config names something not installed
    ├── RulebookError                 kvrules.rulebook.loader: path:line:col diagnostics
    │   ├── YamlError                 kvrules.rulebook.yamlsource
    │   └── ConditionError            kvrules.rulebook.condition
    ├── RegexError (ValueError)       kvrules.rulebook.regex
    ├── CompileError                  kvrules.engine.compiler: IR → durable_rules JSON
    ├── EngineError (RuntimeError)    kvrules.engine.durable: the C core refused a call
    ├── AreaDataError (ValueError)    kvrules.enrich.areas: a taxonomy file
    ├── ProfileError (ValueError)     kvrules.enrich.countries: a country-profile file
    ├── ReferenceDataError (ValueError)                 kvrules.refdata: lists and editions
    │   ├── ImportValidationError     kvrules.refdata.importers.base: rows refused, with numbers
    │   ├── PdfLayoutError            kvrules.refdata.importers.dod1286_pdf
    │   └── EditionExistsError        kvrules.refdata.store
    ├── StoreError                    kvrules.store.db: the state database
    ├── DeliveryError                 kvrules.alerting: an alert channel failed (may retry)
    └── HttpError                     kvrules.http: a request failed for good (no secrets)
        ├── PureError …               kvrules_pure.client
        └── ConverisError …           kvrules_converis.client

Messages are written for the person at the terminal: one line that names the thing (file,
host, option) and says what to do. Secrets never appear in them. The command line prints
``str(error)`` and exits 1; anything else that escapes is a bug and is reported as one
(see ``kvrules.cli.main``), never as a traceback.
"""

from __future__ import annotations

__all__ = ["KvrulesError", "ReferenceDataError"]


class KvrulesError(Exception):
    """Base class of every error kvrules raises on purpose."""


class ReferenceDataError(KvrulesError, ValueError):
    """A reference list, edition or reference store is unusable."""
