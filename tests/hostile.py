"""Hostile values and the services they are thrown at, shared by tests/integration/test_hostile_input.py
(Hypothesis) and bench/hostile_input.py (N values per service, counted). A driver builds what its service
needs, then returns the one call that carries the hostile value in one slot (a form field, a parameter, a
notification field); `attempt` runs it and tells success from refusal, checking that a refusal wrote
nothing. Anything else that escapes is a crash."""

import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import SQLModel

from core.accounts.billing import record_payment
from core.cases.queries import list_queue
from core.models import CaseDocument, Contract, CustomerKind
from core.online import access, delivery, payments
from core.online.holder_change import request_holder_change
from core.online.invoice_copy import dispute_invoice
from core.online.processor import sign
from core.platform.errors import DomainError
from core.services import cases, contracting, disputes, documents, intake
from core.services.accounts import open_account
from core.services.payments import register_payment, reverse_payment
from core.staff.auth import SYSTEM, customer_actor
from core.workflow.effects import close_contract
from seed_data.sample_documents import sample_pdf
from tests.factories import (
    CLERK,
    NEW_HOLDER_CNP,
    SUPERVISOR,
    current_version,
    holder_change_form,
    invoice_for,
    make_account,
    register_case,
)

SPECIALS = [
    "\x00", "\ud800", "\udfff", "\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u00ad",
    "\x1b[31m", "\x7f", "\x85", "\x0b", "\x1c", "\r\n", "\u2028", "\t", "\U0010ffff", "\ue000", "\ufffe",
    "\ufdfa", "ß", "İ", "e\u0301", "=HYPERLINK(\"http://x\")", "'; DROP TABLE payment; --", "%s%n{amount}",
    "<script>alert(1)</script>", "**bold** [x](http://x)", "../../etc/passwd", " ", "",
]
NUMBERS = [
    "1e28", "1E+30", "NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "-1", "0", "-0", "0.00", "0.001", "1e-3",
    "2000000000", str(2**31), str(2**31 - 1), str(10**12), "999999999999.99", "1000000000000", "10000000.01",
    "١٢٣", "1_000", " 12,50 ", "1" * 5000, "0x10", "+5", "5.", ".5", "12.5.3", "²",
]
OTHERS = [None, 0, -1, 2**64, 1.5, float("nan"), float("inf"), True, Decimal("NaN"), Decimal("1E+30"),
          Decimal("-5"), [], {}, b"bytes"]
LENGTHS = [1, 9, 12, 13, 40, 59, 60, 64, 65, 199, 200, 201, 254, 255, 256, 299, 300, 301, 499, 500, 501, 999,
           1000, 1001, 2000, 2001, 5000, 100_000]
CATALOGUE = SPECIALS + NUMBERS + OTHERS


def _long(char: str, n: int) -> str:
    return char * n


def _inside(before: str, special: str, after: str) -> str:
    return before + special + after


hostile_texts = st.one_of(
    st.sampled_from(SPECIALS + NUMBERS),
    st.builds(_inside, st.text(max_size=12), st.sampled_from(SPECIALS), st.text(max_size=12)),
    st.builds(_long, st.sampled_from(["A", "ș", "ß", "\ufdfa", " ", "\u0301", "9"]), st.sampled_from(LENGTHS)),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),  # lone surrogates included
)
hostile_values = st.one_of(hostile_texts, st.sampled_from(OTHERS))


def sample(rng: random.Random):
    """A hostile value drawn without Hypothesis (the benchmark): the same four families and the odd types."""
    family = rng.randrange(5)
    if family == 0:
        return rng.choice(CATALOGUE)
    if family == 1:
        letters = "aăâîșțZ9 -.,"
        return "".join(rng.choices(letters, k=rng.randrange(12))) + rng.choice(SPECIALS) + "".join(
            rng.choices(letters, k=rng.randrange(12)))
    if family == 2:
        return rng.choice(["A", "ș", "ß", "\ufdfa", " ", "\u0301", "9"]) * rng.choice(LENGTHS)
    if family == 3:
        points = [rng.choice([rng.randrange(0x20), rng.randrange(0x110000)]) for _ in range(rng.randrange(40))]
        return "".join(map(chr, points))  # control characters and lone surrogates among them
    return rng.choice(OTHERS)


