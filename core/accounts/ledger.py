"""Read side of an account's money: finding an account, its ledger (invoices, payments, reversals and
credit notes in date order with a running balance), what is overdue, disputed and charged as penalty,
and one invoice in full. Every query filters by an indexed contract, place or invoice id; personal data
is masked for roles that do not need it, as in core.cases.queries."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import and_, func, literal, null, union, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.accounts import penalties
from core.accounts.invoice_lines import StoredLine, line_label_key, percent
from core.accounts.money import money
from core.accounts.refunds import REFUND_CHANNEL
from core.cases.queries import READERS, Page, today
from core.models import (
    Case,
    ConsumptionPlace,
    Contract,
    CreditNote,
    Customer,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Role,
    utcnow,
)
from core.platform.config import settings
from core.platform.errors import NotFound
from core.platform.i18n import has_key, t
from core.platform.search import fold
from core.platform.validation import SEARCH_MAX, text_or_none
from core.platform.workdays import local_time
from core.staff.auth import Actor, require_role
from core.staff.masking import (
    mask_address,
    mask_email,
    mask_name,
    mask_national_id,
    mask_phone,
    scrub,
    sees_personal_data,
)

DISPUTE = "payment_dispute"  # the case type whose open cases put an invoice amount under dispute
ZERO = Decimal("0.00")
# aliases made once: aliased() builds a column collection each time (0.35 ms a call, most of a code search)
_FOUND, _HOLDER = aliased(Contract), aliased(Customer)  # a code's own lookups, not correlated with the outer query
_SOURCE = aliased(Invoice)  # the credit invoice that settled a share


class InvoiceStatus(StrEnum):
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"
    DISPUTED = "disputed"
    CREDIT = "credit"  # a credit invoice (negative total): its money settles other invoices


class EntryKind(StrEnum):
    OPENING = "opening"  # the balance before the period shown
    INVOICE = "invoice"
    PAYMENT = "payment"
    REVERSAL = "reversal"  # a compensating entry: a payment taken back
    REFUND = "refund"  # credit paid back to the holder (core.accounts.refunds): a negative payment, not a reversal
    CREDIT_NOTE = "credit_note"


def entry_detail(entry: "Entry") -> str:
    """The invoice kind or the payment channel, in the current language."""
    if entry.kind == EntryKind.INVOICE:
        return t(f"ledger.invoice_kind.{entry.detail}")
    return channel_label(entry.detail)


def channel_label(channel: str) -> str:
    """A payment channel's name; a channel the catalog does not know yet shows as stored."""
    key = f"ledger.channel.{channel}"
    return t(key) if channel and has_key(key) else channel or ""


@dataclass(frozen=True)
class AccountRow:
    contract_id: int
    contract_number: str
    status: str
    holder_name: str
    payment_code: str
    client_code: str
    pod: str
    address: str


@dataclass(frozen=True)
class Holder:
    name: str
    kind: str
    national_id: str
    email: str
    phone: str
    correspondence_address: str


@dataclass(frozen=True)
class Place:
    id: int
    pod: str
    address: str
    meter_serial: str
    last_index: int


@dataclass(frozen=True)
class ContractInfo:
    id: int
    number: str
    status: str
    holder_name: str
    client_code: str
    payment_code: str
    start_date: date
    end_date: date | None
    start_index: int
    end_index: int | None


@dataclass(frozen=True)
class InvoiceState:
    """One invoice's standing today: what is open, disputed, late and charged."""

    invoice_id: int
    series: str
    invoice_number: str
    kind: str
    issue_date: date
    due_date: date
    total: Decimal
    open_amount: Decimal
    disputed: Decimal
    status: InvoiceStatus
    days_overdue: int
    penalty: Decimal
    kwh: int


@dataclass(frozen=True)
class Entry:
    on: date
    kind: EntryKind
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    invoice_id: int | None = None
    status: InvoiceStatus | None = None
    detail: str = ""  # invoice kind or payment channel
    payment_id: int | None = None  # for payments: what a reversal refers to
    reversed: bool = False  # a payment already taken back by a compensating entry


@dataclass(frozen=True)
class Ledger:
    holder: Holder
    place: Place
    contract: ContractInfo
    contracts: list[ContractInfo]  # every contract of the consumption place, oldest first
    entries: list[Entry]
    invoices: list[InvoiceState]
    balance: Decimal  # "sold la zi": invoiced - paid - credited; negative is credit
    overdue: Decimal
    days_overdue: int
    disputed: Decimal
    penalty: Decimal
    as_of: date
    period_from: date | None = None
    period_to: date | None = None
    generated_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class AllocationLine:
    payment_reference: str
    paid_on: date
    channel: str
    amount: Decimal
    is_reversal: bool


