"""Build the running system from a Config: adapters, evaluator, enricher, channels, scanners."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kvrules.adapter import Adapter
from kvrules.alerting import AlertChannel
from kvrules.config import Config, SourceConfig, parse_duration
from kvrules.credentials import scrubbed
from kvrules.engine import load_rulebooks
from kvrules.engine.evaluator import Evaluator
from kvrules.enrich import Enricher
from kvrules.enrich.currency import ExchangeRates, load_rates
from kvrules.errors import KvrulesError, problem_text
from kvrules.jurisdiction import applicable
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters, get_alert_channels, plugin_errors
from kvrules.rulebook.loader import RulebookError
from kvrules.settings import record_links, source_settings
from kvrules.store import RetryPolicy, Store
from kvrules.timezone import zone


class AssemblyError(KvrulesError):
    """The configuration names something that is not installed or not valid."""


def build_adapter(
    name: str, settings: Mapping[str, Any], flags: Mapping[str, Any] | None = None
) -> Adapter:
    """Adapter ``name`` with its settings from the config file, its environment variables and
    ``flags``, in that order of weight (kvrules.settings.source_settings)."""
    adapters = get_adapters()
    if name not in adapters:
        raise AssemblyError(_not_installed(name, adapters))
    cls = adapters[name]
    merged, _ = source_settings(cls.Config, settings, flags)
    try:
        config = cls.Config(**merged)
    except ValidationError as exc:  # report fields, never values (they may be secrets)
        detail = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {problem_text(e, 'unknown setting')}"
            for e in exc.errors()
        )
        raise AssemblyError(f"{name} adapter settings: {detail}") from None
    except Exception as exc:  # e.g. a variable pydantic-settings cannot parse as JSON
        raise AssemblyError(f"{name} adapter settings: {_own_words(exc)}") from None
    try:
        return cls(config)
    except Exception as exc:  # the adapter's own words: what it could not do, and why
        raise AssemblyError(f"{name} adapter: {_own_words(exc)}") from None


def _own_words(exc: Exception) -> str:
    """An adapter's error as its author wrote it; its class only when it has no message."""
    return scrubbed(str(exc)) or type(exc).__name__


def _not_installed(name: str, adapters: Mapping[str, type]) -> str:
    """Why adapter ``name`` is not there: a plugin that failed to load (its own error, which
    ``kvrules plugins`` shows too) rather than "not installed" when that is the truth."""
    broken = plugin_errors()
    if name in broken:  # the plugin of that name (its entry point) is installed but broken
        return (
            f"adapter '{name}': its plugin is installed but failed to load ({broken[name]}); "
            "`kvrules plugins` shows it: fix or reinstall the plugin"
        )
    have = ", ".join(sorted(adapters)) or "none"
    also = "; ".join(f"'{plugin}' ({error})" for plugin, error in sorted(broken.items()))
    failed = f"; plugins that failed to load, which may provide it: {also}" if also else ""
    return f"no adapter '{name}' installed (have: {have}){failed}; `kvrules plugins` lists them"


def _source(config: Config, source: str) -> SourceConfig:
    if source not in config.sources:
        have = ", ".join(config.sources) or "none configured"
        raise AssemblyError(f"no source '{source}' (have: {have})")
    return config.sources[source]


def source_adapter(config: Config, source: str) -> Adapter:
    """The adapter of configured source ``source``, with its settings."""
    src = _source(config, source)
    return build_adapter(src.adapter, src.settings)


def build_channels(config: Config) -> dict[str, AlertChannel]:
    plugins = get_alert_channels()
    channels = {}
    for name, channel in config.alerts.channels.items():
        if channel.plugin not in plugins:
            raise AssemblyError(f"alert channel '{name}': no plugin '{channel.plugin}' installed")
        cls = plugins[channel.plugin]
        channels[name] = cls(cls.Config.model_validate(channel.settings))
    for route, names in config.alerts.routes.items():
        for name in names:
            if name not in channels:
                raise AssemblyError(f"route '{route}' names unknown channel '{name}'")
    return channels


