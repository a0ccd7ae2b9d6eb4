"""Operator commands: `python -m core.manage create-user --username ana --name "Ana Popa" --role admin`
creates a staff account (the first admin of a production installation has no other way in).
The password is asked for at the prompt, never taken from the command line.
`python -m core.manage settle` settles the accounts holding credit after migration 0011 (idempotent)."""

import argparse
import getpass
import sys

from core.models import STAFF_ROLES, Role
from core.platform.db import UnitOfWork, create_schema, get_engine
from core.platform.errors import DomainError, ValidationFailed
from core.services.settlement import settle_contracts
from core.services.users import create_user
from core.staff.auth import SYSTEM


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    user = commands.add_parser("create-user", help="create a staff account")
    user.add_argument("--username", required=True)
    user.add_argument("--name", required=True, help="display name")
    user.add_argument("--role", required=True, choices=[r.value for r in STAFF_ROLES])
    commands.add_parser("settle", help="apply the credit on every account to its open invoices (after 0011)")
    args = parser.parse_args(argv)

    create_schema(get_engine())
    if args.command == "settle":
        print(f"{settle_contracts()} allocation rows created")
        return 0
    password = getpass.getpass("Parolă / password: ")
    try:
        created = create_user(uow=UnitOfWork(), actor=SYSTEM, username=args.username, display_name=args.name,
                              role=Role(args.role), password=password)
    except ValidationFailed as failed:
        for name, message in failed.messages().items():
            print(f"{name}: {message}", file=sys.stderr)
        return 1
    except DomainError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"{created.username} ({created.role}) created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
