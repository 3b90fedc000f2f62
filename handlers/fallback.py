"""What nothing else handled: photos, stickers, locations, contacts, voice, files, edited messages and
unknown commands. In private each gets a short answer saying what the bot expects now; in groups the bot
stays quiet, except for a command addressed to it by name (a location or a contact posted in a group is
personal data and is never echoed)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.services import intake
from bot.services.areas import echo
from bot.services.views import Screen
from handlers.conversation import render_screen
from handlers.common import Context, is_private, reader_locale, runtime, send
from messages import render

EDITS_GROUP = -1        # before every other handler, so that no command or answer is taken from an edit
# Message attributes checked in this order to name what was sent; anything else is "other".
KINDS = ("photo", "sticker", "location", "venue", "contact", "voice", "audio", "video", "video_note",
         "animation", "document", "poll", "dice")


def kind_of(message: Message) -> str:
    return next((kind for kind in KINDS if getattr(message, kind, None)), "other")


async def unsupported(update: Update, context: Context) -> None:
    """Anything but text in private."""
    if update.effective_message is None:
        return
    what = render("fallback/received", reader_locale(update, context), kind=kind_of(update.effective_message))
    await _reply_expecting(update, context, what)


async def unknown_command(update: Update, context: Context) -> None:
    """A command no handler took: in private always, in a group only when addressed to this bot."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command, _, addressee = message.text.split()[0].lstrip("/").partition("@")
    if not is_private(update) and addressee.lower() != (context.bot.username or "").lower():
        return                      # meant for another bot, or for everyone: not ours to answer in a group
    what = render("fallback/unknown_command", reader_locale(update, context), command=echo(command))
    await _reply_expecting(update, context, what)


async def edited(update: Update, context: Context) -> None:
    """An edit is never taken as an answer or a command; in private the person is told to send it again."""
    if is_private(update):
        await _reply_expecting(update, context, render("fallback/edited", reader_locale(update, context)))
    raise ApplicationHandlerStop


async def _reply_expecting(update: Update, context: Context, what: str) -> None:
    """`what` happened, then what the bot waits for: the current question asked again, or a pointer to /help."""
    locale, chat, user = reader_locale(update, context), update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    markup: InlineKeyboardMarkup | None = None
    view = None
    if is_private(update):
        rt = runtime(context)
        view = await rt.db.read(intake.current_view, rt.settings, user.id, rt.now())
    if view is None:
        text = f"{what}\n{render('fallback/see_help', locale)}"
    else:
        question, markup = _question(view, locale, context)
        text = f"{what}\n{render('fallback/answer_current', locale)}\n\n{question}"
    await send(context, chat.id, text, markup)


def _question(screen: Screen, locale: str, context: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    return render_screen(screen, locale)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Registered last: each catches only what no handler before it took."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, unsupported),
    ]


def early_handlers() -> list[tuple[int, BaseHandler[Update, Context, None]]]:
    return [(EDITS_GROUP, MessageHandler(filters.UpdateType.EDITED, edited))]
