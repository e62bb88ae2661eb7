"""Loads plugins from the ``kvrules`` entry-point group; a broken plugin is reported, not fatal."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field
from functools import cache

import pluggy

from kvrules import hookspecs

GROUP = "kvrules"


@dataclass
class PluginInfo:
    name: str
    entry_point: str
    distribution: str | None
    version: str | None
    error: str | None = None
    provides: list[str] = field(default_factory=list)


@dataclass
class Registry:
    manager: pluggy.PluginManager
    plugins: list[PluginInfo]


@cache
def registry() -> Registry:
    """The process-wide plugin manager, with every installed entry point loaded once."""
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    for ep in importlib.metadata.entry_points(group=GROUP):
        dist = ep.dist
        info = PluginInfo(
            name=ep.name,
            entry_point=ep.value,
            distribution=dist.name if dist else None,
            version=dist.version if dist else None,
        )
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # a broken third-party plugin must not take kvrules down
            info.error = f"{type(exc).__name__}: {exc}"
        infos.append(info)
    return Registry(pm, infos)


def get_plugin_manager() -> pluggy.PluginManager:
    return registry().manager


def _collect(hook_name: str) -> list[tuple]:
    items: list[tuple] = []
    getattr(get_plugin_manager().hook, hook_name)(register=lambda *args: items.append(args))
    return items


def get_adapters() -> dict[str, type]:
    """Adapter classes by name."""
    return {cls.name: cls for (cls,) in _collect("register_adapters")}


def get_alert_channels() -> dict[str, type]:
    """Alert channel classes by name."""
    return {cls.name: cls for (cls,) in _collect("register_alert_channels")}


def get_reference_importers() -> dict[str, object]:
    """Reference importers by kind."""
    return dict(_collect("register_reference_importers"))
