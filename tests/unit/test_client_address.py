"""Which address the limits count: behind a trusted proxy only the hop it appended, never what the client
wrote to the left of it; without a proxy, the peer's own address."""

from core.online.access import client_address
from core.platform.config import settings


def test_behind_a_proxy_the_rightmost_forwarded_address_counts_and_a_forged_one_does_not(monkeypatch):
    monkeypatch.setattr(settings, "client_address_header", "X-Forwarded-For")
    forged = {"X-Forwarded-For": "198.51.100.9, 203.0.113.7"}
    assert client_address(forged, "10.0.0.1") == "203.0.113.7"
    assert client_address({}, "10.0.0.1") is None


def test_without_a_proxy_the_peer_address_counts_and_a_missing_one_is_none():
    assert client_address({"X-Forwarded-For": "198.51.100.9"}, "203.0.113.7") == "203.0.113.7"
    assert client_address({}, None) is None
