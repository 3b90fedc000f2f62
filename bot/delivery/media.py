"""Sending an outbox row whose method is not sendMessage: photos, media groups, voice notes, videos, documents
and places, all by the `file_id` Telegram gave the bot when a person sent them (nothing is downloaded)."""

from __future__ import annotations

from typing import Any

from telegram import InputMediaDocument, InputMediaPhoto, InputMediaVideo
from telegram.constants import ParseMode
from telegram.ext import ExtBot

from bot.delivery.limiter import Patience

from db.outbox import Outgoing

GROUPED = {"photo": InputMediaPhoto, "video": InputMediaVideo, "document": InputMediaDocument}


async def send_media(bot: ExtBot[Any], message: Outgoing, patience: Patience) -> int:
    """Send it (waiting for the rate limiter as `patience` says); the id of the (last) message sent."""
    payload, chat_id = message.payload, message.chat_id
    caption: dict[str, Any] = {"caption": payload["caption"], "parse_mode": ParseMode.HTML} \
        if payload.get("caption") else {}
    if message.method == "sendMediaGroup":
        media = [GROUPED[item["type"]](item["media"], **({"caption": item["caption"], "parse_mode": ParseMode.HTML}
                                                          if item.get("caption") else {}))
                 for item in payload["items"]]
        sent = await bot.send_media_group(chat_id, media, rate_limit_args=patience)
        return sent[-1].message_id
    if message.method == "sendLocation":
        return (await bot.send_location(chat_id, latitude=payload["latitude"],
                                        longitude=payload["longitude"], rate_limit_args=patience)).message_id
    if message.method == "sendPhoto":
        return (await bot.send_photo(chat_id, payload["file_id"], rate_limit_args=patience, **caption)).message_id
    if message.method == "sendVideo":
        return (await bot.send_video(chat_id, payload["file_id"], rate_limit_args=patience, **caption)).message_id
    if message.method == "sendVoice":
        return (await bot.send_voice(chat_id, payload["file_id"], rate_limit_args=patience, **caption)).message_id
    if message.method == "sendAudio":
        return (await bot.send_audio(chat_id, payload["file_id"], rate_limit_args=patience, **caption)).message_id
    if message.method == "sendDocument":
        return (await bot.send_document(chat_id, payload["file_id"], rate_limit_args=patience, **caption)).message_id
    raise ValueError(f"outbox {message.id}: no way to send {message.method}")
