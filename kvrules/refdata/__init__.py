"""Reference lists (SQLite, with provenance and editions) and the organisation resolver.

Importing this package has no side effects; open a :class:`Store`, then build a
:class:`Resolver` once and reuse it.
"""

from kvrules.refdata.models import Entry, HistoryRow, ListInfo, Match
from kvrules.refdata.resolver import Resolver
from kvrules.refdata.store import Store

__all__ = ["Entry", "HistoryRow", "ListInfo", "Match", "Resolver", "Store"]
