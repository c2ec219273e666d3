"""/start and /help: what the bot answers and which commands exist."""

from __future__ import annotations

from handlers.ask import topic_lines, topic_options
from handlers.messages import Reply
from handlers.texts import t
from knowledge.model import KnowledgeBase

# (command, text key of its description); also registered with Telegram's setMyCommands.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "cmd_start"),
    ("menu", "cmd_menu"),
    ("help", "cmd_help"),
    ("lienhe", "cmd_lienhe"),
    ("gopy", "cmd_gopy"),
    ("lang", "cmd_lang"),
    ("privacy", "cmd_privacy"),
    ("xoadulieu", "cmd_xoadulieu"),
    ("dangky", "cmd_dangky"),
    ("huydangky", "cmd_huydangky"),
    ("huy", "cmd_huy"),
)


def command_list(lang: str) -> list[tuple[str, str]]:
    return [(name, t(key, lang)) for name, key in COMMANDS]


def start_reply(kb: KnowledgeBase, lang: str) -> Reply:
    return Reply(t("welcome", lang, topics=topic_lines(kb, lang)), "menu", lang, topic_options(kb, lang))


def help_reply(kb: KnowledgeBase, lang: str) -> Reply:
    commands = "\n".join(f"/{name} – {description}" for name, description in command_list(lang))
    return Reply(t("help", lang, commands=commands), "info", lang, topic_options(kb, lang))
