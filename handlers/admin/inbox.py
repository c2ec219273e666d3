"""The feedback inbox: what citizens sent with /gopy, read, answered (the answer reaches them on
their own channel, with the reference they were given) or closed."""

from __future__ import annotations

from handlers.admin import broadcast, flow
from handlers.admin.broadcast import Message
from handlers.admin.codes import Code, encode
from handlers.admin.common import (
    LIST_CHARS,
    PAGE_SIZE,
    back,
    full_text,
    label,
    one_line,
    page_options,
    pages,
    when,
)
from handlers.context import Ctx
from handlers.messages import Delivery, Option, Reply, clip
from handlers.ports import FEEDBACK_TARGET
from handlers.texts import t


def _inbox_button(lang: str) -> Option:
    return Option(t("adm_inbox", lang), encode(Code.INBOX))


async def inbox_reply(ctx: Ctx, page: int = 0) -> Reply:
    """One page of open feedback, newest first, with how much there is in all."""
    lang = ctx.lang
    total = await ctx.storage.feedback_waiting()
    page, count = pages(total, page)
    rows = await ctx.storage.feedback_inbox(PAGE_SIZE, page * PAGE_SIZE)
    if not rows:
        return Reply(t("adm_inbox_empty", lang), "info", lang, [back(lang)])
    lines = [t("adm_inbox_title", lang, n=str(total))]
    if count > 1:
        lines.append(t("adm_page", lang, page=str(page + 1), pages=str(count)))
    options = []
    for row in rows:
        mark = "🆕 " if row["status"] == "new" else ""
        line = f"{mark}{row['ref']} · {when(row['created_at'])} · {one_line(row['text'], LIST_CHARS - 40)}"
        lines.append(line)  # its reference and date take the rest of a list line
        button = label(f"{mark}{row['ref']}: {one_line(row['text'])}")
        options.append(Option(button, encode(Code.FEEDBACK_VIEW, row["id"])))
    return Reply("\n".join(lines), "info", lang, [*options, *page_options(page, count, Code.INBOX_PAGE),
                                                  back(lang)])


async def on_feedback(ctx: Ctx, code: Code, feedback_id: int) -> Reply:
    """View (marks it read), reply or close one piece of feedback."""
    lang = ctx.lang
    row = await ctx.storage.feedback_get(feedback_id)
    if row is None:
        return Reply(t("adm_inbox_gone", lang), "info", lang, [_inbox_button(lang), back(lang)])
    if code is Code.FEEDBACK_REPLY:
        who = [[row["channel"], row["user_id"], row["lang"]]]
        state = Message("fbreply", "reply", question=row["ref"], askers=who, fid=feedback_id)
        return await flow.start(ctx, state)
    if code is Code.FEEDBACK_FULL:
        heading = t("adm_inbox_full", lang, ref=row["ref"], n=str(len(row["text"])))
        return full_text(row["text"], heading, [Option(t("adm_inbox_back", lang, ref=row["ref"]),
                                                       encode(Code.FEEDBACK_VIEW, feedback_id)),
                                                _inbox_button(lang)], lang)
    if code is Code.FEEDBACK_CLOSE:
        await ctx.storage.feedback_set(feedback_id, "closed")
        await ctx.storage.audit(ctx.who, "feedback_close", FEEDBACK_TARGET.format(feedback_id))
        reply = await inbox_reply(ctx)
        reply.text = t("adm_inbox_closed", lang, ref=row["ref"]) + "\n\n" + reply.text
        return reply
    if row["status"] == "new":
        await ctx.storage.feedback_set(feedback_id, "read")
    none = t("fb_none", lang)
    text = t("adm_inbox_view", lang, ref=row["ref"], when=when(row["created_at"]), text=clip(row["text"]),
             name=row["name"] or none, email=row["email"] or none)
    if row["reply"]:
        text += "\n\n" + t("adm_inbox_replied", lang, text=row["reply"])
    options = []
    if clip(row["text"]) != row["text"]:
        options.append(Option(t("adm_show_full", lang), encode(Code.FEEDBACK_FULL, feedback_id)))
    options += [Option(t("adm_inbox_reply", lang), encode(Code.FEEDBACK_REPLY, feedback_id)),
               Option(t("adm_inbox_close", lang), encode(Code.FEEDBACK_CLOSE, feedback_id)),
               _inbox_button(lang)]
    return Reply(text, "info", lang, options)


async def _send_feedback_reply(ctx: Ctx, state: Message, _arg: str) -> Reply:
    lang, text, ref = ctx.lang, state.text, state.question
    [(channel, user_id, person_lang)] = state.askers
    await ctx.storage.feedback_set(int(state.fid), "replied", text)
    target = FEEDBACK_TARGET.format(int(state.fid))
    await ctx.storage.audit(ctx.who, "feedback_reply", target, None, {"text": text})
    await ctx.set_state(None)
    delivery = Delivery(channel, user_id, t("adm_fb_to_citizen", person_lang, ref=ref, text=text))
    return Reply(t("adm_fb_replied", lang, ref=ref), "info", lang, [_inbox_button(lang), back(lang)],
                 deliveries=[delivery])


broadcast.declare_message("fbreply", "adm_ask_fbreply", "adm_preview_fbreply", _send_feedback_reply)
