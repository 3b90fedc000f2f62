"""The assessment's score formula: arithmetic over a worker's figures, written in the settings
(`assessment_formula`) so that an office can change its weights; read safely (no names but the figures, no
calls, no attributes)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from typing import Callable

from bot.core.config import ConfigError

# What a formula may use: rates are 0…1 (a rate with nothing to measure counts as 1; satisfaction: the share of
# residents' answers that were 满意), counts are whole numbers (tasks: check-ins + households + visits done),
# times are medians in minutes.
NAMES = ("handled", "resolved", "accept_on_time", "resolve_on_time", "satisfaction", "overdue", "escalated_away",
         "accept_minutes", "resolve_minutes", "checkins", "households", "visits", "tasks")
_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def _allowed(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp):
        return type(node.op) in _BINARY
    if isinstance(node, ast.UnaryOp):
        return type(node.op) in _UNARY
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.Name):
        return node.id in NAMES
    return isinstance(node, (ast.Load, *_BINARY, *_UNARY))        # the operators' own nodes


def parse(text: str) -> ast.expr:
    """The formula's tree; ConfigError naming the setting when it is anything but arithmetic over NAMES."""
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise ConfigError("config_bad_value", name="assessment_formula", value=text) from None
    if not all(_allowed(node) for node in ast.walk(tree)):
        raise ConfigError("config_bad_value", name="assessment_formula", value=text)
    return tree


def evaluate(tree: ast.expr, values: Mapping[str, float]) -> float:
    if isinstance(tree, ast.Constant) and isinstance(tree.value, (int, float)):
        return float(tree.value)
    if isinstance(tree, ast.Name):
        return float(values[tree.id])
    if isinstance(tree, ast.UnaryOp):
        return _UNARY[type(tree.op)](evaluate(tree.operand, values))
    if isinstance(tree, ast.BinOp):
        right = evaluate(tree.right, values)
        if isinstance(tree.op, ast.Div) and right == 0:
            return 0.0
        return _BINARY[type(tree.op)](evaluate(tree.left, values), right)
    raise ConfigError("config_bad_value", name="assessment_formula", value=ast.unparse(tree))
