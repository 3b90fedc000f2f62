"""Group chats: /bind and /unbind a grid, supergroup migration, the bot added (it introduces itself) or removed."""

from __future__ import annotations

from typing import Any

from telegram import ChatMember, Update
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.services.accounts import blocked_by
from bot.services.areas import echo, first_grid_code
from bot.services.groups import bind_group, follow_migration, record_bot_status, unbind_group
from bot.services.help import GroupIntro, group_intro
from handlers.common import Context, answer, is_private, now_stamp, once, replying, runtime

MEMBER_STATUSES = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


async def bind(update: Update, context: Context) -> None:
    if is_private(update):
        await answer(update, context, "groups/only_in_group", command="bind")
        return
    chat, user, args = update.effective_chat, update.effective_user, context.args or []
    if chat is None or user is None:
        return
    if len(args) != 1:
        await answer(update, context, "groups/bind_usage", example=await runtime(context).db.read(first_grid_code))
        return
    code = args[0]
    await once(update, context, bind_group, chat.id, chat.title or "", chat.type, user.id, code, now_stamp(context),
               replies=replying(update, context, lambda outcome: f"groups/bind_{outcome.status}",
                                lambda outcome: {"area": outcome.area, "code": echo(code)}))


async def unbind(update: Update, context: Context) -> None:
    if is_private(update):
        await answer(update, context, "groups/only_in_group", command="unbind")
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    await once(update, context, unbind_group, chat.id, user.id, now_stamp(context),
               replies=replying(update, context, lambda outcome: f"groups/unbind_{outcome.status}",
                                lambda outcome: {"area": outcome.area}))


async def migrated(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    await once(update, context, follow_migration, old, new, now_stamp(context))


async def bot_membership(update: Update, context: Context) -> None:
    """The bot's own membership changed: a private chat blocked, or the bot added to or removed from a group.
    Added, it introduces itself and says how to bind the group (or which grid it is bound to)."""
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    member = change.new_chat_member.status in MEMBER_STATUSES
    now = now_stamp(context)
    if chat.type == chat.PRIVATE:
        if not member:
            await once(update, context, blocked_by, chat.id, now)
        return
    by_user = change.from_user.id if change.from_user else None
    await once(update, context, introduced, chat.id, chat.title or "", chat.type, member, by_user, now,
               replies=replying(update, context, lambda intro: "groups/intro" if intro else None,
                                lambda intro: {"grid": intro.grid, "example": intro.example} if intro else {}))


def introduced(conn: Any, chat_id: int, title: str, chat_type: str, member: bool, by_user: int | None,
               now: str) -> GroupIntro | None:
    """The bot's membership recorded; when it was just added, what it says to introduce itself (read in the
    same transaction, so that the introduction is queued with the change)."""
    changed = record_bot_status(conn, chat_id, title, chat_type, member, by_user, now)
    return group_intro(conn, chat_id) if changed and member else None


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("bind", bind),
        CommandHandler("unbind", unbind),
        MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
        ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
