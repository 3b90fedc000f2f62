"""The folders show the layers, and imports point down only (see bot/__init__.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("bot", "handlers", "db", "messages", "sandbox")

# What each layer may not import (by module prefix).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "handlers": ("db", "bot.delivery", "bot.app", "sandbox"),
    "bot.services": ("bot.delivery", "bot.app", "handlers", "telegram", "sandbox"),
    "bot.delivery": ("bot.services", "bot.app", "handlers", "sandbox"),
    "bot.core": ("bot.services", "bot.delivery", "bot.app", "handlers", "db", "messages", "sandbox", "telegram"),
    "db": ("bot.services", "bot.delivery", "bot.app", "handlers", "messages", "sandbox", "telegram"),
    "messages": ("bot.services", "bot.delivery", "bot.app", "handlers", "db", "sandbox", "telegram"),
    "sandbox": ("bot", "handlers", "db", "messages"),
}
SQL = re.compile(r"^\s*(SELECT\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(TABLE|INDEX)\b)",
                 re.IGNORECASE)
MAX_LINES = 320


def modules() -> list[tuple[str, Path]]:
    out = []
    for package in SOURCE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out.append((".".join(parts), path))
    return out


def imported(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("module,path", modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_point_down(module: str, path: Path) -> None:
    layer = next((p for p in sorted(FORBIDDEN, key=len, reverse=True) if _under(module, p)), None)
    if layer is None:
        return
    allowed_exceptions = {"db": ("bot.core.errors",)}.get(layer, ())
    bad = [name for name in imported(path)
           if any(_under(name, f) for f in FORBIDDEN[layer])
           and not any(_under(name, a) for a in allowed_exceptions)]
    assert not bad, f"{module} ({layer}) imports {sorted(set(bad))}"


@pytest.mark.parametrize("module,path", modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_private_library_names(module: str, path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not any(part.startswith("_") for part in node.module.split(".")[1:]
                           if node.module.split(".")[0] in ("telegram", "aiosqlite")), \
                f"{module} imports the private module {node.module}"
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("telegram", "aiosqlite"):
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private, f"{module} imports private names {private} from {node.module}"


@pytest.mark.parametrize("module,path", modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_sql_lives_in_db(module: str, path: Path) -> None:
    if module == "db" or module.startswith("db.") or module.startswith("sandbox"):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            pytest.fail(f"{module} holds SQL: {node.value[:60]!r}")


@pytest.mark.parametrize("module,path", modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_modules_stay_small(module: str, path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by concept"


def test_every_layer_says_what_it_may_import() -> None:
    for package in ("bot", "bot/app", "bot/core", "bot/services", "bot/delivery", "handlers", "db", "sandbox",
                    "messages"):
        doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{package}/__init__.py needs a docstring saying what the layer is"
