"""The message catalog: every user-facing string, in Romanian (default) and English."""

import tomllib
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from core.config import settings

LANGUAGES = ("ro", "en")
_LOCALES = Path(__file__).parent / "locales"
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


def has_key(key: str) -> bool:
    return key in _catalog("ro")
