"""A stop (SIGTERM, Ctrl-C) while a mail is being sent stays a stop. Operations review,
2026-12-07 (severe): smtplib's ``with`` sent QUIT on the way out, read the server's late
"250 OK" to the interrupted DATA as QUIT's answer and raised ``SMTPResponseException`` in place
of the stop: the scan ran on and exited 0, and the mail (which had arrived) was marked failed
and sent again later without "possible repeat". Now the stop propagates (the outbox row stays
leased: sent again after the lease, marked a possible repeat), and no QUIT follows a failure.

Real parts: the e-mail channel and a real SMTP server (aiosmtpd) that answers DATA late; the
stop is a SIGALRM the server sends this process once it has the message (so it lands while
this thread waits for DATA's answer, however loaded the machine), whose handler raises here
as kvrules' SIGTERM handler raises ``Stopped``."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from tests.alerts.smtp_helpers import free_port
from tests.alerts.test_mail_outage import _channel
from tests.alerts.test_webhook_channel import _alert

pytestmark = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signals: main thread only"
)


class StopNow(KeyboardInterrupt):
    """As ``kvrules.cli.scan.Stopped``: a KeyboardInterrupt raised by a signal handler."""


class SlowData:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
        self.received += 1
        os.kill(os.getpid(), signal.SIGALRM)  # the stop, while the client waits for the answer
        await asyncio.sleep(1.0)
        return "250 OK"


def test_a_stop_while_the_server_answers_data_is_raised_as_the_stop() -> None:
    from aiosmtpd.controller import Controller

    port, sink = free_port(), SlowData()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    channel = _channel(port)

    def stop(signum, frame):
        raise StopNow

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        with pytest.raises(StopNow):  # before: SMTPResponseException (250, b'OK') -> DeliveryError
            channel.send(_alert())
    finally:
        signal.signal(signal.SIGALRM, previous)
        controller.stop()
    assert sink.received == 1
