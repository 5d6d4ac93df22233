"""The one exception type field validators raise.

Validators that can only say yes or no return ``None``/``False`` instead; those that turn text
into a value (dates) raise :class:`FieldError` so the importer can quarantine or warn with a
plain-language reason. Messages never contain more of the raw field than the validator chose to
quote, because feed content may be personal data.
"""

from __future__ import annotations


class FieldError(ValueError):
    """A field value that cannot be used, with a message a data officer can act on."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: the feed column the value came from, when the caller knows it (it may set this later)
        self.field = field

    def __str__(self) -> str:
        return self.message if self.field is None else f"{self.field}: {self.message}"