@dataclass(frozen=True)
class CreditNoteLine:
    number: str
    issued_on: date
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class DisputeLine:
    case_id: int
    registration_number: str
    state: str
    disputed_amount: Decimal
    registered_on: date
    is_open: bool


@dataclass(frozen=True)
class InvoiceDetail:
    id: int
    invoice_number: str
    series: str
    kind: str
    issue_date: date
    due_date: date
    period_start: date
    period_end: date
    old_index: int
    new_index: int
    kwh: int
    value_net: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal
    balance_at_issue: Decimal
    correspondence_address: str
    contract_id: int
    contract_number: str
    client_code: str
    payment_code: str
    holder_name: str
    holder_kind: str
    holder_email: str  # masked for roles that do not see personal data
    pod: str
    place_address: str
    meter_serial: str
    state: InvoiceState
    allocations: list[AllocationLine]
    credit_notes: list[CreditNoteLine]
    disputes: list[DisputeLine]
    lines: list[StoredLine] = field(default_factory=list)  # one per kind and VAT rate, as issued

    @property
    def open_dispute(self) -> str | None:
        """Registration number of a dispute still open on this invoice (at most one)."""
        return next((d.registration_number for d in self.disputes if d.is_open), None)

    @property
    def vat_percent(self) -> str:
        """The rates its lines charge ("19 / 21"); vat_rate is only the rate of the issue date."""
        return " / ".join(dict.fromkeys(line.vat_percent for line in self.lines)) or percent(self.vat_rate)


def _shown(role: Role, mask: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """The value as stored for roles that see personal data, masked for the others."""
    return (lambda value: value or "") if sees_personal_data(role) else mask


def _day(moment: datetime) -> date:
    """The Bucharest calendar day of a stored UTC moment (SQLite returns it without a zone)."""
    return local_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC)).date()


# ---- finding an account ----

def _search_condition(text: str, personal: bool):
    """What the typed text is (by its shape) and the indexed lookup it is answered by; None when the
    role may not search that way (CNP and names reveal who is a customer). A 9-digit code may be a
    payment code or a company's CUI: a UNION of the two indexed lookups, never an OR across the join."""
    typed = " ".join(text.split())
    code = typed.upper().replace(" ", "")
    if not code:
        return None
    if _fullmatch(settings.pod_pattern, code):
        return ConsumptionPlace.pod == code
    if _fullmatch(settings.client_code_pattern, code):
        return Contract.client_code == code
    if _fullmatch(settings.invoice_id_pattern, code):
        return col(Contract.id).in_(select(Invoice.contract_id).where(Invoice.invoice_number == code))
    national_id = code.removeprefix("RO")
    if _fullmatch(settings.payment_code_pattern, code):  # 9 digits: a payment code, or a company's CUI
        found, holder = _FOUND, _HOLDER
        by_code = select(found.id).where(found.payment_code == code)
        if personal:
            by_code = union(by_code, select(found.id).join(holder, holder.id == found.customer_id)
                            .where(holder.national_id == code))
        return col(Contract.id).in_(by_code)
    if national_id.isdigit():
        return Customer.national_id == national_id if personal else None
    # ix_customer_search_name: a pg_trgm GIN index on PostgreSQL
    return Customer.search_name.like(f"%{fold(typed)}%") if personal else None


def _fullmatch(pattern: str, text: str) -> bool:
    return re.fullmatch(pattern, text) is not None


def find_accounts(*, uow, actor: Actor, text: str, limit: int = 20) -> Page:
    """Contracts matching a payment code, client code, invoice ID, CNP/CUI, POD or name; active first.
    One statement: the page and the number of matches (a window count)."""
    require_role(actor, READERS)
    typed = text_or_none(text, SEARCH_MAX)  # a search box: anything the boundary refuses finds nothing
    condition = _search_condition(typed, sees_personal_data(actor.role)) if typed else None
    if condition is None:
        return Page([], 0, 1, limit)
    query = (select(Contract, Customer, ConsumptionPlace, func.count().over())
             .join(Customer, Customer.id == Contract.customer_id)
             .join(ConsumptionPlace, ConsumptionPlace.id == Contract.place_id).where(condition)
             .order_by(Contract.status, Contract.id.desc()).limit(limit))
    with uow.reading():
        found = uow.session.exec(query).all()
    name, address = _shown(actor.role, mask_name), _shown(actor.role, mask_address)
    rows = [AccountRow(c.id, c.number, c.status, name(h.name), c.payment_code, c.client_code, p.pod, address(p.address))
            for c, h, p, _ in found]
    return Page(rows, found[0][3] if found else 0, 1, limit)


