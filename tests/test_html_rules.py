"""The bot's HTML rules (bot/core/telegram_html.py), checked against the sandbox's independent ones."""

from __future__ import annotations

import random
import re

import pytest

from bot.core.telegram_html import EntityError, parse_html, split_html, utf16_len
from sandbox.telegram_rules import ApiError, check_text, visible_text
from sandbox.telegram_rules import utf16_len as sandbox_utf16_len

ACCEPTED = [
    "plain 文本",
    "<b>bold</b> <i>i</i> <u>u</u> <s>s</s> <STRONG>x</STRONG> <em>e</em> <ins>i</ins> <del>d</del>",
    '<span class="tg-spoiler">secret</span><tg-spoiler>!</tg-spoiler>',
    '<a href="https://example.com/?a=1&amp;b=2">link</a>',
    '<pre><code class="language-python">x &lt; 1</code></pre>',
    "<blockquote expandable>quote</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "&lt;&gt;&amp;&quot; &#20013;&#x6587; &#128512;",
    "a > b",
]
# Each refused by Telegram's server as "can't parse entities".
REFUSED = ["a < b", "<div>x</div>", "<b>x", "<b><i>x</b></i>", "x</b>", "字<b", "<span>x</span>",
           '<span class="other">x</span>', "<tg-emoji>x</tg-emoji>", "AT&T", "&nbsp;", "<b>x</i>"]


@pytest.mark.parametrize("html", ACCEPTED)
def test_the_bot_reads_valid_html_as_telegram_does(html):
    assert parse_html(html) == visible_text(html)


@pytest.mark.parametrize("html", REFUSED)
def test_the_bot_refuses_what_telegram_refuses(html):
    with pytest.raises(ApiError):
        visible_text(html)
    with pytest.raises(EntityError):
        parse_html(html)


@pytest.mark.parametrize("text", ["", "abc", "中文", "😀", "a😀b", "👩‍👩‍👧", "\U0001F1E8\U0001F1F3", "é"])
def test_utf16_len_agrees_with_the_sandbox(text):
    assert utf16_len(text) == sandbox_utf16_len(text)


def chunks_ok(original: str, chunks: list[str], limit: int = 4096) -> list[str]:
    """Check what every split must hold; return each chunk's visible text."""
    assert chunks
    seen = []
    for chunk in chunks:
        visible = check_text(chunk, "HTML")               # valid on its own, and Telegram's length limit
        assert sandbox_utf16_len(visible) <= limit
        seen.append(visible)
    whole = visible_text(original)
    # Nothing but the line breaks at the cuts (and whitespace-only pieces) may be lost.
    assert re.sub(r"\s", "", "".join(seen)) == re.sub(r"\s", "", whole)
    position = 0
    for visible in seen:
        while not whole.startswith(visible, position):
            assert whole[position].isspace(), f"text lost at {position}"
            position += 1
        position += len(visible)
    assert whole[position:].strip() == ""
    return seen


def test_short_text_is_not_split():
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_lines_are_kept_whole_and_tags_closed_and_reopened():
    lines = [f"第{n}行 " + "字" * 55 for n in range(200)]
    original = '<b>标题</b>\n<a href="https://example.com/?x=1&amp;y=2"><i>' + "\n".join(lines) + "</i></a>"
    chunks = split_html(original)
    assert len(chunks) >= 3
    seen = chunks_ok(original, chunks)
    for chunk, visible in zip(chunks[1:], seen[1:]):
        assert chunk.startswith('<a href="https://example.com/?x=1&amp;y=2"><i>')
        assert visible.split("\n")[0] in lines                 # starts at a line's beginning
    for chunk, visible in zip(chunks[:-1], seen[:-1]):
        assert chunk.endswith("</i></a>")
        assert visible.split("\n")[-1] in lines                # ends at a line's end
    assert "".join(seen).count("字") == 200 * 55


def test_a_single_over_long_line_is_cut_at_the_limit():
    chunks = split_html("<u>" + "x" * 10000 + "</u>")
    assert [len(visible_text(c)) for c in chunks] == [4096, 4096, 1808]
    assert all(c.startswith("<u>") and c.endswith("</u>") for c in chunks)


@pytest.mark.parametrize("original", [
    "x" * 4095 + "😀" * 3,                                 # a surrogate pair does not fit in the last unit
    "\n" + "x" * 4095 + "😀" + "y",                        # cut at a line end, and the rest still too long
    "x" * 4096 + "\n" + "y" * 4095 + "😀😀",
    "x" * 4095 + "&#128512;" + "y" * 10,                   # an entity that reads as two UTF-16 units
    "字" * 4000 + "&amp;" * 200,
])
def test_wide_characters_at_the_boundary(original):
    chunks_ok(original, split_html(original))


def test_random_html_splits_keep_every_rule():
    rng = random.Random(7)
    words = ["字", "ab", "😀", "&lt;", "&amp;", "&#128512;", " ", "\n", "\n\n", "é"]
    tags = ["b", "i", "u", "s", "code", 'a href="https://e.x/?q=1&amp;r=2"', 'span class="tg-spoiler"']
    for _ in range(30):
        parts, stack = [], []
        for _ in range(rng.randint(3000, 9000)):
            roll = rng.random()
            if roll < 0.01 and len(stack) < 3:
                tag = rng.choice(tags)
                stack.append(tag.split()[0])
                parts.append(f"<{tag}>")
            elif roll < 0.02 and stack:
                parts.append(f"</{stack.pop()}>")
            else:
                parts.append(rng.choice(words))
        original = "".join(parts) + "".join(f"</{t}>" for t in reversed(stack))
        limit = rng.choice([4096, 1024, 200])
        chunks_ok(original, split_html(original, limit), limit)
