"""RO e-Factura from the command line:
  python -m core.efactura export --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--no-check]
  python -m core.efactura validate FILE.xml [FILE.xml ...]
  python -m core.efactura submit [--passes N]
  python -m core.efactura revalidate (--all-invalid | --invoice ID)
Progress on stderr. A bad date or range exits with status 2; a refused document makes the status 1."""

import argparse
import sys
from pathlib import Path

from core.platform.config import settings
from core.platform.db import UnitOfWork, get_engine
from core.platform.errors import DomainError
from core.reports.base import Period, cli_day


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.efactura", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the XML of every document issued in a period")
    export.add_argument("--from", dest="date_from", type=cli_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", type=cli_day, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--out", required=True, type=Path, metavar="DIR")
    export.add_argument("--no-check", action="store_true", help="skip the official rules (faster; not for sending)")
    check = commands.add_parser("validate", help="check XML files against the official rules")
    check.add_argument("files", nargs="+", type=Path)
    submit = commands.add_parser("submit", help="prepare what is not yet submitted and send what is due")
    submit.add_argument("--passes", type=int, default=1, help="passes over the due documents (polls the answers)")
    recheck = commands.add_parser("revalidate", help="rebuild and re-check documents the rules refused, once the"
                                                     " data are corrected; those that pass go back to prepared")
    which = recheck.add_mutually_exclusive_group(required=True)
    which.add_argument("--all-invalid", action="store_true", help="every document refused by the rules")
    which.add_argument("--invoice", type=int, metavar="ID", help="the invoice with this id")
    return parser


def _progress(done: int, seconds: float) -> None:
    rate = done / seconds if seconds else 0.0
    sys.stderr.write(f"\r{done:,} documents, {rate:,.0f}/s")
    sys.stderr.flush()


def _export(args, parser) -> int:
    from core.efactura.export import ERRORS_FILE, export_period

    try:
        period = Period(args.date_from, args.date_to)
    except DomainError as err:
        parser.error(str(err))  # exits with status 2
    result = export_period(uow=UnitOfWork(get_engine(settings.database_url)), period=period, out=args.out,
                           check=not args.no_check, progress=_progress)
    sys.stderr.write(f"\n{result.written:,} written to {args.out}, {len(result.refused):,} refused"
                     + (f" (see {args.out / ERRORS_FILE})" if result.refused else "") + "\n")
    return 1 if result.refused else 0


def _validate(args) -> int:
    from core.efactura.validate import validate

    bad = 0
    for path in args.files:
        failed = validate(path.read_bytes())
        bad += bool(failed)
        print(f"{path}: " + ("OK" if not failed else f"{len(failed)} error(s)"))
        for rule in failed:
            print(f"    {rule}")
    return 1 if bad else 0


def _submit(args) -> int:
    from core.efactura.anaf import AuthorityError, HttpClient
    from core.efactura.submission import prepare_pending, run_due

    uow = UnitOfWork(get_engine(settings.database_url))
    prepared = prepare_pending(uow=uow)
    sys.stderr.write(f"prepared {prepared['prepared']:,}, refused by the rules {prepared['invalid']:,}\n")
    try:
        client = HttpClient()
    except AuthorityError as missing:
        sys.stderr.write(f"{missing}; nothing sent\n")
        return 2
    for n in range(1, args.passes + 1):
        counts = run_due(uow=uow, client=client)
        sys.stderr.write(f"pass {n}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + "\n")
    return 1 if prepared["invalid"] else 0


def _revalidate(args) -> int:
    from core.efactura.revalidate import invalid_versions, revalidate_submission
    from core.staff.auth import SYSTEM

    uow = UnitOfWork(get_engine(settings.database_url))
    counts = {"prepared": 0, "invalid": 0, "skipped": 0}
    for submission_id, version in invalid_versions(uow=uow, invoice_id=args.invoice):
        try:
            result = revalidate_submission(uow=uow, actor=SYSTEM, submission_id=submission_id,
                                           expected_version=version)
        except DomainError as refused:  # not invalid, or someone re-checked it meanwhile
            sys.stderr.write(f"submission {submission_id}: {refused}\n")
            counts["skipped"] += 1
            continue
        counts[result.state] += 1
        sys.stderr.write(f"{result.number}: {result.state}\n" + "".join(f"    {r}\n" for r in result.failed_rules))
    sys.stderr.write(f"back to prepared {counts['prepared']:,}, still invalid {counts['invalid']:,}, "
                     f"skipped {counts['skipped']:,}\n")
    if args.invoice is not None and not any(counts.values()):
        sys.stderr.write(f"invoice {args.invoice} has no e-Factura submission\n")
        return 2
    return 1 if counts["invalid"] or counts["skipped"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        return _export(args, parser)
    if args.command == "submit":
        return _submit(args)
    if args.command == "revalidate":
        return _revalidate(args)
    return _validate(args)


if __name__ == "__main__":
    sys.exit(main())