def table_counts(engine) -> dict[str, int]:
    """Rows in every table, in one round trip."""
    tables = SQLModel.metadata.sorted_tables
    query = select(*[select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables])
    with engine.connect() as conn:
        return dict(conn.execute(query).one()._mapping)


# what a refusal may write on purpose: a public lookup is recorded, refused or not (abuse limits)
RECORDED_ON_REFUSAL = {"lookupattempt"}


class PartialWrite(AssertionError):
    """A refusal that left rows behind."""


def attempt(engine, call: Callable[[], object]) -> bool:
    """True when the service accepted the value, False when it refused it (and then wrote nothing);
    any other exception propagates: a crash."""
    before = table_counts(engine)
    try:
        call()
    except DomainError:
        after = table_counts(engine)
        changed = {name for name in before if before[name] != after[name]} - RECORDED_ON_REFUSAL
        if changed:
            raise PartialWrite(f"a refusal changed {sorted(changed)}") from None
        return False
    return True


@dataclass
class Driver:
    """One service: `setup` builds its world once, `call(uow, world, slot, value)` returns the call to try."""

    slots: tuple[str, ...]
    setup: Callable
    call: Callable


_visitors = itertools.count(1)
_pods = itertools.count(1)


def _visitor() -> access.Client:
    """A new visitor per call, so that the lookup limits do not slow every later value down."""
    n = next(_visitors)
    return access.client(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", f"hostile-{n}")


def _fresh_pod() -> str:
    return f"RO777E{next(_pods) % 10**9:09d}"


HOLDER_FIELDS = ("pod", "address", "payment_code", "client_code", "applicant_kind", "first_name", "last_name",
                 "company_name", "national_id", "email", "phone", "handover_index", "right_of_use",
                 "correspondence_address")


def _holder_world(uow):
    return {"contract": make_account(uow)}


def _holder_counter(uow, world, slot, value):
    if slot == "file_name":
        return lambda: intake.register_holder_change(uow=uow(), actor=CLERK, form=holder_change_form(world["contract"]),
                                                     uploads=[("id_card", value, sample_pdf("id_card", ["x"]))])
    form = holder_change_form(world["contract"], **{slot: value})
    return lambda: intake.register_holder_change(uow=uow(), actor=CLERK, form=form)


def _holder_online(uow, world, slot, value):
    form = holder_change_form(world["contract"], **{slot: value})
    return lambda: request_holder_change(uow=uow(), who=_visitor(), form=form, language="ro")


def _vacant_world(uow):
    contract = make_account(uow, pod="RO005E500000001")
    with uow() as u:
        close_contract(u.session, u.session.get(Contract, contract.id), 1200, date(2026, 1, 15), "billing")
        u.commit()
    return {"pod": "RO005E500000001"}


def _new_contract(uow, world, slot, value):
    form = dict(pod=world["pod"], address="", applicant_kind="person", first_name="Maria", last_name="Ionescu",
                national_id=NEW_HOLDER_CNP, email="maria.ionescu@example.com", phone="0722 111 222",
                correspondence_address="", handover_index="1250", right_of_use="tenant")
    form[slot] = value
    return lambda: contracting.register_new_contract(uow=uow(), actor=customer_actor(), form=form, who=_visitor())


def _invoice_world(uow):
    contract = make_account(uow)
    return {"contract": contract, "invoice": invoice_for(uow, contract, total_kwh=400)}


DISPUTE_FIELDS = ("category", "amount", "description", "email")


def _dispute_form(slot, value) -> dict:
    form = {"category": "other", "amount": "10", "description": "Index greșit", "email": ""}
    if slot in form:
        form[slot] = value
    return form


def _open_dispute(uow, world, slot, value):
    uploads = [(value, sample_pdf("evidence", ["x"]))] if slot == "file_name" else []
    return lambda: disputes.open_dispute(uow=uow(), actor=CLERK, invoice_id=world["invoice"].id,
                                         form=_dispute_form(slot, value), uploads=uploads)


def _dispute_online(uow, world, slot, value):
    number = value if slot == "invoice_number" else world["invoice"].invoice_number
    return lambda: dispute_invoice(uow=uow(), contract_id=world["contract"].id, invoice_number=number,
                                   form=_dispute_form(slot, value))


def _case_world(uow):
    """A holder-change case with a rejected document (request_changes may fire again and again), a
    pending one to review, and a dispute under review (for amounts)."""
    case = register_case(uow, make_account(uow))
    with uow() as u:
        docs = list(u.session.exec(select(CaseDocument).where(CaseDocument.case_id == case.id)
                                   .order_by(CaseDocument.id)).scalars())
    documents.review_document(uow=uow(), document_id=docs[0].id, approve=False, actor=CLERK,
                              expected_version=current_version(uow, case.id), reason="Neclar")
    contract = make_account(uow, pod="RO005E512345670", national_id="1800101221152")
    invoice = invoice_for(uow, contract, total_kwh=2000)
    dispute = disputes.open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id,
                                    form={"category": "other", "amount": "900", "description": "x"})
    cases.fire_trigger(uow=uow(), case_id=dispute.id, expected_version=current_version(uow, dispute.id),
                       trigger="start_review", actor=CLERK)
    return {"case": case, "pending": docs[1].id, "dispute": dispute}


