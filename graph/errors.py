"""The one error family of the domain layer.

Every error raised on purpose below the API carries the name of the field it is
about (as the public contract spells it, e.g. ``incomePercent``), a message a
person can act on, and the GraphQL ``extensions.code`` the API layer will use.
"""

from __future__ import annotations

from i18n.catalogue import CATALOGUE, Message, render


class DolbomError(Exception):
    """Base of every error the domain layer raises on purpose.

    ``message`` is English text or, better, an :class:`i18n.Message` (a catalogue
    key and its parameters: ``Message.of("error.id.empty")``), which the API
    shows in the request's language (:meth:`localized`). ``.message`` is always
    the English text."""

    code = "INTERNAL"

    def __init__(self, field: str | None, message: str | Message) -> None:
        self.field = field
        #: the catalogue message, when the error was raised with one
        self.text: Message | None = message if isinstance(message, Message) else None
        self.message: str = message.render("en") if isinstance(message, Message) else message
        #: (label, key) of the record the error is about, when known
        self.record: tuple[str, str] | None = None
        super().__init__(f"{field}: {self.message}" if field else self.message)

    def localized(self, locale: str) -> str:
        """The error as a person reads it in ``locale`` (``field: text``). Plain
        English text gets, in Korean, the sentence of the error's code first."""
        if self.text is not None:
            text = self.text.render(locale)
        elif locale == "en" or f"error.code.{self.code}" not in CATALOGUE:
            text = self.message
        else:
            text = render(f"error.code.{self.code}", locale, detail=self.message)
        return render("error.field", locale, field=self.field, text=text) if self.field else text


def record_label(label: str) -> Message | str:
    """A record kind (``"Household"``) as a word of the catalogue, when it has one."""
    return Message.of(f"label.{label}") if f"label.{label}" in CATALOGUE else label


def no_record(field: str | None, label: str, key: str) -> NotFoundError:
    """NOT_FOUND naming ``field``: there is no ``label`` record ``key`` (one sentence, in the catalogue)."""
    return NotFoundError(field, Message.of("error.not_found", label=record_label(label), id=repr(key)))


class ValidationError(DolbomError):
    """Input that breaks a rule of the model (BAD_USER_INPUT)."""

    code = "BAD_USER_INPUT"


class NotFoundError(ValidationError):
    """A referenced or requested id that does not exist (NOT_FOUND)."""

    code = "NOT_FOUND"


class ConflictError(ValidationError):
    """A write that clashes with what is stored (CONFLICT): e.g. deleting
    something still referenced, or a place on a full resource."""

    code = "CONFLICT"


class StoreError(DolbomError):
    """The store cannot be used: unreadable file, unknown schema version,
    unreachable server. Not the caller's input."""

    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class UnauthenticatedError(DolbomError):
    """No valid token: missing where one is needed, unknown, revoked or
    expired (UNAUTHENTICATED)."""

    code = "UNAUTHENTICATED"


class ForbiddenError(DolbomError):
    """A valid token whose role may not do this (FORBIDDEN)."""

    code = "FORBIDDEN"
