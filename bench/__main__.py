"""`python -m bench national --accounts N [--quick] [--reuse]`: the national-scale benchmark (bench.national);
`python -m bench outbox [--messages N] [--workers W] [--postgres URL]`: outbox delivery rate (bench.outbox_workers)."""

import sys

from bench import national, outbox_workers

if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "outbox":
        sys.exit(outbox_workers.main(sys.argv[2:]))
    if len(sys.argv) < 2 or sys.argv[1] != "national":
        print("usage: python -m bench national --accounts N [--cases M] [--keys K] [--quick] [--reuse]\n"
              "       python -m bench outbox [--messages N] [--workers W] [--postgres URL]", file=sys.stderr)
        sys.exit(2)
    sys.exit(national.main(sys.argv[2:]))
