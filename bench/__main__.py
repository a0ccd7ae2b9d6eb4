"""`python -m bench national --accounts N [--quick] [--reuse]`: the national-scale benchmark (bench.national);
`python -m bench transitions [--accounts N] [--fires F] [--workers 2 4] [--profile]`: transitions/s (bench.transitions);
`python -m bench outbox [--messages N] [--workers W] [--postgres URL]`: outbox delivery rate (bench.outbox_workers);
`python -m bench pages [--runs 5]`: page loads and sidebar navigations in a real browser (bench.pages)."""

import sys

from bench import national, outbox_workers, pages, transitions

COMMANDS = {"national": national.main, "transitions": transitions.main, "outbox": outbox_workers.main,
            "pages": pages.main}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python -m bench national --accounts N [--cases M] [--keys K] [--quick] [--reuse]\n"
              "       python -m bench transitions [--accounts N] [--fires F] [--workers W ...] [--profile] [--reuse]\n"
              "       python -m bench outbox [--messages N] [--workers W] [--postgres URL]\n"
              "       python -m bench pages [--runs R] [--database-url URL] [--save F] [--baseline F]",
              file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
