"""A stop (SIGTERM, Ctrl-C) while a mail is being sent stays a stop. Operations review,
2026-12-07 (severe): smtplib's ``with`` sent QUIT on the way out, read the server's late
"250 OK" to the interrupted DATA as QUIT's answer and raised ``SMTPResponseException`` in place
of the stop: the scan ran on and exited 0, and the mail (which had arrived) was marked failed
and sent again later without "possible repeat". Now the stop propagates (the outbox row stays
leased: sent again after the lease, marked a possible repeat), and no QUIT follows a failure.

Real parts: the e-mail channel and a real SMTP server (aiosmtpd) that answers DATA late; the
stop is a SIGALRM raised in this thread while it waits for that answer, as kvrules' SIGTERM
handler raises ``Stopped``."""

from __future__ import annotations

import asyncio
import signal
import threading

import pytest
from kvrules_email import EmailChannel, EmailConfig

from tests.alerts.smtp_helpers import free_port
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
        await asyncio.sleep(1.0)  # the stop lands while the client waits for this answer
        return "250 OK"


def test_a_stop_while_the_server_answers_data_is_raised_as_the_stop() -> None:
    from aiosmtpd.controller import Controller

    port, sink = free_port(), SlowData()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    channel = EmailChannel(
        EmailConfig.model_validate(
            {
                "host": "127.0.0.1",
                "port": port,
                "security": "none",
                "sender": "kvrules@uni.example",
                "to": ["rs@uni.example"],
                "timeout": 10,
            }
        )
    )

    def stop(signum, frame):
        raise StopNow

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        with pytest.raises(StopNow):  # before: SMTPResponseException (250, b'OK') -> DeliveryError
            channel.send(_alert())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        controller.stop()
    assert sink.received == 1
