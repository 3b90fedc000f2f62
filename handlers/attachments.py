"""Photos, videos, voice notes, audio, documents and places sent in private: kept with the form when the step
waiting takes them; anything else is answered as before (handlers.fallback). In groups nothing here runs: a
place or a photo posted there is never taken, echoed or stored."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.services import intake
from bot.services.flows.attachments import Attachment
from handlers import fallback
from handlers.common import Context, once, runtime
from handlers.conversation import shown

TAKEN = (filters.PHOTO | filters.VIDEO | filters.VOICE | filters.AUDIO | filters.Document.ALL | filters.LOCATION
         | filters.VENUE)


def attachment_of(message: Message) -> Attachment | None:
    caption = message.caption or ""
    if message.photo:
        return Attachment("photo", file_id=message.photo[-1].file_id, caption=caption)     # the largest size
    if message.video:
        return Attachment("video", file_id=message.video.file_id, caption=caption)
    if message.voice:
        return Attachment("voice", file_id=message.voice.file_id, caption=caption)
    if message.audio:
        return Attachment("audio", file_id=message.audio.file_id, caption=caption)
    if message.document:
        return Attachment("document", file_id=message.document.file_id, caption=caption,
                          file_name=message.document.file_name or "")
    if message.venue:               # before the location: a venue carries one too
        place = message.venue.location
        return Attachment("venue", latitude=place.latitude, longitude=place.longitude,
                          title=message.venue.title, address=message.venue.address)
    if message.location:
        return Attachment("location", latitude=message.location.latitude, longitude=message.location.longitude)
    return None


async def received(update: Update, context: Context) -> None:
    rt, user, message = runtime(context), update.effective_user, update.effective_message
    item = attachment_of(message) if message is not None else None
    if user is None or item is None:
        await fallback.unsupported(update, context)
        return
    screen = await once(update, context, intake.attached, rt.settings, user.id, item, rt.now(),
                        replies=shown(update, context))
    if screen is None:
        await fallback.unsupported(update, context)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & TAKEN, received)]
