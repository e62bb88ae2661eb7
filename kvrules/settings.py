"""One configuration resolution for every command: flags > environment > config file > defaults.

::

    resolved = resolve(config_path=None, database=None, reference_data=None)
    resolved.config        # a kvrules.config.Config with every setting decided
    resolved.origin        # setting → where its value came from ("flag --db", "env KVRULES_DB",
                           #   "file kvrules.yaml", "default"), for `kvrules config show`

- The config file: ``--config``, else ``$KVRULES_CONFIG``, else ``./kvrules.yaml`` if present,
  else none (then the shipped rulebooks and lists, and Pure from ``KVRULES_PURE_*`` if set).
- The state database: ``--db``, else ``$KVRULES_DB``, else the file's ``database``, else
  ``./kvrules.db``.
- The reference store: ``--refdata``, else ``$KVRULES_REFDATA``, else the file's
  ``reference_data``, else the user data folder (``kvrules.config.default_reference_store``).
- An adapter's own settings: ``--set KEY=VALUE`` flags, else its environment variables
  (``KVRULES_PURE_*`` …, for adapters whose settings are pydantic-settings classes), else the
  file's ``sources.NAME.settings``, else the adapter's defaults (``source_settings``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsError

from kvrules.config import (
    DEFAULT_PATH,
    ENV_CONFIG,
    ENV_DB,
    ENV_REFDATA,
    Config,
    SourceConfig,
    load_config,
)
from kvrules.errors import KvrulesError
from kvrules.records import ANY_SYSTEM

__all__ = [
    "MissingStore",
    "Resolved",
    "adapter_env",
    "config_file",
    "record_links",
    "require_folders",
    "require_reference_store",
    "resolve",
    "source_settings",
]


@dataclass
class Resolved:
    """The configuration every command runs with, and where each top-level value came from."""

    config: Config
    path: Path | None  # the config file read, if any
    origin: dict[str, str] = field(default_factory=dict)
    # setting → the config file's value that a flag or the environment replaced
    overridden: dict[str, Path] = field(default_factory=dict)


def config_file(flag: Path | None) -> tuple[Path | None, str]:
    """The config file to read and why: flag, environment, ./kvrules.yaml, or none."""
    if flag is not None:
        return flag, "flag --config"
    if env := os.environ.get(ENV_CONFIG):
        return Path(env), f"env {ENV_CONFIG}"
    if DEFAULT_PATH.exists():
        return DEFAULT_PATH, f"file ./{DEFAULT_PATH}"
    return None, "none"


def resolve(
    config_path: Path | None = None,
    *,
    database: Path | None = None,
    reference_data: Path | None = None,
) -> Resolved:
    """Decide every setting once; raise ConfigError (file:line:col diagnostics) on a bad file."""
    path, why = config_file(config_path)
    config = load_config(path) if path is not None else Config()
    in_file = config.written
    origin = {"config": f"{path} ({why})" if path else "none"}
    where = f"file {path}"
    overridden: dict[str, Path] = {}
    for key, flag, env, value in (
        ("database", "--db", ENV_DB, database),
        ("reference_data", "--refdata", ENV_REFDATA, reference_data),
    ):
        if key in in_file and (value is not None or os.environ.get(env)):
            overridden[key] = getattr(config, key)
        if value is not None:
            setattr(config, key, Path(value))
            origin[key] = f"flag {flag}"
        elif os.environ.get(env):
            setattr(config, key, Path(os.environ[env]))
            origin[key] = f"env {env}"
        elif key in in_file:
            origin[key] = where
        else:
            origin[key] = "default"
    for key in Config.model_fields:
        origin.setdefault(key, where if key in in_file else "default")
    named = {name: var for name, var in ENV_SOURCES.items() if os.environ.get(var)}
    if path is None and named:
        # No file: a Pure or Converis instance named by its environment variables alone is a
        # source (both, when both are named): what `fetch --source` reads, `scan` scans.
        config.sources = {name: SourceConfig(adapter=name) for name in named}
        origin["sources"] = "env " + ", ".join(named.values())
    return Resolved(config, path, origin, overridden)


# The adapters an environment variable alone makes a source (no config file): adapter name ->
# the variable that names its instance.
ENV_SOURCES = {"pure": "KVRULES_PURE_BASE_URL", "converis": "KVRULES_CONVERIS_BASE_URL"}


class MissingStore(KvrulesError):
    """A state database or reference store named explicitly (flag, environment, config file)
    that is not there, where a command would otherwise start a new, empty one."""


# setting -> what it is, in words, for the one line that says a path is wrong
STORES = {"database": "the state database", "reference_data": "the reference store"}


def _in_memory(path: Path) -> bool:
    return str(path) == ":memory:"


def require_folders(resolved: Resolved) -> None:
    """Refuse a state database or reference store named explicitly in a folder that does not
    exist: a mistyped ``--db`` must not start an empty database (and a scan send every alert
    again). The default places are created on first use."""
    for key, what in STORES.items():
        path: Path = getattr(resolved.config, key)
        origin = resolved.origin.get(key, "default")
        if origin == "default" or _in_memory(path) or path.parent.is_dir():
            continue
        raise MissingStore(
            f"no folder {path.parent} for {what} {path} ({origin}); create it or check the path"
        )


def require_reference_store(resolved: Resolved) -> str | None:
    """For commands that screen without starting a store (``match``, ``check``): refuse a
    reference store named explicitly that does not exist; for the default one, the line to
    tell the person that it is new and holds the shipped lists only (None when it exists)."""
    path = resolved.config.reference_data
    if _in_memory(path) or path.exists():
        return None
    origin = resolved.origin.get("reference_data", "default")
    if origin != "default":
        raise MissingStore(
            f"no reference store at {path} ({origin}); check the path, or start one with "
            "`kvrules refdata import` (or a first `kvrules scan`)"
        )
    return (
        f"the reference store {path} is new: screening against the shipped lists only "
        "(some are partial); import complete lists with `kvrules refdata import`"
    )


class BadEnvironmentSetting(KvrulesError):
    """An adapter's environment variable holds a value its setting cannot be read from (a list
    or a mapping that is not JSON): said in one line naming the variable."""


_FIELD_IN_ERROR = re.compile(r'field "([^"]+)"')


def adapter_env(settings_class: type[BaseModel]) -> dict[str, Any]:
    """The settings a pydantic-settings class finds in the environment (its env prefix)."""
    if not issubclass(settings_class, BaseSettings):
        return {}
    try:
        return EnvSettingsSource(settings_class)()
    except SettingsError as error:
        # pydantic-settings names the field only in its message; the person set a variable
        prefix = str(settings_class.model_config.get("env_prefix", ""))
        field_name = m.group(1) if (m := _FIELD_IN_ERROR.search(str(error))) else None
        variable = f"{prefix}{field_name.upper()}" if field_name else f"a {prefix}* variable"
        raise BadEnvironmentSetting(
            f"{variable} is not valid JSON, as a list or mapping setting is written "
            """(e.g. '["a", "b"]' or '{"key": "value"}'): correct it or unset it"""
        ) from None


def source_settings(
    settings_class: type[BaseModel],
    from_file: Mapping[str, Any],
    flags: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """An adapter's settings with the one precedence (flags > environment > file), and the
    origin of each value that is set ('default' for the rest)."""
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for source, values in (
        ("file", from_file),
        ("env", adapter_env(settings_class)),
        ("flag", flags or {}),
    ):
        for key, value in values.items():
            merged[key] = value
            origin[key] = {
                "file": "file",
                "env": f"env {prefix}{key.upper()}",
                "flag": f"flag --set {key}",
            }[source]
    return merged, origin


FUNDING_RULEBOOK, CAP_VAR = "funding-dependency", "foreign_share_cap"


def foreign_share_cap(config: Config, default: float = 0.25) -> float:
    """The cap on a unit's foreign funding share that the scan screens with: the config's
    ``rulebook_vars``, else the funding rulebook's own ``vars``, so the portfolio report
    marks what the rules flag."""
    import yaml

    from kvrules.rulebook.discovery import rulebook_files

    override = config.rulebook_vars.get(FUNDING_RULEBOOK, {}).get(CAP_VAR)
    if override is not None:
        return float(override)
    for path in rulebook_files(config.rulebooks):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue  # a broken rulebook is reported by validate/scan, not here
        if isinstance(doc, dict) and doc.get("rulebook") == FUNDING_RULEBOOK:
            value = (doc.get("vars") or {}).get(CAP_VAR)
            if isinstance(value, int | float):
                return float(value)
    return default


def record_links(config: Config) -> dict[str, str | dict[str, str]]:
    """The sources' ``ris_url`` patterns by the system their records come from (the adapter
    name cases carry), for links to the RIS in alerts, ``kvrules show`` and reports. With one
    pattern in the configuration it also links records of any other system (``ANY_SYSTEM``):
    a ``file`` source's records carry the system of the RIS they were exported from ("ris",
    "pure"), not "file", and were never linked (committee review, 2026-12-07)."""
    links: dict[str, str | dict[str, str]] = {
        s.adapter: s.ris_url for s in config.sources.values() if s.ris_url
    }
    if len(links) == 1:
        links[ANY_SYSTEM] = next(iter(links.values()))
    return links
