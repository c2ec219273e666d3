"""Browsing: the topic menu and the questions under each topic."""

from __future__ import annotations

from handlers.ask import topic_options
from handlers.messages import Option, Reply
from handlers.texts import t
from knowledge.model import KnowledgeBase


def main_menu_reply(kb: KnowledgeBase, lang: str) -> Reply:
    """The topics to browse: what /menu and the "menu" option show."""
    return Reply(t("menu", lang), "menu", lang, topic_options(kb, lang))


def topic_reply(kb: KnowledgeBase, topic_id: str, lang: str) -> Reply:
    topic = kb.topics.get(topic_id)
    if topic is None:
        return Reply(t("unknown_option", lang), "menu", lang, topic_options(kb, lang))
    options = [Option(e.label(lang), f"entry:{e.id}") for e in kb.entries_for_topic(topic_id)]
    options.append(Option(t("back", lang), "menu"))
    return Reply(t("topic_intro", lang, title=topic.title[lang]), "menu", lang, options)
