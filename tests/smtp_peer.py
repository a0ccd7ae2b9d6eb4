"""A real SMTP server on localhost that keeps every message it accepts, for the outbox tests and the
workers benchmark: delivery is proven against the protocol, not against a mocked smtplib."""

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class RecordingPeer:
    host: str
    port: int
    accepted: list[EmailMessage] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)  # each message's bytes as they came over the wire
    connections: list[tuple] = field(default_factory=list)  # the client's (host, port) of each accepted message
    _lock: threading.Lock = field(default_factory=threading.Lock)

    refused_recipients: set[str] = field(default_factory=set)  # answered 554, as a relay refusing a message

    async def handle_DATA(self, _server, session, envelope) -> str:
        if self.refused_recipients.intersection(envelope.rcpt_tos):
            return "554 Transaction failed"
        message = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        with self._lock:
            self.connections.append(session.peer)
            self.accepted.append(message)
            self.received.append(envelope.content)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"] for m in self.accepted]


@contextmanager
def smtp_peer() -> Iterator[RecordingPeer]:
    """Starts the peer on a free port and stops it when the block ends."""
    with socket.socket() as probe:  # aiosmtpd's start-up check cannot use port 0: ask the OS for a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    peer = RecordingPeer("127.0.0.1", port)
    controller = Controller(peer, hostname=peer.host, port=port)
    controller.start()
    try:
        yield peer
    finally:
        controller.stop()
