"""The plugin contract. Each hook receives a ``register`` callback; call it once per thing provided.

Plugins are found through the ``kvrules`` entry-point group (see ``kvrules.plugins``); the
first-party adapters and alert channels are loaded exactly the same way.
"""

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("kvrules")
hookimpl = HookimplMarker("kvrules")


@hookspec
def register_adapters(register):
    """Register RIS adapters: ``register(AdapterClass)`` with a ``kvrules.Adapter`` subclass.

    Called once when the plugin manager is first used. Raising here is reported by
    ``kvrules plugins`` and the adapter is unavailable; other plugins still load.
    """


@hookspec
def register_alert_channels(register):
    """Register alert channels: ``register(ChannelClass)``; each delivers one alert idempotently."""


@hookspec
def register_reference_importers(register):
    """Register reference-list importers: ``register(kind, import_function)``."""


@hookspec
def register_commands(cli):
    """Add sub-commands to the ``kvrules`` click group ``cli``."""
