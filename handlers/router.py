"""One entry point for every channel: decides which behaviour an incoming message goes to.

Channels turn what a person did into an ``Incoming`` and render the ``Reply``; everything in
between (commands, flows, questions, storage) is here and in the behaviour modules, so Telegram,
the terminal and later Zalo behave the same.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from handlers import admin, contacts, feedback, language, privacy, rating
from handlers.ask import Asker, topic_options
from handlers.context import Ctx
from handlers.help import COMMANDS, help_reply, start_reply
from handlers.livekb import LiveKB
from handlers.locks import KeyedLocks
from handlers.menu import main_menu_reply, topic_reply
from handlers.messages import Incoming, Reply, clip
from handlers.ports import Store
from handlers.texts import t
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)

MENU_WORDS = {"menu"}
KNOWN_COMMANDS = {name for name, _ in COMMANDS} | {"trogiup"}
# Multi-step flows: name in the state -> module with on_text / on_action; and the action kinds
# each flow owns (any other action, or a command, ends the flow).
FLOWS = {feedback.FLOW: feedback, privacy.FLOW: privacy, admin.FLOW: admin}
FLOW_ACTIONS = {feedback.FLOW: {"fb", "cancel"}, privacy.FLOW: {"del", "cancel"},
                admin.FLOW: {"ad", "cancel"}}
HAS_WORD = re.compile(r"\w")
# A flow left alone this long is abandoned: a question typed days after /gopy is a question.
STATE_TTL = 6 * 3600
QUEUE_NOTICE_EVERY = 600.0  # seconds between "new unanswered question" notices to ADMIN_CHAT_ID


def parse_command(text: str) -> tuple[str, str] | None:
    """"/gopy@ThisBot some words" -> ("gopy", "some words"); None when it is not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, arg = text[1:].partition(" ")
    return head.split("@", 1)[0].lower(), arg.strip()