# ---- the ledger ----

def account_ledger(*, uow, actor: Actor, contract_id: int, period_from: date | None = None,
                   period_to: date | None = None) -> Ledger:
    """One contract's ledger; the period limits the entries shown, never the figures to date. Three
    statements whatever the account's history: the place's contracts with holders, the invoices with
    what is open and disputed, the payments and credit notes."""
    require_role(actor, READERS)
    with uow.reading():
        rows = _place_rows(uow.session, contract_id)
        return _ledger(uow.session, rows, contract_id, actor.role, period_from, period_to)


def place_ledger(*, uow, actor: Actor, contract_id: int, period_from: date | None = None,
                 period_to: date | None = None) -> list[Ledger]:
    """The ledgers of every contract of the contract's consumption place, oldest first: a holder change
    reads as the old holder's last entries (the final invoice) followed by the new holder's first."""
    require_role(actor, READERS)
    with uow.reading():
        rows = _place_rows(uow.session, contract_id)
        return [_ledger(uow.session, rows, c.id, actor.role, period_from, period_to) for c, _, _ in rows]


def _place_rows(session: Session, contract_id: int) -> list[tuple[Contract, Customer, ConsumptionPlace]]:
    """Every contract of the contract's consumption place with its holder and the place, oldest first
    (one statement on ix_contract_place_status); NotFound for an unknown contract."""
    place_of = select(Contract.place_id).where(Contract.id == contract_id).scalar_subquery()
    rows = session.exec(select(Contract, Customer, ConsumptionPlace)
                        .join(Customer, Customer.id == Contract.customer_id)
                        .join(ConsumptionPlace, ConsumptionPlace.id == Contract.place_id)
                        .where(Contract.place_id == place_of).order_by(Contract.start_date, Contract.id)).all()
    if not rows:
        raise NotFound()
    return list(rows)


def _contract_info(contract: Contract, holder_name: str) -> ContractInfo:
    c = contract
    return ContractInfo(c.id, c.number, c.status, holder_name, c.client_code, c.payment_code, c.start_date,
                        c.end_date, c.start_index, c.end_index)


def _ledger(session: Session, rows: list[tuple[Contract, Customer, ConsumptionPlace]], contract_id: int,
            role: Role, period_from: date | None, period_to: date | None) -> Ledger:
    name = _shown(role, mask_name)
    contracts = [_contract_info(c, name(holder.name)) for c, holder, _ in rows]
    customer, place = next((holder, p) for c, holder, p in rows if c.id == contract_id)
    on = today()
    states = _invoice_states(session, contract_id, on)
    entries = _entries(session, contract_id, states)
    late = [s for s in states if s.days_overdue > 0]
    return Ledger(
        holder=_holder(customer, role),
        place=Place(place.id, place.pod, _shown(role, mask_address)(place.address), place.meter_serial,
                    place.last_index),
        contract=next(c for c in contracts if c.id == contract_id), contracts=contracts,
        entries=_within(entries, period_from, period_to), invoices=states,
        # every invoice, payment and credit note is an entry: the last running balance is
        # core.accounts.allocation.balance's sum, without a statement of its own
        balance=entries[-1].balance if entries else ZERO,
        overdue=money(sum((penalties.chargeable(s.open_amount, s.disputed) for s in late), ZERO)),
        days_overdue=max((s.days_overdue for s in late), default=0),
        disputed=money(sum((s.disputed for s in states), ZERO)),
        penalty=money(sum((s.penalty for s in states), ZERO)),
        as_of=on, period_from=period_from, period_to=period_to,
    )


def _holder(customer: Customer, role: Role) -> Holder:
    return Holder(_shown(role, mask_name)(customer.name), customer.kind,
                  _shown(role, mask_national_id)(customer.national_id), _shown(role, mask_email)(customer.email),
                  _shown(role, mask_phone)(customer.phone), _shown(role, mask_address)(customer.correspondence_address))


def _open_dispute():
    """The open dispute on an invoice, as an outer join: at most one (ux_case_open_invoice)."""
    return and_(Case.invoice_id == Invoice.id, Case.case_type == DISPUTE, col(Case.closed_at).is_(None))


# what invoice_state reads of an invoice: the ledger selects only these (a whole Invoice is 30 columns to build)
_STATE_COLUMNS = (Invoice.id, Invoice.series, Invoice.invoice_number, Invoice.kind, Invoice.issue_date,
                  Invoice.due_date, Invoice.total, Invoice.kwh)


