"""The driver's side of the sandbox (`/sandbox/<action>`): act as people, read what the bot did, inject faults."""

from __future__ import annotations

import asyncio
import base64
import bisect
import time
from typing import TYPE_CHECKING, Any, get_args

from sandbox.limits import Fault, FaultKind
from sandbox.media import media_fields
from sandbox.state import ApiError, _as_int
from sandbox.telegram_rules import scope_key

if TYPE_CHECKING:
    from sandbox.server import Sandbox


async def control(sandbox: Sandbox, action: str, b: dict[str, Any]) -> Any:
    """Run one control action; the README's "The sandbox's control API" lists them."""
    world = sandbox.world
    if action == "user":
        user = world.user(int(b["id"]), b.get("first_name"), last_name=b.get("last_name"),
                          username=b.get("username"), language_code=b.get("language_code"),
                          phone_number=b.get("phone_number"))
        return user.as_api()
    if action == "group":
        chat = world.create_group(b["title"], [int(m) for m in b.get("members", [])], int(b["by_user"]),
                                  bool(b.get("admin")), _as_int(b.get("chat_id")), b.get("type", "group"))
        return chat.as_api(world.users)
    if action == "say":
        return world.user_says(int(b["user_id"]), int(b["chat_id"]), str(b["text"]))
    if action == "send":
        return world.user_sends(int(b["user_id"]), int(b["chat_id"]), media_fields(world, str(b["kind"]), b))
    if action == "contact":
        contact_user = b.get("contact_user_id")
        return world.user_shares_contact(int(b["user_id"]), str(b["phone"]),
                                         int(contact_user) if contact_user is not None else None,
                                         b.get("first_name"))
    if action == "post":
        return world.user_sends(int(b["user_id"]), int(b["chat_id"]), dict(b["fields"]))
    if action == "edit":
        return world.user_edits(int(b["user_id"]), int(b["chat_id"]), int(b["message_id"]), str(b["text"]))
    if action == "tap":
        return world.tap(int(b["user_id"]), int(b["chat_id"]), str(b["label"]))
    if action == "keyboard":
        seen = world.find_chat(b["chat_id"])
        return seen.reply_keyboard if seen else None
    if action == "press":
        return world.press(int(b["user_id"]), int(b["chat_id"]), int(b["message_id"]), str(b["data"]),
                           bool(b.get("forge")))
    if action == "block":
        user = world.users[int(b["user_id"])]
        user.blocked = True
        world.record("blocked", user.id)
        return True
    if action == "bot_status":
        world.set_bot_status(world.chats[int(b["chat_id"])], b["status"], int(b["by_user"]))
        return True
    if action == "migrate":
        return world.migrate(world.chats[int(b["chat_id"])]).as_api(world.users)
    if action == "redeliver":
        world.redeliver(int(b["update_id"]))
        return True
    if action == "events":
        kinds = b.get("kinds")
        if isinstance(kinds, str):          # from a query string: ?kinds=send,edit
            kinds = [k for k in kinds.split(",") if k]
        return await wait_events(sandbox, int(b.get("after", 0)), float(b.get("timeout", 0)),
                                 _as_int(b.get("chat_id")), kinds)
    if action == "messages":
        return list(world.chats[int(b["chat_id"])].messages.values())
    if action == "document":
        stored = world.files[b["file_id"]]
        return {"file_name": stored.name, "mime_type": stored.mime_type, "size": len(stored.body),
                "body": stored.body.decode("utf-8", "replace"), "base64": base64.b64encode(stored.body).decode()}
    if action == "commands":
        return world.commands.get(scope_key(b.get("scope"), b.get("language_code")), [])
    if action == "fault":
        if b["kind"] not in get_args(FaultKind):
            raise ApiError(400, f"sandbox: unknown fault kind {b['kind']!r}; one of {get_args(FaultKind)}")
        sandbox.faults.append(Fault(b["kind"], b.get("method"), int(b.get("count", 1)), int(b.get("retry_after", 1)),
                                    int(b.get("status", 500)), float(b.get("delay", 0)), _as_int(b.get("chat_id"))))
        return True
    if action == "clear_faults":
        sandbox.faults.clear()
        return True
    if action == "limits":
        sandbox.limits.configure(b.get("overall_per_sec"), b.get("group_per_min"), b.get("chat_per_sec"))
        return True
    if action == "stats":
        return {"calls": dict(sandbox.calls), "injected": dict(sandbox.injected),
                "refused_429": sandbox.limits.refused, "accepted_sends": sandbox.limits.accepted,
                "pending_updates": len(world.updates), "events": len(world.events), "commands": world.commands,
                "webhook_url": world.webhook_url}
    if action == "idle":
        return await wait_idle(sandbox, float(b.get("timeout", 5)))
    raise ApiError(404, f"sandbox: unknown action {action}")


async def wait_events(sandbox: Sandbox, after: int, timeout: float, chat_id: int | None,
                      kinds: Any) -> list[dict[str, Any]]:
    """Events after sequence number `after` (in one chat, of some kinds), waiting up to `timeout` for one."""
    world = sandbox.world
    deadline = time.monotonic() + timeout
    while True:
        if chat_id is None:
            pool = world.events[after:]
        else:
            in_chat = world.chat_events.get(chat_id, [])
            pool = in_chat[bisect.bisect_right(in_chat, after, key=lambda e: e.seq):]
        found = [vars(e) for e in pool if not kinds or e.kind in kinds]
        remaining = deadline - time.monotonic()
        if found or remaining <= 0:
            return found
        async with world.changed:
            try:
                await asyncio.wait_for(world.changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass


async def wait_idle(sandbox: Sandbox, timeout: float) -> bool:
    """Wait until every update was fetched and the bot has been quiet for a moment."""
    world = sandbox.world
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = len(world.events)
        if not world.updates:
            await asyncio.sleep(0.15)
            if not world.updates and len(world.events) == before:
                return True
        else:
            await asyncio.sleep(0.02)
    return False
