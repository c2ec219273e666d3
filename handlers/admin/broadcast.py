"""Messages from administrators to other people, and the announcement to subscribers.

Answering the review queue, replying to feedback and announcing share one shape: the text is
typed, checked, previewed with how many people it goes to, and sent only on "Send".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from handlers.admin import flow
from handlers.admin.codes import Code
from handlers.admin.common import back, cancel, save_or_cancel
from handlers.admin.flow import Input, State, Step
from handlers.context import Ctx
from handlers.messages import Delivery, Reply
from handlers.texts import t
from knowledge.overlay import check_answer

log = logging.getLogger(__name__)


@dataclass
class Message(State):
    """A message to other people (op: reply, fbreply or broadcast). ``question`` is what is
    answered (the feedback's reference for fbreply); ``askers`` the (channel, user id, language) of
    each recipient, or ``count`` how many subscribers an announcement goes to; ``fid`` the feedback
    answered; ``queue`` the review-queue items answered; ``text`` the message once typed."""

    question: str
    askers: list[list[str]]
    count: int | None = None
    fid: int = 0
    queue: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def recipients(self) -> int:
        return len(self.askers) if self.count is None else self.count


async def _take_text(ctx: Ctx, state: Message, text: str) -> Reply:
    problems = check_answer(text)
    if problems:
        return flow.retry(ctx, state, problems)
    state.text = text
    return await flow.advance(ctx, state)


def declare_message(op: str, ask_key: str, preview_key: str, send: Input) -> None:
    """A message operation: ``ask_key`` asks for the text, ``preview_key`` shows it before ``send``."""

    def ask(ctx: Ctx, state: Message) -> Reply:
        prompt = t(ask_key, ctx.lang, question=state.question, n=str(state.recipients))
        return Reply(prompt, "info", ctx.lang, [cancel(ctx.lang)])

    def preview(ctx: Ctx, state: Message) -> Reply:
        text = t(preview_key, ctx.lang, question=state.question, text=state.text, n=str(state.recipients))
        return Reply(text, "info", ctx.lang, save_or_cancel(ctx.lang, "adm_send"))

    flow.declare(op, Message, {"reply": Step(ask, _take_text),
                               "preview": Step(preview, options={Code.SAVE: send})})


async def start_broadcast(ctx: Ctx) -> Reply:
    count = len(await ctx.storage.subscribers())
    return await flow.start(ctx, Message("broadcast", "reply", question="", askers=[], count=count))


async def _send_broadcast(ctx: Ctx, state: Message, _arg: str) -> Reply:
    """To everyone who opted in with /dangky, in the words the administrator typed; the channel
    sends them within its limits and reports delivered / failed."""
    text = state.text
    people = await ctx.storage.subscribers()
    await ctx.storage.audit(ctx.who, "broadcast", None, None, {"text": text, "to": len(people)})
    await ctx.set_state(None)
    deliveries = [Delivery(channel, user_id, t("adm_announcement", lang, text=text))
                  for channel, user_id, lang in people]
    log.info("broadcast by %s to %d people", ctx.who, len(people))
    return Reply(t("adm_broadcast_done", ctx.lang, n=str(len(people))), "info", ctx.lang, [back(ctx.lang)],
                 deliveries=deliveries)


declare_message("broadcast", "adm_ask_broadcast", "adm_preview_broadcast", _send_broadcast)
