"""Projects that ended long ago (review of 0.3.0, item 8): a project that ended in 2018 opened
a high case and queued mails naming its lead, as a running one would. A committee has nothing
to decide about a collaboration over for years, and a data-protection officer expects no new
processing of its people for it; a sanctions or restricted-party hit still matters (obligations
outlive a project: an asset or a transfer may still be frozen or licensed).

So a project whose end date lies more than ``ended_projects_quiet_after`` (default 1 year)
before the scan is still screened, and its findings listed in the scan's report, but they open
no case and send no alert, unless one of them is a restricted-party hit (``RESTRICTED_TAG``, the
``restricted-parties`` rulebook) or the record has a case already (the committee's case goes
on). Retention counts such a record's content from the project's end
(``kvrules.store.retention``), not from the last scan that read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from kvrules.config import retention_cutoff
from kvrules.findings import Finding
from kvrules.model import CollaborationEvent

DEFAULT_QUIET_AFTER = "1y"
# A finding of the restricted-parties rulebook: a partner confirmed on a sanctions or
# restricted-party list opens a case however long ago the project ended.
RESTRICTED_TAG = "ks:restricted-party"


def ended_before(
    events: Sequence[CollaborationEvent], quiet_after: str, now: datetime
) -> date | None:
    """The end date of the record's project when it lies more than ``quiet_after`` before
    ``now`` (every event of the record a project's that ended so); None otherwise."""
    cutoff = retention_cutoff(quiet_after, now).date()
    ends = [e.project.end if e.project is not None else None for e in events]
    if not ends or any(end is None or end >= cutoff for end in ends):
        return None
    return max(end for end in ends if end is not None)


def opens_a_case(findings: Sequence[Finding]) -> bool:
    """Whether findings on a long-ended project still open a case: a restricted-party hit."""
    return any(RESTRICTED_TAG in f.tags for f in findings)
