"""/privacy and /xoadulieu. Deletion asks first; the confirmation is remembered in the
conversation state, so an old "delete" button pressed out of the blue does nothing."""

from __future__ import annotations

import logging

from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.ports import FOLLOWUP_DAYS
from handlers.texts import t

log = logging.getLogger(__name__)

FLOW = "delete"


def privacy_reply(ctx: Ctx) -> Reply:
    backups = t("privacy_backups", ctx.lang, n=str(ctx.backup_days)) if ctx.backup_days else ""
    return Reply(t("privacy", ctx.lang, days=str(ctx.retention_days), backups=backups,
                   followup=str(FOLLOWUP_DAYS)), "info", ctx.lang,
                 [Option(t("cmd_xoadulieu", ctx.lang), "privacy:delete")])


async def start(ctx: Ctx) -> Reply:
    await ctx.set_state({"flow": FLOW})
    return Reply(t("delete_confirm", ctx.lang), "info", ctx.lang,
                 [Option(t("delete_yes", ctx.lang), "del:yes", row="del"),
                  Option(t("delete_no", ctx.lang), "del:no", row="del")])


async def on_action(ctx: Ctx, state: dict, arg: str) -> Reply:
    if arg == "yes":
        counts = await ctx.storage.delete_user_data(ctx.channel, ctx.user_id)
        log.info("data deleted on request: channel=%s rows=%d", ctx.channel, sum(counts.values()))
        return Reply(t("deleted", ctx.lang), "info", ctx.lang, edit="replace")
    await ctx.set_state(None)
    return Reply(t("delete_kept", ctx.lang), "info", ctx.lang, edit="replace")


async def on_text(ctx: Ctx, state: dict, text: str) -> Reply | None:
    """A typed message while the question is open: the person moved on, so drop the question."""
    await ctx.set_state(None)
    return None
