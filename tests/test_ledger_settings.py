"""The ledger's settings: `digest_cron` (default Monday 08:00 local) decides when the digest is due, and an office
may move it; a schedule or a score formula that cannot be read is refused naming its setting; the formula may use
only the assessment's figures and arithmetic."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.core.config import ConfigError, Settings
from bot.services.ledger import digest, formula

SETTINGS = Settings(database=":memory:")


def test_the_digest_is_due_at_the_time_of_digest_cron():
    monday_0805 = datetime(2026, 4, 13, 0, 5, tzinfo=timezone.utc)                 # 08:05 in Shanghai
    assert SETTINGS.digest_cron == "0 8 * * mon"
    assert digest.due(SETTINGS, monday_0805) == datetime(2026, 4, 13, 8, 0, tzinfo=SETTINGS.tz)
    friday = replace(SETTINGS, digest_cron="30 17 * * fri")
    assert digest.due(friday, monday_0805) is None                                   # last Friday is past the grace
    assert digest.due(friday, datetime(2026, 4, 17, 9, 31, tzinfo=timezone.utc)) \
        == datetime(2026, 4, 17, 17, 30, tzinfo=SETTINGS.tz)


@pytest.mark.parametrize("setting, value", [("digest_cron", "every monday"), ("digest_cron", "0 25 * * *"),
                                            ("assessment_formula", "__import__('os')"),
                                            ("assessment_formula", "handled.real"),
                                            ("assessment_formula", "40 * salary"),
                                            ("assessment_formula", "40 *")])
def test_settings_that_cannot_be_read_are_refused_by_name(setting, value):
    changed = replace(SETTINGS, **{setting: value})
    with pytest.raises(ConfigError) as refused:
        digest.check_schedule(changed)
        formula.parse(changed.assessment_formula)
    assert refused.value.context["name"] == setting


def test_the_default_formula_weighs_every_figure_it_names():
    tree = formula.parse(SETTINGS.assessment_formula)
    figures = dict.fromkeys(formula.NAMES, 0.0) | {"accept_on_time": 1.0, "resolve_on_time": 1.0,
                                                   "satisfaction": 1.0}
    assert formula.evaluate(tree, figures) == 100.0
    assert formula.evaluate(tree, figures | {"tasks": 10}) == 101.0
    assert formula.evaluate(tree, figures | {"overdue": 1, "escalated_away": 1}) == 93.0