def build_evaluator(
    rulebooks: list[Path],
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    readable_attributes: list[str] | tuple[str, ...] = (),
    *,
    home_country: str | None = None,
    apply_anyway: Sequence[str] = (),
) -> Evaluator:
    """The evaluator of the rulebooks that apply to an institution in ``home_country``
    (``kvrules.jurisdiction.applicable``; the others are left out, as `config check` says)."""
    books, problems = load_rulebooks(rulebooks, overrides, tuple(readable_attributes))
    if problems:
        raise RulebookError(problems)
    applied, _left_out = applicable(books, home_country, apply_anyway)
    return Evaluator(applied)


@dataclass(frozen=True)
class RulebookOptions:
    """What ``build_evaluator`` takes, in one place: the rulebooks, their vars, the attributes
    rules may read, and which rulebooks apply to the institution (``config_evaluator`` and
    ``kvrules.watch.CompiledRulebooks`` build from it)."""

    rulebooks: tuple[Path, ...]
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    readable_attributes: tuple[str, ...] = ()
    home_country: str | None = None
    apply_anyway: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: Config, rulebooks: Sequence[Path] = ()) -> RulebookOptions:
        """As the configuration says (``rulebooks`` given: those instead of its own)."""
        return cls(
            tuple(rulebooks or config.rulebooks),
            config.rulebook_vars,
            tuple(config.readable_attributes),
            config.home_country,
            tuple(config.apply_outside_jurisdiction),
        )

    def evaluator(self) -> Evaluator:
        return build_evaluator(
            list(self.rulebooks),
            self.overrides,
            self.readable_attributes,
            home_country=self.home_country,
            apply_anyway=self.apply_anyway,
        )


def config_evaluator(config: Config, rulebooks: Sequence[Path] = ()) -> Evaluator:
    """``build_evaluator`` as the configuration says (``rulebooks`` given: those instead)."""
    return RulebookOptions.of(config, rulebooks).evaluator()


def config_enricher(config: Config) -> Enricher:
    """Enrichment as the configuration says: its reference store, its own area taxonomies
    beside the shipped ones, and its home country (which funders are foreign)."""
    return Enricher.from_store(
        config.reference_data,
        taxonomies=config.area_taxonomies,
        home_country=config.home_country,
    )


def build_rates(config: Config) -> ExchangeRates | None:
    """The configured exchange rates, if any (AssemblyError when the file is unusable)."""
    if config.exchange_rates is None:
        return None
    try:
        return load_rates(config.exchange_rates)
    except ValueError as exc:
        raise AssemblyError(str(exc)) from None


def build_scanner(
    config: Config,
    source: str,
    store: Store,
    *,
    apply: bool | None = None,
    evaluator: Evaluator | None = None,
    enricher: Enricher | None = None,
    adapter: Adapter | None = None,
) -> Scanner:
    src = _source(config, source)
    if adapter is None:
        adapter = build_adapter(src.adapter, src.settings)
    if enricher is None:
        enricher = config_enricher(config)
    if enricher.screen is not None:  # advisers' "not the same organisation" verdicts
        enricher.screen.suppressed = store.match_suppressed
    return Scanner(
        store,
        source,
        adapter,
        evaluator or config_evaluator(config),
        enricher,
        channels=build_channels(config),
        routes=config.alerts.routes,
        digest=config.alerts.digest_periods(),
        retry=RetryPolicy(max_attempts=config.alerts.max_attempts),
        apply=config.writeback.apply if apply is None else apply,
        home_country=config.home_country,
        rates=build_rates(config),
        full_every=parse_duration(config.full_scan_every) if config.full_scan_every else None,
        quiet_after=config.ended_projects_quiet_after,
        budget=parse_duration(src.scan_budget) if src.scan_budget else None,
        links=record_links(config),
        time_zone=zone(config.time_zone),
    )


def transport_warnings(config: Config) -> list[str]:
    """Sources and channels allowed to use plain http:// to a host that is not loopback."""
    places = [(f"sources.{n}", s.settings) for n, s in config.sources.items()]
    places += [(f"alerts.channels.{n}", c.settings) for n, c in config.alerts.channels.items()]
    return [
        f"{where}: allow_insecure_http is on: credentials and records may travel unencrypted"
        for where, settings in places
        if settings.get("allow_insecure_http") is True
    ]
