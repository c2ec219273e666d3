"""/gopy: feedback in a few guided steps (text, optional name, optional e-mail, preview, send).

Each step is saved in the conversation state, so the flow survives a restart and works the same
on every channel. The feedback is committed before the person sees the reference code.
"""

from __future__ import annotations

import logging
import re

from handlers.context import Ctx
from handlers.messages import Option, Reply, clip
from handlers.texts import t

log = logging.getLogger(__name__)

FLOW = "feedback"
MAX_TEXT = 3000
MAX_NAME = 100
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _cancel(lang: str) -> Option:
    return Option(t("cancel", lang), "cancel")


def _prompt(step: str, lang: str, state: dict) -> Reply:
    if step == "text":
        return Reply(t("fb_start", lang, max=str(MAX_TEXT)), "info", lang, [_cancel(lang)])
    if step in ("name", "email"):
        options = [Option(t("skip", lang), "fb:skip", row="fb"),
                   Option(t("cancel", lang), "cancel", row="fb")]
        return Reply(t("fb_name" if step == "name" else "fb_email", lang), "info", lang, options)
    none = t("fb_none", lang)
    text = t("fb_preview", lang, text=state["text"], name=state.get("name") or none,
             email=state.get("email") or none)
    return Reply(text, "info", lang, [Option(t("send", lang), "fb:send", row="fb"),
                                      Option(t("cancel", lang), "cancel", row="fb")])


async def start(ctx: Ctx) -> Reply:
    state = {"flow": FLOW, "step": "text"}
    await ctx.set_state(state)
    return _prompt("text", ctx.lang, state)


async def _advance(ctx: Ctx, state: dict, step: str) -> Reply:
    state["step"] = step
    await ctx.set_state(state)
    return _prompt(step, ctx.lang, state)


async def on_text(ctx: Ctx, state: dict, text: str) -> Reply:
    step = state.get("step")
    lang = ctx.lang
    if step == "text":
        if len(text) > MAX_TEXT:
            return Reply(t("fb_too_long", lang, max=str(MAX_TEXT)), "info", lang, [_cancel(lang)])
        state["text"] = text
        return await _advance(ctx, state, "name")
    if step == "name":
        if len(text) > MAX_NAME:
            reply = _prompt("name", lang, state)
            reply.text = t("fb_bad_name", lang, max=str(MAX_NAME))
            return reply
        state["name"] = text
        return await _advance(ctx, state, "email")
    if step == "email":
        if not EMAIL.match(text):
            reply = _prompt("email", lang, state)
            reply.text = t("fb_bad_email", lang)
            return reply
        state["email"] = text
        return await _advance(ctx, state, "preview")
    reply = _prompt("preview", lang, state)
    reply.text = t("fb_pick", lang) + "\n\n" + reply.text
    return reply


async def on_action(ctx: Ctx, state: dict, arg: str) -> Reply:
    step = state.get("step")
    if arg == "skip" and step in ("name", "email"):
        state.pop(step, None)
        return await _advance(ctx, state, "email" if step == "name" else "preview")
    if arg == "send" and step == "preview" and state.get("text"):
        ref = await ctx.storage.add_feedback(ctx.channel, ctx.user_id, state["text"], ctx.lang,
                                             state.get("name"), state.get("email"))
        await ctx.set_state(None)
        log.info("feedback stored: ref=%s channel=%s", ref, ctx.channel)
        ctx.notify_admins(t("adm_notify_feedback", "vi", ref=ref, text=clip(state["text"])))
        return Reply(t("fb_done", ctx.lang, ref=ref), "info", ctx.lang, notice=ref)
    return _prompt(step or "text", ctx.lang, state)
