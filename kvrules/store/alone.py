"""An upgrade runs only on a database no other process has open.

A process of the previous release (a ``scan --full`` started before the upgrade, a ``watch``)
keeps its connection and its idea of the schema: it went on writing its own kind of rows into
the upgraded file (reviewer: 114 audit entries after ``store.upgraded``, 8 cases opened by
0.3.0's rules). That release takes no ``<db>.scan-lock`` and checks nothing, so the upgrade
has to find it by what any SQLite process leaves:

- its open file: on Linux, ``/proc/<pid>/fd`` of the processes this user may read (all of
  them for root), matched by file identity (device and inode), so a process that opened it
  through a hard link or a bind mount is found too. It names the process (its command line
  shown, never run: ``kvrules.terminal``); it cannot see another user's processes, another
  container's or another machine's (a database on a network share).
- its SQLite lock: a connection in WAL mode that has read the file holds a shared lock on it
  for as long as it is open, so an exclusive lock (``locking_mode=EXCLUSIVE``) is refused
  while any connection anywhere on this machine has it open, whatever release or user. It is
  then held across the copy and the migration, so nothing opens the file in between; a
  process that opens it later waits for the upgrade and meets the new schema (every release
  refuses a newer one at open, and this one at each transaction too: ``Database._begin``).
  It cannot see a process that opened the file and has not read it yet (it holds no lock).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kvrules.store.db import StoreError, is_busy, set_busy_timeout
from kvrules.terminal import terminal_text

# How long the exclusive lock is waited for: another connection's own transaction ends within
# this; one that keeps the file open holds its shared lock for longer, and is refused.
WAIT_SECONDS = 2.0


class StoreInUse(StoreError):
    """Another process has the database open: it is not upgraded."""


def _identities(path: Path) -> set[tuple[int, int]]:
    """(device, inode) of the file and its -wal and -shm, those that exist: a process that
    opened it by another name (a hard link, a bind mount, another mount of the share) holds
    the same file, which its name in /proc would not show."""
    found = set()
    for name in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        try:
            info = name.stat()
        except OSError:
            continue
        found.add((info.st_dev, info.st_ino))
    return found


# The command line said in a refusal, at most this long (after escaping: never a cut escape
# that would leave a control character whole)
COMMAND_SHOWN = 80


def _command(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    # one line whatever the arguments hold (a `python -c` program has newlines); another
    # process's arguments are anyone's: an escape that would set the terminal's title or ring
    # its bell is shown, not run, as stored text is
    flat = " ".join(raw.decode(errors="replace").replace("\0", " ").split())
    return terminal_text(flat)[:COMMAND_SHOWN]


def processes_holding(path: Path, proc: Path = Path("/proc")) -> list[tuple[int, str]]:
    """(process id, command line shown as a terminal may print it) of the other processes
    with ``path`` (or its -wal/-shm) open, by file identity, as far as ``proc`` lets this user
    see; empty where there is no ``/proc``."""
    identities = _identities(path)
    mine = os.getpid()
    found: list[tuple[int, str]] = []
    if not identities:  # nothing there to hold
        return found
    try:
        pids = [p.name for p in proc.iterdir() if p.name.isdigit()]
    except OSError:
        return found
    for pid in pids:
        if int(pid) == mine:
            continue
        try:
            fds = list((proc / pid / "fd").iterdir())
        except OSError:  # gone, or another user's
            continue
        for fd in fds:
            try:
                info = fd.stat()  # the open file itself, whatever name it was opened by
            except OSError:
                continue
            if (info.st_dev, info.st_ino) in identities:
                found.append((int(pid), _command(pid)))
                break
    return sorted(found)


def _refusal(path: Path, who: str) -> str:
    return (
        f"{path} is open in {who}: stop it (README, Upgrading, step 1) and upgrade again; "
        "nothing was changed"
    )


@contextmanager
def alone(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Inside: no other process has ``path`` open, and none can open it until the block
    ends (``StoreInUse`` otherwise, before anything is written)."""
    holders = processes_holding(path)
    if holders:
        who = ", ".join(
            f"process {pid} ({cmd})" if cmd else f"process {pid}" for pid, cmd in holders
        )
        raise StoreInUse(_refusal(path, who))
    waited = conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    try:
        set_busy_timeout(conn, WAIT_SECONDS)
        try:
            # a write transaction in EXCLUSIVE mode takes the file's exclusive lock and keeps
            # it after COMMIT, until the mode is NORMAL again and the file is next read
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            if not is_busy(e):
                raise
            raise StoreInUse(
                _refusal(
                    path,
                    "another process or connection (SQLite's lock says so: one this user "
                    "cannot see, in another container or on another machine)",
                )
            ) from None
        yield
    finally:
        set_busy_timeout(conn, waited)
        conn.execute("PRAGMA locking_mode=NORMAL")
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # gives the exclusive lock up
