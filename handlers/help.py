"""/help everywhere, and each staff member's own command menu in their private chat."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.services.help import GROUP_ADMINS, menu_of, standing
from handlers.common import Context, answer, is_private, reader_locale, runtime
from handlers.report import REPORT_PREFIX
from messages import locale_for, render

MENU_GROUP = 1          # runs after the /start handler of group 0 has committed and answered


async def help_command(update: Update, context: Context) -> None:
    locale, user = reader_locale(update, context), update.effective_user
    if user is None:
        return
    if not is_private(update):
        entries = [(name, render(f"commands/{name}", locale)) for name in GROUP_ADMINS]
        await answer(update, context, "help/group", entries=entries, username=context.bot.username)
        return
    found = await runtime(context).db.read(standing, user.id)
    entries = [(name, render(f"commands/{name}", locale)) for name in found.commands]
    await answer(update, context, "help/private", entries=entries, roles=found.roles, grids=found.grids)
    if found.person is not None:
        await refresh_menu(context, user.id)


async def refresh_menu(context: Context, user_id: int) -> None:
    """Give a linked person the menu of their roles in their private chat (BotCommandScopeChat). Called after
    the change that linked them has committed; a failure leaves the general menu, which is harmless."""
    user_id, names, language = await runtime(context).db.read(menu_of, user_id)
    locale = locale_for(language, runtime(context).settings.locale)
    commands = [BotCommand(name, render(f"commands/{name}", locale)) for name in names]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except TelegramError:
        pass


async def menu_after_start(update: Update, context: Context) -> None:
    """/start (plain or an invite link): whoever is linked now gets their menu."""
    payload, user = (context.args[0] if context.args else ""), update.effective_user
    if user is None or payload.startswith(REPORT_PREFIX):
        return                                      # a resident's report link: nothing changed about them
    found = await runtime(context).db.read(standing, user.id)
    if found.person is not None:
        await refresh_menu(context, user.id)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("help", help_command)]


def late_handlers() -> list[tuple[int, BaseHandler[Update, Context, None]]]:
    """Handlers that run in a later group, after the update's own handler."""
    return [(MENU_GROUP, CommandHandler("start", menu_after_start, filters=filters.ChatType.PRIVATE))]
