"""Settling the accounts that hold credit, once, after migration 0011: a credit invoice issued before it
settled nothing (and a credit note only its own invoice). One transaction per contract; running it again
creates nothing. An operator command (`python -m core.manage settle`), not a page."""

from sqlmodel import select

from core.accounts import allocation
from core.models import CreditNote, Invoice
from core.platform.db import UnitOfWork


def contracts_with_credit_sources(uow: UnitOfWork) -> list[int]:
    """The contracts with a credit invoice or a credit note: the only sources the old model left free
    (payments were allocated as they arrived)."""
    with uow:
        credit_invoices = uow.session.exec(select(Invoice.contract_id).where(Invoice.total < 0).distinct()).all()
        noted = uow.session.exec(select(CreditNote.contract_id).distinct()).all()
    return sorted(set(credit_invoices) | set(noted))


def settle_contracts(uow_factory=UnitOfWork) -> int:
    """Runs allocation on every contract with a credit source; returns how many shares it made."""
    made = 0
    for contract_id in contracts_with_credit_sources(uow_factory()):
        with uow_factory() as uow:
            made += len(allocation.allocate(uow.session, contract_id))
            uow.commit()
    return made
