"""/lang: the person's preferred language for menus and fixed texts (answers follow the question)."""

from __future__ import annotations

from handlers.ask import topic_options
from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.texts import t

NAMES = {"vi": "Tiếng Việt", "en": "English"}
ALIASES = {"vi": "vi", "viet": "vi", "tiengviet": "vi", "tiếngviệt": "vi", "vn": "vi",
           "en": "en", "english": "en", "anh": "en", "tienganh": "en", "tiếnganh": "en"}


def choose_reply(lang: str) -> Reply:
    return Reply(t("lang_prompt", lang), "info", lang,
                 [Option(NAMES[code], f"lang:{code}", row="lang") for code in ("vi", "en")])


async def on_command(ctx: Ctx, arg: str) -> Reply:
    code = ALIASES.get(arg.lower().replace(" ", ""))
    return await set_language(ctx, code) if code else choose_reply(ctx.lang)


async def set_language(ctx: Ctx, code: str) -> Reply:
    if code not in NAMES:
        return choose_reply(ctx.lang)
    await ctx.storage.set_language(ctx.channel, ctx.user_id, code)
    return Reply(t("lang_set", code) + "\n" + t("menu", code), "menu", code, topic_options(ctx.kb, code))
