"""A button's label typed instead of pressed (`火车`, `有点咳嗽`): the option it names, in any locale, when only one
fits; else the step is asked again naming its choices."""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from jinja2 import TemplateError

from bot.services.flows.model import Flow, Invalid, Option, Prompt, Step
from bot.services.views import Message
from messages import LOCALES, label

# Words that turn "I have a cough" into "I have no cough": such a text is not taken as the label it contains.
NEGATION = re.compile(r"[不没無无未非别]|\b(?:no|not|none|without)\b")
IGNORED = frozenset(("P", "Z", "S", "C"))            # punctuation, spaces, symbols (emoji), controls


def squeeze(text: str) -> str:
    """What is compared: NFKC, case-folded, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold()
                   if unicodedata.category(ch)[0] not in IGNORED)


def option_message(flow: Flow, step: Step, option: Option) -> Message:
    return Message(flow.template("option"), {"key": step.key, "value": option.value})


def labels(flow: Flow, step: Step, option: Option) -> list[str]:
    """The option's words as a button shows them, in every locale (a name from the data has one)."""
    if option.text is not None:
        return [option.text]
    message = option_message(flow, step, option)
    try:
        return [label(message.template, locale, **{k: str(v) for k, v in message.context.items()})
                for locale in LOCALES]
    except TemplateError:                  # an option declared without words yet: it can only be pressed
        return []


def closest(text: str, options: Sequence[tuple[Option, Sequence[str]]]) -> Option | None:
    """The option whose label is the text; else the only one whose label is in the text or holds it."""
    typed = squeeze(text)
    if not typed:
        return None
    words = {id(option): [w for w in map(squeeze, names) if w] for option, names in options}
    exact = [option for option, _ in options if typed in words[id(option)]]
    if exact:
        return exact[0] if len(exact) == 1 else None
    negated = NEGATION.search(unicodedata.normalize("NFKC", text).casefold()) is not None
    near = [option for option, _ in options
            if any((w in typed and not (negated and NEGATION.search(w) is None)) or (len(typed) >= 2 and typed in w)
                   for w in words[id(option)])]
    return near[0] if len(near) == 1 else None


def choose(flow: Flow, step: Step, text: str, prompt: Prompt) -> Option:
    """The option `text` names among the prompt's; Invalid `not_a_choice` (naming them) when none or several do."""
    named = [(o, labels(flow, step, o)) for o in prompt.options]
    found = closest(text, named)
    if found is None and not (named and all(words for _, words in named)):
        raise Invalid("use_buttons")
    if found is None:
        raise Invalid("not_a_choice", choices=tuple(o.text if o.text is not None else option_message(flow, step, o)
                                                    for o in prompt.options))
    return found
