"""Domain errors. Each carries a catalog key and parameters so the UI can say it in any language."""


class DomainError(Exception):
    """A refusal the user should read; nothing was written."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params):
        self.key = key or self.key
        self.params = params
        super().__init__(self.key, params)

    def __str__(self) -> str:
        from core.platform.i18n import t

        return t(self.key, **self.params)


class ValidationFailed(DomainError):
    """One message per invalid field, keyed by field name."""

    key = "error.validation"

    def __init__(self, errors: dict[str, tuple[str, dict]]):
        self.errors = errors
        super().__init__()

    def messages(self, lang: str | None = None) -> dict[str, str]:
        from core.platform.i18n import t

        return {field: t(key, lang=lang, **params) for field, (key, params) in self.errors.items()}


class PermissionDenied(DomainError):
    key = "error.permission"


class NotFound(DomainError):
    key = "error.not_found"


class StaleCase(DomainError):
    key = "error.stale"


class TransitionRefused(DomainError):
    """The trigger does not apply now: wrong state, failed guard or missing field."""

    key = "error.transition"
