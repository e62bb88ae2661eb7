"""Reading an export file only when it is what an export should be: a regular file, not a link.

A symbolic link (or a hard link, or a device, or a FIFO) in the export folder would make the
adapter read whatever it points at -- a key file, the web secret -- and quote it into a
quarantine reason that the audit log keeps. The file is opened with ``O_NOFOLLOW`` and checked
on the open descriptor, so it cannot be swapped between the check and the read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kvrules import KvrulesError


class NotAnExport(KvrulesError):
    """A file in the export folder kvrules refuses to read; the message says which and why."""


def _refusal(path: Path, st: os.stat_result, folder_owner: int | None) -> str | None:
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_nlink > 1:
        return f"has {st.st_nlink} hard links (a link to a file elsewhere?)"
    owners = {os.geteuid(), 0} | ({folder_owner} if folder_owner is not None else set())
    if st.st_uid not in owners:
        return f"is owned by uid {st.st_uid}, not by this account, root or the folder's owner"
    if st.st_mode & stat.S_IWOTH:
        return "is writable by every account on the machine"
    return None


def _refuse(path: Path, why: str) -> NotAnExport:
    return NotAnExport(
        f"{path} {why}: kvrules reads only regular files owned by this account (or the export "
        "folder's owner) in the export folder; remove or replace it"
    )


def check_entry(path: Path, folder_owner: int | None) -> None:
    """Refuse ``path`` unless it is a regular file (a symbolic link is refused, never
    followed)."""
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode):
        raise _refuse(path, "is a symbolic link")
    if why := _refusal(path, st, folder_owner):
        raise _refuse(path, why)


def read_export(path: Path, folder_owner: int | None) -> tuple[os.stat_result, bytes]:
    """The stat and the bytes of ``path``, checked on the opened file itself."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if path.is_symlink():  # ELOOP from O_NOFOLLOW
            raise _refuse(path, "is a symbolic link") from None
        raise e
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if why := _refusal(path, st, folder_owner):
            raise _refuse(path, why)
        return st, f.read()
