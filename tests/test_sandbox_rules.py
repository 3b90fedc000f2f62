"""The sandbox judges the bot by its own rules: it imports nothing of the bot, refuses what Telegram refuses,
keeps updates until they are confirmed, and lets a test act as people do in Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import pytest
from telegram import (Bot, BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeAllGroupChats,
                      BotCommandScopeAllPrivateChats, BotCommandScopeChat, BotCommandScopeChatAdministrators,
                      BotCommandScopeDefault, InputMediaDocument, KeyboardButton, ReplyKeyboardMarkup,
                      ReplyKeyboardRemove)
from telegram.error import BadRequest

from sandbox import Sandbox, SandboxDriver
from sandbox.telegram_rules import ApiError, check_markup, check_text, utf16_len, visible_text
from sandbox.window import SlidingWindow

SANDBOX = Path(__file__).resolve().parent.parent / "sandbox"
BOT_PACKAGES = {"bot", "handlers", "db", "messages"}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            # A relative import stays inside the sandbox package.
            found.add("sandbox" if node.level else node.module or "")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.add(str(node.args[0].value))
    return found


def test_no_sandbox_module_imports_the_bot():
    modules = sorted(SANDBOX.glob("*.py"))
    assert len(modules) >= 5
    offending = {f"{path.name}: {name}" for path in modules for name in imported_modules(path)
                 if name.split(".")[0] in BOT_PACKAGES}
    assert not offending


@pytest.mark.parametrize(("html", "visible"), [
    ("plain", "plain"),
    ("<b>bold</b> <i>i</i> <u>u</u> <s>s</s> <STRONG>x</STRONG>", "bold i u s x"),
    ('<span class="tg-spoiler">secret</span><tg-spoiler>!</tg-spoiler>', "secret!"),
    ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link"),
    ('<pre><code class="language-python">x &lt; 1</code></pre>', "x < 1"),
    ("<blockquote expandable>quote</blockquote>", "quote"),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
    ("&lt;&gt;&amp;&quot; &#20013;&#x6587; &#128512;", '<>&" 中文 😀'),
    ("a > b", "a > b"),
    ("<b>a</>", "a"),
])
def test_html_the_parse_mode_accepts(html, visible):
    assert visible_text(html) == visible


@pytest.mark.parametrize(("html", "reason"), [
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("字<b", "Unclosed start tag at byte offset 3"),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ("<tg-emoji>x</tg-emoji>", 'Tag "tg-emoji"'),
    ("AT&T", "Character '&' must be escaped"),
    ("&nbsp;", 'Unsupported HTML entity "&nbsp;"'),
    ("&#xD800;", "Unsupported HTML entity"),
    ('<a href="x>y</a>', "Unclosed end of attribute value"),
])
def test_html_the_parse_mode_refuses(html, reason):
    with pytest.raises(ApiError) as refused:
        visible_text(html)
    assert refused.value.description.startswith("Bad Request: can't parse entities: ")
    assert reason in refused.value.description


def test_lengths_are_counted_after_parsing_in_utf16_units():
    assert utf16_len("a字😀") == 4
    assert check_text("<b>" + "x" * 4096 + "</b>", "HTML") == "x" * 4096
    assert check_text("😀" * 2048, None) == "😀" * 2048
    for text, mode, caption, reason in [("😀" * 2048 + "x", None, False, "message is too long"),
                                        ("x" * 1025, None, True, "message caption is too long"),
                                        ("<b> </b>", "HTML", False, "message text is empty"),
                                        ("", None, False, "message text is empty")]:
        with pytest.raises(ApiError, match=reason):
            check_text(text, mode, caption=caption)


def test_keyboards_as_the_bot_api_checks_them():
    assert check_markup({"inline_keyboard": [[{"text": "ok", "callback_data": "字" * 21}]]})
    assert check_markup({"keyboard": [[{"text": "share", "request_contact": True}], ["plain"]]})
    assert check_markup({"remove_keyboard": True})
    for markup, reason in [({"inline_keyboard": [[{"text": "x", "callback_data": "字" * 22}]]}, "BUTTON_DATA_INVALID"),
                           ({"inline_keyboard": [[{"text": "x", "callback_data": ""}]]}, "BUTTON_DATA_INVALID"),
                           ({"inline_keyboard": [[{"text": "", "callback_data": "x"}]]}, "BUTTON_TEXT_INVALID"),
                           ({"inline_keyboard": [[{"text": "x"}]]}, "Text buttons are unallowed"),
                           ({"keyboard": [[{"text": ""}]]}, "BUTTON_TEXT_INVALID"),
                           ({"something": 1}, "can't parse reply keyboard markup")]:
        with pytest.raises(ApiError, match=reason):
            check_markup(markup)


def test_the_sandbox_window_never_lets_more_than_n_in_any_span():
    window, accepted = SlidingWindow(3, 1.0), []
    for step in range(40):
        now = step * 0.1
        if window.wait(now) == 0:
            window.add(now)
            accepted.append(now)
    assert all(sum(1 for t in accepted if start <= t < start + 1.0 - 1e-9) <= 3 for start in accepted)
    assert accepted[:4] == [0.0, 0.1, 0.2, 1.0]


# ----- over HTTP ------------------------------------------------------------------------------------
@pytest.fixture
async def sandbox():
    async with Sandbox() as server:
        yield server


@pytest.fixture
async def people(sandbox):
    async with SandboxDriver(sandbox.url) as driver:
        yield driver


async def test_an_update_stays_until_a_later_offset_confirms_it(sandbox, people):
    """Telegram's getUpdates: without an offset the unconfirmed updates come again; offset N confirms all below N."""
    user = await people.user("U")
    await user.says(user.id, "one")
    await user.says(user.id, "two")
    async with httpx.AsyncClient(base_url=f"{sandbox.base_url}{sandbox.token}") as api:
        async def get(**params):
            body = (await api.post("/getUpdates", json=params | {"timeout": 0})).json()
            assert body["ok"], body
            return [u["message"]["text"] for u in body["result"]], [u["update_id"] for u in body["result"]]

        texts, ids = await get()
        assert texts == ["one", "two"]
        assert (await get())[0] == ["one", "two"]            # fetched but unconfirmed: handed out again
        assert (await get(offset=ids[0]))[0] == ["one", "two"]
        assert (await get(offset=ids[1]))[0] == ["two"]
        assert (await get())[0] == ["two"]                   # "one" is confirmed and gone for good
        await user.says(user.id, "three")
        await user.says(user.id, "four")
        assert (await get(offset=-1))[0] == ["four"]         # a negative offset keeps only the last ones
        assert (await get(offset=ids[1] + 100))[0] == []


