"""Administrators: /admin and the guided flows behind it.

Only people listed in ``ADMIN_IDS`` get here; the router answers anyone else as if the command did
not exist (and logs the attempt). Everything is options plus typed text, so a channel without
buttons (Zalo: numbered lists) can offer the same flows. The option codes are named in ``codes``;
the flows' steps are declared by each area's module on the engine in ``flow``:

- ``entries`` (with ``drafts``): find, view, add, edit, hide, restore, history and rollback;
- ``contacts``: the bodies' contact details, edited, versioned and rolled back like entries;
- ``queue``: the review queue (``followup``: sending its askers the answer once an entry has it);
  ``inbox``: feedback; ``broadcast``: messages to people;
- ``stats`` (with ``chart``), ``files`` (export, import, reload; ``imports``: an import's preview,
  confirmation and undo) and ``audit``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.admin import (
    audit,
    broadcast,
    contacts,
    entries,
    files,
    flow,
    followup,
    imports,
    inbox,
    queue,
    stats,
)
from handlers.admin.codes import FLOW_ONLY, Code, decode
from handlers.admin.common import admin_menu_with_counts, stale
from handlers.admin.files import on_document
from handlers.admin.flow import FLOW
from handlers.admin.stats import digest_text, stats_chart
from handlers.context import Ctx
from handlers.messages import Reply
from handlers.texts import t

__all__ = ["COMMANDS", "FLOW", "digest_text", "on_action", "on_command", "on_document",
           "on_text", "stats_chart"]

COMMANDS = frozenset({"admin", "reload", "stats"})


def _number(text: str, default: int) -> int:
    return int(text) if text.isdigit() else default


Action = Callable[[Ctx, tuple[str, ...]], Awaitable[Reply]]
# every option outside a flow -> what it does, with the arguments ``codes.decode`` cut out
ACTIONS: dict[Code, Action] = {
    Code.MENU: lambda ctx, _: admin_menu_with_counts(ctx),
    Code.AUDIT: lambda ctx, _: audit.audit_reply(ctx),
    Code.AUDIT_DETAIL: lambda ctx, a: audit.audit_detail(ctx, int(a[0])) if a[0].isdigit()
    else admin_menu_with_counts(ctx),
    Code.RELOAD: lambda ctx, _: files.reload_reply(ctx),
    Code.ADD: lambda ctx, _: entries.start_add(ctx),
    Code.QUEUE: lambda ctx, _: queue.queue_reply(ctx),
    Code.QUEUE_PAGE: lambda ctx, a: queue.queue_reply(ctx, _number(a[0], 0)),
    Code.STATS: lambda ctx, _: stats.stats_reply(ctx),
    Code.FILES: lambda ctx, _: files.files_reply(ctx),
    Code.EXPORT_CSV: lambda ctx, _: files.export(ctx, Code.EXPORT_CSV),
    Code.EXPORT_YAML: lambda ctx, _: files.export(ctx, Code.EXPORT_YAML),
    Code.EXPORT_XLSX: lambda ctx, _: files.export(ctx, Code.EXPORT_XLSX),
    Code.UNDO_IMPORT: lambda ctx, a: imports.start_undo(ctx, a[0]),
    Code.INBOX: lambda ctx, _: inbox.inbox_reply(ctx),
    Code.INBOX_PAGE: lambda ctx, a: inbox.inbox_reply(ctx, _number(a[0], 0)),
    Code.FEEDBACK_FULL: lambda ctx, a: inbox.on_feedback(ctx, Code.FEEDBACK_FULL, _number(a[0], 0)),
    Code.FEEDBACK_VIEW: lambda ctx, a: inbox.on_feedback(ctx, Code.FEEDBACK_VIEW, _number(a[0], 0)),
    Code.FEEDBACK_REPLY: lambda ctx, a: inbox.on_feedback(ctx, Code.FEEDBACK_REPLY, _number(a[0], 0)),
    Code.FEEDBACK_CLOSE: lambda ctx, a: inbox.on_feedback(ctx, Code.FEEDBACK_CLOSE, _number(a[0], 0)),
    Code.BROADCAST: lambda ctx, _: broadcast.start_broadcast(ctx),
    Code.ENTRY_FROM_REPLY: lambda ctx, _: queue.entry_from_last_reply(ctx),
    Code.GROUP: lambda ctx, a: queue.on_group(ctx, Code.GROUP, a[0]),
    Code.GROUP_ADD_TO: lambda ctx, a: queue.on_group(ctx, Code.GROUP_ADD_TO, a[1], eid=a[0]),
    Code.GROUP_NEW: lambda ctx, a: queue.on_group(ctx, Code.GROUP_NEW, a[0]),
    Code.GROUP_REPLY: lambda ctx, a: queue.on_group(ctx, Code.GROUP_REPLY, a[0]),
    Code.GROUP_DISMISS: lambda ctx, a: queue.on_group(ctx, Code.GROUP_DISMISS, a[0]),
    Code.GROUP_FULL: lambda ctx, a: queue.on_group(ctx, Code.GROUP_FULL, a[0]),
    Code.FOLLOWUP: lambda ctx, a: followup.preview(ctx, a[0]),
    Code.FOLLOWUP_SEND: lambda ctx, a: followup.send(ctx, a[0]),
    Code.FOLLOWUP_DROP: lambda ctx, a: followup.drop(ctx, a[0]),
    Code.FIND: lambda ctx, _: entries.start_find(ctx),
    Code.HIDDEN: lambda ctx, _: entries.hidden_list(ctx),
    Code.VIEW: lambda ctx, a: entries.entry_view(ctx, a[0]),
    Code.EDIT_PHRASINGS: lambda ctx, a: entries.start_edit(ctx, Code.EDIT_PHRASINGS, a[0]),
    Code.EDIT_ANSWER: lambda ctx, a: entries.start_edit(ctx, Code.EDIT_ANSWER, a[0]),
    Code.EDIT_ANSWER_EN: lambda ctx, a: entries.start_edit(ctx, Code.EDIT_ANSWER_EN, a[0]),
    Code.EDIT_TOPIC: lambda ctx, a: entries.start_edit(ctx, Code.EDIT_TOPIC, a[0]),
    Code.HIDE: lambda ctx, a: entries.start_visibility(ctx, a[0], hide=True),
    Code.RESTORE: lambda ctx, a: entries.start_visibility(ctx, a[0], hide=False),
    Code.HISTORY: lambda ctx, a: entries.history_reply(ctx, a[0]),
    Code.ROLLBACK: lambda ctx, a: entries.start_rollback(ctx, a[0], _number(a[1], -1)),
    Code.CONTACTS: lambda ctx, _: contacts.contacts_list(ctx),
    Code.CONTACT_VIEW: lambda ctx, a: contacts.contact_view(ctx, a[0]),
    Code.CONTACT_EDIT: lambda ctx, a: contacts.start_edit(ctx, a[0], a[1]),
    Code.CONTACT_HISTORY: lambda ctx, a: contacts.history_reply(ctx, a[0]),
    Code.CONTACT_ROLLBACK: lambda ctx, a: contacts.start_rollback(ctx, a[0], _number(a[1], -1)),
}


async def on_command(ctx: Ctx, name: str, arg: str) -> Reply:
    if name == "reload":
        return await files.reload_reply(ctx)
    if name == "stats":
        return await stats.stats_reply(ctx)
    if arg:
        return await entries.find(ctx, arg)
    return await admin_menu_with_counts(ctx)


async def on_action(ctx: Ctx, state: dict | None, arg: str) -> Reply:
    """``ad:<code>[:<args>]`` options; ``state`` is the admin flow in progress, if any."""
    lang = ctx.lang
    if not ctx.admin:  # ADMIN_IDS changed while a flow was open
        await ctx.set_state(None)
        return Reply(t("unknown_option", lang), "fallback", lang)
    code, args = decode(arg)
    if code in FLOW_ONLY:
        if state is None:
            return stale(ctx)
        return await flow.on_option(ctx, state, code, args[0])
    if state is not None:
        await ctx.set_state(None)  # any other option leaves the flow
    action = ACTIONS.get(code) if code else None
    return await action(ctx, args) if action else await admin_menu_with_counts(ctx)


async def on_text(ctx: Ctx, state: dict, text: str) -> Reply | None:
    """Typed text while an admin flow waits for it; ``None`` lets the router treat it as a question."""
    if not ctx.admin:
        await ctx.set_state(None)
        return None
    return await flow.on_text(ctx, state, text)
