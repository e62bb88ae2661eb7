"""Loads plugins from the ``kvrules`` entry-point group; a broken plugin is reported, not fatal."""

from __future__ import annotations

import difflib
import importlib.metadata
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pluggy
from pydantic import BaseModel

from kvrules import hookspecs
from kvrules.credentials import scrubbed
from kvrules.plugin_stdout import plugin_prints_to_stderr

GROUP = "kvrules"
# Seconds a plugin's import, or one call of one of its hooks, may take before kvrules goes on
# without it: a hook that "just checks the server" and never returns must not hang every
# command. Registration is meant to be instant (hookspecs: no connecting, no threads).
DEADLINE_ENV = "KVRULES_PLUGIN_DEADLINE"
DEFAULT_DEADLINE = 30.0  # generous: a loaded machine importing a heavy dependency is no hang


def deadline() -> float:
    """The deadline in seconds: ``KVRULES_PLUGIN_DEADLINE``, else (unset or not a positive
    number) ``DEFAULT_DEADLINE``."""
    try:
        seconds = float(os.environ.get(DEADLINE_ENV, ""))
    except ValueError:
        return DEFAULT_DEADLINE
    return seconds if 0 < seconds < float("inf") else DEFAULT_DEADLINE


def _late(what: str) -> str:
    return f"{what} did not return within {deadline():g} s ({DEADLINE_ENV} allows more); left out"


class _Started:
    """``action`` running in a daemon thread, to be waited for (``wait``) until a moment. A
    call that does not return is abandoned (a thread cannot be stopped); being a daemon, it
    does not keep kvrules from exiting."""

    def __init__(self, action: Callable[[], object], name: str) -> None:
        self.value: object = None
        self._outcome: list[BaseException | None] = []
        self._thread = threading.Thread(
            target=self._run, args=(action,), name=f"kvrules plugin {name}", daemon=True
        )
        self._thread.start()

    def _run(self, action: Callable[[], object]) -> None:
        try:
            # for the thread's life: a hook given up on may still print, long after the wait
            with plugin_prints_to_stderr():
                self.value = action()
        except BaseException as exc:  # SystemExit from a plugin is the plugin's failure
            self._outcome.append(exc)
        else:
            self._outcome.append(None)

    def wait(self, until: float) -> tuple[bool, BaseException | None]:
        """Wait until ``until`` (``time.monotonic()``) at most: (whether it returned, what it
        raised). KeyboardInterrupt is re-raised: Ctrl-C is the user's (and arrives here, in the
        main thread, during the wait)."""
        self._thread.join(max(0.0, until - time.monotonic()))
        if not self._outcome:
            return False, None
        if isinstance(self._outcome[0], KeyboardInterrupt):
            raise self._outcome[0]
        return True, self._outcome[0]


def _within_deadline(action: Callable[[], object], name: str) -> tuple[bool, BaseException | None]:
    """Run ``action`` in a daemon thread for at most ``deadline()`` seconds: (whether it
    returned, what it raised); see ``_Started``. What it prints goes to stderr, even after the
    deadline (``kvrules.plugin_stdout``)."""
    return _Started(action, name).wait(time.monotonic() + deadline())


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
    # Every plugin's import starts at once and all share one deadline: plugins that hang at
    # import cost it once together, not once each. Registered in entry-point order after.
    entry_points = list(importlib.metadata.entry_points(group=GROUP))
    # a print() at a plugin's import is no output of the command: each import's thread
    # prints to stderr (``_Started``)
    return Registry(pm, _loaded(pm, entry_points))


def _loaded(
    pm: pluggy.PluginManager, entry_points: list[importlib.metadata.EntryPoint]
) -> list[PluginInfo]:
    """Each entry point imported (all at once, one deadline) and registered with ``pm``."""
    infos: list[PluginInfo] = []
    until = time.monotonic() + deadline()
    imports = [_Started(ep.load, ep.name) for ep in entry_points]
    for ep, started in zip(entry_points, imports, strict=True):
        dist = ep.dist
        info = PluginInfo(
            name=ep.name,
            entry_point=ep.value,
            distribution=dist.name if dist else None,
            version=dist.version if dist else None,
        )
        returned, exc = started.wait(until)
        if not returned:
            info.error = _late("import")
        elif exc is None:
            try:
                pm.register(started.value, name=ep.name)
            except Exception as error:  # pluggy's validation: a hook with unknown arguments
                exc = error
            else:
                for unknown in _unknown_hooks(pm, started.value):
                    _charge(ep.name, unknown)
        if exc is not None:  # a broken plugin must not take kvrules down, not even with
            # SystemExit (a module written as a script: `raise SystemExit(...)`)
            info.error = f"{type(exc).__name__}: {exc}"
        infos.append(info)
    return infos


