"""What a behaviour needs to answer one message: who asked, in which language, and the storage."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import Storage, User
from handlers.messages import Incoming
from knowledge.model import KnowledgeBase


@dataclass
class Ctx:
    msg: Incoming
    user: User
    lang: str
    kb: KnowledgeBase
    storage: Storage
    retention_days: int

    @property
    def channel(self) -> str:
        return self.msg.channel

    @property
    def user_id(self) -> str:
        return self.msg.user_id

    async def set_state(self, state: dict | None) -> None:
        await self.storage.set_state(self.channel, self.user_id, state)
