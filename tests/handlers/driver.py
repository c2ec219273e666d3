"""A chat with the real Router, for channel-neutral tests (in the spirit of errbot's test bot).

``ChatDriver`` builds a Router over the real knowledge base and a temporary SQLite file; people
``say`` text, ``press`` options and ``send_file`` documents, and get the neutral ``Reply`` back,
exactly as every channel does before rendering. What a channel adds (buttons, numbered lists,
HTML, splitting, delivery reports) is tested with that channel's own fakes in tests/bot/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.storage import Storage
from handlers.messages import Delivery, Incoming, Option, Reply
from handlers.router import Router
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase

CALLBACK_LIMIT = 64  # Telegram's callback_data, in bytes: every option must fit on every channel


@dataclass(frozen=True)
class Person:
    channel: str
    user_id: str

    def __str__(self) -> str:
        """As the audit log names them."""
        return f"{self.channel}:{self.user_id}"


ADMIN = Person("telegram", "1001")
ADMIN2 = Person("telegram", "1002")
ZALO_ADMIN = Person("zalo", "77")
CITIZEN = Person("telegram", "42")


def citizen(n: int) -> Person:
    """Another citizen: ``citizen(0)`` is ``CITIZEN``."""
    return Person("telegram", str(42 + n))


def actions(reply: Reply) -> list[str]:
    return [o.action for o in reply.options]


def labels(reply: Reply) -> list[str]:
    return [o.label for o in reply.options]


def deliveries_to(reply: Reply, person: Person) -> list[Delivery]:
    return [d for d in reply.deliveries if (d.channel, d.user_id) == (person.channel, person.user_id)]


class ChatDriver:
    """One bot on one database; ``restart()`` builds a new Router on the same file."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher, db_path: Path, *,
                 admins: tuple[Person, ...] = (ADMIN, ADMIN2, ZALO_ADMIN), knowledge_dir: Path | None = None,
                 admin_chat: str = "", admin_names: dict[str, str] | None = None):
        self.kb, self.matcher, self.db_path = kb, matcher, db_path
        self.admins = frozenset((p.channel, p.user_id) for p in admins)
        self.knowledge_dir, self.admin_chat = knowledge_dir, admin_chat
        self.admin_names = admin_names or {}
        self.last: dict[Person, Reply] = {}
        self.router = self._build()

    def _build(self) -> Router:
        return Router(self.kb, self.matcher, Storage(self.db_path), retention_days=365, admins=self.admins,
                      knowledge_dir=str(self.knowledge_dir) if self.knowledge_dir else None,
                      admin_chat=self.admin_chat, admin_names=self.admin_names)

    @property
    def storage(self) -> Storage:
        return self.router.storage

    async def restart(self) -> ChatDriver:
        await self.router.close()
        self.router = self._build()
        return self

    async def close(self) -> None:
        await self.router.close()

    async def handle(self, who: Person, **incoming: object) -> Reply:
        reply = await self.router.handle(Incoming(who.channel, who.user_id, **incoming))
        for option in reply.options:
            assert len(option.action.encode()) <= CALLBACK_LIMIT, option.action
        self.last[who] = reply
        return reply

    async def say(self, text: str, who: Person = ADMIN) -> Reply:
        return await self.handle(who, text=text)

    async def press(self, option: str | Option, who: Person = ADMIN) -> Reply:
        """An option by its action (an old button may be pressed too) or as offered."""
        action = option.action if isinstance(option, Option) else option
        return await self.handle(who, action=action)

    async def choose(self, label_part: str, who: Person = ADMIN) -> Reply:
        """Presses the option under the person's last reply whose label contains ``label_part``."""
        offered = self.last[who].options
        for option in offered:
            if label_part in option.label:
                return await self.press(option, who)
        raise AssertionError(f"no option with {label_part!r} in {[o.label for o in offered]}")

    async def send_file(self, name: str, data: bytes, who: Person = ADMIN) -> Reply:
        return await self.handle(who, document=(name, data))
