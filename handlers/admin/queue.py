"""The review queue: questions the bot could not answer and answers rated 👎, grouped (see
handlers.review). From a group an administrator adds the question to an entry, makes a new entry,
answers the people who asked directly, or dismisses it.
"""

from __future__ import annotations

from handlers import review
from handlers.admin import broadcast, entries, flow
from handlers.admin.broadcast import Message
from handlers.admin.codes import Code, encode
from handlers.admin.common import (
    LIST_CHARS,
    PAGE_SIZE,
    back,
    full_text,
    groups,
    label,
    one_line,
    page_options,
    pages,
    stale,
    with_error,
)
from handlers.admin.drafts import language
from handlers.context import Ctx
from handlers.messages import Delivery, Option, Reply, clip
from handlers.texts import t
from knowledge.loader import phrasing_key
from knowledge.matcher import SMALLTALK_PREFIX
from knowledge.model import LANGS
from knowledge.overlay import check_phrasings


def _group_text(ctx: Ctx, group: review.Group) -> str:
    if group.text:
        return group.text
    entry = ctx.kb.entries.get(group.entry_id or "")
    return entry.title(ctx.lang) if entry else (group.entry_id or "")


def _queue_button(lang: str) -> Option:
    return Option(t("adm_queue", lang), encode(Code.QUEUE))


async def queue_reply(ctx: Ctx, page: int = 0) -> Reply:
    """One page of groups, most asked first; the count in the title is what the pages hold."""
    lang = ctx.lang
    found = await groups(ctx)
    if not found:
        return Reply(t("adm_queue_empty", lang), "info", lang, [back(lang)])
    page, count = pages(len(found), page)
    lines = [t("adm_queue_title", lang, n=str(len(found)), items=str(sum(g.count for g in found)))]
    if count > 1:
        lines.append(t("adm_page", lang, page=str(page + 1), pages=str(count)))
    options = []
    first = page * PAGE_SIZE
    for i, group in enumerate(found[first:first + PAGE_SIZE], first + 1):
        text = one_line(_group_text(ctx, group), LIST_CHARS)
        line = f"{i}. (×{group.count}) {'👎 ' if group.kind == 'disliked' else ''}{text}"
        lines.append(line)
        options.append(Option(label(line), encode(Code.GROUP, group.ref)))
    return Reply("\n".join(lines), "info", lang, [*options, *page_options(page, count, Code.QUEUE_PAGE),
                                                  back(lang)])


async def on_group(ctx: Ctx, code: Code, ref: str, eid: str = "") -> Reply:
    """A group's own options; ``ref`` is any of its items, so a button survives new questions."""
    lang = ctx.lang
    group = review.find_group(await groups(ctx), ref)
    if group is None:
        return Reply(t("adm_queue_gone", lang), "info", lang, [_queue_button(lang), back(lang)])
    text = _group_text(ctx, group)
    if code is Code.GROUP_ADD_TO:
        problems = check_phrasings(ctx.kb, [text], eid)
        if problems:
            return with_error(await _group_view(ctx, group), problems, lang)
        return await entries.start_change(ctx, eid, "edit", "preview",
                                          lambda data: _with_phrasing(data, text, ctx), queue=group.refs)
    if code is Code.GROUP_NEW:
        return await entries.start_add(ctx, [text], queue=group.refs)
    if code is Code.GROUP_FULL:
        heading = t("adm_full_text", lang, n=str(len(text)))
        return full_text(text, heading, [Option(t("adm_q_back", lang), encode(Code.GROUP, group.ref)),
                                         _queue_button(lang)], lang)
    if code is Code.GROUP_REPLY:
        askers = [list(a) for a in group.askers]
        state = Message("reply", "reply", question=one_line(text), askers=askers, queue=group.refs)
        return await flow.start(ctx, state)
    if code is Code.GROUP_DISMISS:
        await ctx.storage.review_mark(group.refs, "dismissed")
        # the items by ref, never the citizen's words: /xoadulieu takes the refs out again
        await ctx.storage.audit(ctx.who, "queue_dismiss", None, {"items": group.refs, "count": group.count})
        reply = await queue_reply(ctx)
        reply.text = t("adm_queue_dismissed", lang) + "\n\n" + reply.text
        return reply
    return await _group_view(ctx, group)


