"""The message catalog: every user-facing string, in Romanian (default) and English."""

import tomllib
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from core.platform.config import settings

LANGUAGES = ("ro", "en")
_LOCALES = Path(__file__).parents[1] / "locales"
_current: ContextVar[str] = ContextVar("language", default=settings.language)


@cache
def _catalog(lang: str) -> dict[str, str]:
    """`ro.toml` plus one `<area>.ro.toml` per area (e.g. `public.ro.toml`); a key defined twice is an error."""
    catalog: dict[str, str] = {}
    for path in [_LOCALES / f"{lang}.toml", *sorted(_LOCALES.glob(f"*.{lang}.toml"))]:
        with open(path, "rb") as fh:
            part = _flatten(tomllib.load(fh))
        if clash := catalog.keys() & part.keys():
            raise ValueError(f"{path.name} redefines {sorted(clash)[:5]}")
        catalog.update(part)
    return catalog


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def set_language(lang: str) -> None:
    """Sets the language for the current session's thread of work."""
    _current.set(lang if lang in LANGUAGES else settings.language)


def current_language() -> str:
    return _current.get()


def t(key: str, lang: str | None = None, **params) -> str:
    """Looks a key up in the current language, falls back to Romanian, then to the key itself."""
    lang = lang or _current.get()
    text = _catalog(lang).get(key) or _catalog("ro").get(key) or key
    return text.format(**params) if params else text


def format_count(value: int) -> str:
    """A whole number as Romanian pages print it: thousands with dots (102.188), whatever the language."""
    return f"{value:,}".replace(",", ".")


def has_key(key: str) -> bool:
    return key in _catalog("ro")


def plural_form(count: int, lang: str) -> str:
    """The catalogue form for a whole number (CLDR cardinal rules): "one" for 1; in Romanian "few" for 0 and
    for 2-19 within each hundred (also 101, 119: "101 cazuri"), "many" from 20 ("20 de cazuri", "120 de
    cazuri"); English has one and many."""
    if count == 1:
        return "one"
    if lang == "ro" and (count == 0 or 1 <= count % 100 <= 19):
        return "few"
    return "many"


def t_plural(key: str, count: int, lang: str | None = None, **params) -> str:
    """`<key>_one`, `<key>_few` or `<key>_many` for `count` (a language without a few form uses many),
    with `{count}` and the other parameters filled in."""
    lang = lang or _current.get()
    form = plural_form(count, lang)
    catalog = _catalog(lang)
    chosen = f"{key}_{form}" if f"{key}_{form}" in catalog or form != "few" else f"{key}_many"
    return t(chosen, lang=lang, count=count, **params)
