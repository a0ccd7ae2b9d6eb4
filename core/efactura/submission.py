"""Sending documents to RO e-Factura: `workflows/efactura_submission.py` run on `EfacturaSubmission` rows.

The case engine (core/workflow/engine.py) runs on `Case` rows; binding it to another table would need a refactor
(issue 13 unifies them), so this small runner drives the same declarative table with `transitions` the way
the engine does (one shared machine, bound per use, `auto_transitions=False`) and records each step with
`core.platform.audit.record_action`.

- `prepare_pending` makes one submission per invoice or credit note issued from `EFACTURA_START_DATE`: the XML
  is built and checked by the official rules; a document they refuse is `invalid`, never sent.
- `run_due` is the worker's pass: each due submission is claimed for one attempt by a conditional UPDATE with
  a lease (committed, attempt counted, before the authority is called), so two workers never send the same
  document at once; the call runs outside any transaction and its outcome is written only while the claim is
  still this worker's. A failed call is retried with growing backoff, then the document is `failed`.
- An upload whose answer never came (a read timeout, or a worker that died between sending and writing) may have
  reached the authority: the document is looked for in the authority's message list at each attempt and sent
  again only once EFACTURA_RESUME_WAIT_MINUTES have passed without it being listed (an upload still being
  processed is listed only once processed). The look costs no attempt."""

import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from transitions import Machine

from core.efactura.anaf import (
    AnswerLost,
    AuthorityError,
    EfacturaClient,
    HttpClient,
    UploadRefused,
    answer_errors,
    answer_number,
)
from core.efactura.deadlines import deadline_for
from core.efactura.document import (
    CREDIT_NOTE_PREFIX,
    EDocument,
    Unbuildable,
    credit_note_documents,
    invoice_documents,
)
from core.efactura.ubl import to_xml
from core.efactura.validate import validate
from core.models import CreditNote, EfacturaSubmission, Invoice, utcnow
from core.platform import audit
from core.platform.config import settings
from core.platform.workdays import local_time
from core.staff.auth import SYSTEM, Actor
from workflows.efactura_submission import WORKFLOW, State

log = logging.getLogger("ghiseu.efactura")
ACTOR = "efactura-worker"
DUE = (State.PREPARED, State.UPLOADED)
SENT = "FACTURA TRIMISA"  # the message list's type of a document we sent
MESSAGE_DAYS = 60  # the most days the message list covers


class _Row:
    """What `transitions` binds to: forwards `state` to the submission row."""

    def __init__(self, row: EfacturaSubmission):
        self.row = row

    @property
    def state(self) -> str:
        return self.row.state

    @state.setter
    def state(self, value: str) -> None:
        self.row.state = str(value)


_machine_lock = threading.Lock()


@cache
def _machine() -> Machine:
    machine = Machine(model=None, states=[str(s) for s in WORKFLOW.states], initial=str(WORKFLOW.initial),
                      auto_transitions=False)
    for tr in WORKFLOW.transitions:
        if tr.source:
            machine.add_transition(tr.trigger, [str(s) for s in tr.source], str(tr.dest))
    return machine


def fire(session: Session, row: EfacturaSubmission, trigger: str, actor: Actor = SYSTEM, **details) -> None:
    """Moves the row by `trigger` as the table allows (MachineError otherwise) and records the step."""
    before = row.state
    model = _Row(row)
    with _machine_lock:
        _machine().add_model(model, initial=str(row.state))
        try:
            model.trigger(trigger)
        finally:
            _machine().remove_model(model)
    record(session, row, trigger, before, actor, **details)


def record(session: Session, row: EfacturaSubmission, trigger: str, before: str | None, actor: Actor = SYSTEM,
           **details) -> None:
    row.updated_at = utcnow()
    session.add(row)
    audit.record_action(session, actor=ACTOR if actor is SYSTEM else actor.username, role=actor.role,
                        action=f"efactura_{trigger}", subject=row.document_key,
                        details={"workflow": WORKFLOW.name, "workflow_version": WORKFLOW.version, "from": before,
                                 "to": row.state, "number": row.number, **details})


def checked_xml(doc: EDocument | Unbuildable) -> tuple[bytes, list[str]]:
    """The document's XML and the official rules it fails (or why it cannot be built, with no XML)."""
    if isinstance(doc, Unbuildable):
        return b"", [doc.reason]
    xml = to_xml(doc)
    return xml, [str(f) for f in validate(xml)]


def _new_submission(session: Session, doc: EDocument | Unbuildable, issued: date, source: dict) -> EfacturaSubmission:
    """The submission of one document: prepared, or invalid with the rules it fails (or why it cannot be built)."""
    xml, failed = checked_xml(doc)
    row = EfacturaSubmission(document_key=doc.key, number=doc.number, issue_date=issued,
                             deadline=deadline_for(issued), state=State.INVALID if failed else State.PREPARED,
                             xml=xml, failed_rules=failed, **source)
    session.add(row)
    record(session, row, "refuse" if failed else "prepare", None, failed_rules=len(failed))
    return row


