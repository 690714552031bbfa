"""Accept-only checks compiled from the Pydantic request models, for the import's fast path.

A check takes one already-read value and either returns exactly what Pydantic would return for
it (validated, then dumped with `mode="json", exclude_unset=True`), or raises `Refer`: the value
is unusual or wrong, and Pydantic must decide and word the error. Checks only ever accept what
Pydantic accepts, so every error message still comes from Pydantic; they are compiled from the
models' own annotations and constraints (never a second copy of them), and a shape the compiler
does not know makes the check refer every value, never guess. `tests/transfer/test_checks.py`
compares them with Pydantic on generated values.
"""

from __future__ import annotations

import math
import re
import types
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, BeforeValidator, PlainSerializer, Strict
from pydantic.fields import FieldInfo

from socdesk.kit.clock import format_time, parse_time
from socdesk.kit.schemas import RequestBody, is_storable

Check = Callable[[Any], Any]
# Canonical SecMaster times (what exports write): Pydantic dumps them back unchanged.
_CANONICAL_TIME = re.compile(r"[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)


class Refer(Exception):
    """The value is not one the fast path vouches for: let Pydantic validate it."""


class Unsupported(Exception):
    """An annotation the compiler does not know; its values are always referred."""


def _refer_all(value: Any) -> Any:
    raise Refer


def _plain_json(value: Any) -> bool:
    """A free-form value Pydantic keeps as it is: storable text, finite floats (a dump turns
    NaN into null), JSON containers with text keys."""
    kind = type(value)
    if kind is str:
        return is_storable(value)
    if kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(_plain_json(item) for item in value)
    if kind is dict:
        return all(type(k) is str and is_storable(k) and _plain_json(v) for k, v in value.items())
    return False


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    """min/max length and ge/le from Field(...) and annotated-types metadata; anything else
    (a pattern, a validator, a multiple-of) is unsupported."""
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            found.update(_bounds(item.metadata))
        elif isinstance(item, annotated_types.MaxLen):
            found["max_length"] = item.max_length
        elif isinstance(item, annotated_types.MinLen):
            found["min_length"] = item.min_length
        elif isinstance(item, annotated_types.Ge):
            found["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            found["le"] = item.le
        elif isinstance(item, Strict) and item.strict:
            # The fast checks already take only the exact type; anything else goes to Pydantic.
            found["strict"] = True
        else:
            raise Unsupported(repr(item))
    return found


def _text_check(bounds: dict[str, Any]) -> Check:
    low, high = bounds.pop("min_length", 0), bounds.pop("max_length", math.inf)
    if bounds:
        raise Unsupported(repr(bounds))

    def check(value: Any) -> Any:
        if type(value) is str and low <= len(value) <= high and is_storable(value):
            return value
        raise Refer

    return check


def _int_check(bounds: dict[str, Any]) -> Check:
    low, high = bounds.pop("ge", -math.inf), bounds.pop("le", math.inf)
    bounds.pop("strict", None)
    if bounds:
        raise Unsupported(repr(bounds))

    def check(value: Any) -> Any:
        if type(value) is int and low <= value <= high:
            return value
        raise Refer

    return check


def _float_check(value: Any) -> Any:
    if type(value) is float and math.isfinite(value):
        return value
    raise Refer


def _bool_check(value: Any) -> Any:
    if type(value) is bool:
        return value
    raise Refer


def _time_check(value: Any) -> Any:
    """SecMasterTime: parse_time, then format_time on dump."""
    if type(value) is not str:
        raise Refer
    if _CANONICAL_TIME.fullmatch(value):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise Refer from None
        return value  # already what format_time writes
    try:
        moment = parse_time(value)
    except ValueError:
        raise Refer from None
    if moment.year < 1000:  # format_time would not pad the year; leave it to the slow path
        raise Refer
    return format_time(moment)


def _literal_check(options: tuple[Any, ...]) -> Check:
    # Compare type and value: True == 1, but Pydantic's answer for True is its own business.
    kinds = frozenset(type(option) for option in options)
    allowed = frozenset((type(option), option) for option in options)

    def check(value: Any) -> Any:
        if type(value) in kinds and (type(value), value) in allowed:
            return value
        raise Refer

    return check


# Optional checks and what they wrap, so callers that never pass None can skip the wrapper.
_REQUIRED: dict[Check, Check] = {}


def _optional(check: Check) -> Check:
    def optional(value: Any) -> Any:
        return None if value is None else check(value)

    _REQUIRED[optional] = check
    return optional


def required_check(check: Check) -> Check:
    """`check` without its None branch, for values known not to be None."""
    return _REQUIRED.get(check, check)


def _union_check(members: tuple[Any, ...]) -> Check:
    """`str | int`: a value of exactly one member's type is that member's (Pydantic's smart
    union picks the exact type); any other type is referred."""
    by_type: dict[type, Check] = {}
    for member in members:
        base = get_args(member)[0] if get_origin(member) is Annotated else member
        if base not in (str, int, bool):
            raise Unsupported(repr(member))
        by_type[base] = compile_annotation(member, [])

    def check(value: Any) -> Any:
        chosen = by_type.get(type(value))
        if chosen is None:
            raise Refer
        return chosen(value)

    return check


def _list_check(item: Check, bounds: dict[str, Any]) -> Check:
    high = bounds.pop("max_length", math.inf)
    if bounds:
        raise Unsupported(repr(bounds))

    def check(value: Any) -> Any:
        if type(value) is not list or len(value) > high:
            raise Refer
        return [item(entry) for entry in value]

    return check


def _free_dict_check(value: Any) -> Any:
    try:
        if type(value) is dict and _plain_json(value):
            return value
    except RecursionError:
        pass
    raise Refer


def compile_annotation(annotation: Any, metadata: list[Any]) -> Check:
    """The check for one annotation with its field-level metadata (constraints)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        validators = [m for m in extra if isinstance(m, BeforeValidator | PlainSerializer)]
        if validators:
            if inner is datetime and [type(m) for m in validators] == [
                BeforeValidator,
                PlainSerializer,
            ]:
                before, serializer = validators
                if before.func is parse_time and serializer.func is format_time:
                    return _time_check
            raise Unsupported(repr(annotation))
        return compile_annotation(inner, [*metadata, *extra])
    if origin in (Union, types.UnionType):
        members = get_args(annotation)
        if type(None) in members:
            rest = tuple(m for m in members if m is not type(None))
            inner = rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007
            return _optional(compile_annotation(inner, metadata))
        if metadata:
            raise Unsupported(repr(metadata))
        return _union_check(members)
    bounds = _bounds(metadata)
    if origin is Literal:
        if bounds:
            raise Unsupported(repr(bounds))
        return _literal_check(get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        return _list_check(compile_annotation(item, []), bounds)
    if origin is dict:
        if get_args(annotation) != (str, Any) or bounds:
            raise Unsupported(repr(annotation))
        return _free_dict_check
    if annotation is str:
        return _text_check(bounds)
    if annotation is int:
        return _int_check(bounds)
    if annotation is float and not bounds:
        return _float_check
    if annotation is bool and not bounds:
        return _bool_check
    if isinstance(annotation, type) and issubclass(annotation, RequestBody) and not bounds:
        return model_check(annotation)
    raise Unsupported(repr(annotation))


def _supported_model(model: type[BaseModel]) -> bool:
    """Only the plain RequestBody shape: no aliases, and no validator other than the shared
    storable-text one (which the text checks apply). Extra keys may be forbidden or kept (the
    incident record keeps them for the class rule): either way `model_check` leaves an object
    with a key the model has not to Pydantic."""
    decorators = model.__pydantic_decorators__
    if set(decorators.field_validators) != {"storable_text"}:
        return False
    if decorators.model_validators or decorators.validators or decorators.root_validators:
        return False
    if decorators.field_serializers or decorators.model_serializers:
        return False
    config = model.model_config
    if config.get("extra") not in ("forbid", "allow") or config.get("str_strip_whitespace"):
        return False
    return all(f.alias is None and f.validation_alias is None for f in model.model_fields.values())


def field_check(model: type[BaseModel], name: str) -> Check:
    """The check for one field of `model`; a field the compiler cannot vouch for refers all."""
    if not _supported_model(model):
        return _refer_all
    info = model.model_fields[name]
    try:
        return compile_annotation(info.annotation, list(info.metadata))
    except Unsupported:
        return _refer_all


_MODEL_CHECKS: dict[type[BaseModel], Check] = {}


def model_check(model: type[BaseModel]) -> Check:
    """The check for a whole object of `model`: a dict with known keys, each checked; the
    output has the keys sent, in the model's field order (as a dump with exclude_unset)."""
    if model in _MODEL_CHECKS:
        return _MODEL_CHECKS[model]
    if not _supported_model(model):
        return _refer_all
    fields = [(name, field_check(model, name)) for name in model.model_fields]
    known = frozenset(model.model_fields)

    def check(value: Any) -> Any:
        if type(value) is not dict or not known.issuperset(value):
            raise Refer
        return {name: field(value[name]) for name, field in fields if name in value}

    _MODEL_CHECKS[model] = check
    return check
