"""The e-invoice's amounts for any lines and any credit: VAT per rate as BR-CO-17 computes it, and the amount
due exactly the stored total: the rounding amount BT-114 stays within a ban per line (half a ban for each
line's VAT and each rate's)."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.accounts.money import money
from core.efactura.document import _invoice_document, _net_of
from core.models import ConsumptionPlace, Contract, Customer, CustomerKind, Invoice, InvoiceKind, InvoiceLine, LineKind

RATES = st.sampled_from([Decimal("0.19"), Decimal("0.21")])
PRICE = Decimal("0.7400")
ADDRESS = "Str. Lalelelor 5, Iași"
HOLDER = Customer(id=1, kind=CustomerKind.PERSON, name="Popescu Ion", national_id="1800101221144",
                  correspondence_address=ADDRESS)
PLACE = ConsumptionPlace(id=1, pod="RO005E512345678", address=ADDRESS, meter_serial="ZMD-0001")
CONTRACT = Contract(id=1, number="CF-1", client_code="C000000001", payment_code="300000001", customer_id=1,
                    place_id=1, start_date=date(2024, 1, 1))


def _invoice(drawn) -> tuple[Invoice, list[InvoiceLine]]:
    """An invoice as billing stores it (in memory): each line's VAT rounded, the totals their sums."""
    lines = []
    for n, (kwh, rate) in enumerate(drawn, start=1):
        net = money(PRICE * kwh)
        lines.append(InvoiceLine(id=n, invoice_id=1, position=n, kind=LineKind.CONSUMPTION if n == 1 else
                                 LineKind.CORRECTION, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                 kwh=kwh, unit_price_net=PRICE, value_net=net, vat_rate=rate,
                                 vat=money(net * rate), total=net + money(net * rate)))
    total = sum((line.total for line in lines), Decimal(0))
    invoice = Invoice(id=1, invoice_number="10000000001", series="26EI10000001", contract_id=1, place_id=1,
                      customer_id=1, kind=InvoiceKind.REGULARISATION, issue_date=date(2026, 2, 5),
                      due_date=date(2026, 2, 20), period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                      old_index=0, new_index=0, kwh=sum(k for k, _ in drawn), value_net=total, vat_rate=drawn[0][1],
                      vat=Decimal(0), total=total, balance_at_issue=total, correspondence_address=ADDRESS,
                      issued_by="billing")
    return invoice, lines


@given(st.lists(st.tuples(st.integers(-5000, 5000) | st.sampled_from([0, -1, 1]), RATES), min_size=1, max_size=4))
def test_the_amount_due_is_the_stored_total_and_vat_per_rate_follows_br_co_17(drawn):
    invoice, lines = _invoice(drawn)
    doc = _invoice_document(invoice, lines, HOLDER, PLACE, CONTRACT)  # refuses rows whose sums disagree
    assert doc.payable == invoice.total == doc.tax_inclusive + doc.rounding
    assert len(doc.tax_groups) == len({rate for _, rate in drawn})
    for group in doc.tax_groups:
        assert group.tax == money(group.taxable * group.rate)  # BR-CO-17
    assert abs(doc.rounding) <= Decimal("0.005") * (len(lines) + len(doc.tax_groups))


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000.00"), places=2), RATES)
def test_a_credit_splits_into_a_net_whose_vat_lands_within_a_ban_of_it(gross, rate):
    net = _net_of(gross, rate)
    assert net >= 0 and abs(gross - net - money(net * rate)) <= Decimal("0.01")
