"""One entry point for every channel: decides which behaviour an incoming message goes to."""

from __future__ import annotations

from handlers.ask import Asker
from handlers.menu import menu_reply, topic_reply
from handlers.messages import Incoming, Reply
from handlers.texts import t
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase

MENU_WORDS = {"/menu", "/start", "menu", "/help", "/trogiup"}


class Router:
    def __init__(self, kb: KnowledgeBase, matcher: Matcher):
        self.kb = kb
        self.asker = Asker(kb, matcher)

    async def handle(self, msg: Incoming) -> Reply:
        """Async so behaviours that need storage (feedback, admin) can await it."""
        if msg.action:
            return self.on_action(msg.action, msg.lang or "vi")
        text = msg.text.strip()
        if text.split(" ", 1)[0].lower() in MENU_WORDS:
            return menu_reply(self.kb, msg.lang or "vi")
        return self.asker.ask(text, msg.lang or "vi")

    def on_action(self, action: str, lang: str) -> Reply:
        kind, _, arg = action.partition(":")
        if kind == "menu":
            return menu_reply(self.kb, lang)
        if kind == "topic":
            return topic_reply(self.kb, arg, lang)
        if kind == "entry":
            return self.asker.entry_reply(arg, lang)
        return Reply(t("unknown_option", lang), "fallback", lang)
