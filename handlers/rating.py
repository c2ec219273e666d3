"""👍 / 👎 under an answer. The action carries everything needed ("rate:<entry>:up:<question>"),
so a vote works even on an old message, after a restart."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.texts import t
from knowledge.model import KnowledgeBase

MAX_RELATED = 3


def related_options(kb: KnowledgeBase, entry_id: str, lang: str) -> list[Option]:
    entry = kb.entries.get(entry_id)
    if entry is None:
        return []
    related = [kb.entries[r] for r in entry.related if r in kb.entries][:MAX_RELATED]
    return [Option(r.label(lang), f"entry:{r.id}") for r in related]


def with_rating(kb: KnowledgeBase, reply: Reply, question_id: int = 0) -> Reply:
    """An answer gains the prompt, 👍 👎 on one row, then its related questions (Asker.entry_reply
    calls this: an answer is built in one place)."""
    assert reply.entry_id is not None
    suffix = f":{question_id}" if question_id else ""
    reply.text = f"{reply.text}\n\n{t('rate_prompt', reply.lang)}"
    reply.options = [
        Option("👍", f"rate:{reply.entry_id}:up{suffix}", row="rate"),
        Option("👎", f"rate:{reply.entry_id}:down{suffix}", row="rate"),
        *related_options(kb, reply.entry_id, reply.lang),
    ]
    return reply


def for_question(reply: Reply, question_id: int) -> Reply:
    """The votes of an answer refer to the question it answered, once that question is logged."""
    if question_id:
        reply.options = [Option(o.label, f"{o.action}:{question_id}", o.row)
                         if o.action.startswith("rate:") and o.action.count(":") == 2 else o
                         for o in reply.options]
    return reply


async def on_action(ctx: Ctx, arg: str) -> Reply:
    entry_id, _, rest = arg.partition(":")
    verdict, _, qid = rest.partition(":")
    if entry_id not in ctx.kb.entries or verdict not in ("up", "down"):
        return Reply(t("unknown_option", ctx.lang), "fallback", ctx.lang)
    question_id = int(qid) if qid.isdigit() else 0
    changed = await ctx.storage.rate(ctx.channel, ctx.user_id, entry_id, 1 if verdict == "up" else -1,
                                     question_id)
    thanks = t("rated_up" if verdict == "up" else "rated_down", ctx.lang)
    if not changed:  # a double tap: the thanks is there already; only the button's toast again
        return Reply("", "info", ctx.lang, entry_id=entry_id, notice=thanks)
    return Reply(f"✅ {thanks}", "info", ctx.lang, related_options(ctx.kb, entry_id, ctx.lang),
                 entry_id=entry_id, edit="append", notice=thanks)
