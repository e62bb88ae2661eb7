"""Loads plugins from the ``kvrules`` entry-point group; a broken plugin is reported, not fatal."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
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
        except KeyboardInterrupt:
            raise  # the user's Ctrl-C during a slow import: stop, as everywhere else
        except BaseException as exc:  # a broken plugin must not take kvrules down,
            # not even with SystemExit (a module written as a script: `raise SystemExit(...)`)
            info.error = f"{type(exc).__name__}: {exc}"
        infos.append(info)
    return Registry(pm, infos)


def get_plugin_manager() -> pluggy.PluginManager:
    return registry().manager


def call_each(hook_name: str, **kwargs) -> list[tuple[str, str]]:
    """Call every plugin's implementation of a hook; return (plugin, error) for those that fail.

    One plugin's bug must not take the others (or the CLI) down with it.
    """
    pm = get_plugin_manager()
    failures = []
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        try:
            impl.function(**{k: v for k, v in kwargs.items() if k in impl.argnames})
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit in a hook: the plugin's bug
            failures.append((impl.plugin_name, f"{type(exc).__name__}: {exc}"))
    return failures


def _collect(hook_name: str) -> list[tuple]:
    items: list[tuple] = []
    for plugin, error in call_each(hook_name, register=lambda *args: items.append(args)):
        _errors.setdefault(plugin, error)
    return items


_errors: dict[str, str] = {}


def plugin_errors() -> dict[str, str]:
    """Plugins whose import or registration hooks failed, with the error."""
    errors = {i.name: i.error for i in registry().plugins if i.error}
    return {**errors, **_errors}


def get_adapters() -> dict[str, type]:
    """Adapter classes by name."""
    return {cls.name: cls for (cls,) in _collect("register_adapters")}


def get_alert_channels() -> dict[str, type]:
    """Alert channel classes by name."""
    return {cls.name: cls for (cls,) in _collect("register_alert_channels")}


def get_reference_importers() -> dict[str, object]:
    """Reference importers by kind."""
    return dict(_collect("register_reference_importers"))


# ---- what each plugin provides (``kvrules plugins``) ---------------------------------------
# kind -> (hook, how to name what was registered)
KINDS: dict[str, tuple[str, Callable[[tuple], str]]] = {
    "adapters": ("register_adapters", lambda args: str(args[0].name)),
    "alert_channels": ("register_alert_channels", lambda args: str(args[0].name)),
    "importers": ("register_reference_importers", lambda args: str(args[0])),
}


@dataclass(frozen=True)
class Registration:
    plugin: str
    kind: str  # a key of KINDS
    name: str


def registrations() -> list[Registration]:
    """Everything registered through the registration hooks, attributed to its plugin.

    Each implementation is called on its own, so a failure is charged to the right plugin
    (and recorded in ``plugin_errors()``) while the others are still listed.
    """
    found: list[Registration] = []
    for kind, (hook, name_of) in KINDS.items():
        for impl in getattr(get_plugin_manager().hook, hook).get_hookimpls():
            plugin = impl.plugin_name

            def register(*args: object, plugin: str = plugin, kind: str = kind, name_of=name_of):
                found.append(Registration(plugin, kind, name_of(args)))

            try:
                impl.function(**{"register": register} if "register" in impl.argnames else {})
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # as in call_each
                _errors.setdefault(plugin, f"{type(exc).__name__}: {exc}")
    return found


def reset() -> None:
    """Forget loaded plugins and their errors; the next use loads the entry points again
    (for tests that put a throwaway distribution on ``sys.path``)."""
    registry.cache_clear()
    _errors.clear()