def _with_phrasing(data: dict, text: str, ctx: Ctx) -> dict:
    draft = {**data, "questions": {k: list(v) for k, v in data["questions"].items()},
             "answer": dict(data["answer"])}
    if all(phrasing_key(q) != phrasing_key(text) for lg in LANGS for q in draft["questions"][lg]):
        draft["questions"][language(ctx, text)].append(text)
    return draft


async def _group_view(ctx: Ctx, group: review.Group) -> Reply:
    lang = ctx.lang
    text = _group_text(ctx, group)
    if group.kind == "disliked":
        kind = t("adm_q_disliked", lang, id=group.entry_id or "")
    else:
        kind = t("adm_q_unanswered", lang)
    lines = [t("adm_q_view", lang, text=clip(text), n=str(group.count), kind=kind)]
    others = sorted({i["text"] for i in group.items if i["text"] and i["text"] != text})[:5]
    lines += [f"• {one_line(o, LIST_CHARS)}" for o in others]
    suggested = [c.entry_id for c in ctx.live.matcher.score_all(text, limit=6)
                 if not c.entry_id.startswith(SMALLTALK_PREFIX) and c.entry_id in ctx.kb.entries
                 and c.entry_id != group.entry_id][:3]
    if suggested:
        lines.append(t("adm_q_suggest", lang))
    options = [Option(label(t("adm_q_add_to", lang, title=ctx.kb.entries[eid].title(lang))),
                      encode(Code.GROUP_ADD_TO, eid, group.ref)) for eid in suggested]
    if clip(text) != text:
        options.append(Option(t("adm_show_full", lang), encode(Code.GROUP_FULL, group.ref)))
    options += [
        Option(t("adm_q_new", lang), encode(Code.GROUP_NEW, group.ref)),
        Option(t("adm_q_reply", lang), encode(Code.GROUP_REPLY, group.ref)),
        Option(t("adm_q_dismiss", lang), encode(Code.GROUP_DISMISS, group.ref)),
        _queue_button(lang),
    ]
    return Reply("\n".join(lines), "info", lang, options)


async def _send_reply(ctx: Ctx, state: Message, _arg: str) -> Reply:
    """Delivers the administrator's answer to everyone who asked, each in their own language and on
    their own channel (the channel sends ``deliveries``), then offers to turn it into an entry."""
    lang, question, text = ctx.lang, state.question, state.text
    deliveries = [Delivery(channel, user_id, t("adm_to_citizen", person_lang, question=question, text=text))
                  for channel, user_id, person_lang in state.askers]
    await ctx.storage.review_mark(state.queue, "handled")
    # the audit log keeps how many people were answered and which items, never who or their words:
    # it outlives /xoadulieu, which takes the items' refs out of it
    await ctx.storage.audit(ctx.who, "queue_reply", None, {"items": state.queue, "count": len(state.queue)},
                            {"text": text, "to": len(state.askers)})
    await ctx.set_state(None)
    options = [Option(t("adm_make_entry", lang), encode(Code.ENTRY_FROM_REPLY)), _queue_button(lang),
               back(lang)]
    return Reply(t("adm_replied", lang), "info", lang, options, deliveries=deliveries)


async def entry_from_last_reply(ctx: Ctx) -> Reply:
    """"Turn it into an entry": the administrator's latest direct answer, read back from the audit
    log, so the button still works after they looked at something else. The question is read from
    the queue items it names; if everyone who asked has deleted it, only the answer is filled in."""
    for row in await ctx.storage.audit_log(100):
        if row["admin"] == ctx.who and row["action"] == "queue_reply" and row["after"]:
            before = row["before"] if isinstance(row["before"], dict) else {}
            refs = before.get("items") if isinstance(before.get("items"), list) else []
            question = await ctx.storage.review_text([r for r in refs if isinstance(r, str)])
            return await entries.start_add(ctx, [question] if question else [], row["after"]["text"])
    return stale(ctx)


broadcast.declare_message("reply", "adm_ask_reply", "adm_preview_reply", _send_reply)