@pytest.fixture
async def tg(sandbox):
    async with Bot(sandbox.token, base_url=sandbox.base_url) as bot:
        yield bot


async def test_people_send_what_telegram_lets_them_and_ptb_reads_it(tg, people):
    user = await people.user("Resident", phone_number="+8613800000001")
    await user.start()
    await user.sends("photo", caption="门口")
    await user.sends("sticker")
    await user.sends("voice", duration=4)
    await user.sends("document", file_name="名单.txt", body="a,b")
    await user.sends("video")
    await user.sends("location", latitude=35.1, longitude=117.2)
    await user.sends("venue", title="社区服务中心", address="府前路 1 号")
    await user.sends_contact("+8613900000002", "Neighbour")
    await user.sends_contact("+8613900000003", "Forged", user_id=user.id)
    said = await user.says(user.id, "/nosuch arg")
    await user.edits(said, "/nosuch changed")
    messages = [u.effective_message for u in await tg.get_updates(timeout=0)]
    start, photo, sticker, voice, document, video, location, venue, contact, forged, unknown, edited = messages
    assert photo.photo[-1].file_id and photo.caption == "门口"
    assert sticker.sticker.emoji and voice.voice.mime_type == "audio/ogg" and video.video.width
    assert document.document.file_name == "名单.txt"
    assert location.location.latitude == pytest.approx(35.1)
    assert venue.venue.title == "社区服务中心" and venue.location is not None
    assert contact.contact.phone_number == "+8613900000002" and contact.contact.user_id is None
    assert forged.contact.user_id == user.id       # a contact card can carry anyone's id: the bot must check
    assert unknown.entities[0].type == "bot_command" and unknown.text == "/nosuch arg"
    assert edited.text == "/nosuch changed" and edited.edit_date is not None
    assert edited.message_id == unknown.message_id


