"""The applicant's messages about a case. A transition's messages (the table's `notify`) are queued when the
transaction commits, so they describe its final state (a counter request registered with every document
does not ask the customer to send them), with a fresh upload link where documents are still awaited; a
rollback drops them. The old holder's final invoice e-mail goes out when a handover issues the contract."""

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import Session, select

from core.accounts import allocation
from core.accounts.money import format_lei
from core.models import Case, Contract, Customer, Invoice, InvoiceKind, utcnow
from core.online.links import issue_upload_link
from core.platform.config import settings
from core.platform.i18n import t
from core.platform.outbox import queue_email
from core.platform.workdays import local_time
from core.workflow.engine import awaited_documents
from core.workflow.events import CaseMoved, ContractIssued, subscribe
from core.workflow.registry import workflow_of

_PENDING = "ghiseu_pending_messages"


@subscribe(CaseMoved)
def _on_case_moved(session: Session, moved: CaseMoved) -> None:
    for template in moved.notify:
        _pend(session, moved.case, template, moved.reason, moved.details)


def notify(session: Session, case: Case, template: str) -> None:
    """Queues one of the workflow's messages outside a transition (e.g. the upload link sent again)."""
    _pend(session, case, template, None, {})


def _pend(session: Session, case: Case, template: str, reason: str | None, details: dict) -> None:
    session.info.setdefault(_PENDING, []).append((case, template, reason, details))


@event.listens_for(Session, "before_commit", insert=True)  # before the audit chain takes its head
def _queue_pending_messages(session: Session) -> None:
    for case, template, reason, details in session.info.pop(_PENDING, []):
        _queue_message(session, case, template, reason, details)


@event.listens_for(Session, "after_rollback")
def _drop_pending_messages(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _queue_message(session: Session, case: Case, template: str, reason: str | None, details: dict) -> None:
    data = case.data
    lang = data.get("language", "ro")
    wf = workflow_of(case)
    due = case.due_date.strftime("%d.%m.%Y") if case.due_date else ""
    # the documents are read (and an upload link issued) only for a message that shows the line
    shows_documents = "{documents_line}" in t(f"message.{wf.name}.{template}.body", lang=lang)
    missing = [t(f"document.{d}", lang=lang) for d in awaited_documents(session, case)] if shows_documents else []
    documents_line = "" if not shows_documents else (
        t("message.documents_needed", lang=lang, documents=", ".join(missing), due_date=due)
        if missing else t("message.documents_complete", lang=lang))
    # a fresh private upload link, only where documents are still awaited
    if missing and case.state in wf.document_states:
        link = issue_upload_link(session, case)
        until = local_time(utcnow() + timedelta(days=settings.upload_link_days)).strftime("%d.%m.%Y")
        documents_line += "\n\n" + t("message.documents_upload_link", lang=lang, link=link, until=until)
    # the case's amounts as it stands (Decimal: the outbox writes them as lei), over the details' stored text
    amounts = {name: value for name, value in (("amount", case.disputed_amount), ("credit_amount", case.credit_amount))
               if value is not None}
    queue_email(
        session, recipient=data["email"], template=f"{wf.name}.{template}", lang=lang, case_id=case.id,
        registration_number=case.registration_number, name=data["applicant_name"], reason=reason or "",
        documents_line=documents_line, due_date=due, **{**data.get("message_params", {}), **details, **amounts},
    )


@subscribe(ContractIssued)
def email_final_invoice(session: Session, issued: ContractIssued) -> None:
    """A handover closed the old contract: its holder gets the final invoice and what happens next, a refund
    asked online when it leaves credit, or the payment due date when it leaves a debt."""
    case = issued.case
    if case.old_contract_id is None:
        return
    old = session.get(Contract, case.old_contract_id)
    holder = session.get(Customer, old.customer_id)
    final = session.exec(select(Invoice).where(Invoice.contract_id == old.id, Invoice.kind == InvoiceKind.FINAL)
                         .order_by(Invoice.id.desc())).first()
    if final is None or not holder.email:
        return
    balance = allocation.balance(session, old.id)
    outcome = "credit" if balance < 0 else "debt" if balance > 0 else "settled"
    queue_email(session, recipient=holder.email, template=f"refund.final_invoice_{outcome}", case_id=case.id,
                name=holder.name, contract_number=old.number, invoice_number=final.invoice_number,
                series=final.series, total=format_lei(final.total), balance=format_lei(abs(balance)),
                due_date=final.due_date.strftime("%d.%m.%Y"), link=settings.public_url("/invoice_copy"),
                payment_code=old.payment_code)
