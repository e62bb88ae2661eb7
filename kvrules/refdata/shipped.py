"""Loads the redistributable reference data shipped in ``kvrules/refdata/data``."""

from __future__ import annotations

import json
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any

from kvrules.errors import ReferenceDataError
from kvrules.refdata.store import Store

DATA = Path(str(resources.files("kvrules.refdata") / "data"))


def manifest() -> list[dict[str, Any]]:
    return json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))


def load_shipped(store: Store) -> list[str]:
    """Import every shipped list edition that the store lacks; return the ones imported."""
    from kvrules.refdata.importers import import_file

    have = {(i.list_id, i.edition) for i in store.lists()}
    done = []
    for item in manifest():
        item = dict(item)
        if (item["list_id"], item["edition"]) in have:
            continue
        path = DATA / item.pop("file")
        import_file(store, item.pop("importer"), path, **item)
        done.append(f"{item['list_id']}@{item['edition']}")
    return done


def open_reference_store(path: str | Path | None, *, create: bool = False) -> Store:
    """The reference store at ``path`` (None: in memory), created and seeded with the shipped
    lists on first use. Every command that screens or matches opens it through here, so a list
    imported by one command is the list the next one screens with.

    A missing folder is created only with ``create`` (a command that may start a store, after
    ``settings.require_folders``), or when it is the per-user default place
    (``config.default_reference_store``), which is started on first use; otherwise it is
    refused in one line, so that no command starts a store at a mistyped path."""
    if path is None or str(path) == ":memory:":
        store = Store(":memory:")
    else:
        from kvrules.config import default_reference_store

        folder = Path(path).parent
        if not (create or folder.is_dir() or Path(path) == default_reference_store()):
            raise ReferenceDataError(
                f"no folder {folder} for the reference store {path}; create it or check the path"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            store = Store(path)
        except (OSError, sqlite3.Error) as e:
            raise ReferenceDataError(f"cannot open the reference store {path}: {e}") from None
    try:
        if store.is_empty():
            load_shipped(store)
    except sqlite3.DatabaseError as e:
        store.close()
        raise ReferenceDataError(f"{path} is not a usable reference store: {e}") from None
    except BaseException:
        store.close()
        raise
    return store
