"""Administrators (issue 4): /admin and the guided flows behind it.

Only people listed in ``ADMIN_IDS`` get here; the router answers anyone else as if the command did
not exist (and logs the attempt). Everything is options plus typed text, so a channel without
buttons (Zalo: numbered lists) can offer the same flows. Every change is previewed, confirmed,
versioned and written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.texts import t

log = logging.getLogger(__name__)

FLOW = "admin"
COMMANDS = frozenset({"admin"})
VN_TIME = dt.timezone(dt.timedelta(hours=7))  # Vietnam: UTC+7 all year, no daylight saving


def when(timestamp: float) -> str:
    """Times as officials read them: Vietnam time, day first."""
    return dt.datetime.fromtimestamp(timestamp, VN_TIME).strftime("%d/%m/%Y %H:%M")


def back(lang: str) -> Option:
    return Option(t("adm_back", lang), "ad:menu")


def menu_reply(ctx: Ctx) -> Reply:
    lang = ctx.lang
    options = [Option(t("adm_audit", lang), "ad:audit")]
    return Reply(t("adm_menu", lang), "info", lang, options)


async def on_command(ctx: Ctx, name: str, arg: str) -> Reply:
    return menu_reply(ctx)


async def on_action(ctx: Ctx, state: dict | None, arg: str) -> Reply:
    """``ad:<what>[:<args>]`` buttons; ``state`` is the admin flow in progress, if any."""
    if not ctx.admin:  # ADMIN_IDS changed while a flow was open
        await ctx.set_state(None)
        return Reply(t("unknown_option", ctx.lang), "fallback", ctx.lang)
    what, _, _rest = arg.partition(":")
    if what == "audit":
        return await audit_reply(ctx)
    await ctx.set_state(None)
    return menu_reply(ctx)


async def on_text(ctx: Ctx, state: dict, text: str) -> Reply | None:
    """Typed text while an admin flow waits for it; ``None`` lets the router treat it as a question."""
    if not ctx.admin:
        await ctx.set_state(None)
        return None
    return menu_reply(ctx)


async def audit_reply(ctx: Ctx, limit: int = 15) -> Reply:
    rows = await ctx.storage.audit_log(limit)
    lang = ctx.lang
    if not rows:
        return Reply(t("adm_audit_empty", lang), "info", lang, [back(lang)])
    lines = [t("adm_audit_title", lang)]
    for row in rows:
        target = f" · {row['target']}" if row["target"] else ""
        lines.append(f"{when(row['created_at'])} · {row['admin']} · {row['action']}{target}")
    return Reply("\n".join(lines), "info", lang, [back(lang)])
