"""`python -m bench national --accounts N [--quick] [--reuse]`: the national-scale benchmark (bench.national)."""

import sys

from bench import national

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "national":
        print("usage: python -m bench national --accounts N [--cases M] [--keys K] [--quick] [--reuse]",
              file=sys.stderr)
        sys.exit(2)
    sys.exit(national.main(sys.argv[2:]))
