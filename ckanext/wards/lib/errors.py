"""The error of a value our schema rejects, with its message still to be translated.

Raised by the plain normalisers (``schema.normalise``, ``vocab.loader``, ``vocab.wards``)
that the JSON Schema import, ``migrate`` and start-up use directly; the CKAN validators
(``logic.validators``) translate it at request time, so the API and the form answer in the
request's language. It lives here, below both packages, because both raise it."""
from __future__ import annotations

from typing import Any


class SchemaValueError(ValueError):
    """A value the schema rejects: ``message`` is an English msgid, ``params`` fill it."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def translated(self, gettext) -> str:
        text = gettext(self.message)
        return text.format(**self.params) if self.params else text