def _fire(uow, world, slot, value):
    if slot == "amount":  # a proposal above the threshold waits for a second supervisor: it may fire once
        case_id, trigger, fields = world["dispute"].id, "propose_credit", {"amount": value, "reason": "Corect"}
    elif slot == "trigger":
        case_id, trigger, fields = world["case"].id, value, {"reason": "x"}
    else:
        case_id, trigger, fields = world["case"].id, "request_changes", {"reason": value}
    return lambda: cases.fire_trigger(uow=uow(), case_id=case_id, expected_version=current_version(uow, case_id),
                                      trigger=trigger, actor=CLERK, **fields)


def _review(uow, world, slot, value):
    return lambda: documents.review_document(uow=uow(), document_id=world["pending"], approve=False, actor=CLERK,
                                             expected_version=current_version(uow, world["case"].id), reason=value)


def _comment(uow, world, slot, value):
    return lambda: cases.add_comment(uow=uow(), case_id=world["case"].id, body=value, actor=CLERK)


def _upload(uow, world, slot, value):
    doc_type = "id_card" if slot == "file_name" else value
    name = value if slot == "file_name" else "id.pdf"
    return lambda: documents.upload_document(uow=uow(), case_id=world["case"].id, doc_type=doc_type, file_name=name,
                                             data=sample_pdf("id_card", ["x"]), actor=CLERK)


def _payment(uow, world, slot, value):
    return lambda: register_payment(uow=uow(), actor=CLERK, contract_id=world["contract"].id, amount=value,
                                    invoice_id=world["invoice"].id)


def _reverse(uow, world, slot, value):
    with uow() as u:  # a fresh payment to undo, with the longest reference a card payment can have
        payment = record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, world["contract"].id),
                                 amount=Decimal("12.34"), channel="online", reference=f"card:{_fresh_pod()}{'T' * 44}")
        u.commit()
    return lambda: reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=payment.id, reason=value)


def _amounts_due(uow, world, slot, value):
    code = value if slot == "payment_code" else world["contract"].payment_code
    email = value if slot == "email" else "plata@example.com"
    return lambda: payments.amounts_due(uow=uow(), actor=customer_actor(), who=_visitor(), payment_code=code,
                                        email=email)


def _delivery(uow, world, slot, value):
    channel = value if slot == "channel" else "sms" if slot == "phone" else "email"
    address = "maria@example.com" if slot == "channel" else value
    return lambda: delivery.request_change(uow=uow(), contract_id=world["contract"].id, channel=channel,
                                           opt_in=True, address=address)


ACCOUNT_FIELDS = ("kind", "name", "national_id", "email", "phone", "address", "pod", "meter_serial",
                  "start_index", "correspondence_address")


def _open_account(uow, world, slot, value):
    fields = dict(kind=CustomerKind.PERSON, name="Popescu Ion", national_id="1800101221144",
                  email="ion@example.com", phone="+40721234567", address="Str. Lalelelor 5, Iași", pod=_fresh_pod(),
                  meter_serial="ZMD-0001", start_date=date(2024, 1, 1), start_index=0)
    fields[slot] = value
    return lambda: open_account(uow=uow(), actor=SUPERVISOR, **fields)


