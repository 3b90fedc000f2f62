"""The settings of tips and gatherings: rewards per tip type as a TOML table, and the limits checked."""

from __future__ import annotations

import pytest

from bot.core.config import ConfigError, load_settings


def test_rewards_per_type_come_as_a_table(tmp_path):
    path = tmp_path / "gridbot.toml"
    path.write_text("[gridbot]\ntips_per_day = 5\ngathering_grid_max = 30\n"
                    "[gridbot.tip_reward_by_type]\narrival = 500\nrisk = 0\n", encoding="utf-8")
    settings = load_settings(path, env={})
    assert settings.tips_per_day == 5 and settings.gathering_grid_max == 30
    assert settings.tip_reward("arrival") == 500 and settings.tip_reward("risk") == 0
    assert settings.tip_reward("other") == 0                    # a type the table leaves out earns nothing


@pytest.mark.parametrize("toml", [
    "tip_reward_by_type = [\"arrival=5\"]", "[tip_reward_by_type]\narrival = -1", "[tip_reward_by_type]\narrival = 1.5",
    "gathering_grid_max = 300", "gathering_remind_hour = 24", "map_url = \"https://maps.example/\"",
    "tips_per_day = 0"])
def test_bad_values_are_refused(tmp_path, toml):
    path = tmp_path / "gridbot.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(path, env={})
