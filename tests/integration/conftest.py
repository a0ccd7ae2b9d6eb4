import pytest

from core.platform.config import settings
from tests.smtp_peer import smtp_peer


@pytest.fixture
def peer(monkeypatch):
    """A real SMTP server the worker's settings point at, for the duration of one test."""
    with smtp_peer() as running:
        monkeypatch.setattr(settings, "smtp_host", running.host)
        monkeypatch.setattr(settings, "smtp_port", running.port)
        monkeypatch.setattr(settings, "smtp_starttls", False)
        yield running
