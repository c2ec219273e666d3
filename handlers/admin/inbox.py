"""The feedback inbox: what citizens sent with /gopy, read, answered (the answer reaches them on
their own channel, with the reference they were given) or closed."""

from __future__ import annotations

from handlers.admin import broadcast, flow
from handlers.admin.broadcast import Message
from handlers.admin.codes import Code, encode
from handlers.admin.common import back, label, when
from handlers.context import Ctx
from handlers.messages import Delivery, Option, Reply
from handlers.ports import FEEDBACK_TARGET
from handlers.texts import t


def _inbox_button(lang: str) -> Option:
    return Option(t("adm_inbox", lang), encode(Code.INBOX))


async def inbox_reply(ctx: Ctx) -> Reply:
    lang = ctx.lang
    rows = await ctx.storage.feedback_inbox(10)
    if not rows:
        return Reply(t("adm_inbox_empty", lang), "info", lang, [back(lang)])
    lines = [t("adm_inbox_title", lang)]
    options = []
    for row in rows:
        mark = "🆕 " if row["status"] == "new" else ""
        line = f"{mark}{row['ref']} · {when(row['created_at'])} · {row['text'][:50]}"
        lines.append(line)
        button = label(f"{mark}{row['ref']}: {row['text']}")
        options.append(Option(button, encode(Code.FEEDBACK_VIEW, row["id"])))
    return Reply("\n".join(lines), "info", lang, [*options, back(lang)])


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
    if code is Code.FEEDBACK_CLOSE:
        await ctx.storage.feedback_set(feedback_id, "closed")
        await ctx.storage.audit(ctx.who, "feedback_close", FEEDBACK_TARGET.format(feedback_id))
        reply = await inbox_reply(ctx)
        reply.text = t("adm_inbox_closed", lang, ref=row["ref"]) + "\n\n" + reply.text
        return reply
    if row["status"] == "new":
        await ctx.storage.feedback_set(feedback_id, "read")
    none = t("fb_none", lang)
    text = t("adm_inbox_view", lang, ref=row["ref"], when=when(row["created_at"]), text=row["text"],
             name=row["name"] or none, email=row["email"] or none)
    if row["reply"]:
        text += "\n\n" + t("adm_inbox_replied", lang, text=row["reply"])
    options = [Option(t("adm_inbox_reply", lang), encode(Code.FEEDBACK_REPLY, feedback_id)),
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
