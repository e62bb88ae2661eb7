"""The plugin contract: every hook a kvrules plugin can implement.

A plugin is a module named by an entry point in the ``kvrules`` group::

    # pyproject.toml
    [project.entry-points.kvrules]
    elements = "kvrules_elements"

    # kvrules_elements/__init__.py
    from kvrules import hookimpl

    @hookimpl
    def register_adapters(register):
        register(ElementsAdapter)

kvrules loads every entry point once per process (``kvrules.plugins.registry``); first-party
adapters and alert channels are loaded the same way. A hook implementation may accept fewer
arguments than the spec (pluggy passes only those it names). Its return value is ignored.

Errors: a plugin whose module fails to import is left out and reported by ``kvrules plugins``;
a hook implementation that raises is reported the same way (``kvrules.plugins.plugin_errors``)
and affects no other plugin. What it registered before raising stays registered. A registration
that is not what the hook asks for is left out and reported the same way, and so is an import or
hook call that does not return within ``KVRULES_PLUGIN_DEADLINE`` seconds (30 by default).

Registration hooks are called each time kvrules asks for the things they provide (for example
once per ``kvrules fetch`` and once per ``kvrules plugins``), so keep them cheap and free of
side effects: register classes and functions, do not connect, read settings or start threads.
The reference with examples is ``docs/plugins.md``; ``tests/test_plugins_docs.py`` keeps it in
step with this module.
"""

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("kvrules")
hookimpl = HookimplMarker("kvrules")


@hookspec
def register_adapters(register):
    """Register RIS adapters.

    Called: each time ``kvrules.plugins.get_adapters()`` runs (``kvrules fetch``, ``kvrules
    plugins``, a pipeline run).

    Arguments: ``register(AdapterClass)``, once per adapter; ``AdapterClass`` subclasses
    ``kvrules.Adapter`` and has a unique ``name`` (what users pass to ``--source``) and a
    pydantic ``Config``; kvrules builds it as ``AdapterClass(AdapterClass.Config(**options))``.

    Returns: nothing (ignored).

    Errors: if the implementation raises, the plugin is reported by ``kvrules plugins`` and
    adapters it registered before raising remain available; other plugins are unaffected. If two
    plugins register the same ``name``, the one called last wins and ``kvrules plugins`` flags
    the clash.
    """


@hookspec
def register_alert_channels(register):
    """Register alert channels (e-mail, webhooks, ticket systems).

    Called: each time ``kvrules.plugins.get_alert_channels()`` runs (``kvrules plugins``,
    code that sets up delivery of the alert outbox with ``kvrules.alerts.deliver_due``).

    Arguments: ``register(ChannelClass)``, once per channel; ``ChannelClass`` subclasses
    ``kvrules.AlertChannel`` with a unique ``name`` and a pydantic ``Config``. Its ``send(alert)``
    delivers one alert and must pass ``alert.key`` to the receiver, since delivery is at least
    once; it raises on failure (``kvrules.DeliveryError(permanent=True)`` when retrying cannot
    help, ``transient=True`` when the other end could not be reached, e.g.
    ``kvrules.is_transient(exc)``: retried as long as the outage lasts, never dead-lettered for it)
    and lists its secrets in ``secrets()`` so error text can be scrubbed.

    Returns: nothing (ignored).

    Errors: as for ``register_adapters``; an exception raised later by ``send`` is a failed
    delivery of that alert (retried, then dead-lettered), not a plugin error.
    """


@hookspec
def register_reference_importers(register):
    """Register importers for reference-list formats (organisation lists, sanctions lists).

    Called: each time ``kvrules.plugins.get_reference_importers()`` runs (``kvrules plugins``,
    ``kvrules refdata import KIND``: a registered kind is offered there beside the built-in ones,
    which it cannot replace).

    Arguments: ``register(kind, parse)``, once per format; ``kind`` is a short unique format
    name (``"ror"``, ``"csl"``); ``parse(path, options)`` reads one file and returns a
    ``kvrules.Parsed``: provenance defaults, entries (``kvrules.add_entry(parsed, line,
    **fields)`` validates one; a plain dict of an entry's fields is validated the same way),
    and line-numbered ``kvrules.RowError`` s (kvrules stores nothing when there is any error).

    Returns: nothing (ignored).

    Errors: as for ``register_adapters``; a later kind with the same name wins among plugins.
    """


@hookspec
def register_commands(cli):
    """Add sub-commands to the ``kvrules`` command line.

    Called: once, by ``kvrules.cli.main`` when the command line names a command that is not
    built in, or lists the commands (``kvrules --help``); a built-in command starts without
    loading the plugins' commands. ``kvrules plugins`` calls it too, with a group of its own,
    to list each plugin's commands.

    Arguments: ``cli``, the ``kvrules`` ``click.Group``; call ``cli.add_command(command)``
    (or decorate with ``@cli.command()``). Name commands after your plugin to avoid clashes.

    Returns: nothing (ignored).

    Errors: if the implementation raises, ``kvrules`` prints a warning naming the plugin on
    stderr and runs without that plugin's commands; ``kvrules plugins`` reports it.
    """
