"""No handler answers a state change in a second transaction: once a function has called `once(...)` (the
change, committed), it queues no reply of its own afterwards (`send`, `answer`, `show`, `runtime.reply`). The
reply goes in the change's transaction instead, `once(..., replies=...)`; what may follow is what is no
message: a toast, an edit of the pressed message, the command menu."""

from __future__ import annotations

import ast
from pathlib import Path

HANDLERS = Path(__file__).resolve().parent.parent / "handlers"
SENDERS = {"send", "answer", "show"}          # handlers.common / handlers.conversation: a reply of its own


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _is_once(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "once"


def _senders(tree: ast.Module) -> set[str]:
    """The names the module calls the senders by (`show as show_compose` too)."""
    return SENDERS | {a.asname for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                      for a in n.names if a.name in SENDERS and a.asname}


def _is_reply(call: ast.Call, senders: set[str]) -> bool:
    if isinstance(call.func, ast.Name):
        return call.func.id in senders
    return isinstance(call.func, ast.Attribute) and call.func.attr == "reply"


def _inside(inner: ast.Call, outer: ast.Call) -> bool:
    return _position(outer) <= _position(inner) <= (outer.end_lineno or 0, outer.end_col_offset or 0)


def _replies_after_a_change(function: ast.AsyncFunctionDef | ast.FunctionDef, senders: set[str] = SENDERS
                            ) -> list[int]:
    calls = sorted((n for n in ast.walk(function) if isinstance(n, ast.Call)), key=_position)
    changes = [c for c in calls if _is_once(c)]
    if not changes:
        return []
    # A reply built in the arguments of `once(...)` runs before the change; one whose own argument is the
    # change (`show(await once(...))`) runs after it.
    return [c.lineno for c in calls if _is_reply(c, senders)
            and (_position(c) > _position(changes[0]) and not any(_inside(c, o) for o in changes)
                 or any(_inside(o, c) for o in changes))]


def test_no_handler_sends_a_reply_after_its_change_has_committed() -> None:
    found: list[str] = []
    for path in sorted(HANDLERS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        senders = _senders(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.AsyncFunctionDef, ast.FunctionDef)):
                found += [f"{path.name}:{line} ({node.name})" for line in _replies_after_a_change(node, senders)]
    assert not found, "a reply sent after `once(...)`, in a transaction of its own: " + ", ".join(found)


def _first(source: str) -> ast.AsyncFunctionDef:
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.AsyncFunctionDef)
    return function


def test_the_check_sees_a_reply_after_a_change() -> None:
    sample = _first("async def h(update, context):\n"
                       "    outcome = await once(update, context, change)\n"
                       "    await answer(update, context, 'x')\n")
    assert _replies_after_a_change(sample) == [3]
    nested = _first("async def h(update, context):\n"
                       "    await show(update, context, await once(update, context, change))\n")
    assert _replies_after_a_change(nested) == [2]
