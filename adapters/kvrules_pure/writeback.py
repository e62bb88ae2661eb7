"""Risk tags -> the configured keyword group of a Pure project or application: GET, merge, PUT
with version.

Only the group whose ``logicalName`` is ``config.risk_group`` is touched; every other group is
sent back exactly as read (a PUT replaces the whole ``keywordGroups`` list). A 409/412 means
someone else wrote in between: re-read, re-merge onto their version, try again (bounded).
Nothing is written when the tags already match, and nothing at all in dry-run (the default).
kvrules owns only what it wrote: a group that holds anything else (set by hand in Pure) is left
as is and the result says why (``not_ours``), decided on the same read the PUT's version is.

The optional note (``PUT /projects/{uuid}/notes``, ``/applications/{uuid}/notes``) is sent once
after a successful write. A note is not versioned, so a transport retry after a lost answer may
store it twice; that is accepted for an audit trail (a missing note would be worse).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from kvrules import KvrulesError, TagWrite
from kvrules.http import quote_id

from .client import Conflict, PureClient
from .config import PureConfig

log = logging.getLogger("kvrules_pure")
Json = dict[str, Any]


class WriteConflict(KvrulesError):
    """Still conflicting after ``max_write_attempts`` rounds."""


def current_uris(project: Json, group: str) -> list[str]:
    uris: list[str] = []
    for g in project.get("keywordGroups") or []:
        if isinstance(g, dict) and g.get("logicalName") == group:
            uris += [
                c["uri"]
                for c in g.get("classifications") or []
                if isinstance(c, dict) and c.get("uri")
            ]
    return list(dict.fromkeys(uris))


def merged_groups(project: Json, group: str, uris: list[str]) -> list[Json]:
    """keywordGroups with the kvrules group set to ``uris`` (dropped when empty), others as-is."""
    groups = [g for g in project.get("keywordGroups") or [] if isinstance(g, dict)]
    ours = next((g for g in groups if g.get("logicalName") == group), None)
    out = [g for g in groups if g.get("logicalName") != group]
    if uris:
        new: Json = {k: v for k, v in (ours or {}).items() if k in ("pureId", "name")}
        new.update(
            typeDiscriminator="ClassificationsKeywordGroup",
            logicalName=group,
            classifications=[{"uri": u} for u in uris],
        )
        position = groups.index(ours) if ours is not None else len(out)
        out.insert(min(position, len(out)), new)
    return out


def write_tags(
    client: PureClient,
    cfg: PureConfig,
    record_id: str,
    tags: list[str],
    *,
    collection: str = "/projects",
    dry_run: bool = True,
    note: str | None = None,
    written: list[str] | None = None,
    read_uris: tuple[str, ...] | None = None,
) -> TagWrite:
    """``record_id``: a project's uuid, or ``applications/{uuid}`` with ``collection``
    "/applications". ``read_uris``: the group's URIs as just read with the record; with
    ``dry_run`` they stand in for a GET (nothing is written, so no version is needed)."""
    unknown = sorted(set(tags) - cfg.risk_tags.keys())
    if unknown:  # refuse before any request: a typo must not wipe the group
        raise ValueError(f"tags without a classification URI in risk_tags: {unknown}")
    after = sorted(set(tags))
    wanted = [cfg.risk_tags[t] for t in after]
    path = f"{collection}/{quote_id(record_id.rsplit('/', 1)[-1])}"

    def planned(uris: Iterable[str]) -> TagWrite:
        before = sorted({cfg.tag_for(u) for u in uris})
        return TagWrite.planned(record_id, before, after, dry_run=dry_run, written=written)

    if dry_run and read_uris is not None:
        return planned(read_uris)
    for attempt in range(1, cfg.max_write_attempts + 1):
        project = client.get_json(path)
        result = planned(current_uris(project, cfg.risk_group))
        if dry_run or not result.changed or result.skipped:
            return result
        body = {
            "version": project.get("version"),
            "keywordGroups": merged_groups(project, cfg.risk_group, wanted),
        }
        try:
            client.put_json(path, body)
        except Conflict:
            log.info("PUT %s: version conflict, re-reading (attempt %d)", path, attempt)
            continue
        if note:
            client.put_json(f"{path}/notes", {"text": note, "username": cfg.note_username})
        return result.model_copy(update={"written": True})
    raise WriteConflict(f"{path}: still conflicting after {cfg.max_write_attempts} attempts")
