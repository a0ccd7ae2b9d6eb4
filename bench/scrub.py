"""Free-text masking cost: how long core.staff.masking.scrub takes per reason, for the kinds of text an
analyst's audit report or an admin's outbox page scrubs (no digits; an invoice id; a phone; a CNP; a
long message with all of them), and so how many reasons a second an export can scrub (1 / time:
a million reasons at 100 µs each add 100 s). plain() (the
markdown escaper every page uses for user text) is measured the same way.

    PYTHONPATH=. python bench/scrub.py [--repeat 20000]
"""

import argparse
import time

from core.staff.masking import scrub
from ui.widgets import plain

NAME = "Ionescu Maria"
TEXTS = {
    "no digits": "Clientul a renunțat la cerere; documentele nu mai sunt necesare.",
    "invoice id": "Factura 20250000123 a fost contestată pentru index greșit la citire.",
    "phone": "Doamna Ionescu a sunat de pe 0722 111 222 și revine mâine cu actul.",
    "cnp": "Titular greșit: CNP 2850505400014 aparține altei persoane, verificați actul.",
    "message (600 chars)": ("Bună ziua, Ionescu Maria. Cererea SCT-2026-000123 a fost înregistrată. Factura "
                            "20250000123, cod de plată 212345678. Telefon 0264 595 123, e-mail "
                            "maria.ionescu@example.com, CNP 2850505400014. ") * 3,
}


def per_call(function, text: str, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function(text)
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20000)
    repeat = parser.parse_args().repeat
    print(f"{'text':<22} {'scrub µs':>9} {'scrubs/s':>9} {'plain µs':>9}")
    for label, text in TEXTS.items():
        masked = per_call(lambda value: scrub(value, NAME), text, repeat)
        escaped = per_call(plain, text, repeat)
        print(f"{label:<22} {masked * 1e6:>9.1f} {1 / masked:>9.0f} {escaped * 1e6:>9.1f}")


if __name__ == "__main__":
    main()
