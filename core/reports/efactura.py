"""RO e-Factura: every invoice and credit note issued in the period with its state at the tax authority
(not yet prepared included), its deadline, upload index and failed rules; one sheet per kind of document."""

from datetime import datetime

from sqlalchemy import String, cast, literal
from sqlmodel import Session, select

from core.accounts.money import money
from core.cases.queries import today
from core.efactura.document import CREDIT_NOTE_PREFIX
from core.efactura.status import NOT_PREPARED
from core.models import Contract, CreditNote, Customer, EfacturaSubmission, Invoice
from core.platform import xlsx
from core.platform.workdays import local_time
from core.reports.base import Column, Filters, Period, Report, Table, count, label, name_for, stream, yes_no
from core.staff.auth import Actor
from core.staff.masking import free_text_for

COLUMNS = [
    Column("efactura_number", xlsx.TEXT, 16), Column("efactura_issued", xlsx.DAY_CELL, 12),
    Column("contract", xlsx.TEXT, 16), Column("holder", xlsx.TEXT, 26), Column("efactura_total", xlsx.MONEY, 14),
    Column("efactura_state", xlsx.TEXT, 26), Column("efactura_deadline", xlsx.DAY_CELL, 12),
    Column("efactura_late", xlsx.TEXT, 10), Column("efactura_index", xlsx.TEXT, 14),
    Column("efactura_rules", xlsx.TEXT, 60),
]


def _invoices(period: Period):
    key = literal("invoice:") + cast(Invoice.id, String)
    return (select(Invoice.series, Invoice.issue_date, Contract.number, Customer.name, Invoice.total,
                   EfacturaSubmission.state, EfacturaSubmission.deadline, EfacturaSubmission.upload_index,
                   EfacturaSubmission.failed_rules)
            .join(Contract, Contract.id == Invoice.contract_id).join(Customer, Customer.id == Invoice.customer_id)
            .outerjoin(EfacturaSubmission, EfacturaSubmission.document_key == key)
            .where(Invoice.issue_date >= period.date_from, Invoice.issue_date <= period.date_to)
            .order_by(Invoice.issue_date, Invoice.id))


def _credit_notes(period: Period):
    start, end = period.bounds()
    key = literal(CREDIT_NOTE_PREFIX) + cast(CreditNote.id, String)
    return (select(CreditNote.number, CreditNote.issued_at, Contract.number, Customer.name, CreditNote.amount,
                   EfacturaSubmission.state, EfacturaSubmission.deadline, EfacturaSubmission.upload_index,
                   EfacturaSubmission.failed_rules)
            .join(Contract, Contract.id == CreditNote.contract_id).join(Customer, Customer.id == Contract.customer_id)
            .outerjoin(EfacturaSubmission, EfacturaSubmission.document_key == key)
            .where(CreditNote.issued_at >= start, CreditNote.issued_at < end)
            .order_by(CreditNote.issued_at, CreditNote.id))


def _rows(session: Session, statement, actor: Actor):
    name, rules_shown, on = name_for(actor.role), free_text_for(actor.role), today()
    for number, issued, contract, holder, total, state, deadline, index, rules in stream(session, statement):
        late = state != "accepted" and deadline is not None and on > deadline
        if isinstance(issued, datetime):  # a credit note's moment: its day in Bucharest
            issued = local_time(issued).date()
        yield (number, issued, contract, name(holder), money(total), label("efactura.state", state or NOT_PREPARED),
               deadline, yes_no(late), index or "", rules_shown("; ".join(rules or []), holder))


def build(session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
    invoices, notes = _invoices(period), _credit_notes(period)
    return [Table("efactura_invoices", COLUMNS, _rows(session, invoices, actor), count(session, invoices)),
            Table("efactura_credit_notes", COLUMNS, _rows(session, notes, actor), count(session, notes))]


REPORT = Report("efactura", build)
