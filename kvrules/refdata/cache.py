"""The resolver's built index, kept beside the reference store (``refdata.db.index``).

Building the index reads every entry of every list: with a full ROR import that is 120,000
records and about 20 s of CPU, paid by every ``kvrules match``. The index depends only on the
reference data and on the code that builds it, so it is built once per state of the store and
kept in a file that later runs load.

The file holds a header (JSON: format, key, payload size and SHA-256, the list editions
searched) and the index as :mod:`marshal` data. marshal reads plain values only (strings,
numbers, tuples, lists, dicts), never runs code or imports anything, unlike pickle; the loader
still reads only a file that this user owns and nobody else may write, whose key and checksum
match, so a stale, foreign or damaged file is rebuilt, never trusted. The key covers the file
format, the kvrules version, the Python version (marshal's format may change with it), the
source of the modules that build the index, and the store's state (:meth:`Store.state_token`);
an import or update also removes the file (:meth:`Store.add_edition`). The file is written to a
temporary name and renamed, so a reader sees the old file or the whole new one.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gc
import hashlib
import json
import logging
import marshal
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kvrules.refdata import affiliations, countries, models, normalise, resolver, store
from kvrules.refdata.resolver import Resolver
from kvrules.refdata.store import Store

FORMAT = 1
MAGIC = b"kvrules resolver index\n"
MAX_HEADER = 1 << 20  # bytes: the header is a few hundred bytes and the editions searched
# Entries of the latest editions indexed per second of CPU, for the estimate a build announces
# (a 50,000-record ROR import took 15 s of CPU to index here, 53 s wall under load).
ENTRIES_PER_SECOND = 3_500

log = logging.getLogger(__name__)

__all__ = ["Index", "build_estimate", "index_key", "load", "prepare", "write"]


@dataclass
class Index:
    """A resolver for a store's current state: the kept file to load it from (``path``, None
    when it could not be kept) and, once loaded or built in this process, the resolver."""

    path: Path | None
    key: str
    searched: list[str]
    threshold: float
    built: bool = False  # built in this run (no usable kept index)
    _resolver: Resolver | None = field(default=None, repr=False)
    # The kept file's payload ``prepare`` read and checked: loaded from here, not read again.
    _payload: bytes | None = field(default=None, repr=False)

    def resolver(self) -> Resolver:
        if self._resolver is None:
            if self._payload is not None:
                loaded = _from_payload(self._payload, self.threshold)
                self._payload = None
            else:
                loaded = load(self.path, self.key, self.threshold) if self.path else None
            if loaded is None:
                raise OSError(f"{self.path}: the kept index could not be read; run again")
            self._resolver = loaded
        return self._resolver


def prepare(ref: Store, threshold: float = 0.85, *, announce: bool = True) -> Index:
    """The index of ``ref``'s current lists: the kept one if it is current, else built now and
    kept for the next run (when the store's folder is writable). A build of a kept index is
    announced in one line on stderr (a warning of this module's logger), unless the caller
    says so itself (``announce=False``: the import that builds it on purpose)."""
    key = index_key(ref)
    path = Path(ref.index_path) if ref.index_path else None
    if path is not None:
        found = _read(path, key)  # whole and current: loaded from this read, or by workers
        if found is not None:
            return Index(path, key, list(found[0]["searched"]), threshold, _payload=found[1])
        if announce:  # the wait would otherwise be silent (tens of seconds with a full ROR)
            log.warning("building the lists' index once (%s)…", build_estimate(ref))
    built = Resolver(ref, threshold=threshold)
    kept = path if path is not None and write(path, key, built) else None
    return Index(kept, key, built.searched, threshold, True, built)


def build_estimate(ref: Store) -> str:
    """How long building ``ref``'s index takes, roughly, in words ("about 20 s")."""
    counts = ref.counts()
    entries = sum(counts.get((i.list_id, i.edition), 0) for i in ref.latest_editions())
    seconds = entries / ENTRIES_PER_SECOND
    return f"about {seconds:.0f} s" if seconds >= 1.5 else "a second or so"


def index_key(ref: Store) -> str:
    digest = hashlib.sha256()
    for part in (FORMAT, _kvrules_version(), sys.version, marshal.version, _code_digest()):
        digest.update(f"{part}\n".encode())
    digest.update(ref.state_token().encode())
    return digest.hexdigest()


def write(path: Path, key: str, built: Resolver) -> bool:
    """Keep ``built``'s index at ``path`` (atomically); False if it cannot be kept."""
    try:
        payload = marshal.dumps(built.export_index())
    except ValueError as e:  # an attribute that is not a plain value: rebuild every run
        log.warning("the resolver's index cannot be kept (%s); it is rebuilt on every run", e)
        return False
    header = {
        "format": FORMAT,
        "key": key,
        "kvrules": _kvrules_version(),
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "searched": built.searched,
    }
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:  # mkstemp: readable and writable by this user only
            out.write(MAGIC + json.dumps(header).encode() + b"\n")
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        return True
    except OSError as e:  # a read-only folder, a full disk: match without keeping the index
        log.info("the resolver's index was not kept at %s: %s", path, e)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False


def load(path: Path, key: str, threshold: float = 0.85) -> Resolver | None:
    """The resolver kept at ``path`` for ``key``, or None if there is none that can be trusted."""
    found = _read(path, key)
    return None if found is None else _from_payload(found[1], threshold)


def _from_payload(payload: bytes, threshold: float) -> Resolver | None:
    """The resolver in a checked payload; None if it does not hold one."""
    # millions of small containers: the cyclic collector would scan them again and again while
    # they are made (it more than doubles the load time), and none of them is garbage. Once
    # made they are frozen out of its scans (gc.freeze): a full collection would otherwise
    # walk the whole index again in the middle of matching, 0.7 s each time with a full ROR
    # import; they are still freed as usual when the resolver is dropped (they hold no cycles)
    collecting = gc.isenabled()
    if collecting:
        # garbage in reference cycles (a previous scan's, in a `watch`) is freed now: frozen
        # below, it would never be freed (gc.freeze moves every object it finds, garbage too)
        gc.collect()
    gc.disable()
    try:
        state = marshal.loads(payload)
        if not isinstance(state, dict):
            return None
        loaded = Resolver.from_index(state, threshold=threshold)
        del state
        gc.freeze()
        return loaded
    except (ValueError, TypeError, EOFError, KeyError):
        return None
    finally:
        if collecting:
            gc.enable()


def _read(path: Path, key: str) -> tuple[dict[str, Any], bytes] | None:
    """The header and the payload of the file at ``path``, if it is whole and kept for ``key``."""
    try:
        with path.open("rb") as fh:
            header = _header(fh, key)
            if header is None:
                return None
            payload = fh.read(header["size"] + 1)
    except OSError:
        return None
    if len(payload) != header["size"] or hashlib.sha256(payload).hexdigest() != header["sha256"]:
        return None
    return header, payload


def _header(fh: IO[bytes], key: str) -> dict[str, Any] | None:
    """The file's header if the file is this user's own, written by this format for ``key``."""
    info = os.fstat(fh.fileno())
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    if fh.read(len(MAGIC)) != MAGIC:
        return None
    try:
        header = json.loads(fh.readline(MAX_HEADER))
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != key:
        return None
    if not isinstance(header.get("size"), int) or not isinstance(header.get("searched"), list):
        return None
    return header


def _kvrules_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kvrules")
    except PackageNotFoundError:
        return "unknown"


# The modules index keys are built in; every first-party module they import, directly or not,
# is read too (``_key_shaping_modules``), so a table a new module adds ("Mykolaiv" →
# "Nikolaev", Wade-Giles spellings) cannot be left out of the digest.
_INDEX_MODULES = (resolver, normalise, affiliations, countries, models, store)


def _module_file(name: str) -> Path | None:
    """The source file of first-party module ``name`` ("kvrules.refdata.romanised"), found on
    disk without importing it; None for a name that is not a module (an imported function)."""
    parts = name.split(".")
    if parts[0] != "kvrules":
        return None
    base = _package_dir().joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_dir() -> Path:
    return Path(normalise.__file__).resolve().parent.parent


def _imported_names(source: Path, module: str) -> set[str]:
    """Every module name ``source`` imports anywhere (lazy imports inside functions too), and
    for ``from a import b`` also ``a.b``: b may be a module."""
    package = module if source.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_bytes(), filename=str(source))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _key_shaping_modules() -> dict[str, Path]:
    """The index modules and every first-party module they import, by name."""
    found: dict[str, Path] = {}
    pending = [m.__name__ for m in _INDEX_MODULES]
    while pending:
        name = pending.pop()
        source = _module_file(name)
        if name in found or source is None:
            continue
        found[name] = source
        pending += sorted(_imported_names(source, name))
    return found


@functools.cache
def _code_digest() -> str:
    """The source of the modules that build the index and of every first-party module they
    import: a changed resolver or spelling table rebuilds it, even before the version number
    changes (a development install)."""
    digest = hashlib.sha256()
    for name, source in sorted(_key_shaping_modules().items()):
        digest.update(name.encode() + b"\0")
        digest.update(source.read_bytes())
    return digest.hexdigest()
