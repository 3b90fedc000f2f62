"""Tests name the bot's messages (template, render values, callback data), not their words: a test that matches
zh_CN wording breaks on a copy change in the catalog. This scans the tests for Chinese string constants that a
test checks output against (in an `assert`, a comparison, or a button looked up by its label) and that are a
wording of the zh_CN catalog; data a test typed itself (names, addresses, outcomes) may be checked as text."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from bot.app.demo import sample_city
from messages.catalog import po_path

TESTS = Path(__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# Calls that find a button by its label (a test presses by callback data instead: `press_data`), or match text.
BY_LABEL = {"press", "taps", "button", "next_matching", "startswith", "endswith"}
# What separates the literal pieces of a msgstr: placeholders, tags, punctuation, spaces.
SEPARATORS = re.compile(r"%\([^)]*\)[sd]|%[sd]|<[^>]*>|[\s，。：；、（）「」！？“”《》,.:;()!?\"'\-—…/]+")


@lru_cache(maxsize=1)
def msgstrs() -> tuple[str, ...]:
    with po_path("zh_CN").open("rb") as f:
        catalog = read_po(f)
    found: list[str] = []
    for message in catalog:
        if message.id:
            strings = message.string if isinstance(message.string, (tuple, list)) else [message.string]
            found += [s for s in strings if s]
    return tuple(found)


@lru_cache(maxsize=1)
def pieces() -> frozenset[str]:
    """The catalog's literal pieces of three or more Chinese characters ("请输入处理结果")."""
    return frozenset(p for s in msgstrs() for p in SEPARATORS.split(s) if len(CJK.findall(p)) >= 3)


def is_wording(text: str) -> bool:
    """Part of a zh_CN msgstr, or holding a piece of one (what a wording check with data mixed in looks like)."""
    text = text.strip()
    return any(text in s for s in msgstrs()) or any(p in text for p in pieces())


def chinese(node: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)]


def docstrings(tree: ast.AST) -> set[int]:
    return {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}


def call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def operands(node: ast.AST) -> list[ast.Constant]:
    """The Chinese constants a comparison compares: itself, inside displays and f-strings, not what it passes to calls
    (`parse_date("明天")` is input)."""
    if isinstance(node, ast.Constant):
        return chinese(node)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.JoinedStr, ast.BinOp, ast.Subscript)):
        return [c for child in ast.iter_child_nodes(node) for c in operands(child)]
    if isinstance(node, ast.Dict):
        return [c for value in node.values for c in operands(value)]
    return []


def checked(tree: ast.AST) -> set[int]:
    """The constants a test compares output with (`"…" in reply.text`), or finds a button by the label of."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            ids |= {id(c) for side in [node.left, *node.comparators] for c in operands(side)}
        elif isinstance(node, ast.Call) and call_name(node) in BY_LABEL:
            ids |= {id(c) for arg in [*node.args, *(k.value for k in node.keywords)] for c in operands(arg)}
    return ids


@lru_cache(maxsize=1)
def shared_data() -> tuple[str, ...]:
    """What every test may type or find as data: the sample city's names and places, the scenario's answers."""
    areas, staff = sample_city()
    scenario = ast.parse((TESTS / "scenario.py").read_text(encoding="utf-8"))
    return (areas.read_text(encoding="utf-8"), staff.read_text(encoding="utf-8"),
            *(c.value for c in chinese(scenario)))


def wording_checks(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip, compared = docstrings(tree), checked(tree)
    constants = [c for c in chinese(tree) if id(c) not in skip]
    # Data the test itself typed: the other Chinese constants of the file (what it says, names, builds).
    typed = [c.value for c in constants if id(c) not in compared] + list(shared_data())
    return [f"{path.name}:{c.lineno} {c.value!r}" for c in constants
            if id(c) in compared and is_wording(c.value) and not any(c.value.strip() in t for t in typed)]


def test_no_test_checks_the_bots_chinese_wording():
    files = [p for p in sorted(TESTS.glob("*.py")) if p.name != Path(__file__).name]
    found = [line for path in files for line in wording_checks(path)]
    assert not found, ("assert on the template (tests.scenario.template_of / expect_from / context_of) or press "
                       "by callback data instead of matching these zh_CN wordings:\n" + "\n".join(found))


def presses_by_label(path: Path) -> list[str]:
    """`person.press(message, "label")`: a button found by its words (any locale, or an arrow) and not its data."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.name}:{node.lineno} {node.args[1].value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "press"
            and len(node.args) == 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)]


def test_no_test_presses_a_button_by_its_label():
    files = sorted(TESTS.glob("*.py"))
    found = [line for path in files for line in presses_by_label(path)]
    assert not found, "press by callback data (tests.scenario.press_data, card_action):\n" + "\n".join(found)


def test_the_scan_finds_a_wording_check():
    """The guard itself: a wording check is found, the same words as typed data are not."""
    # Sorted, and not a word the sample city uses as data (a role name in staff.csv): a frozenset's order
    # changes with the hash seed, and a data word is rightly not reported.
    wording = next(p for p in sorted(pieces()) if len(p) >= 4 and not any(p in d for d in shared_data()))
    probe = TESTS / "_probe_no_wording.py"
    try:
        probe.write_text(f"def test_x(reply):\n    assert {wording!r} in reply.text\n", encoding="utf-8")
        assert wording_checks(probe) == [f"{probe.name}:2 {wording!r}"]
        probe.write_text(f"async def test_x(p, reply):\n    await p.says(1, {wording!r})\n"
                         f"    assert {wording!r} in reply.text\n", encoding="utf-8")
        assert wording_checks(probe) == []
    finally:
        probe.unlink(missing_ok=True)
