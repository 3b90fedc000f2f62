"""The deployment recipes hold together: the example settings load, the proxies forward the webhook's path, the
systemd unit verifies (where systemd-analyze exists)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.core.config import load_settings

DEPLOY = Path(__file__).parent.parent / "deploy"


def test_the_example_settings_load_and_the_proxies_forward_the_webhook_path():
    settings = load_settings(DEPLOY / "gridbot.toml", env={"GRIDBOT_WEBHOOK_SECRET": "s" * 40})
    path = urlsplit(settings.webhook_url).path
    assert settings.webhook_secret == "s" * 40 and settings.backup_cron and settings.webhook_listen.endswith(":8443")
    assert f"location = {path} " in (DEPLOY / "nginx.conf").read_text()
    assert f"path {path}\n" in (DEPLOY / "Caddyfile").read_text()
    unit = (DEPLOY / "gridbot.service").read_text()
    for needed in ("ProtectSystem=strict", "ReadWritePaths=/var/lib/gridbot", "EnvironmentFile=", "Restart=on-failure",
                   "RestartPreventExitStatus=2"):
        assert needed in unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_unit_verifies(tmp_path):
    program = tmp_path / "gridbot"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    # The unit names the installed program; verify checks that it exists, so point it at a stand-in.
    unit = (DEPLOY / "gridbot.service").read_text().replace("/opt/gridbot/bin/gridbot", str(program))
    (tmp_path / "gridbot.service").write_text(unit)
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "gridbot.service")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "gridbot.service" not in result.stderr, result.stderr


@pytest.mark.parametrize("body, named", [
    ('webhook_url = "http://bot.example.org/tg"\n', "webhook_url"),
    ('webhook_secret = "has spaces"\n', "webhook_secret"),
    ('webhook_listen = "8443"\n', "webhook_listen"),
    ('health_listen = "127.0.0.1:99999"\n', "health_listen"),
    ('proxy = "ftp://p:21"\n', "proxy"),
    ('backup_cron = "every night"\n', "backup_cron"),
    ('retain_personal_days = 0\n', "retain_personal_days"),
])
def test_production_settings_are_checked(tmp_path, body, named):
    from bot.core.config import ConfigError

    config = tmp_path / "gridbot.toml"
    config.write_text(body)
    with pytest.raises(ConfigError) as refused:
        load_settings(config, env={})
    assert refused.value.context["name"] == named
    assert "has spaces" not in str(refused.value.context["value"])      # a secret is not echoed
