"""``SourceHarness``: what the conformance suite needs to drive and inspect your source."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from kvrules.adapter import Adapter


class SourceHarness(ABC):
    """A test source (sample files, a simulator, an in-memory dict) and how to build an adapter
    on it. Subclass it in your adapter's tests; the suite builds a fresh one for every test.

    The source must start with at least ``AdapterConformance.min_records`` mappable records.
    Optional operations raise ``NotImplementedError`` by default; the checks needing them are
    then skipped (not failed), so start small and add them as the adapter grows.
    """

    #: Tags the adapter accepts in ``write_tags`` (an adapter may refuse tags it cannot map).
    tags: ClassVar[list[str]] = ["ks:high"]
    #: A credential the adapter is configured with; it must never reach logs or messages.
    secret: ClassVar[str | None] = None
    #: What ``write_tags`` raises for a record the source does not have.
    unknown_record_error: ClassVar[type[BaseException]] = Exception
    #: A record id the source certainly does not have.
    unknown_record_id: ClassVar[str] = "kvrules-conformance-no-such-record"

    @abstractmethod
    def adapter(self) -> Adapter:
        """A new adapter configured for this source (the suite closes it)."""

    @abstractmethod
    def snapshot(self) -> object:
        """Everything ``write_tags`` could change, as a value compared with ``==`` (file
        bytes, a dict of the source's tags): proves a dry run wrote nothing."""

    def adapter_at(self, base_url: str) -> Adapter:
        """A new adapter configured as ``adapter()`` is, but talking to ``base_url``
        (``http://127.0.0.1:PORT``). The suite points it at a ``HostileServer`` that redirects
        every request to another host, and fails if the adapter's ``secret`` arrives there.

        By default: ``adapter()``'s class built on its config with the ``base_url`` setting
        replaced (so an adapter whose settings have a ``base_url`` and that takes the config
        alone is checked without any work). Override it when your adapter takes its address
        otherwise; raise ``NotImplementedError`` (the check is then skipped) when it talks no
        HTTP."""
        adapter = self.adapter()
        try:
            config = adapter.config
            if "base_url" not in type(config).model_fields:
                raise NotImplementedError("the adapter's settings have no base_url")
            return type(adapter)(config.model_copy(update={"base_url": base_url}))
        finally:
            adapter.close()

    def record_ids(self) -> list[str]:
        """The ids of every record the source holds now: a fetch from the start that returns
        fewer is then named for it (the records it missed) instead of the source."""
        raise NotImplementedError

    def change(self, record_id: str) -> None:
        """Change ``record_id`` in the source, as an editor in the RIS would, so that an
        incremental fetch must yield it again."""
        raise NotImplementedError

    def add_broken(self) -> str | None:
        """Add a record the adapter cannot map (missing title, a country that is not one).
        Return the record id it should be quarantined under, or None if any id will do."""
        raise NotImplementedError

    def add_human_values(self, record_id: str, own_group: bool = False) -> None:
        """Set values on ``record_id`` as a person in the RIS would, which kvrules did not
        write and must never remove: a tag or keyword in another group or field
        (``faculty:eemcs``); with ``own_group``, also one in the group the adapter writes
        kvrules' tags to (``ks:cleared-by-office``), if people can set those in your source.
        Every write the suite makes is then checked to leave them as they were."""
        raise NotImplementedError

    def human_values(self, record_id: str) -> object:
        """What ``add_human_values`` set, as the source holds it now (compared with ``==``):
        say, the record's tags that kvrules did not write."""
        raise NotImplementedError

    def break_source(self) -> None:
        """Make the source unusable (gone, unreachable, refusing the credential)."""
        raise NotImplementedError
