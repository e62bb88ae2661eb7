"""Risk tags -> the configured choice-group attribute of a Converis project, via the CUD API.

The CUD API has no version field: the last write wins (cris-apis.md 2.3). So the record is read,
the change decided, and `updatedOn` read again right before the PUT; if it moved, someone edited
the record in between and nothing is written: wait, start over (bounded), else WriteConflict.
A caller that screened an older read can pass ``expected_updated_on``: if the record changed
since, StaleRecord is raised at once (the screening is out of date; retrying will not help).
Nothing is written when the value already matches, and nothing at all in dry-run (the default).
kvrules owns only what it wrote: a value set by someone else is left as is and the result says
why (``not_ours``).

The attribute holds one choice, so at most one risk tag can be written; an empty tag list
clears it (an empty value, an assumption about the CUD API).
"""

from __future__ import annotations

import logging
import time

from kvrules import KvrulesError, TagWrite
from kvrules.http import quote_id

from .client import ConverisClient, NotFound
from .config import ConverisConfig
from .mapping import Json, text

log = logging.getLogger("kvrules_converis")


class WriteConflict(KvrulesError):
    """The record kept changing between read and write for ``max_write_attempts`` rounds."""


class StaleRecord(KvrulesError):
    """The record changed after the read the caller's screening was based on."""


class UnknownRecord(NotFound):
    """No such project (or not visible to this API account)."""


def _read(client: ConverisClient, cfg: ConverisConfig, rec_id: int) -> Json:
    path = f"/data/entities/{cfg.project_entity}/{quote_id(rec_id)}"
    try:
        return client.get_json(path, headers={"Converis-attribute-definition": cfg.risk_attribute})
    except NotFound as e:
        raise UnknownRecord(e.method, e.path, e.status, e.detail) from None


def write_tags(
    client: ConverisClient,
    cfg: ConverisConfig,
    record_id: str,
    tags: list[str],
    *,
    dry_run: bool = True,
    expected_updated_on: str | None = None,
    written: list[str] | None = None,
) -> TagWrite:
    if not record_id.isdigit():
        raise UnknownRecord("GET", record_id, 404, "Converis ids are integers")
    unknown = sorted(set(tags) - cfg.risk_values.keys())
    if unknown:  # refuse before any request
        raise ValueError(f"tags without a value in risk_values: {unknown}")
    after = sorted(set(tags))
    if len(after) > 1:
        raise ValueError(f"{cfg.risk_attribute} holds one choice; got {after}")
    rec_id = int(record_id)
    for attempt in range(1, cfg.max_write_attempts + 1):
        rec = _read(client, cfg, rec_id)
        if expected_updated_on is not None and rec.get("updatedOn") != expected_updated_on:
            raise StaleRecord(f"project {rec_id} changed after it was screened")
        current = text(rec, cfg.risk_attribute, [])
        before = [cfg.tag_for(current)] if current else []
        result = TagWrite.planned(record_id, before, after, dry_run=dry_run, written=written)
        if dry_run or not result.changed or result.skipped:
            return result
        # No version field: re-read right before writing and refuse if the record moved.
        if _read(client, cfg, rec_id).get("updatedOn") != rec.get("updatedOn"):
            log.info("project %s changed while writing tags; retry %d", rec_id, attempt)
            if attempt < cfg.max_write_attempts:
                time.sleep(cfg.write_retry_delay * attempt)
            continue
        value = cfg.risk_values[after[0]] if after else ""
        client.put_entities(
            {
                "entities": [
                    {
                        "id": str(rec_id),
                        "attributes": [{"name": cfg.risk_attribute, "value": value}],
                    }
                ]
            }
        )
        return result.model_copy(update={"written": True})
    raise WriteConflict(
        f"project {rec_id}: changed by someone else on each of {cfg.max_write_attempts} attempts"
    )
