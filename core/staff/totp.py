"""The TOTP second factor (RFC 6238, via pyotp): new secrets, the QR code an authenticator app scans,
the secret encrypted at rest, and which time step a typed code belongs to (so each is used once)."""

import base64
import hashlib
import hmac
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken

from core.platform.config import settings

ISSUER = "Ghiseu"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code from the step before or after is accepted too (clock drift, typing time)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (segno draws it without Pillow)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2)


def _fernet() -> Fernet:
    # a key of its own, derived from SECRET_KEY: rotating SECRET_KEY means every user enrols again
    key = hashlib.sha256(b"ghiseu/totp-secret/" + settings.secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str | None:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:  # encrypted under another SECRET_KEY
        return None


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is (within the allowed drift), or None; compares in constant time."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def current_code(secret: str, now: datetime) -> str:
    """The code an authenticator shows now (the demo sign-in page shows the demo accounts' code)."""
    return pyotp.TOTP(secret).at(now)
