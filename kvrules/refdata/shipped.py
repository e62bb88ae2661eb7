"""Loads the redistributable reference data shipped in ``kvrules/refdata/data``."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

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
