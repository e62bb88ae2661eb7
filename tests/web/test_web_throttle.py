"""The sign-in throttle on its own, with a clock the test moves: an address waits longer after
each failure but only up to a bound, an account is slowed but never refused."""

from __future__ import annotations

from kvrules.web.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_waits_longer_after_each_failure_up_to_a_bound() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    waits = []
    for _ in range(14):
        waits.append(throttle.retry_after("10.0.0.1"))
        clock.now += waits[-1]  # the client waits exactly as long as told
        throttle.attempt("10.0.0.1", "viewer")
    assert waits == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert throttle.retry_after("10.0.0.2") == 0  # another address is not affected
    clock.now += throttle.window + 1
    assert throttle.retry_after("10.0.0.1") == 0  # forgotten after the window


def test_an_account_is_slowed_but_never_refused() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for i in range(100):
        throttle.attempt(f"10.0.{i}.1", "viewer")  # a guess from each of 100 addresses
    assert throttle.account_delay("viewer") == throttle.account_max_delay == 2.0
    assert throttle.retry_after("10.0.200.1") == 0  # the real user's address may try now
    throttle.succeeded("10.0.200.1", "viewer")
    assert throttle.account_delay("viewer") == 0


def test_memory_is_bounded_whatever_names_are_tried() -> None:
    throttle = Throttle(max_keys=100)
    for i in range(1000):
        throttle.attempt("10.0.0.1", f"{i}-" + "x" * 1_000_000)
    assert len(throttle._attempts) <= 100
    assert all(len(key) <= 256 for _, key in throttle._attempts)
