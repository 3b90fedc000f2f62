"""Group chats: /bind and /unbind a grid, supergroup migration, the bot added (it introduces itself) or removed."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.services.accounts import blocked_by
from bot.services.areas import echo, first_grid_code
from bot.services.groups import bind_group, follow_migration, record_bot_status, unbind_group
from bot.services.help import group_intro
from handlers.common import Context, answer, is_private, now_stamp, once, runtime

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
    outcome = await once(update, context, bind_group, chat.id, chat.title or "", chat.type, user.id, code,
                         now_stamp(context))
    await answer(update, context, f"groups/bind_{outcome.status}", area=outcome.area, code=echo(code))


async def unbind(update: Update, context: Context) -> None:
    if is_private(update):
        await answer(update, context, "groups/only_in_group", command="unbind")
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    outcome = await once(update, context, unbind_group, chat.id, user.id, now_stamp(context))
    await answer(update, context, f"groups/unbind_{outcome.status}", area=outcome.area)


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
    changed = await once(update, context, record_bot_status, chat.id, chat.title or "", chat.type, member, by_user,
                         now)
    if changed and member:
        intro = await runtime(context).db.read(group_intro, chat.id)
        await answer(update, context, "groups/intro", grid=intro.grid, example=intro.example)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("bind", bind),
        CommandHandler("unbind", unbind),
        MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
        ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
