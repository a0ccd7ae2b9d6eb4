"""Text folding for search: "Ștefănescu", "STEFANESCU" and "stefanescu" find each other (people type
names without diacritics, and SQLite's lower() knows only ASCII)."""

import re
import unicodedata


def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", " ".join((text or "").split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str | None) -> list[str]:
    return re.findall(r"\w+", fold(text))


def address_matches(typed: str | None, stored: str) -> bool:
    """The address as written on the invoice, at least the street and its number, may stop before the
    locality: "str. Lalelelor 5" names "Str. Lalelelor 5, Iași"; "a" or "Lalelelor" alone name nothing."""
    given = words(typed)
    return len(given) >= 2 and any(w.isdigit() for w in given) and words(stored)[:len(given)] == given