def _invoice_states(session: Session, contract_id: int, on: date) -> list[InvoiceState]:
    """Every invoice of the contract with what is still open on it (kept by core.accounts.allocation) and its
    open dispute, in one statement."""
    rows = session.exec(
        select(*_STATE_COLUMNS, Invoice.open_amount, Case.id.label("dispute_id"), Case.disputed_amount)
        .outerjoin(Case, _open_dispute())
        .where(Invoice.contract_id == contract_id).order_by(Invoice.issue_date, Invoice.id)).all()
    return [invoice_state(r, money(r.open_amount), money(r.disputed_amount or 0) if r.dispute_id is not None
                          else None, on) for r in rows]


def invoice_state(invoice, open_amount: Decimal, disputed: Decimal | None, on: date) -> InvoiceState:
    """Status, lateness and penalty of one invoice (an Invoice, or a row of _STATE_COLUMNS); `disputed` is
    None when no dispute is open."""
    in_dispute = money(disputed or 0)
    chargeable = penalties.chargeable(open_amount, in_dispute)
    late = on > invoice.due_date and chargeable > 0
    if invoice.total < 0:
        status = InvoiceStatus.CREDIT
    elif disputed is not None:
        status = InvoiceStatus.DISPUTED
    elif open_amount <= 0:
        status = InvoiceStatus.PAID
    elif on > invoice.due_date:
        status = InvoiceStatus.OVERDUE
    elif open_amount < money(invoice.total):
        status = InvoiceStatus.PARTLY_PAID
    else:
        status = InvoiceStatus.UNPAID
    return InvoiceState(
        invoice.id, invoice.series, invoice.invoice_number, invoice.kind, invoice.issue_date, invoice.due_date,
        money(invoice.total), open_amount, in_dispute, status, (on - invoice.due_date).days if late else 0,
        penalties.invoice_penalty(open_amount, invoice.due_date, on, disputed=in_dispute), invoice.kwh)


def _entries(session: Session, contract_id: int, invoices: list[InvoiceState]) -> list[Entry]:
    """Invoices, payments, reversals and credit notes in date order, each with the balance after it. The
    payments and credit notes come in one statement (UNION ALL on their per-contract indexes)."""
    moves: list[tuple[date, int, int, Entry]] = []  # (day, kind order, id, entry without balance)
    for i in invoices:
        moves.append((i.issue_date, 0, i.invoice_id, Entry(
            i.issue_date, EntryKind.INVOICE, i.series, max(i.total, ZERO), max(-i.total, ZERO), ZERO, i.invoice_id,
            i.status, i.kind)))
    payments = select(literal(1).label("order"), Payment.id, Payment.paid_at.label("at"), Payment.amount,
                      Payment.reference, Payment.channel, Payment.reverses_id, null().label("invoice_id")
                      ).where(Payment.contract_id == contract_id)
    notes = select(literal(2), CreditNote.id, CreditNote.issued_at, CreditNote.amount, CreditNote.number, null(),
                   null(), CreditNote.invoice_id).where(CreditNote.contract_id == contract_id)
    found = session.exec(union_all(payments, notes)).all()
    reversed_ids = {reverses_id for *_, reverses_id, _ in found if reverses_id}
    for order, move_id, at, amount, reference, channel, _, invoice_id in found:
        day, amount = _day(at), money(amount)
        if order == 2:
            moves.append((day, 2, move_id, Entry(day, EntryKind.CREDIT_NOTE, reference, ZERO, amount, ZERO,
                                                 invoice_id)))
            continue
        kind = (EntryKind.REFUND if channel == REFUND_CHANNEL else EntryKind.REVERSAL if amount < 0
                else EntryKind.PAYMENT)
        moves.append((day, 1, move_id, Entry(day, kind, reference, max(-amount, ZERO), max(amount, ZERO), ZERO,
                                             detail=channel, payment_id=move_id, reversed=move_id in reversed_ids)))
    balance, entries = ZERO, []
    for *_, entry in sorted(moves, key=lambda move: move[:3]):
        balance += entry.debit - entry.credit
        entries.append(replace(entry, balance=balance))
    return entries


def _within(entries: list[Entry], period_from: date | None, period_to: date | None) -> list[Entry]:
    """The entries of the period, after an opening row carrying the balance before it."""
    shown = [e for e in entries if (period_from is None or e.on >= period_from)
             and (period_to is None or e.on <= period_to)]
    if period_from is None:
        return shown
    before = [e for e in entries if e.on < period_from]
    opening = before[-1].balance if before else ZERO
    return [Entry(period_from, EntryKind.OPENING, "", ZERO, ZERO, opening), *shown]