QUEUE_PARAMS = ("q", "type", "state", "assignee", "overdue", "all", "due_soon", "category", "registered",
                "closed_in", "age")


def _queue(uow, world, slot, value):
    from ui.queue_widgets import from_params  # the address bar's parser lives beside the queue's widgets

    return lambda: list_queue(uow=uow(), actor=SUPERVISOR, filters=from_params({slot: value}))


def _find_accounts(uow, world, slot, value):
    from core.accounts.ledger import find_accounts

    return lambda: find_accounts(uow=uow(), actor=CLERK, text=value)


def _intent_world(uow):
    world = _invoice_world(uow)
    shown = payments.amounts_due(uow=uow(), actor=customer_actor(), who=_visitor(),
                                 payment_code=world["contract"].payment_code, email="plata@example.com").total_due
    world["intent"] = payments.create_intent(uow=uow(), actor=customer_actor(), contract_id=world["contract"].id,
                                             email="plata@example.com", what=payments.PayWhat.TOTAL,
                                             amount=shown).intent
    world["amount"] = f"{shown:.2f}"
    return world


NOTIFY_FIELDS = ("intent", "transaction_id", "result", "amount", "currency", "body")


class Refused(DomainError):
    """The HTTP answer was a refusal (400), as a service refusal would be."""


def notify_body(world, slot, value) -> bytes:
    if slot == "body":
        return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(
            value, default=str).encode()
    data = {"intent": world["intent"], "transaction_id": f"TX-{_fresh_pod()}", "result": "succeeded",
            "amount": world["amount"], "currency": "RON"}
    data[slot] = value
    return json.dumps(data, default=str).encode()


def _notify(client):
    """The POST /api/payments/notify driver, through a Starlette TestClient on the routes."""
    def call(uow, world, slot, value):
        body = notify_body(world, slot, value)

        def post():
            answer = client.post("/api/payments/notify", content=body, headers={"X-Processor-Signature": sign(body)})
            if answer.status_code in (400, 413):  # malformed, or larger than a route accepts
                raise Refused()
            if answer.status_code != 200:
                raise RuntimeError(f"notification answered {answer.status_code}")
        return post
    return call


def drivers(client=None) -> dict[str, Driver]:
    found = {
        "register_holder_change": Driver((*HOLDER_FIELDS, "file_name"), _holder_world, _holder_counter),
        "request_holder_change": Driver(HOLDER_FIELDS, _holder_world, _holder_online),
        "register_new_contract": Driver(tuple(f for f in HOLDER_FIELDS if f not in ("payment_code", "client_code")),
                                        _vacant_world, _new_contract),
        "open_dispute": Driver((*DISPUTE_FIELDS, "file_name"), _invoice_world, _open_dispute),
        "dispute_invoice": Driver((*DISPUTE_FIELDS, "invoice_number"), _invoice_world, _dispute_online),
        "fire_trigger": Driver(("reason", "amount", "trigger"), _case_world, _fire),
        "review_document": Driver(("reason",), _case_world, _review),
        "add_comment": Driver(("body",), _case_world, _comment),
        "upload_document": Driver(("file_name", "doc_type"), _case_world, _upload),
        "register_payment": Driver(("amount",), _invoice_world, _payment),
        "reverse_payment": Driver(("reason",), _invoice_world, _reverse),
        "amounts_due": Driver(("payment_code", "email"), _invoice_world, _amounts_due),
        "delivery.request_change": Driver(("email", "phone", "channel"), _invoice_world, _delivery),
        "open_account": Driver(ACCOUNT_FIELDS, lambda uow: {}, _open_account),
        "queue filters from the address": Driver(QUEUE_PARAMS, lambda uow: {}, _queue),
        "find_accounts": Driver(("text",), lambda uow: {}, _find_accounts),
    }
    if client is not None:
        found["POST /api/payments/notify"] = Driver(NOTIFY_FIELDS, _intent_world, _notify(client))
    return found
