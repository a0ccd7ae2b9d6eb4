"""The proof-of-work challenge a public visitor solves once lookups failed too often (ALTCHA v1, self-hosted:
find the number n <= max_number with SHA-256(salt + n) == challenge). Challenges are signed with a key derived
from SECRET_KEY and carry, inside the signed salt, the service, the difficulty and an expiry, so a solution
cannot be forged, moved to another service, used after its time or kept from an easier moment. Spending a
solution once is the caller's part (core.online.access stores its signature_hash under a unique constraint)."""

import base64
import binascii
import hashlib
import hmac
import json
from datetime import timedelta

import altcha

from core.models import utcnow
from core.platform.config import settings

MAX_SOLUTION_CHARS = 1000  # a genuine payload is about 300 characters of base64


def _key() -> str:
    """The HMAC key of every challenge: derived from SECRET_KEY, never the secret itself."""
    return hmac.new(settings.secret_key.encode(), b"ghiseu lookup challenge", hashlib.sha256).hexdigest()


def issue(service: str, difficulty: int) -> dict:
    """A new challenge as the browser solver reads it (algorithm, challenge, maxNumber, salt, signature)."""
    expires = utcnow() + timedelta(minutes=settings.lookup_challenge_minutes)
    challenge = altcha.create_challenge_v1(hmac_key=_key(), max_number=difficulty, expires=expires,
                                           params={"service": service, "difficulty": str(difficulty)})
    return challenge.to_dict()


def signature_hash(solution: str, service: str, difficulty: int) -> str | None:
    """What identifies a valid solution (the SHA-256 of its signature) when `solution` solves a challenge we
    issued for `service`, at least as hard as `difficulty` and not expired; None for anything else."""
    payload = _payload(solution)
    if payload is None:
        return None
    verified, _error = altcha.verify_solution_v1(payload, _key(), check_expires=False)  # expiry: our clock
    if not verified:
        return None
    _nonce, expires, params = altcha.PayloadV1.from_dict(payload).parse_salt()
    try:
        hard_enough = int(params.get("difficulty", ["0"])[0]) >= difficulty
    except ValueError:
        return None
    if (not hard_enough or params.get("service") != [service] or expires is None
            or expires < utcnow().timestamp()):
        return None
    return hashlib.sha256(payload["signature"].encode()).hexdigest()


def _payload(solution: str) -> dict | None:
    """The decoded payload when it has the shape ALTCHA sends (base64 JSON with these typed fields)."""
    if not isinstance(solution, str) or not solution or len(solution) > MAX_SOLUTION_CHARS:
        return None
    try:
        payload = json.loads(base64.b64decode(solution, validate=True))
    except (binascii.Error, ValueError):  # not base64, not UTF-8, or not JSON
        return None
    fields = {"algorithm": str, "challenge": str, "number": int, "salt": str, "signature": str}
    if not isinstance(payload, dict) or any(type(payload.get(name)) is not kind for name, kind in fields.items()):
        return None
    return payload


def solve(challenge: dict) -> str:
    """The payload a browser would send for `challenge`, found the same way (for tests, benchmarks and
    clients that are not browsers)."""
    solution = altcha.solve_challenge_v1(challenge["challenge"], challenge["salt"], challenge["algorithm"],
                                         challenge["maxNumber"])
    if solution is None:
        raise ValueError("the challenge has no solution up to its maxNumber")
    return altcha.PayloadV1(challenge["algorithm"], challenge["challenge"], solution.number, challenge["salt"],
                            challenge["signature"]).to_base64()
