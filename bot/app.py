"""Wiring: settings → validated knowledge base → matcher → channel-neutral router."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from knowledge.loader import load_dir
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase


@dataclass
class App:
    settings: Settings
    kb: KnowledgeBase
    matcher: Matcher
    router: Router


def build_app(settings: Settings) -> App:
    """Raises knowledge.loader.KnowledgeError when the knowledge base fails validation."""
    kb = load_dir(settings.KNOWLEDGE_DIR)
    matcher = Matcher(kb, settings.MATCH_ANSWER_THRESHOLD, settings.MATCH_CLARIFY_THRESHOLD)
    # The database is opened lazily, by the first message: `ask` and `kb` never touch it.
    backup_days = settings.BACKUP_KEEP if settings.backup_dir() is not None else 0
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH), retention_days=settings.DATA_RETENTION_DAYS,
                    backup_days=backup_days,
                    admins=settings.admins, knowledge_dir=settings.KNOWLEDGE_DIR,
                    admin_chat=settings.ADMIN_CHAT_ID.strip(), admin_names=settings.admin_names)
    return App(settings, kb, matcher, router)
