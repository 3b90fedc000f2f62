"""A database that cannot be opened: every command says so in one line and exits, never hangs (real processes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Generous: a loaded machine starts python slowly. Only a hang (a thread keeping the process alive) reaches it.
PATIENCE = 120

COMMANDS = {
    "migrate": ["migrate"],
    "run": ["run", "--token", "123:abc", "--base-url", "http://127.0.0.1:9"],
    "broadcast": ["broadcast", "--audience", "G0101", "--text", "hello"],
    "broadcasts": ["broadcasts"],
}


def gridbot(*args: str, wrap: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBOT_")} | {"PYTHONPATH": str(ROOT)}
    try:
        return subprocess.run([*(wrap or []), sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`gridbot {' '.join(args)}` did not exit within {PATIENCE} s")


def assert_one_line_error(result: subprocess.CompletedProcess[str], path: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr                      # no traceback
    assert path in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_that_is_not_a_database(tmp_path: Path, command: str) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("junk\n")
    result = gridbot(*COMMANDS[command], "--db", str(bad))
    assert_one_line_error(result, str(bad))
    assert "not a database" in result.stderr
    assert bad.read_text() == "junk\n"                         # left as it was


def test_a_path_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    path = str(tmp_path / "file" / "g.db")                     # under a regular file, not a directory
    assert_one_line_error(gridbot("migrate", "--db", path), path)


def _read_only(directory: Path) -> list[str] | None:
    """A command prefix under which `directory` is read-only: a plain chmod for an ordinary user; for root
    (whom permissions do not stop) a read-only bind mount in a private mount namespace. None if neither works."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    wrap = [unshare, "-m", "sh", "-c", f'mount --bind -o ro "{directory}" "{directory}" && exec "$0" "$@"']
    probe = subprocess.run([*wrap, "touch", str(directory / "probe")], capture_output=True, timeout=30)
    if probe.returncode == 0 or (directory / "probe").exists():
        return None
    return wrap


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_read_only_directory(tmp_path: Path, command: str) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    assert gridbot("migrate", "--db", str(directory / "g.db")).returncode == 0     # a good database, then…
    for leftover in directory.glob("g.db-*"):
        leftover.unlink()
    wrap = _read_only(directory)
    if wrap is None:
        pytest.skip("cannot make a read-only directory here")
    try:
        result = gridbot(*COMMANDS[command], "--db", str(directory / "g.db"), wrap=wrap)
    finally:
        directory.chmod(0o755)
    assert_one_line_error(result, str(directory / "g.db"))