async def test_a_request_contact_keyboard_is_seen_and_used(tg, people):
    user = await people.user("Resident", phone_number="+8613800000001")
    await user.start()
    ask = ReplyKeyboardMarkup([[KeyboardButton("分享手机号", request_contact=True)]], one_time_keyboard=True)
    await tg.send_message(user.id, "请分享手机号", reply_markup=ask)
    sent = await people.expect(user.id)
    assert sent.keyboard == [{"text": "分享手机号", "request_contact": True}]
    assert (await people.keyboard(user.id))[0]["request_contact"]
    await user.shares_contact()
    assert await people.keyboard(user.id) == []              # a one-time keyboard hides after use
    update = (await tg.get_updates(timeout=0))[-1]
    assert update.message.contact.user_id == user.id
    assert update.message.contact.phone_number == "+8613800000001"
    await tg.send_message(user.id, "menu", reply_markup=ReplyKeyboardMarkup([["/report"]]))
    await user.taps("/report")
    assert (await tg.get_updates(timeout=0))[-1].message.text == "/report"
    assert await people.keyboard(user.id) == [{"text": "/report"}]
    await tg.send_message(user.id, "done", reply_markup=ReplyKeyboardRemove())
    assert (await people.sent(user.id))[-1].removes_keyboard
    assert await people.keyboard(user.id) == []
    with pytest.raises(BadRequest, match="inline keyboard"):
        await tg.edit_message_text("x", chat_id=user.id, message_id=sent.message_id, reply_markup=ask)


async def test_files_media_groups_locations_and_edits_are_recorded(tg, people):
    user = await people.user("Worker")
    await user.start()
    await tg.send_document(user.id, "台账\n1,2\n".encode(), filename="ledger.csv", caption="<b>台账</b>",
                           parse_mode="HTML")
    document = await people.expect(user.id, kinds=("document",))
    assert document.text == "台账" and document.data["file_name"] == "ledger.csv"
    assert await people.document(document.data["file_id"]) == ("ledger.csv", "台账\n1,2\n".encode())
    again = await tg.send_document(user.id, document.data["file_id"])      # by file_id, as Telegram allows
    assert again.document.file_name == "ledger.csv"
    album = await tg.send_media_group(user.id, [InputMediaDocument(b"a", filename="a.csv"),
                                                InputMediaDocument(b"b", filename="b.csv")])
    assert [m.document.file_name for m in album] == ["a.csv", "b.csv"]
    assert len({m.media_group_id for m in album}) == 1
    with pytest.raises(BadRequest, match="between 2 and 10"):
        await tg.send_media_group(user.id, [InputMediaDocument(b"a", filename="a.csv")])
    photo = await tg.send_photo(user.id, b"\x89PNG", caption="图")
    assert photo.photo and photo.caption == "图"
    location = await tg.send_location(user.id, 35.08, 117.15)
    assert location.location.longitude == pytest.approx(117.15)
    text = await tg.send_message(user.id, "旧")
    edited = await tg.edit_message_text("<i>新</i>", chat_id=user.id, message_id=text.message_id, parse_mode="HTML")
    assert edited.text == "<i>新</i>"
    kinds = [e.kind for e in await people.events(chat_id=user.id)]
    assert kinds[-7:] == ["document", "document", "document", "photo", "location", "send", "edit"]


async def test_command_menus_per_scope_and_webhook_calls(tg, people):
    admin = await people.user("Admin")
    group = await people.group("群", [admin], added_by=admin)
    scopes = [BotCommandScopeDefault(), BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats(),
              BotCommandScopeAllChatAdministrators(), BotCommandScopeChat(group),
              BotCommandScopeChatAdministrators(group)]
    for number, scope in enumerate(scopes):
        await tg.set_my_commands([BotCommand(f"cmd{number}", f"命令 {number}")], scope=scope)
    await tg.set_my_commands([BotCommand("report", "Report")], scope=BotCommandScopeAllGroupChats(),
                             language_code="en")
    for number, scope in enumerate(scopes):
        assert [c.command for c in await tg.get_my_commands(scope=scope)] == [f"cmd{number}"]
    assert [c.command for c in await tg.get_my_commands(BotCommandScopeAllGroupChats(), "en")] == ["report"]
    assert await people.commands({"type": "chat", "chat_id": group}) == [{"command": "cmd4", "description": "命令 4"}]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await tg.set_my_commands([BotCommand("Bad-Name", "x")])
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await tg.set_my_commands([BotCommand("x", "x")], scope=BotCommandScopeChat(-42))
    await tg.delete_my_commands(scope=BotCommandScopeDefault())
    assert await tg.get_my_commands() == ()

    assert await tg.set_webhook("https://example.invalid/hook", secret_token="s3cret")
    assert (await tg.get_webhook_info()).url == "https://example.invalid/hook"
    assert await tg.delete_webhook(drop_pending_updates=True)
    assert (await tg.get_webhook_info()).url == ""
    hooks = await people.events(kinds=["webhook"])
    assert [(e.text, e.data.get("secret_token")) for e in hooks] == [("https://example.invalid/hook", "s3cret"),
                                                                      ("", None)]
