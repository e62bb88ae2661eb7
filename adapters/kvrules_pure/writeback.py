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
from collections.abc import Callable, Iterable
from typing import Any

from kvrules import KvrulesError, TagWrite
from kvrules.http import quote_id

from .client import Conflict, NotFound, PureClient
from .config import PureConfig

log = logging.getLogger("kvrules_pure")
Json = dict[str, Any]


class WriteConflict(KvrulesError):
    """Still conflicting after ``max_write_attempts`` rounds."""


class RiskGroupMissing(KvrulesError):
    """Pure's configuration has no keyword group (or not the classifications) that the risk
    tags are written to: nothing can be written until an administrator adds it."""


def check_risk_group(client: PureClient, cfg: PureConfig, collection: str) -> None:
    """Before the first real write to a family: is ``cfg.risk_group`` among the keyword groups
    Pure's configuration allows there, with a classification for every risk tag? Pure lists
    them (``GET {collection}/allowed-keyword-group-configurations``, and each one's
    ``/{pureId}/classifications``); a write naming a group it does not define would fail on
    every record, each with Pure's own words, so this says once what to configure.

    An instance that does not serve the list (an older API) is not refused on that account."""
    where = collection.strip("/")
    try:
        listed = client.get_json(f"{collection}/allowed-keyword-group-configurations")
    except NotFound:
        log.info("GET %s/allowed-keyword-group-configurations: 404, not checked", collection)
        return
    configs = [c for c in (listed or {}).get("configurations") or [] if isinstance(c, dict)]
    ours = next((c for c in configs if c.get("logicalName") == cfg.risk_group), None)
    if ours is None:
        have = ", ".join(sorted(str(c.get("logicalName")) for c in configs)) or "none"
        raise RiskGroupMissing(
            f"Pure has no keyword group {cfg.risk_group!r} for {where} (it has: {have}): an "
            "administrator adds it (a classification keyword group holding the classifications "
            "risk_tags names), or risk_group names the group in use; nothing was written"
        )
    if ours.get("pureId") is None:
        return
    allowed = client.get_json(
        f"{collection}/allowed-keyword-group-configurations/{quote_id(str(ours['pureId']))}"
        "/classifications"
    )
    uris = {
        c.get("uri") for c in (allowed or {}).get("classifications") or [] if isinstance(c, dict)
    }
    if missing := sorted(set(cfg.risk_tags.values()) - uris):
        raise RiskGroupMissing(
            f"Pure's keyword group {cfg.risk_group!r} for {where} lacks the classification(s) "
            f"{', '.join(missing)}: add them to its scheme, or map risk_tags onto the ones it "
            "has; nothing was written"
        )


def _risk_groups(project: Json, group: str) -> list[Json]:
    return [
        g
        for g in project.get("keywordGroups") or []
        if isinstance(g, dict) and g.get("logicalName") == group
    ]


def _containers(g: Json) -> list[Json]:
    """A FullKeywordGroup's containers (the older API's groups have them without a
    typeDiscriminator): each one structured keyword plus optional free keywords."""
    return [c for c in g.get("keywordContainers") or [] if isinstance(c, dict)]


def _uri(ref: Any) -> str | None:
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if isinstance(uri, str) and uri else None


def _free_words(holders: Any) -> list[str]:
    """The words of a list of Keyword objects ({locale, freeKeywords: [...]})."""
    return [
        w
        for k in holders or []
        if isinstance(k, dict)
        for w in k.get("freeKeywords") or []
        if isinstance(w, str) and w.strip()
    ]


def current_uris(project: Json, group: str) -> list[str]:
    """The classification URIs the record's ``group`` holds, in every form the spec allows:
    a ClassificationsKeywordGroup's ``classifications`` and a FullKeywordGroup's
    ``keywordContainers[].structuredKeyword`` (what Pure returns when the group's
    configuration also allows free keywords)."""
    uris: list[str] = []
    for g in _risk_groups(project, group):
        uris += [u for c in g.get("classifications") or [] if (u := _uri(c))]
        uris += [u for c in _containers(g) if (u := _uri(c.get("structuredKeyword")))]
    return list(dict.fromkeys(uris))


def dropped_words(project: Json, group: str, uris: list[str]) -> list[str]:
    """Free keywords in ``group`` that a write of ``uris`` would remove: those of a container
    whose structured keyword goes, and those of a free-keywords-only group (a write makes it
    a classifications group). A person wrote them (kvrules writes none)."""
    words: list[str] = []
    for g in _risk_groups(project, group):
        words += _free_words(g.get("keywords"))
        for c in _containers(g):
            if _uri(c.get("structuredKeyword")) not in uris:
                words += _free_words(c.get("freeKeywords"))
    return words


def merged_groups(project: Json, group: str, uris: list[str], ours: set[str]) -> list[Json]:
    """keywordGroups with the kvrules group set to ``uris`` (dropped when empty), others as-is.

    ``ours``: the URIs kvrules writes (risk_tags). The group keeps its form: a FullKeywordGroup
    keeps every container that is not kvrules' or still wanted, verbatim with its free
    keywords (the caller has refused a write that would drop any, see ``dropped_words``)."""
    groups = [g for g in project.get("keywordGroups") or [] if isinstance(g, dict)]
    ours_g = next((g for g in groups if g.get("logicalName") == group), None)
    out = [g for g in groups if g.get("logicalName") != group]
    if ours_g is not None and "keywordContainers" in ours_g:
        kept = [
            c
            for c in _containers(ours_g)
            if (u := _uri(c.get("structuredKeyword"))) in uris or u not in ours
        ]
        have = {_uri(c.get("structuredKeyword")) for c in kept}
        kept += [{"structuredKeyword": {"uri": u}} for u in uris if u not in have]
        new: Json | None = {**ours_g, "keywordContainers": kept} if kept else None
    elif uris:
        new = {k: v for k, v in (ours_g or {}).items() if k in ("pureId", "name")}
        new.update(
            typeDiscriminator="ClassificationsKeywordGroup",
            logicalName=group,
            classifications=[{"uri": u} for u in uris],
        )
    else:
        new = None
    if new is not None:
        position = groups.index(ours_g) if ours_g is not None else len(out)
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
    check_group: Callable[[str], None] | None = None,
) -> TagWrite:
    """``record_id``: a project's uuid, or ``applications/{uuid}`` with ``collection``
    "/applications". ``read_uris``: the group's URIs as just read with the record; with
    ``dry_run`` they stand in for a GET (nothing is written, so no version is needed).
    ``check_group(collection)``: before a real write, raises if Pure lacks the risk group
    (``check_risk_group``, asked once per scan by the adapter)."""
    unknown = sorted(set(tags) - cfg.risk_tags.keys())
    if unknown:  # refuse before any request: a typo must not wipe the group
        raise ValueError(f"tags without a classification URI in risk_tags: {unknown}")
    if not dry_run and check_group is not None:
        check_group(collection)
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
        words = dropped_words(project, cfg.risk_group, wanted)
        if words and result.changed and not result.skipped:
            shown = "; ".join(repr(w[:60]) for w in words[:2])
            result = result.model_copy(
                update={
                    "skipped": f"holds free keywords set by someone else ({shown}), "
                    "which a write would remove; left as is"
                }
            )
        if dry_run or not result.changed or result.skipped:
            return result
        ours = set(cfg.risk_tags.values())
        body = {
            "version": project.get("version"),
            "keywordGroups": merged_groups(project, cfg.risk_group, wanted, ours),
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
