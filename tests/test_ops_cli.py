"""`gridbot templates` lists notices and their fields; `gridbot broadcast --template` without them names the
--var fields needed instead of leaking a template error."""

from __future__ import annotations

from bot.app.cli import main
from bot.services.broadcasting import NOTICES, notice_fields


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_templates_lists_every_notice_with_its_fields(tmp_path, capsys):
    code, out, err = run(capsys, "templates", "--db", str(tmp_path / "g.sqlite3"))

    assert code == 0, err
    for name in NOTICES:
        assert f"\n{name}：" in out
        for field in notice_fields(name, "zh_CN"):
            assert f"--var {field}=" in out


def test_a_template_without_its_fields_lists_the_vars_needed(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")

    code, out, err = run(capsys, "broadcast", "--audience", "JH", "--template", "rumour", "--var", "rumour=明天封城",
                         "--db", db)

    assert code == 1
    assert "--var truth=" in err and "--var source=" in err and "--var rumour=…    " not in err
    assert "undefined" not in err and "Traceback" not in err
    assert "--template rumour --var rumour=… --var truth=… --var source=…" in err
    assert not (tmp_path / "g.sqlite3").exists()          # refused before anything was opened


def test_english_names_the_fields_in_english(tmp_path, capsys):
    config = tmp_path / "gridbot.toml"
    config.write_text('locale = "en"\n')

    code, _, err = run(capsys, "broadcast", "--audience", "JH", "--template", "tip_reward", "--config", str(config),
                       "--db", str(tmp_path / "g.sqlite3"))

    assert code == 1 and "--var reward=…    the reward" in err and "--var hotline=" in err
