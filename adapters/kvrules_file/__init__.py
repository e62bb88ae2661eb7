"""kvrules adapter for RIS exports on disk: flat CSV and JSON lines of canonical events.

Point it at a file or a folder (``kvrules fetch --source file --path exports/``). Files are
read again only when their mtime and content hash change; bad rows are quarantined with
``file:line`` and a reason; risk tags are written to a CSV the RIS can import.

Built only on kvrules' public API, like any third-party adapter: it is the worked example in
docs/writing-an-adapter.md. Modules: ``config`` (settings), ``csvformat`` and ``jsonl``
(parsing), ``records`` (records -> events), ``state`` (the cursor), ``tagfile`` (write-back),
``adapter`` (the Adapter subclass).
"""

from __future__ import annotations

from kvrules import hookimpl

from .adapter import FileAdapter
from .config import FileConfig
from .csvformat import COLUMNS

__all__ = ["COLUMNS", "FileAdapter", "FileConfig"]


@hookimpl
def register_adapters(register):  # type: ignore[no-untyped-def]
    register(FileAdapter)
