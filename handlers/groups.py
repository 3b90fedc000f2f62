"""Group chats: /bind and /unbind a grid, supergroup migration, the bot added or removed."""

from __future__ import annotations

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.services.accounts import blocked_by
from bot.services.groups import bind_group, follow_migration, record_bot_status, unbind_group
from handlers.common import Context, answer, is_private, now_stamp, once

MEMBER_STATUSES = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


async def bind(update: Update, context: Context) -> None:
    if is_private(update):
        await answer(update, context, "groups/only_in_group", command="bind")
        return
    if len(context.args or []) != 1:
        await answer(update, context, "groups/bind_usage")
        return
    chat, user = update.effective_chat, update.effective_user
    outcome = await once(
        update, context, bind_group, chat.id, chat.title or "", chat.type, user.id, context.args[0], now_stamp(context)
    )
    await answer(update, context, f"groups/bind_{outcome.status}", area=outcome.area, code=context.args[0])


async def unbind(update: Update, context: Context) -> None:
    if is_private(update):
        await answer(update, context, "groups/only_in_group", command="unbind")
        return
    outcome = await once(
        update, context, unbind_group, update.effective_chat.id, update.effective_user.id, now_stamp(context)
    )
    await answer(update, context, f"groups/unbind_{outcome.status}", area=outcome.area)


async def migrated(update: Update, context: Context) -> None:
    message = update.effective_message
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id, message.chat_id
    await once(update, context, follow_migration, old, new, now_stamp(context))


async def bot_membership(update: Update, context: Context) -> None:
    change: ChatMemberUpdated = update.my_chat_member
    chat = change.chat
    member = change.new_chat_member.status in MEMBER_STATUSES
    now = now_stamp(context)
    if chat.type == chat.PRIVATE:
        if not member:
            await once(update, context, blocked_by, chat.id, now)
        return
    by_user = change.from_user.id if change.from_user else None
    await once(update, context, record_bot_status, chat.id, chat.title or "", chat.type, member, by_user, now)


def handlers() -> list:
    return [
        CommandHandler("bind", bind),
        CommandHandler("unbind", unbind),
        MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
        ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
