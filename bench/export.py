"""Export benchmark: the cases report for 200,000 generated cases, written (a) by our exporter
(core.reports, XlsxWriter constant-memory with formats and an Excel table), (b) by plain XlsxWriter in
constant-memory mode and (c) by pandas.DataFrame.to_excel(engine="openpyxl"), from the same SQL rows.
Each variant runs in its own process, so its peak RSS is its own.

    PYTHONPATH=. python bench/export.py [--cases 200000] [--keep DIR]
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
from pathlib import Path

START = date(2026, 1, 1)
PERIOD = ("2026-01-01", "2026-12-31")
VARIANTS = ("ours", "xlsxwriter", "pandas")


def generate(db: Path, cases: int) -> None:
    """Holder-change cases across 2026 with their audit events (register, documents, verify, issue)."""
    from sqlalchemy import insert

    from core.models import AuditEvent, AuditHead, Case
    from core.platform.audit import GENESIS, chain_rows
    from core.platform.db import create_schema, get_engine

    engine = get_engine(f"sqlite:///{db}")
    create_schema(engine)
    rng = random.Random(42)
    steps = (("register", None, "submitted"), ("receive_documents", "submitted", "documents_received"),
             ("verify_documents", "documents_received", "documents_verified"),
             ("issue_contract", "documents_verified", "contract_issued"))
    previous, chained = GENESIS, 0
    with engine.begin() as conn:
        for first in range(0, cases, 10_000):
            case_rows, event_rows = [], []
            for i in range(first + 1, min(first + 10_000, cases) + 1):
                at = datetime(2026, 1, 1, 8, tzinfo=UTC) + timedelta(minutes=rng.randrange(360 * 24 * 60))
                done = rng.randrange(1, 5)
                moments = [at + timedelta(hours=30 * k + rng.randrange(20)) for k in range(done)]
                closed = moments[-1] if done == 4 else None
                name = f"Popescu{i} Ion"
                case_rows.append(dict(
                    id=i, registration_number=f"SCT-2026-{i:06d}", case_type="holder_change", workflow_version=1,
                    state=steps[done - 1][2], version=done, created_by="clerk", channel="counter", registered_at=at,
                    updated_at=moments[-1], deadline_name="contract", due_date=(at + timedelta(days=14)).date(),
                    sla_status="stopped" if closed else "running", applicant_name=name, search_name=name.lower(),
                    verified_by="supervisor" if done >= 3 else None, closed_at=closed,
                    data={"phone": f"+4072{i:07d}", "applicant_kind": "person"}))
                event_rows += [dict(case_id=i, at=moment, role="clerk",
                                    actor="supervisor2" if trigger == "issue_contract" else "clerk",
                                    trigger=trigger, from_state=source, to_state=target,
                                    workflow="holder_change", workflow_version=1, details={})
                               for moment, (trigger, source, target) in zip(moments, steps, strict=False)]
            previous = chain_rows(event_rows, previous, chained + 1)
            chained += len(event_rows)
            conn.execute(insert(Case), case_rows)
            conn.execute(insert(AuditEvent), event_rows)
        conn.execute(insert(AuditHead).values(id=1, seq=chained, hash=previous))
    engine.dispose()


def _report_rows(db: Path):
    """The cases report's headings and rows, as our exporter gets them, with Excel-ready datetimes."""
    from core.models import Role
    from core.platform.db import UnitOfWork, get_engine
    from core.platform.xlsx import local_naive
    from core.reports import REPORTS, Filters
    from core.staff.auth import Actor

    uow = UnitOfWork(get_engine(f"sqlite:///{db}"))
    uow.__enter__()
    (table,) = REPORTS["cases"].tables(uow.session, Actor("bench", Role.SUPERVISOR), _period(),
                                        Filters("holder_change"))
    headings = [c.heading for c in table.columns]
    rows = ([local_naive(v) if isinstance(v, datetime) else v for v in row] for row in table.rows)
    return headings, rows


def _period():
    from core.reports import Period

    return Period(date.fromisoformat(PERIOD[0]), date.fromisoformat(PERIOD[1]))


def run_variant(variant: str, db: Path, out: Path) -> None:
    started = time.perf_counter()
    if variant == "ours":
        from core.models import Role
        from core.platform.db import UnitOfWork, get_engine
        from core.reports import Filters, run_report
        from core.staff.auth import Actor

        run_report(uow=UnitOfWork(get_engine(f"sqlite:///{db}")), actor=Actor("bench", Role.SUPERVISOR),
                   name="cases", period=_period(), filters=Filters("holder_change"), out=str(out))
    elif variant == "xlsxwriter":
        import xlsxwriter

        headings, rows = _report_rows(db)
        book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False})
        ws = book.add_worksheet("Cazuri")
        moment = book.add_format({"num_format": "DD.MM.YYYY HH:MM"})
        ws.write_row(0, 0, headings)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, datetime | date):
                    ws.write_datetime(r, c, value, moment)
                elif value is not None:
                    ws.write(r, c, value)
        book.close()
    else:
        import pandas as pd

        headings, rows = _report_rows(db)
        pd.DataFrame(list(rows), columns=headings).to_excel(out, engine="openpyxl", index=False)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps({"variant": variant, "seconds": seconds, "peak_mb": peak_mb, "bytes": out.stat().st_size}))


def measure(variant: str, db: Path, folder: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--variant", variant, "--db", str(db),
                           "--out", str(folder / f"{variant}.xlsx")], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="keep the database and workbooks in this folder")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.variant, args.db, args.out)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.db"
        if not db.exists():
            started = time.perf_counter()
            generate(db, args.cases)
            print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        results = {variant: measure(variant, db, folder) for variant in VARIANTS}
    ours = results["ours"]
    print(f"cases report, {args.cases:,} rows\n")
    print(f"{'variant':<34}{'time (s)':>10}{'peak RSS (MB)':>15}{'file (MB)':>11}{'ours/this time':>16}"
          f"{'ours/this RSS':>15}")
    names = {"ours": "ours (core.reports)", "xlsxwriter": "xlsxwriter constant_memory",
             "pandas": "pandas to_excel (openpyxl)"}
    for variant, r in results.items():
        print(f"{names[variant]:<34}{r['seconds']:>10.1f}{r['peak_mb']:>15.0f}{r['bytes'] / 1e6:>11.1f}"
              f"{ours['seconds'] / r['seconds']:>16.2f}{ours['peak_mb'] / r['peak_mb']:>15.2f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