def _sources(since: date):
    """Per kind of document: its rows issued since `since`, its key, its submission column and its builder."""
    start = datetime.combine(since, time(), ZoneInfo(settings.timezone)).astimezone(UTC)
    return ((Invoice, (Invoice.issue_date >= since,), EfacturaSubmission.invoice_id, invoice_documents,
             lambda row: (row.issue_date, {"invoice_id": row.id})),
            (CreditNote, (CreditNote.issued_at >= start,),  # a compensation's too (outside the scope of VAT)
             EfacturaSubmission.credit_note_id, credit_note_documents,
             lambda row: (local_time(row.issued_at).date(), {"credit_note_id": row.id})))


def prepare_pending(*, uow, batch: int = 200) -> dict[str, int]:
    """Submissions for the documents issued since EFACTURA_START_DATE past the highest one already prepared
    (ids grow with issue, so a pass reads only new rows), one transaction per batch; a batch another worker
    prepared first (the unique document key) is left to it."""
    counts = {"prepared": 0, "invalid": 0}
    for model, where, submitted, build, source in _sources(settings.efactura_start_date):
        with uow:
            last_id = uow.session.exec(select(func.max(submitted))).one() or 0
            while rows := list(uow.session.exec(select(model).where(*where, model.id > last_id)
                                                .order_by(model.id).limit(batch))):
                last_id = rows[-1].id
                for row, doc in zip(rows, build(uow.session, rows), strict=True):
                    counts[_new_submission(uow.session, doc, *source(row)).state] += 1
                try:
                    uow.commit()
                except IntegrityError:
                    uow.session.rollback()
                    return counts  # another worker is preparing the same documents
                uow.session.expunge_all()
    return counts


def _free(now: datetime):
    return or_(col(EfacturaSubmission.claimed_until).is_(None), col(EfacturaSubmission.claimed_until) < now)


def _claimable(now: datetime):
    return and_(col(EfacturaSubmission.state).in_(DUE), col(EfacturaSubmission.next_attempt_at) <= now, _free(now),
                col(EfacturaSubmission.attempts) < settings.efactura_max_attempts)


def _claim(*, uow, submission_id: int) -> EfacturaSubmission | None:
    now = utcnow()
    holder = f"{socket.gethostname()[:40]}/{os.getpid()}/{secrets.token_hex(4)}"
    with uow:
        s = EfacturaSubmission
        uploading = s.state == State.PREPARED
        # an upload still marked in flight got no answer written: its worker died, the authority may have it
        died = and_(uploading, col(s.upload_sent_at).is_not(None))
        row = uow.session.exec(
            update(s).where(s.id == submission_id, _claimable(now))
            .values(claimed_by=holder, claimed_until=now + timedelta(seconds=settings.efactura_lease_seconds),
                    attempts=s.attempts + 1, upload_sent_at=case((uploading, now), else_=None),
                    unanswered_upload_at=case((died, func.coalesce(s.unanswered_upload_at, s.upload_sent_at)),
                                              else_=s.unanswered_upload_at))
            .returning(s)).scalars().first()
        uow.commit()
    return row


@contextmanager
def _still_ours(uow, claimed: EfacturaSubmission) -> Iterator[EfacturaSubmission | None]:
    """The row, locked for writing, while the claim is still this worker's; None when a later claimant took
    over after our lease ran out (its outcome is the one that stands)."""
    with uow:
        locked = uow.session.exec(
            update(EfacturaSubmission).where(EfacturaSubmission.id == claimed.id,
                                             EfacturaSubmission.claimed_by == claimed.claimed_by)
            .values(claimed_until=None).returning(EfacturaSubmission.id)).first()
        row = uow.session.get(EfacturaSubmission, claimed.id, populate_existing=True) if locked else None
        yield row
        if row is not None:
            uow.commit()


def is_credit_note(row: EfacturaSubmission) -> bool:
    return row.document_key.startswith(CREDIT_NOTE_PREFIX)


def _earlier_upload(client: EfacturaClient, uow, row: EfacturaSubmission) -> str | None:
    """The index of an earlier upload of this document the authority took but we never stored (the worker died,
    or the answer was lost, between the two): each upload in the authority's message list that no submission
    of ours holds is opened, and its document's number compared with ours. An upload the authority is still
    processing is not listed yet: the caller waits for it (EFACTURA_RESUME_WAIT_MINUTES) before sending again."""
    days = min(max((utcnow().date() - row.issue_date).days + 1, 1), MESSAGE_DAYS)
    listed = {m["id_solicitare"]: m["id"] for m in client.messages(days) if m.get("tip") == SENT}
    if not listed:
        return None
    with uow:
        known = set(uow.session.exec(select(EfacturaSubmission.upload_index)
                                     .where(col(EfacturaSubmission.upload_index).in_(list(listed)))))
    return next((index for index, download_id in listed.items()
                 if index not in known and answer_number(client.download(download_id)) == row.number), None)


