"""Request bodies read no further than a cap: an API proposal, a form post.

A body is counted as it arrives: a ``Content-Length`` above the cap is refused unread, a body
without one (chunked) is read no further than one chunk past it (penetration test, 2026-12-07:
a 300 MB body was read whole before its size was checked, server RSS 182 → 701 MB). Starlette's
form parser reads what it is given whole (an url-encoded form into memory, a file part to a
spooled file), so a form post is first read here and the parser given these bytes.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message

from kvrules.errors import KvrulesError

FORM_MAX_BYTES = 1024 * 1024  # a case's forms: rationales, mitigations, bulk actions


class TooLarge(KvrulesError, ValueError):
    """A body over its cap: refused before more of it is read."""


async def limited_body(request: Request, limit: int) -> bytes:
    """The request's body, at most ``limit`` bytes; raises :class:`TooLarge` beyond."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
        raise TooLarge(declared)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:  # the rest is never read: the server closes the connection
            raise TooLarge(len(body))
    return bytes(body)


async def limited_form(
    request: Request, *, limit: int, max_fields: int, max_files: int
) -> FormData:
    """The form of a POST whose body is at most ``limit`` bytes (:class:`TooLarge` beyond);
    Starlette's limits on fields and files apply as before (its HTTPException 400)."""
    body = await limited_body(request, limit)
    sent = False

    async def replay() -> Message:  # the bytes read, once, to a parser on the same scope
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return await Request(request.scope, replay).form(max_fields=max_fields, max_files=max_files)


def size_in_words(limit: int) -> str:
    """A cap as people say it: "1 MB", "3 MB", "256 KiB"."""
    mib, kib = divmod(limit, 1024 * 1024)
    return f"{mib} MB" if mib and not kib else f"{limit // 1024} KiB"