def _unknown_hooks(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    """A @hookimpl whose name is no hook kvrules calls (``register_adapter``): it would
    provide nothing, silently. pluggy keeps such hooks unverified; each is named here."""
    known = sorted(name for name in vars(hookspecs) if name.startswith("register_"))
    said = []
    for caller in pm.get_hookcallers(plugin) or []:
        if caller.spec is None:
            near = difflib.get_close_matches(caller.name, known, n=1)
            meant = f" (did you mean {near[0]}?)" if near else ""
            said.append(f"unknown hook {caller.name}{meant}: kvrules never calls it")
    return said


def get_plugin_manager() -> pluggy.PluginManager:
    return registry().manager


def _call(plugin: str, hook: str, function: Callable[..., object], kwargs: dict) -> str | None:
    """Call one plugin's implementation of ``hook`` (within the deadline); None, or why it
    failed (one line). A hook that once did not return is not called again in this process."""
    if (plugin, hook) in _hung:
        return _late(hook)
    returned, exc = _within_deadline(lambda: function(**kwargs), f"{plugin} {hook}")
    if not returned:
        _hung.add((plugin, hook))
        return _late(hook)
    return None if exc is None else f"{hook} raised {type(exc).__name__}: {exc}"


# (plugin, hook) calls that did not return: not called again; what they register late is ignored
_hung: set[tuple[str, str]] = set()


def call_each(hook_name: str, **kwargs) -> list[tuple[str, str]]:
    """Call every plugin's implementation of a hook; return (plugin, error) for those that fail.

    One plugin's bug must not take the others (or the CLI) down with it.
    """
    pm = get_plugin_manager()
    failures = []
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        given = {k: v for k, v in kwargs.items() if k in impl.argnames}
        if (error := _call(impl.plugin_name, hook_name, impl.function, given)) is not None:
            failures.append((impl.plugin_name, error))
    return failures


_errors: dict[str, list[str]] = {}


def _charge(plugin: str, error: str) -> None:
    """Record a plugin's failure for ``plugin_errors``: each different one, in the order met
    (hooks are called again and again; the same failure is said once)."""
    said = _errors.setdefault(plugin, [])
    if error not in said:
        said.append(error)


def plugin_errors() -> dict[str, str]:
    """Plugins whose import or hooks failed (or that implement a hook kvrules does not have),
    with every error, "; "-separated."""
    errors = {i.name: [i.error] for i in registry().plugins if i.error}
    for plugin, said in _errors.items():
        errors[plugin] = [*errors.get(plugin, []), *said]
    return {plugin: scrubbed("; ".join(said)) for plugin, said in errors.items()}


# ---- what each registration hook provides, and what it must be given ----------------------
def _named_subclass(base: str) -> Callable[[tuple], str | None]:
    """A check of ``register(cls)``: one subclass of ``kvrules.<base>`` with a ``name``."""

    def problem(args: tuple) -> str | None:
        import kvrules

        expected = getattr(kvrules, base)
        if len(args) != 1:
            return f"register() takes one {base} class, was given {len(args)} argument(s)"
        cls = args[0]
        if not (isinstance(cls, type) and issubclass(cls, expected)):
            return f"registered {cls!r} ({type(cls).__name__}), not a subclass of kvrules.{base}"
        if not isinstance(getattr(cls, "name", None), str) or not cls.name.strip():
            return f"registered {cls.__name__} without a name (a class attribute, a string)"
        settings = getattr(cls, "Config", None)
        if not (isinstance(settings, type) and issubclass(settings, BaseModel)):
            # kvrules builds it as cls(cls.Config(**settings)) and reads Config's fields for
            # `config check` and secrets: without a model every command would fail later
            return (
                f"registered {cls.__name__} whose Config is {settings!r}, not a pydantic model "
                "(a class attribute subclassing pydantic.BaseModel or BaseSettings)"
            )
        return None

    return problem


def _importer_problem(args: tuple) -> str | None:
    if len(args) != 2:
        return f"register(kind, parse) was given {len(args)} argument(s)"
    kind, parse = args
    if not isinstance(kind, str) or not kind.strip():
        return f"registered an importer whose kind is {kind!r}, not a name"
    if not callable(parse):
        return f"registered importer {kind!r} with {type(parse).__name__} {parse!r}, not a function"
    return None


@dataclass(frozen=True)
class Kind:
    hook: str
    name_of: Callable[[tuple], str]  # what `kvrules plugins` lists for a registration
    problem: Callable[[tuple], str | None]  # why a registration is refused (None: accepted)


# kind -> its hook
KINDS: dict[str, Kind] = {
    "adapters": Kind("register_adapters", lambda args: args[0].name, _named_subclass("Adapter")),
    "alert_channels": Kind(
        "register_alert_channels", lambda args: args[0].name, _named_subclass("AlertChannel")
    ),
    "importers": Kind("register_reference_importers", lambda args: args[0], _importer_problem),
}


@dataclass(frozen=True)
class Registration:
    plugin: str
    kind: str  # a key of KINDS
    name: str
    args: tuple = field(default=(), compare=False, repr=False)  # what was passed to register()


def _registered(kind: str) -> list[Registration]:
    """What every plugin registers through ``kind``'s hook, each implementation called on its
    own: a failure, or a registration that is not what the hook asks for, is charged to its
    plugin (``plugin_errors``) and left out; the plugin's other registrations and every other
    plugin's are kept."""
    spec = KINDS[kind]
    found: list[Registration] = []
    for impl in getattr(get_plugin_manager().hook, spec.hook).get_hookimpls():
        plugin = impl.plugin_name

        def register(*args: object, plugin: str = plugin) -> None:
            if (plugin, spec.hook) in _hung:  # called after kvrules stopped waiting
                return
            if (problem := spec.problem(args)) is not None:
                _charge(plugin, f"{spec.hook}: {problem}; left out")
                return
            found.append(Registration(plugin, kind, str(spec.name_of(args)), args))
            if isinstance(args[0], type):
                _providers[args[0]] = plugin

        given = {"register": register} if "register" in impl.argnames else {}
        if (error := _call(plugin, spec.hook, impl.function, given)) is not None:
            _charge(plugin, error)
    return found


# A registered class -> the plugin (entry point) whose hook registered it: errors of that class
# name this plugin, not another entry point of the same distribution or package.
_providers: dict[type, str] = {}


def plugin_providing(cls: type) -> str | None:
    """The plugin whose registration hook registered ``cls`` (or, for a subclass no plugin
    registered, its nearest registered base class) in this process; None when none did.
    Else the entry point whose module ``cls`` comes from (the longest match, so that one
    package with several entry points names the right one), or its package's only one."""
    for klass in cls.__mro__:
        if klass in _providers:
            return _providers[klass]
    modules = {info.name: info.entry_point.split(":")[0] for info in registry().plugins}
    matches = [
        (len(module), name)
        for name, module in modules.items()
        if cls.__module__ == module or cls.__module__.startswith(module + ".")
    ]
    if matches:
        return max(matches)[1]
    package = cls.__module__.split(".")[0]  # the package's only entry point, if it has one
    same = [name for name, module in modules.items() if module.split(".")[0] == package]
    return same[0] if len(same) == 1 else None


def get_adapters() -> dict[str, type]:
    """Adapter classes by name."""
    return {r.name: r.args[0] for r in _registered("adapters")}


def get_alert_channels() -> dict[str, type]:
    """Alert channel classes by name."""
    return {r.name: r.args[0] for r in _registered("alert_channels")}


def get_reference_importers() -> dict[str, Callable]:
    """Reference importers' parse functions by kind."""
    return {r.name: r.args[1] for r in _registered("importers")}


def provider(kind: str, name: str) -> str | None:
    """The plugin whose registration of ``name`` (a key of ``kind``'s ``get_*``) is the one
    used: the last one registered, as in the ``get_*`` dicts."""
    found = [r.plugin for r in _registered(kind) if r.name == name]
    return found[-1] if found else None


def _commands() -> list[Registration]:
    """The commands each plugin's ``register_commands`` adds, given a group of its own (not
    the real command line) so that ``kvrules plugins`` can list them and charge a failure."""
    import click

    found: list[Registration] = []
    for impl in get_plugin_manager().hook.register_commands.get_hookimpls():
        group = click.Group("kvrules")
        given = {"cli": group} if "cli" in impl.argnames else {}
        error = _call(impl.plugin_name, "register_commands", impl.function, given)
        if error is not None:
            _charge(impl.plugin_name, error)
        found += [Registration(impl.plugin_name, "commands", name) for name in group.commands]
    return found


def registrations() -> list[Registration]:
    """Everything registered through the hooks (commands included, as kind "commands"),
    attributed to its plugin.

    Each implementation is called on its own, so a failure is charged to the right plugin
    (and recorded in ``plugin_errors()``) while the others are still listed.
    """
    return [*(r for kind in KINDS for r in _registered(kind)), *_commands()]


def reset() -> None:
    """Forget loaded plugins and their errors; the next use loads the entry points again
    (for tests that put a throwaway distribution on ``sys.path``)."""
    registry.cache_clear()
    _errors.clear()
    _hung.clear()
    _providers.clear()
