"""Telling the people who asked. When a review group becomes a phrasing of an entry or a new entry,
the administrator is offered to send that answer to everyone who asked, each on their own channel
and in their language: the offer, a preview naming how many, then "Send". Who asked is kept by
storage under the offer (``followup_keep``) until it is answered or expires; someone who deleted
their data meanwhile is no longer in it, so is neither sent anything nor counted.
"""

from __future__ import annotations

from handlers.admin.codes import Code, encode
from handlers.admin.common import back, one_line
from handlers.context import Ctx
from handlers.messages import Delivery, Option, Reply
from handlers.texts import t


async def offer(ctx: Ctx, refs: list[str], eid: str) -> tuple[str, Option] | None:
    """The line and button to add under "saved", or None when nobody who asked can be reached."""
    offer_id, n = await ctx.storage.followup_keep(refs, eid)
    if not n:
        return None
    lang = ctx.lang
    return (t("adm_followup_offer", lang, n=str(n)),
            Option(t("adm_followup", lang, n=str(n)), encode(Code.FOLLOWUP, offer_id)))


def _by_person(rows: list[dict]) -> dict[tuple[str, str], dict]:
    """One message per person, however many times they asked: their latest item."""
    people: dict[tuple[str, str], dict] = {}
    for row in rows:
        people[(row["channel"], row["user_id"])] = row
    return people


async def _message(ctx: Ctx, row: dict, lang: str) -> str | None:
    """What the person receives: their own question (read by its item: the offer keeps no words)
    and the entry's answer, as the bot gives it, in ``lang``."""
    entry = ctx.kb.entries.get(row["entry_id"])
    if entry is None:  # hidden or reloaded away since
        return None
    question = await ctx.storage.review_text([row["ref"]]) or entry.title(lang)
    text = ctx.live.snap.asker.render_entry(entry, lang)
    return t("adm_followup_to_citizen", lang, question=one_line(question), text=text)


def _gone(ctx: Ctx) -> Reply:
    lang = ctx.lang
    return Reply(t("adm_followup_gone", lang), "info", lang,
                 [Option(t("adm_queue", lang), encode(Code.QUEUE)), back(lang)])


async def preview(ctx: Ctx, offer_id: str) -> Reply:
    lang = ctx.lang
    rows = await ctx.storage.followup_askers(offer_id)
    people = _by_person(rows)
    sample = await _message(ctx, rows[-1], lang) if rows else None
    if sample is None:
        return _gone(ctx)
    n = str(len(people))
    text = t("adm_followup_preview", lang, id=rows[-1]["entry_id"], n=n, text=sample)
    options = [Option(t("adm_followup_send", lang, n=n), encode(Code.FOLLOWUP_SEND, offer_id), row="send"),
               Option(t("adm_followup_drop", lang), encode(Code.FOLLOWUP_DROP, offer_id), row="send")]
    return Reply(text, "info", lang, options)


async def send(ctx: Ctx, offer_id: str) -> Reply:
    """Once only (storage hands the offer out once); the channel then tells the administrator how
    many messages arrived, wait for a retry, or failed."""
    lang = ctx.lang
    rows = await ctx.storage.followup_take(offer_id)
    if not rows or rows[-1]["entry_id"] not in ctx.kb.entries:
        return _gone(ctx)
    eid = rows[-1]["entry_id"]
    deliveries = []
    for (channel, user_id), row in _by_person(rows).items():
        user = await ctx.storage.get_user(channel, user_id)
        text = await _message(ctx, row, user.language if user else row["lang"])
        if text is not None:
            deliveries.append(Delivery(channel, user_id, text))
    refs = [row["ref"] for row in rows]
    # how many, and the items by ref: never who or their words (/xoadulieu takes the refs out)
    await ctx.storage.audit(ctx.who, "followup_send", eid, {"items": refs, "count": len(refs)},
                            {"to": len(deliveries)})
    options = [Option(t("adm_open", lang), encode(Code.VIEW, eid)),
               Option(t("adm_queue", lang), encode(Code.QUEUE)), back(lang)]
    return Reply(t("adm_followup_sent", lang, id=eid, n=str(len(deliveries))), "info", lang, options,
                 deliveries=deliveries)


async def drop(ctx: Ctx, offer_id: str) -> Reply:
    lang = ctx.lang
    if not await ctx.storage.followup_take(offer_id):
        return _gone(ctx)
    return Reply(t("adm_followup_dropped", lang), "info", lang,
                 [Option(t("adm_queue", lang), encode(Code.QUEUE)), back(lang)])
