"""The audit trail is append-only against any writer, and a broken chain is found: edited, deleted,
inserted, reordered, bulk-updated and re-timed rows, and a rewrite of the whole chain against an anchor."""

import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, text, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from core.models import AuditEvent, AuditHead, Payment
from core.platform import audit
from core.platform.errors import DomainError
from core.services import payments
from tests.factories import CLERK, SUPERVISOR, invoice_for, make_account, register_case

ROOT = Path(__file__).resolve().parents[2]


def _history(uow) -> int:
    """A case with its documents and a payment and its reversal: the rows of an ordinary day."""
    contract = make_account(uow)
    register_case(uow, contract)
    invoice_for(uow, contract)
    paid = payments.register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount="50.00")
    payments.reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=paid.id, reason="Plată pe alt cont")
    with uow() as u:
        return u.session.exec(select(func.count()).select_from(AuditEvent)).one()


def _verify(engine, anchor=None) -> audit.Verification:
    with engine.connect() as connection:
        return audit.verify(connection, anchor)


def _middle_seq(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT MAX(seq) / 2 FROM auditevent")).scalar()


def test_an_untouched_chain_verifies_with_every_row_and_the_head(uow, engine):
    rows = _history(uow)
    result = _verify(engine)
    with engine.connect() as connection:
        head = connection.execute(select(AuditHead.seq, AuditHead.hash)).one()
    assert result.ok and result.rows == rows == head.seq and result.head_hash == head.hash


def test_rows_are_numbered_without_gaps_and_each_links_to_the_one_before(uow):
    _history(uow)
    with uow() as u:
        rows = list(u.session.exec(select(AuditEvent).order_by(AuditEvent.seq)))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))


@pytest.mark.parametrize("statement", [
    "UPDATE auditevent SET reason = 'rescris'",
    "UPDATE auditevent SET at = at",
    "DELETE FROM auditevent",
    "DELETE FROM audithead",
])
def test_the_database_refuses_to_change_or_delete_audit_rows_whoever_asks(uow, engine, statement):
    _history(uow)
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert _verify(engine).ok


def test_a_bulk_orm_update_is_refused_too(uow):
    _history(uow)
    with pytest.raises(DatabaseError, match="append-only"), uow() as u:
        u.session.exec(update(AuditEvent).values(actor="altcineva"))
        u.commit()


def _tamper(engine, *statements: str, **params) -> None:
    """What someone with the database's owner rights could do: drop the triggers, change rows."""
    with engine.begin() as connection:
        audit.remove_guards(connection)
        for statement in statements:
            connection.execute(text(statement), params)
        audit.install_guards(connection)


@pytest.mark.parametrize(("kind", "statements", "problem"), [
    ("edit", ["UPDATE auditevent SET reason = 'Motiv rescris' WHERE seq = :k"], "edited"),
    ("delete", ["DELETE FROM auditevent WHERE seq = :k"], "missing"),
    ("bulk update", ["UPDATE auditevent SET actor = 'altcineva'"], "edited"),
    ("timestamp", ["UPDATE auditevent SET at = (SELECT MIN(at) FROM auditevent) WHERE seq = :k"], "edited"),
    ("delete the newest", ["DELETE FROM auditevent WHERE seq = (SELECT MAX(seq) FROM auditevent)"], "head"),
    ("reorder", ["UPDATE auditevent SET seq = -1 WHERE seq = :k",
                 "UPDATE auditevent SET seq = :k WHERE seq = :k + 1",
                 "UPDATE auditevent SET seq = :k + 1 WHERE seq = -1"], "link"),
])
def test_verify_finds_each_kind_of_tampering_and_names_where(uow, engine, kind, statements, problem):
    _history(uow)
    k = _middle_seq(engine)
    _tamper(engine, *statements, k=k)
    result = _verify(engine)
    assert not result.ok and result.problem == problem, kind
    assert result.broken_seq <= k + 1 if kind not in ("delete the newest", "bulk update") else True


def test_a_row_inserted_in_the_middle_breaks_the_link_after_it(uow, engine):
    _history(uow)
    k = _middle_seq(engine)
    with engine.connect() as connection:
        before = connection.execute(select(AuditEvent.__table__).where(AuditEvent.seq == k)).mappings().one()
    forged = {**dict(before), "seq": k + 1, "reason": "Aprobat de director", "prev_hash": before["row_hash"]}
    forged.pop("id")
    forged["row_hash"] = audit.link_hash(before["row_hash"], audit._content(forged))
    with engine.begin() as connection:
        audit.remove_guards(connection)
        for seq in connection.execute(text("SELECT seq FROM auditevent WHERE seq > :k ORDER BY seq DESC"),
                                      {"k": k}).scalars():
            connection.execute(text("UPDATE auditevent SET seq = seq + 1 WHERE seq = :s"), {"s": seq})
        connection.execute(AuditEvent.__table__.insert().values(**forged))
        connection.execute(text("UPDATE audithead SET seq = seq + 1"))
        audit.install_guards(connection)
    result = _verify(engine)
    assert not result.ok and result.broken_seq == k + 2 and result.problem in ("link", "edited")


