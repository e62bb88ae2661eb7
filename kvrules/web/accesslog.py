"""The web server's access log without query strings.

A query holds what people search for and filter by: names ("/cases?q=Anna+Kim",
"/audit?person=Anna+Kim"), partners, case numbers. uvicorn's access log wrote it whole, to a log
no retention or ``kvrules privacy erase`` reaches (operations review, 2026-12-07). The log keeps
the method, the path, the status and the client; a query is written as "?…".
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class WithoutQuery(logging.Filter):
    """Cuts the query off the path of uvicorn's access records (its third argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, query, _ = args[2].partition("?")
            if query:
                record.args = (*args[:2], f"{path}?…", *args[3:])
        return True


def drop_queries_from_access_log() -> None:
    """Install ``WithoutQuery`` on uvicorn's access logger, once."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, WithoutQuery) for f in logger.filters):
        logger.addFilter(WithoutQuery())
