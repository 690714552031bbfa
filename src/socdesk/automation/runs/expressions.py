"""A safe evaluator for gateway conditions (`conditionExpression`): no `eval` of user text.

An expression is parsed with Python's `ast` and only these nodes are walked: literals, lists and
tuples of them, names and dotted names (fields of the data object: `severity`,
`data_source.product_name`; a missing one is None), comparisons (`== != < <= > >= in not in`),
`and`, `or`, `not`, unary minus. Anything else (calls, subscripts, lambdas, comprehensions) is
refused, and so is a text of more than 2,000 characters.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

MAX_EXPRESSION = 2000

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class ExpressionRefused(ValueError):
    """The expression uses what the evaluator does not allow, or cannot be computed."""


def _dotted(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [*_dotted(node.value), node.attr]
    raise ExpressionRefused(f"{type(node).__name__} is not allowed in a condition")


def _lookup(data: Mapping[str, Any], path: list[str]) -> Any:
    if path in (["True"], ["true"]):
        return True
    if path in (["False"], ["false"]):
        return False
    if path in (["None"], ["null"]):
        return None
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    try:
        return bool(_COMPARE[type(op)](left, right))
    except TypeError:
        # `None > 3`, `3 in None`: a field that is missing or of another type fails the test.
        return False


def _value(node: ast.expr, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name | ast.Attribute):
        return _lookup(data, _dotted(node))
    if isinstance(node, ast.List | ast.Tuple):
        return [_value(item, data) for item in node.elts]
    if isinstance(node, ast.BoolOp):
        values = (_value(v, data) for v in node.values)
        if isinstance(node.op, ast.And):
            return all(values)
        return any(values)
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, data)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub) and isinstance(operand, int | float):
            return -operand
        if isinstance(node.op, ast.USub) and operand is None:
            return None
        raise ExpressionRefused("only `not` and `-` of a number are allowed as unary operators")
    if isinstance(node, ast.Compare):
        left = _value(node.left, data)
        for op, following in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _COMPARE:
                raise ExpressionRefused(f"the operator {type(op).__name__} is not allowed")
            right = _value(following, data)
            if not _compare(op, left, right):
                return False
            left = right
        return True
    raise ExpressionRefused(f"{type(node).__name__} is not allowed in a condition")


def parse(expression: str) -> ast.expr:
    """The expression's tree, or ExpressionRefused."""
    if len(expression) > MAX_EXPRESSION:
        raise ExpressionRefused(f"a condition is at most {MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionRefused(f"the condition does not parse: {error.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionRefused("the condition is nested too deeply") from None
    return tree.body


def evaluate(expression: str, data: Mapping[str, Any]) -> Any:
    """The value of `expression` over `data` (the data object's fields)."""
    try:
        return _value(parse(expression), data)
    except RecursionError:
        raise ExpressionRefused("the condition is nested too deeply") from None