class Router:
    def __init__(self, kb: KnowledgeBase, matcher: Matcher, storage: Store, *,
                 retention_days: int = 365, backup_days: int = 0,
                 admins: frozenset[tuple[str, str]] = frozenset(), knowledge_dir: str | None = None,
                 admin_chat: str = "", admin_names: dict[str, str] | None = None):
        # The knowledge base changes while the bot runs (administrators' edits, /reload): always
        # read it through ``self.live``, never keep a reference across awaits.
        self.live = LiveKB(kb, matcher, knowledge_dir)
        self.storage = storage
        self.retention_days = retention_days
        self.backup_days = backup_days
        self.admins = admins  # (channel, user id) pairs from ADMIN_IDS
        self.admin_chat = admin_chat  # ADMIN_CHAT_ID: a Telegram group told about new questions, feedback
        self.admin_names = admin_names or {}  # "telegram:123" -> the name the history shows
        self._last_queue_notice = float("-inf")
        self._locks = KeyedLocks()
        # told how long each question took to answer from the knowledge base (the bot's metrics)
        self.on_match: Callable[[float], None] | None = None

    @property
    def kb(self) -> KnowledgeBase:
        return self.live.kb

    @property
    def asker(self) -> Asker:
        return self.live.asker

    async def close(self) -> None:
        await self.storage.close()

    async def language_of(self, channel: str, user_id: str, hint: str | None = None) -> str:
        """The person's chosen language, for messages that do not go through ``handle``."""
        await self.storage.open()
        user = await self.storage.get_user(channel, user_id)
        return user.language if user else (hint if hint in ("vi", "en") else "vi")

    async def handle(self, msg: Incoming) -> Reply:
        """Async because behaviours read and write storage; one message per person at a time."""
        await self.storage.open()
        await self.live.ensure_loaded(self.storage)
        async with self._locks.hold((msg.channel, msg.user_id)):
            user, state = await self.storage.arrive(msg.channel, msg.user_id, msg.lang, STATE_TTL)
            ctx = Ctx(msg, user, user.language, self.kb, self.storage, self.retention_days, self.backup_days,
                      admin=(msg.channel, msg.user_id) in self.admins, live=self.live,
                      admin_chat=self.admin_chat, admin_names=self.admin_names)
            if ctx.admin:
                await self._know_admin(ctx)
            if msg.document is not None:
                if not ctx.admin:
                    return Reply(t("non_text", ctx.lang), "info", ctx.lang)
                reply = await admin.on_document(ctx, *msg.document)
            elif msg.action:
                reply = await self._on_action(ctx, msg.action, state)
            else:
                reply = await self._on_text(ctx, msg.text.strip(), state)
            if ctx.outbox:
                reply.deliveries.extend(ctx.outbox)
            return reply

    async def _know_admin(self, ctx: Ctx) -> None:
        """The names the history shows: ADMIN_NAMES first, else the name each administrator's
        platform gave when they last wrote."""
        if ctx.msg.name:
            await self.storage.set_display_name(ctx.channel, ctx.user_id, ctx.msg.name)
        ctx.admin_names = {**await self.storage.display_names(), **self.admin_names}

    # -- text ----------------------------------------------------------------------------------
    async def _on_text(self, ctx: Ctx, text: str, state: dict | None) -> Reply:
        command = parse_command(text)
        if command is not None:
            name, arg = command
            if state is not None:
                await ctx.set_state(None)
                if name == "huy":
                    return Reply(t("cancelled", ctx.lang), "info", ctx.lang)
            return await self._on_command(ctx, name, arg)
        if state is not None:
            flow = FLOWS.get(state.get("flow", ""))
            reply = await flow.on_text(ctx, state, text) if flow else None
            if reply is not None:
                return reply
            if flow is None:
                await ctx.set_state(None)
        if text.lower() in MENU_WORDS:
            return main_menu_reply(self.kb, ctx.lang)
        return await self.ask(ctx, text)

    async def ask(self, ctx: Ctx, text: str) -> Reply:
        snap = self.live.snap  # one knowledge base for the whole reply, even if an edit lands meanwhile
        started = time.perf_counter()
        reply = snap.asker.ask(text, ctx.lang)
        if self.on_match is not None:
            self.on_match(time.perf_counter() - started)
        unanswered = reply.status == "fallback" and bool(HAS_WORD.search(text))
        qid = await self.storage.log_question(ctx.channel, ctx.user_id, text, reply.lang, reply.status,
                                              reply.entry_id, reply.score, unanswered=unanswered)
        if unanswered and time.monotonic() - self._last_queue_notice >= QUEUE_NOTICE_EVERY:
            # at most one notice per interval: a burst of unknown questions is one message, not fifty
            self._last_queue_notice = time.monotonic()
            ctx.notify_admins(t("adm_notify_question", "vi", text=clip(text)))
        return rating.for_question(reply, qid) if reply.status == "answer" else reply

    async def _on_command(self, ctx: Ctx, name: str, arg: str) -> Reply:
        lang = ctx.lang
        if name in admin.COMMANDS:
            if ctx.admin:
                return await admin.on_command(ctx, name, arg)
            log.warning("admin command /%s refused: %s:%s is not in ADMIN_IDS",
                        name, ctx.channel, ctx.user_id)
        if name == "start":
            return start_reply(self.kb, lang)
        if name in ("help", "trogiup"):
            return help_reply(self.kb, lang)
        if name == "menu":
            return main_menu_reply(self.kb, lang)
        if name == "lienhe":
            return contacts.contacts_reply(self.kb, lang, business=arg.lower() in ("dn", "doanhnghiep",
                                                                                 "doanh nghiệp", "business"))
        if name == "gopy":
            return await feedback.start(ctx)
        if name == "lang":
            return await language.on_command(ctx, arg)
        if name == "privacy":
            return privacy.privacy_reply(ctx)
        if name == "xoadulieu":
            return await privacy.start(ctx)
        if name in ("dangky", "huydangky"):
            # announcements are opt-in: nobody gets one without asking (see broadcast)
            await self.storage.set_opted_in(ctx.channel, ctx.user_id, name == "dangky")
            return Reply(t("subscribed" if name == "dangky" else "unsubscribed", lang), "info", lang)
        if name == "huy":
            return Reply(t("nothing_to_cancel", lang), "info", lang)
        return Reply(t("unknown_command", lang), "info", lang, topic_options(self.kb, lang))

    # -- options -------------------------------------------------------------------------------
    async def _on_action(self, ctx: Ctx, action: str, state: dict | None) -> Reply:
        """A pressed option: the flow in progress takes its own; any other ends the flow."""
        kind, _, arg = action.partition(":")
        if state is not None:
            flow_name = state.get("flow", "")
            if kind in FLOW_ACTIONS.get(flow_name, ()):
                if kind == "cancel":
                    await ctx.set_state(None)
                    return Reply(t("cancelled", ctx.lang), "info", ctx.lang, edit="replace")
                return await FLOWS[flow_name].on_action(ctx, state, arg)
            await ctx.set_state(None)
        return await self._on_stateless_action(ctx, kind, arg)

    async def _on_stateless_action(self, ctx: Ctx, kind: str, arg: str) -> Reply:
        """An option that belongs to no flow in progress: menus, answers, ratings, language..."""
        lang = ctx.lang
        if kind == "menu":
            reply = main_menu_reply(self.kb, lang)
            reply.edit = "replace"
            return reply
        if kind == "topic":
            reply = topic_reply(self.kb, arg, lang)
            reply.edit = "replace"
            return reply
        if kind == "entry":  # a button: its short label, so the answer says the whole question
            return self.live.snap.asker.entry_reply(arg, lang, heading=True)
        if kind == "rate":
            return await rating.on_action(ctx, arg)
        if kind == "lang":
            return await language.set_language(ctx, arg)
        if kind == "contacts":
            reply = contacts.contacts_reply(self.kb, lang, business=arg == "business")
            reply.edit = "replace"
            return reply
        if kind == "privacy" and arg == "delete":
            return await privacy.start(ctx)
        if kind == "cmd":
            return await self._on_command(ctx, arg, "")
        if kind == "ad":
            if ctx.admin:
                return await admin.on_action(ctx, None, arg)
            log.warning("admin option refused: %s:%s is not in ADMIN_IDS", ctx.channel, ctx.user_id)
        return Reply(t("unknown_option", lang), "fallback", lang, topic_options(self.kb, lang))