# ---- one invoice ----

def _allocation_lines(session: Session, invoice_id: int) -> list[AllocationLine]:
    """What settled the invoice, share by share: payments (and their reversals), credit notes and
    credit invoices, each with its own reference and date. Only the columns shown: four whole rows per
    share cost more to build than the statement takes."""
    source = _SOURCE
    rows = session.exec(
        select(PaymentAllocation.amount, PaymentAllocation.reverses_id, PaymentAllocation.payment_id,
               Payment.reference, Payment.paid_at, Payment.channel, PaymentAllocation.credit_note_id,
               CreditNote.number, CreditNote.issued_at, source.series, source.issue_date)
        .outerjoin(Payment, Payment.id == PaymentAllocation.payment_id)
        .outerjoin(CreditNote, CreditNote.id == PaymentAllocation.credit_note_id)
        .outerjoin(source, source.id == PaymentAllocation.credit_invoice_id)
        .where(PaymentAllocation.invoice_id == invoice_id).order_by(PaymentAllocation.id)).all()
    lines = []
    for r in rows:
        if r.payment_id is not None:
            reference, on, channel = r.reference, _day(r.paid_at), r.channel
        elif r.credit_note_id is not None:
            reference, on, channel = r.number, _day(r.issued_at), "credit_note"
        else:
            reference, on, channel = r.series, r.issue_date, "credit_invoice"
        lines.append(AllocationLine(reference, on, channel, money(r.amount), r.amount < 0 or r.reverses_id is not None))
    return lines


def invoice_detail(*, uow, actor: Actor, invoice_id: int) -> InvoiceDetail:
    """Every field of a stored invoice, its standing today, what paid it, credits and disputes. Five
    statements: the invoice with its contract, holder, place and open amount; its disputes; what settled
    it; its credit notes; its lines."""
    require_role(actor, READERS)
    with uow.reading():
        s = uow.session
        found = s.exec(select(Invoice, Contract, Customer, ConsumptionPlace,
                              Invoice.open_amount)
                       .join(Contract, Contract.id == Invoice.contract_id)
                       .join(Customer, Customer.id == Invoice.customer_id)
                       .join(ConsumptionPlace, ConsumptionPlace.id == Invoice.place_id)
                       .where(Invoice.id == invoice_id)).first()
        if found is None:
            raise NotFound()
        invoice, contract, customer, place, open_amount = found
        disputes = [DisputeLine(case_id, number, state, money(amount or 0), _day(registered_at), closed_at is None)
                    for case_id, number, state, amount, registered_at, closed_at in s.exec(
                        select(Case.id, Case.registration_number, Case.state, Case.disputed_amount,
                               Case.registered_at, Case.closed_at)
                        .where(Case.invoice_id == invoice_id, Case.case_type == DISPUTE)
                        .order_by(Case.registered_at, Case.id))]
        open_dispute = next((d.disputed_amount for d in disputes if d.is_open), None)
        allocations = _allocation_lines(s, invoice_id)
        reason = (lambda text: text) if sees_personal_data(actor.role) else (lambda text: scrub(text, customer.name))
        credits = [CreditNoteLine(number, _day(issued_at), money(amount), reason(text))
                   for number, issued_at, amount, text in s.exec(
                       select(CreditNote.number, CreditNote.issued_at, CreditNote.amount, CreditNote.reason)
                       .where(CreditNote.invoice_id == invoice_id).order_by(CreditNote.issued_at, CreditNote.id))]
        lines = [StoredLine(line_label_key(invoice.kind, line.kind), line.period_start, line.period_end, line.kwh,
                            line.unit_price_net, money(line.value_net), line.vat_rate, money(line.vat),
                            money(line.total))
                 for line in s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                                    .order_by(InvoiceLine.position))]
    address = _shown(actor.role, mask_address)
    return InvoiceDetail(
        invoice.id, invoice.invoice_number, invoice.series, invoice.kind, invoice.issue_date, invoice.due_date,
        invoice.period_start, invoice.period_end, invoice.old_index, invoice.new_index, invoice.kwh,
        money(invoice.value_net), Decimal(str(invoice.vat_rate)), money(invoice.vat), money(invoice.total),
        money(invoice.balance_at_issue), address(invoice.correspondence_address), contract.id, contract.number,
        contract.client_code, contract.payment_code, _shown(actor.role, mask_name)(customer.name), customer.kind,
        _shown(actor.role, mask_email)(customer.email), place.pod, address(place.address), place.meter_serial,
        invoice_state(invoice, money(open_amount), open_dispute, today()), allocations, credits, disputes, lines,
    )
