"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator


def _check_text(value: Any) -> None:
    """Refuse text no store can hold: NUL characters (PostgreSQL rejects them) and lone UTF-16
    surrogates (not encodable as UTF-8), wherever they hide in nested values."""
    if type(value) is str:
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text is not valid Unicode (lone surrogate)") from None
    elif type(value) is dict:
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif type(value) is list:
        for item in value:
            _check_text(item)


def storable(value: str) -> str:
    """`value`, if a store can hold it (for query parameters; bodies check every field)."""
    _check_text(value)
    return value


QueryText = Annotated[str, AfterValidator(storable)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("needs some text, not only white space")
    return value


# Text that must say something; kept as sent (white space inside and around included).
NotBlank = AfterValidator(_not_blank)


class RequestBody(BaseModel):
    """Client input: unknown fields are an error, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @field_validator("*", mode="after")
    @classmethod
    def storable_text(cls, value: Any) -> Any:
        _check_text(value)
        return value


class ResponseBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)
