"""Private upload links: a random token for one case, of which only the SHA-256 is stored. Issued by the
engine inside the transaction that asks a customer for documents (so this module needs no engine)."""

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from sqlmodel import Session, col, select

from core.models import AccessToken, Case, TokenPurpose, utcnow
from core.platform.config import settings
from core.platform.i18n import LANGUAGES

_issued: ContextVar[dict[int, str] | None] = ContextVar("issued_upload_links", default=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_upload_link(session: Session, case: Case) -> str:
    """A new private link to the case's upload page, valid `upload_link_days`; the caller's transaction
    stores only the token's hash. The raw token lives only in the returned URL, i.e. in the queued e-mail
    until the worker has sent it (then the stored body keeps it masked: core.platform.worker). The URL names the
    applicant's language (`case.data["language"]`, kept since registration), so the page opens in it."""
    token = secrets.token_urlsafe(32)
    session.add(AccessToken(token_hash=token_hash(token), purpose=TokenPurpose.UPLOAD, case_id=case.id,
                            expires_at=utcnow() + timedelta(days=settings.upload_link_days)))
    lang = case.data.get("language")
    url = settings.public_url(f"/upload?token={token}&lang={lang if lang in LANGUAGES else settings.language}")
    if (links := _issued.get()) is not None:
        links[case.id] = url
    return url


@contextmanager
def links_issued() -> Iterator[dict[int, str]]:
    """Collects the links issued inside the block (case id -> URL), so the page where a request was just
    registered can show its applicant the link the confirmation e-mail carries, without storing it."""
    links: dict[int, str] = {}
    reset = _issued.set(links)
    try:
        yield links
    finally:
        _issued.reset(reset)


def revoke_links(session: Session, case: Case) -> int:
    """Stops every link still valid for the case (a new one is being sent); returns how many."""
    live = list(session.exec(select(AccessToken).where(
        AccessToken.case_id == case.id, col(AccessToken.revoked_at).is_(None), AccessToken.expires_at > utcnow())))
    for token in live:
        token.revoked_at = utcnow()
        session.add(token)
    return len(live)
