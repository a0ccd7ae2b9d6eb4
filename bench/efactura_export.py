"""e-Factura export benchmark: the XML of N generated invoices (household and company, 19% and 21%, some
negative), written (a) by our streamed export (`core.efactura.export`, keyset batches, the session emptied
after each) and (b) by a baseline that loads the period's rows at once and builds every document before
writing; then the time the official rules take per document, measured on a sample. Each run in its own
process, so its peak RSS is its own. Not a test: it prints what it measured.

    PYTHONPATH=. python bench/efactura_export.py [--invoices 100000] [--validate-sample 300] [--keep DIR]
"""

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

PERIOD = (date(2025, 1, 1), date(2026, 12, 31))
PER_CONTRACT = 10  # invoices per contract, about a year's estimates and a regularisation


def generate(db: Path, invoices: int) -> None:
    """Accounts with `PER_CONTRACT` invoices each, one line per invoice, inserted in bulk."""
    from sqlalchemy import insert
    from stdnum.ro import cnp, cui

    from core.efactura.address import LOCALITIES
    from core.models import ConsumptionPlace, Contract, Customer, Invoice, InvoiceLine
    from core.platform.db import create_schema, get_engine

    engine = get_engine(f"sqlite:///{db}")
    create_schema(engine)
    rng, towns = random.Random(14), sorted(LOCALITIES)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    contracts = -(-invoices // PER_CONTRACT)
    with engine.begin() as conn:
        for first in range(1, contracts + 1, 2_000):
            ids = range(first, min(first + 2_000, contracts + 1))
            people, places, deals, bills, lines = [], [], [], [], []
            for i in ids:
                company = i % 5 == 0
                body = f"1800101{i % 46 + 1:02d}{i % 1000:03d}"[:12]
                national_id = (str(1_000_000 + i) + cui.calc_check_digit(str(1_000_000 + i)) if company
                               else body + cnp.calc_check_digit(body))
                address = f"Str. Morii nr. {i % 200 + 1}, {rng.choice(towns)}"
                people.append(dict(id=i, kind="company" if company else "person", name=f"Client {i}",
                                   search_name=f"client {i}", national_id=national_id,
                                   correspondence_address=address, created_at=now))
                places.append(dict(id=i, pod=f"RO005E{i:09d}", address=address, meter_serial=f"ZMD-{i:08d}",
                                   last_index=0, created_at=now))
                deals.append(dict(id=i, number=f"CF-{i:09d}", client_code=f"C{i:09d}", payment_code=f"{i:09d}",
                                  customer_id=i, place_id=i, status="active", start_date=date(2024, 1, 1),
                                  start_index=0, created_at=now))
                for k in range(PER_CONTRACT):
                    n = (i - 1) * PER_CONTRACT + k + 1
                    if n > invoices:
                        break
                    issued = PERIOD[0] + timedelta(days=rng.randrange((PERIOD[1] - PERIOD[0]).days))
                    rate = Decimal("0.21") if issued >= date(2025, 8, 1) else Decimal("0.19")
                    kwh = rng.randrange(-150, 600)
                    net = (Decimal("0.7400") * kwh).quantize(Decimal("0.01"))
                    vat = (net * rate).quantize(Decimal("0.01"))
                    period = dict(period_start=issued.replace(day=1), period_end=issued)
                    bills.append(dict(id=n, invoice_number=f"{10_000_000_000 + n:011d}",
                                      series=f"{issued.year % 100}EI{10_000_000 + n:08d}", contract_id=i, place_id=i,
                                      customer_id=i, kind="regularisation" if kwh < 0 else "estimate",
                                      issue_date=issued, due_date=issued + timedelta(days=15), old_index=0,
                                      new_index=max(kwh, 0), kwh=kwh, value_net=net, vat_rate=rate, vat=vat,
                                      total=net + vat, balance_at_issue=net + vat, correspondence_address=address,
                                      issued_by="billing", created_at=now, **period))
                    lines.append(dict(invoice_id=n, position=1, kind="consumption", kwh=kwh,
                                      unit_price_net=Decimal("0.7400"), value_net=net, vat_rate=rate, vat=vat,
                                      total=net + vat, **period))
            for model, rows in ((Customer, people), (ConsumptionPlace, places), (Contract, deals),
                                (Invoice, bills), (InvoiceLine, lines)):
                conn.execute(insert(model), rows)
    engine.dispose()


def _period():
    from core.reports.base import Period

    return Period(*PERIOD)


def run_variant(variant: str, db: Path, out: Path, sample: int) -> None:
    from sqlmodel import select

    from core.efactura.document import invoice_documents
    from core.efactura.export import export_period
    from core.efactura.ubl import to_xml
    from core.models import Invoice
    from core.platform.db import UnitOfWork, get_engine

    uow = UnitOfWork(get_engine(f"sqlite:///{db}"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    documents = 0
    if variant == "streamed":
        documents = export_period(uow=uow, period=_period(), out=out, check=False).total
    elif variant == "all_at_once":
        with uow:
            rows = list(uow.session.exec(select(Invoice).where(Invoice.issue_date.between(*PERIOD))))
            built = invoice_documents(uow.session, rows)
        for doc in built:
            (out / f"{doc.number}.xml").write_bytes(to_xml(doc))
        documents = len(built)
    else:  # validate: the official rules on the first `sample` files the streamed run wrote
        from core.efactura.validate import validate

        files = sorted(out.glob("*.xml"))[:sample]
        validate(files[0].read_bytes())  # loading the schema and compiling the rules, timed apart
        warm = time.perf_counter()
        refused = sum(bool(validate(path.read_bytes())) for path in files)
        documents = len(files)
        print(json.dumps({"variant": variant, "setup_seconds": warm - started, "documents": documents,
                          "seconds": time.perf_counter() - warm, "refused": refused,
                          "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return
    print(json.dumps({"variant": variant, "documents": documents, "seconds": time.perf_counter() - started,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(variant: str, db: Path, out: Path, sample: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--variant", variant, "--db", str(db), "--out", str(out),
                           "--validate-sample", str(sample)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--validate-sample", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="keep the database and the XML in this folder")
    parser.add_argument("--variant", choices=("streamed", "all_at_once", "validate"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.variant, args.db, args.out, args.validate_sample)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.db"
        if not db.exists():
            started = time.perf_counter()
            generate(db, args.invoices)
            print(f"generated {args.invoices:,} invoices in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        streamed = measure("streamed", db, folder / "streamed", args.validate_sample)
        baseline = measure("all_at_once", db, folder / "all_at_once", args.validate_sample)
        checked = measure("validate", db, folder / "streamed", args.validate_sample)
    print(f"e-Factura export, {streamed['documents']:,} invoices\n")
    print(f"{'variant':<44}{'time (s)':>10}{'docs/s':>10}{'peak RSS (MB)':>15}")
    for name, r in (("ours: streamed (core.efactura.export)", streamed),
                    ("baseline: all rows and documents in memory", baseline)):
        print(f"{name:<44}{r['seconds']:>10.1f}{r['documents'] / r['seconds']:>10.0f}{r['peak_mb']:>15.0f}")
    per_doc = checked["seconds"] / checked["documents"]
    print(f"\nofficial rules: {checked['setup_seconds']:.1f} s to load once, then {per_doc * 1000:.1f} ms per document "
          f"({checked['documents']} checked, {checked['refused']} refused, peak RSS {checked['peak_mb']:.0f} MB); "
          f"for all {streamed['documents']:,}: about {per_doc * streamed['documents'] / 60:.0f} min on one core")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
