"""Text folding for search: "Ștefănescu", "STEFANESCU" and "stefanescu" find each other (people type
names without diacritics, and SQLite's lower() knows only ASCII)."""

import unicodedata


def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", " ".join((text or "").split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
