"""messages.warm(): after it, the environments of every locale hold every template, so rendering compiles none."""

from __future__ import annotations

import pytest
from jinja2 import BaseLoader, Environment

from messages import LOCALES, environment, render, template_names, warm
from messages.names import is_label
from tests.test_messages import sample_context


def files_of(env: Environment) -> set[str]:
    return set(env.list_templates(extensions=["html", "txt"]))


def test_warm_loads_every_template_file_of_every_locale():
    assert warm() == sum(len(files_of(environment(locale))) for locale in LOCALES)
    for locale in LOCALES:
        env = environment(locale)
        held = {name for _, name in env.cache.keys()} if env.cache is not None else set()
        assert files_of(env) <= held, f"{locale}: not loaded {sorted(files_of(env) - held)}"


def test_after_warm_rendering_any_template_reads_no_source(monkeypatch: pytest.MonkeyPatch):
    names = [n for n in template_names() if not is_label(n)]
    contexts = {name: sample_context(name) for name in names}      # reads sources: before the loaders refuse
    warm()

    def refuse(environment: Environment, template: str) -> tuple[str, str | None, None]:
        raise AssertionError(f"{template} loaded (compiled) after warm-up")

    for locale in LOCALES:
        loader = environment(locale).loader
        assert isinstance(loader, BaseLoader)
        monkeypatch.setattr(loader, "get_source", refuse)
    for locale in LOCALES:
        for name in names:
            assert render(name, locale, **contexts[name]).strip()