def test_a_rewrite_of_the_whole_chain_is_found_against_an_anchor_kept_outside(uow, engine):
    _history(uow)
    with engine.connect() as connection:
        anchor = audit.head(connection)
    _tamper(engine, "UPDATE auditevent SET reason = 'Motiv rescris' WHERE seq = 2")
    with engine.begin() as connection:  # recompute every hash after the edit, as a thorough forger would
        audit.remove_guards(connection)
        previous = audit.GENESIS
        for row in connection.execute(select(AuditEvent.__table__).order_by(AuditEvent.seq)).mappings().all():
            digest = audit.link_hash(previous, audit._content(dict(row)))
            connection.execute(update(AuditEvent).where(AuditEvent.id == row["id"])
                               .values(prev_hash=previous, row_hash=digest))
            previous = digest
        connection.execute(update(AuditHead).values(hash=previous))
        audit.install_guards(connection)
    assert _verify(engine).ok  # consistent again: only the anchor can tell
    result = _verify(engine, (anchor["seq"], anchor["hash"]))
    assert not result.ok and result.problem == "anchor" and result.broken_seq == anchor["seq"]


def test_a_refused_action_leaves_no_audit_row_and_the_head_where_it_was(uow, engine):
    contract = make_account(uow)
    before = _verify(engine)
    with pytest.raises(DomainError):
        payments.reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=999_999, reason="nimic")
    with pytest.raises(DomainError):
        payments.register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount="-5")
    after = _verify(engine)
    assert after.ok and (after.rows, after.head_hash) == (before.rows, before.head_hash)


def test_every_money_row_names_its_actor_in_the_row_and_in_the_trail(uow):
    contract = make_account(uow)
    invoice_for(uow, contract)
    paid = payments.register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount="80.00")
    reversal = payments.reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=paid.id, reason="Client greșit")
    with uow() as u:
        rows = {p.id: p.recorded_by for p in u.session.exec(select(Payment))}
        trail = [(e.trigger, e.actor, e.role, e.subject, e.reason) for e in u.session.exec(
            select(AuditEvent).where(AuditEvent.case_id.is_(None)).order_by(AuditEvent.seq))]
    assert rows == {paid.id: "clerk", reversal.id: "supervisor"}
    assert trail == [("record_payment", "clerk", "clerk", f"payment:{paid.id}", None),
                     ("reverse_payment", "supervisor", "supervisor", f"payment:{reversal.id}", "Client greșit")]


def test_writers_at_the_same_time_never_link_to_the_same_row(uow, engine):
    contract = make_account(uow)
    errors = []

    def pay(n: int) -> None:
        try:
            payments.register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=Decimal(n))
        except Exception as err:  # any failure is the test's business
            errors.append(err)

    workers = [threading.Thread(target=pay, args=(n,)) for n in range(1, 13)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result = _verify(engine)
    assert errors == [] and result.ok and result.rows == 12


def test_the_worker_verifies_once_a_day_and_keeps_the_outcome(uow):
    _history(uow)
    first = audit.verify_if_due(uow=uow())
    again = audit.verify_if_due(uow=uow())
    with uow() as u:
        kept = u.session.exec(select(audit.AuditVerification)).all()
    assert first.ok and again is None and [(v.ok, v.rows) for v in kept] == [(True, first.rows)]


def _cli(engine, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "SEED_ON_FIRST_START": "false"}
    return subprocess.run([sys.executable, "-m", "core.platform.audit", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_command_line_passes_an_intact_chain_and_fails_a_broken_one_naming_the_link(uow, engine, tmp_path):
    _history(uow)
    head = _cli(engine, "head")
    anchor = tmp_path / "head.json"
    anchor.write_text(head.stdout)
    intact = _cli(engine, "verify", "--anchor", str(anchor))
    _tamper(engine, "DELETE FROM auditevent WHERE seq = 3")
    broken = _cli(engine, "verify")
    assert json.loads(head.stdout)["seq"] > 3
    assert intact.returncode == 0 and "intact" in intact.stdout
    assert broken.returncode == 1 and "position 3" in broken.stderr and "missing" in broken.stderr


def test_a_downloaded_id_document_is_in_the_trail_with_who_took_it(uow):
    from core.services import documents

    case = register_case(uow, make_account(uow))
    with uow() as u:
        document_id = u.session.exec(select(audit.AuditEvent.details).where(
            AuditEvent.trigger == "upload_document")).first()["document_id"]
    documents.document_file(uow=uow(), document_id=document_id, actor=CLERK)
    with uow() as u:
        taken = u.session.exec(select(AuditEvent).where(AuditEvent.trigger == "download_document")).one()
    assert (taken.actor, taken.subject, taken.details["case_id"]) == ("clerk", f"document:{document_id}", case.id)
