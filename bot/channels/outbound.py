"""Deliveries to people other than the sender, on any running channel: an administrator's answer
to a citizen (who may be on another platform), an announcement, a notice to the administrators'
chat. Channels register their senders here, so they never need to know each other."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from handlers.messages import Document, Reply
from handlers.texts import t

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50  # deliveries between progress updates of a long broadcast
TextSender = Callable[..., Awaitable[str | bool]]  # (user id, text) -> "sent" | "queued" | "failed"
DocumentSender = Callable[[str, Document], Awaitable[str | bool]]
Progress = Callable[[int, int, str], Awaitable[None]]  # (done, total, lang)


class Outbound:
    """Senders by channel name, filled by the runner with every running channel's: so an
    administrator on one channel answers a citizen on another, without channels knowing each other."""

    def __init__(self) -> None:
        self._text: dict[str, TextSender] = {}
        self._documents: dict[str, DocumentSender] = {}
        self._priority: set[str] = set()  # channels whose senders take a priority (a Channel's)

    def add(self, channel: Any) -> None:
        self.register(channel.name, channel.send_text, channel.send_document)
        self._priority.add(channel.name)

    def register(self, channel: str, text: TextSender, document: DocumentSender | None = None) -> None:
        """``text``/``document`` answer "sent", "queued" or "failed" (or True / False)."""
        self._text[channel] = text
        if document is not None:
            self._documents[channel] = document

    def __contains__(self, channel: object) -> bool:
        return channel in self._text

    async def send(self, channel: str, user_id: str, text: str, broadcast: bool = False) -> str:
        """"failed" when nobody can reach that channel's people, or it will never arrive.
        ``broadcast``: one of many; whatever waits for a retry goes after people's replies."""
        sender = self._text.get(channel)
        if broadcast and sender is not None and channel in self._priority:
            sender = functools.partial(sender, priority=1)
        return await self._try(channel, sender, user_id, text)

    async def send_document(self, channel: str, user_id: str, document: Document) -> str:
        return await self._try(channel, self._documents.get(channel), user_id, document)

    @staticmethod
    async def _try(channel: str, sender: Callable[[str, Any], Awaitable[str | bool]] | None, user_id: str,
                   payload: Any) -> str:
        if sender is None:
            return "failed"
        try:
            result = await sender(user_id, payload)
        except Exception:
            log.warning("delivery through %s failed", channel, exc_info=True)
            return "failed"
        if isinstance(result, bool):
            return "sent" if result else "failed"
        return result

    async def deliver(self, reply: Reply, progress: Progress | None = None) -> None:
        """The reply's messages for other people: an administrator's answer, an announcement (then
        the sender's reply says how many arrived, how many wait for a retry, and a long run shows
        its progress), and quiet notices to the administrators' chat, which are not counted."""
        counted = [d for d in reply.deliveries if not d.quiet]
        results = {"sent": 0, "queued": 0, "failed": 0}
        for done, delivery in enumerate(counted):
            if progress is not None and len(counted) > PROGRESS_EVERY and done % PROGRESS_EVERY == 0:
                await progress(done, len(counted), reply.lang)
            results[await self.send(delivery.channel, delivery.user_id, delivery.text,
                                    broadcast=len(counted) > 1)] += 1
        for notice in (d for d in reply.deliveries if d.quiet):
            if await self.send(notice.channel, notice.user_id, notice.text) == "failed":
                log.info("notice for the %s administrators' chat not sent", notice.channel)
        if counted:
            key = "adm_delivered_queued" if results["queued"] else "adm_delivered"
            summary = t(key, reply.lang, ok=str(results["sent"]), queued=str(results["queued"]),
                        failed=str(results["failed"]))
            reply.text = f"{reply.text}\n\n{summary}"
