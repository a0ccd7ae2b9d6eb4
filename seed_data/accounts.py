"""The demo's supply accounts: a made-up holder, place and consumption profile each, opened through
core.services.accounts and billed month by month up to now."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from core.accounts.billing import issue_invoice, record_payment
from core.accounts.invoice_lines import VAT_RATES
from core.models import CustomerKind, InvoiceKind, clock_at
from core.services.accounts import create_account
from core.staff.auth import BILLING, SYSTEM
from seed_data.fake import Fake, Party
from seed_data.history import Profile, add_months, bill_contract

COMPANY_SHARE = 0.10
DEBTOR_SHARE = 0.04
# one account in eight has a longer history reaching back seven months before the last VAT change
# (19% -> 21% on 2025-08-01), so both rates and regularisations on both sides of it show in the demo; the
# rest have 13-14 months
LONG_HISTORY_SHARE = 0.125
LONG_HISTORY_FIRST_MONTH = add_months(VAT_RATES[-1][0], -7)
# the share of the expected use an estimate bills; over-estimated places' regularisations credit kWh
OVER_ESTIMATED, UNDER_ESTIMATED = 1.3, 0.85


@dataclass
class Account:
    """One account as planned, then the codes its contract got; cases are registered against it."""

    holder: Party
    address: str
    pod: str
    meter_serial: str
    start_date: date
    first_month: date  # first billed month
    profile: Profile
    bill_until: datetime  # now, or the moment a holder change that stops the old contract was asked for
    payment_code: str = ""
    client_code: str = ""
    # a first invoice on the real index from the start date to this day, before the monthly ones (the place
    # connected shortly before a VAT change and first read after it: one invoice at both rates)
    first_read_on: date | None = None


def plan_account(fake: Fake, now: datetime) -> Account:
    rng = fake.rng
    kind = CustomerKind.COMPANY if rng.random() < COMPANY_SHARE else CustomerKind.PERSON
    first_month = add_months(now.date(), -rng.choice((13, 14)))
    if rng.random() < LONG_HISTORY_SHARE:
        first_month = min(first_month, LONG_HISTORY_FIRST_MONTH)
    start_index = rng.randint(0, 40_000)
    debtor = rng.random() < DEBTOR_SHARE
    profile = Profile(
        monthly_kwh=rng.randint(500, 5000) if kind == CustomerKind.COMPANY else rng.randint(80, 400),
        billing_day=rng.randint(2, 10), regularisation_month=rng.randrange(6),
        pays_until=now - timedelta(days=rng.uniform(40, 100)) if debtor else now,
        actual=start_index, billed=start_index, read_on=first_month - timedelta(days=1),
        # a quarter of the places, picked from a value already drawn: one more draw would reshuffle the whole demo
        estimate_share=OVER_ESTIMATED if start_index % 4 == 0 else UNDER_ESTIMATED,
    )
    return Account(
        holder=fake.party(kind), address=fake.address(), pod=fake.pod(), meter_serial=fake.meter_serial(),
        start_date=date(2012, 1, 1) + timedelta(days=rng.randrange((first_month - date(2012, 1, 1)).days)),
        first_month=first_month, profile=profile, bill_until=now,
    )


def open_and_bill(session: Session, fake: Fake, account: Account) -> None:
    """Helper (no commit): opens the account on its start date and replays its billing history."""
    holder = account.holder
    with clock_at(datetime.combine(account.start_date, time(9), UTC)):
        contract = create_account(
            session, kind=holder.kind, name=holder.name, national_id=holder.national_id, email=holder.email,
            phone=holder.phone, address=account.address, pod=account.pod, meter_serial=account.meter_serial,
            start_date=account.start_date, start_index=account.profile.actual,
        )
    account.payment_code, account.client_code = contract.payment_code, contract.client_code
    if account.first_read_on:
        _bill_first_reading(session, contract, account)
    bill_contract(session, fake.rng, contract, account.profile, first_month=account.first_month,
                  until=account.bill_until)


def across_the_vat_change(account: Account) -> None:
    """Replans the account as connected 18 days before the last VAT change and first read at the end of the
    month after it: that reading's kWh are split by days at 19% and 21%, two lines on one invoice."""
    change = VAT_RATES[-1][0]
    account.start_date = change - timedelta(days=18)
    account.first_read_on = add_months(change, 1) - timedelta(days=1)
    account.first_month = add_months(change, 1)
    account.profile.read_on = account.start_date - timedelta(days=1)


def _bill_first_reading(session: Session, contract, account: Account) -> None:
    """The first reading's invoice (a regularisation on the real index), paid on time."""
    profile, read_on = account.profile, account.first_read_on
    profile.actual += round(profile.monthly_kwh * ((read_on - account.start_date).days + 1) / 30)
    profile.billed, profile.read_on = profile.actual, read_on
    issued_at = datetime.combine(read_on + timedelta(days=profile.billing_day), time(6), UTC)
    with clock_at(issued_at):
        invoice = issue_invoice(session, contract=contract, period_start=account.start_date, period_end=read_on,
                                new_index=profile.billed, kind=InvoiceKind.REGULARISATION,
                                issue_date=issued_at.date(), issued_by=BILLING.username, allocate=False)
    paid_at = issued_at + timedelta(days=7)
    with clock_at(paid_at):
        record_payment(session, contract=contract, amount=invoice.total, channel="bank", actor=SYSTEM,
                       reference=f"SEED-{contract.number}-{invoice.invoice_number}-1", allocate=False, paid_at=paid_at)
