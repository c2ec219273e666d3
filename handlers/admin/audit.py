"""The audit log: who changed what and when, each record's before and after on request."""

from __future__ import annotations

import json

from handlers.admin.codes import Code, encode
from handlers.admin.common import back, label, when
from handlers.admin.contacts import details_diff
from handlers.admin.drafts import describe, diff
from handlers.admin.imports import SUMMARY_KEYS, summary_text
from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.texts import t

# an audit record's action -> how the log names it; an action not listed shows as recorded
ACTION_KEYS = {
    "add": "adm_act_add", "edit": "adm_act_edit", "hide": "adm_act_hide", "restore": "adm_act_restore",
    "rollback": "adm_act_rollback", "save_refused": "adm_act_save_refused", "reload": "adm_act_reload",
    "reload_failed": "adm_act_reload_failed", "queue_reply": "adm_act_queue_reply",
    "queue_dismiss": "adm_act_queue_dismiss", "followup_send": "adm_act_followup_send",
    "export": "adm_act_export", "import": "adm_act_import",
    "import_add": "adm_act_import_add", "import_edit": "adm_act_import_edit",
    "import_hide": "adm_act_import_hide", "import_undo": "adm_act_import_undo",
    "broadcast": "adm_act_broadcast",
    "contact_edit": "adm_act_contact_edit", "contact_rollback": "adm_act_contact_rollback",
    "feedback_reply": "adm_act_feedback_reply", "feedback_close": "adm_act_feedback_close",
}
MAX_DETAIL_BUTTONS = 8


def action_name(action: str, lang: str) -> str:
    key = ACTION_KEYS.get(action)
    return t(key, lang) if key else action


async def audit_reply(ctx: Ctx, limit: int = 15) -> Reply:
    rows = await ctx.storage.audit_log(limit)
    lang = ctx.lang
    if not rows:
        return Reply(t("adm_audit_empty", lang), "info", lang, [back(lang)])
    lines = [t("adm_audit_title", lang)]
    options = []
    for row in rows:
        target = f" · {row['target']}" if row["target"] else ""
        action = action_name(row["action"], lang)
        lines.append(f"{when(row['created_at'])} · {ctx.name_of(row['admin'])} · {action}{target}")
        if (row["before"] is not None or row["after"] is not None) and len(options) < MAX_DETAIL_BUTTONS:
            button = label(f"🔎 {when(row['created_at'])} · {action}{target}")
            options.append(Option(button, encode(Code.AUDIT_DETAIL, row["id"])))
    return Reply("\n".join(lines), "info", lang, [*options, back(lang)])


async def audit_detail(ctx: Ctx, audit_id: int) -> Reply:
    """One audit record's before and after: as the change preview shows it for entries, else as data."""
    lang = ctx.lang
    row = next((r for r in await ctx.storage.audit_log(1, audit_id=audit_id)), None)
    if row is None:
        return await audit_reply(ctx)
    head = f"{when(row['created_at'])} · {ctx.name_of(row['admin'])} · {action_name(row['action'], lang)}"
    if row["target"]:
        head += f" · {row['target']}"
    before, after = row["before"], row["after"]
    options = [Option(t("adm_audit", lang), encode(Code.AUDIT)), back(lang)]
    set_id = (row["target"] or "").removeprefix("import:")
    if row["action"] == "import" and isinstance(after, dict) and "undo" in after:
        # the set's undo data is for undoing, not for reading: the summary, and the button
        body = summary_text(lang, after.get("name", ""), *(after.get(k, []) for k in SUMMARY_KEYS))
        options.insert(0, Option(t("adm_import_undo", lang), encode(Code.UNDO_IMPORT, set_id)))
    elif isinstance(after, dict) and "questions" in after:
        if isinstance(before, dict) and "questions" in before:
            body = "\n\n".join(diff(ctx.kb, before, after, lang)) or t("adm_no_change", lang)
        else:
            body = describe(ctx.kb, after, lang)
    elif isinstance(after, dict) and "details" in after:  # a contact's version
        body = "\n".join(details_diff(before if isinstance(before, dict) else None, after, lang)) \
            or t("adm_no_change", lang)
    else:
        def show(value: object) -> str:
            return t("fb_none", lang) if value is None else json.dumps(value, ensure_ascii=False, indent=1)

        body = f"{t('adm_before', lang)}:\n{show(before)}\n\n{t('adm_after', lang)}:\n{show(after)}"
    return Reply(f"{head}\n\n{body}", "info", lang, options)
