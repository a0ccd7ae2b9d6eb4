"""Scheduled runs: `python -m core.reports <report> --from YYYY-MM-DD --to YYYY-MM-DD --out FILE
[--role analyst|supervisor]`. A progress bar on stderr; a bad date, range or report name is a clear
message and exit status 2 (nothing is written)."""

import argparse
import sys

from core.models import Role
from core.platform.config import settings
from core.platform.db import UnitOfWork, get_engine
from core.platform.errors import DomainError
from core.reports import REPORTS, Filters, Period, get_report, run_report
from core.reports.base import cli_day
from core.staff.auth import Actor


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.reports", description=__doc__.splitlines()[0])
    parser.add_argument("report", help=", ".join(REPORTS))
    parser.add_argument("--from", dest="date_from", type=cli_day, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=cli_day, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--out", required=True, metavar="FILE")
    parser.add_argument("--role", choices=("analyst", "supervisor"), default="analyst",
                        help="whose view: analysts get personal data masked (default)")
    parser.add_argument("--case-type", default=None, help="only cases of this type, where the report has cases")
    return parser


def _progress(done: int, expected: int) -> None:
    share = done / expected if expected else 1.0
    filled = int(share * 30)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {done:,} rows")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        get_report(args.report)
        period = Period(args.date_from, args.date_to)
    except DomainError as err:
        parser.error(str(err))  # exits with status 2
    actor = Actor(f"cli-{args.role}", Role(args.role), f"CLI ({args.role})")
    run_report(uow=UnitOfWork(get_engine(settings.database_url)), actor=actor, name=args.report, period=period,
               filters=Filters(case_type=args.case_type), out=args.out, progress=_progress)
    sys.stderr.write(f"\n{args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
