"""Sign-in throttling per client address and per account that slows guessing but never locks
the real user out.

- **Per address**: after ``free_attempts`` attempts within ``window`` seconds, the address must
  wait before its next attempt: 1 s, then 2, 4, ... up to ``address_max_wait``. An attempt
  made too early is answered at once (HTTP 429 with ``Retry-After``) without checking the
  password, so a burst from one address costs no hashing. The wait is bounded: a user who
  mistyped a few times waits seconds, never the whole window.
- **Per account**: failures from every address slow each check of that account's password by
  a short, capped delay — but are never a reason to refuse, so failures from other addresses
  cannot keep the real user out.

An attempt is counted *before* its password is checked, so concurrent attempts see each
other. A successful sign-in forgets the address's and the account's failures. State is in
memory, bounded to ``max_keys`` addresses and accounts (oldest forgotten first).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

KEY_LENGTH = 256  # a user name in a form can be a megabyte: remember only its start


@dataclass
class Throttle:
    free_attempts: int = 5
    first_wait: float = 1.0
    address_max_wait: float = 60.0
    account_max_delay: float = 2.0
    window: float = 900.0
    max_keys: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _attempts: OrderedDict[tuple[str, str], deque[float]] = field(
        default_factory=OrderedDict, repr=False
    )

    def _recent(self, kind: str, key: str) -> deque[float]:
        slot = (kind, key[:KEY_LENGTH])
        q = self._attempts.get(slot)
        if q is None:
            q = self._attempts[slot] = deque()
            while len(self._attempts) > self.max_keys:
                self._attempts.popitem(last=False)
        self._attempts.move_to_end(slot)
        cutoff = self.clock() - self.window
        while q and q[0] < cutoff:
            q.popleft()
        return q

    def _backoff(self, attempts: int, cap: float) -> float:
        if attempts < self.free_attempts:
            return 0.0
        return min(cap, self.first_wait * 2 ** (attempts - self.free_attempts))

    def retry_after(self, address: str) -> float:
        """Seconds this address must still wait before its next attempt (0: go ahead)."""
        q = self._recent("address", address)
        if not q:
            return 0.0
        return max(0.0, q[-1] + self._backoff(len(q), self.address_max_wait) - self.clock())

    def account_delay(self, account: str) -> float:
        """Seconds to wait before checking this account's password (never a refusal)."""
        return self._backoff(len(self._recent("account", account)), self.account_max_delay)

    def attempt(self, address: str, account: str) -> None:
        now = self.clock()
        self._recent("address", address).append(now)
        self._recent("account", account).append(now)

    def succeeded(self, address: str, account: str) -> None:
        self._attempts.pop(("address", address[:KEY_LENGTH]), None)
        self._attempts.pop(("account", account[:KEY_LENGTH]), None)