def _attempt(client: EfacturaClient, row: EfacturaSubmission, uow) -> dict:
    """One call to the authority for the row's step; what happened, as data to write. A document whose earlier
    upload got no answer (it may have reached the authority) is looked for among its messages first, polled
    under that index when found, and otherwise not sent again before the wait is over."""
    try:
        if row.state == State.PREPARED and row.unanswered_upload_at is not None:
            if index := _earlier_upload(client, uow, row):
                return {"trigger": "upload", "upload_index": index, "resumed": True}
            resend_at = row.unanswered_upload_at + timedelta(minutes=settings.efactura_resume_wait_minutes)
            if utcnow() < resend_at:
                return {"look_again_at": min(resend_at, utcnow() + timedelta(minutes=settings.efactura_retry_minutes)),
                        "error": "an earlier upload got no answer and is not listed yet: looked for, not resent"}
        if row.state == State.PREPARED:
            try:
                return {"trigger": "upload", "upload_index": client.upload(row.xml, credit_note=is_credit_note(row))}
            except AnswerLost as lost:
                return {"error": str(lost)[:500], "unanswered": True}
        answer = client.status(row.upload_index)
        if answer.state == "processing":
            return {"error": "the authority is still processing it"}
        zipped = client.download(answer.download_id) if answer.download_id else None
        if answer.state == "ok":
            return {"trigger": "accept", "download_id": answer.download_id, "answer_zip": zipped}
        rules = (answer_errors(zipped) if zipped else []) or answer.messages
        return {"trigger": "reject", "download_id": answer.download_id, "answer_zip": zipped, "failed_rules": rules}
    except UploadRefused as refused:
        return {"trigger": "give_up", "failed_rules": refused.messages, "error": str(refused)[:500]}
    except AuthorityError as error:
        return {"error": str(error)[:500]}


def _write(row: EfacturaSubmission, outcome: dict, session: Session) -> str:
    if outcome.get("unanswered"):
        row.unanswered_upload_at = row.unanswered_upload_at or row.upload_sent_at
    row.upload_sent_at = None  # the attempt has its outcome
    if "look_again_at" in outcome:  # only looked in the message list: no attempt used
        row.attempts -= 1
        row.last_error, row.next_attempt_at = outcome["error"], outcome["look_again_at"]
        session.add(row)
        return "retry"
    trigger = outcome.get("trigger")
    if trigger is None and row.attempts >= settings.efactura_max_attempts:
        trigger = "give_up"
    if trigger is None:
        row.last_error = outcome["error"]
        row.next_attempt_at = utcnow() + timedelta(minutes=settings.efactura_retry_minutes * row.attempts)
        session.add(row)
        return "retry"
    row.last_error = outcome.get("error")
    for name in ("upload_index", "download_id", "answer_zip", "failed_rules"):
        if outcome.get(name) is not None:
            setattr(row, name, outcome[name])
    if trigger == "upload":
        row.attempts = 0  # the polls for the answer have their own attempts
        row.unanswered_upload_at = None
        row.next_attempt_at = utcnow() + timedelta(minutes=settings.efactura_retry_minutes)
    fire(session, row, trigger, upload_index=row.upload_index, attempts=row.attempts,
          **({"error": row.last_error} if row.last_error else {}),
          **({"resumed": True} if outcome.get("resumed") else {}))
    return {"upload": "uploaded", "accept": "accepted", "reject": "rejected", "give_up": "failed"}[trigger]


def run_due(*, uow, client: EfacturaClient, batch: int = 50) -> dict[str, int]:
    """One pass: uploads prepared documents and polls uploaded ones, each claimed once across workers."""
    counts = dict.fromkeys(("uploaded", "accepted", "rejected", "failed", "retry"), 0)
    with uow:
        ids = list(uow.session.exec(select(EfacturaSubmission.id).where(_claimable(utcnow()))
                                    .order_by(EfacturaSubmission.deadline, EfacturaSubmission.id).limit(batch)))
    for submission_id in ids:
        claimed = _claim(uow=uow, submission_id=submission_id)
        if claimed is None:
            continue  # another worker has it
        outcome = _attempt(client, claimed, uow)
        with _still_ours(uow, claimed) as row:
            if row is None:
                log.warning("e-Factura %s: lease lost to another worker; outcome not recorded", claimed.number)
                continue
            counts[_write(row, outcome, uow.session)] += 1
    return counts


def worker_pass(*, uow, client: EfacturaClient | None = None) -> dict[str, int]:
    """The worker's scheduled job: submissions for new documents, then one pass over the due ones."""
    counts = prepare_pending(uow=uow)
    counts.update(run_due(uow=uow, client=client or HttpClient()))
    return counts
