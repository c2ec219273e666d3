"""Contacts: list, view, edit one detail, history and rollback.

A contact's details are versioned like an entry (``knowledge.contacts``: stored under
``contact:<id>`` in the same versions table, with its audit record in the same transaction), so a
change is previewed, confirmed, applied at once, refused if someone else saved meanwhile, and can
be rolled back. What an administrator types is checked before the preview: a phone, e-mail or
address that fails is shown back with what to fix, and nothing is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from handlers.admin import flow
from handlers.admin.codes import Code, encode
from handlers.admin.common import (
    back,
    cancel,
    history_lines,
    label,
    note_text,
    problems_text,
    rollback_options,
    save_or_cancel,
    when,
)
from handlers.admin.flow import State, Step
from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.ports import KbChange, VersionConflict
from handlers.texts import t
from knowledge.contacts import check_details, contact_to_dict, fingerprint, version_id
from knowledge.details import check_detail
from knowledge.model import CONTACT_DETAIL_FIELDS
from knowledge.overlay import problem

log = logging.getLogger(__name__)

# a detail -> how its prompt asks for it (with the formats it takes)
ASK_KEYS = {"address": "adm_ask_address", "phone": "adm_ask_phone", "email": "adm_ask_email",
            "website": "adm_ask_website", "hours": "adm_ask_hours"}
ACTION_KEYS = {"contact_edit": "adm_act_contact_edit", "contact_rollback": "adm_act_contact_rollback"}


@dataclass
class ContactChange(State):
    """One contact's change (op: contact_edit or contact_rollback). ``draft`` is the stored form
    after it and ``orig`` before; ``base`` the version it started from, ``fp`` the file's then."""

    id: str
    base: int
    fp: str
    draft: dict
    orig: dict
    field: str = ""


def _name(ctx: Ctx, cid: str) -> str:
    contact = ctx.kb.contacts.get(cid)
    return contact.name.get(ctx.lang) or contact.name["vi"] if contact else cid


def _value(data: dict, name: str, lang: str) -> str:
    return (data.get("details") or {}).get(name) or t("adm_contact_missing", lang)


async def current_contact(ctx: Ctx, cid: str) -> tuple[dict | None, int, list[dict]]:
    """The contact's details as they stand, its version number and its chat history."""
    history = await ctx.storage.kb_history(version_id(cid))
    version = history[-1]["version"] if history else 0
    contact = ctx.kb.contacts.get(cid)
    return (contact_to_dict(contact) if contact else None), version, history


def _not_found(ctx: Ctx, cid: str) -> Reply:
    lang = ctx.lang
    return Reply(t("adm_contact_not_found", lang, id=cid), "info", lang,
                 [Option(t("adm_contacts", lang), encode(Code.CONTACTS)), back(lang)])


def _open(lang: str, cid: str) -> Option:
    return Option(t("adm_contact_open", lang), encode(Code.CONTACT_VIEW, cid))


def _notes(ctx: Ctx, cid: str) -> list:
    return [n for n in ctx.live.snap.notes if n.entry_id == version_id(cid)]


# -- views -----------------------------------------------------------------------------------------
async def contacts_list(ctx: Ctx) -> Reply:
    lang = ctx.lang
    options = [Option(label(c.name.get(lang) or c.name["vi"]), encode(Code.CONTACT_VIEW, c.id))
               for c in ctx.kb.contacts.values()]
    return Reply(t("adm_contacts_title", lang), "info", lang, [*options, back(lang)])


async def contact_view(ctx: Ctx, cid: str) -> Reply:
    lang = ctx.lang
    data, version, _ = await current_contact(ctx, cid)
    if data is None:
        return _not_found(ctx, cid)
    contact = ctx.kb.contacts[cid]
    baseline = ctx.live.baseline.contacts.get(cid)
    overrides = bool(version) and fingerprint(baseline) != fingerprint(data)
    where = t("adm_v_chat", lang, v=str(version)) if overrides else t("adm_v_file", lang)
    lines = [f"📇 {_name(ctx, cid)}", f"{t('adm_f_id', lang)}: {cid} · {where}"]
    lines += [note_text(n, lang) for n in _notes(ctx, cid)]
    role = contact.role.get(lang) or contact.role.get("vi")
    if role:
        lines += ["", role]
    lines.append("")
    lines += [f"{t(k, lang)}: {_value(data, k, lang)}" for k in CONTACT_DETAIL_FIELDS]
    options = [Option(t("adm_contact_edit", lang, field=t(k, lang)), encode(Code.CONTACT_EDIT, cid, k))
               for k in CONTACT_DETAIL_FIELDS]
    options += [Option(t("adm_history", lang), encode(Code.CONTACT_HISTORY, cid)),
                Option(t("adm_contacts", lang), encode(Code.CONTACTS)), back(lang)]
    return Reply("\n".join(lines), "info", lang, options)


def details_diff(old: dict | None, new: dict, lang: str) -> list[str]:
    """Each detail that changes, old → new (also how the audit log shows a contact's record)."""
    out = []
    for k in CONTACT_DETAIL_FIELDS:
        before = ((old or {}).get("details") or {}).get(k, "")
        after = (new.get("details") or {}).get(k, "")
        if before != after:
            out.append(f"{t(k, lang)}: {before or t('adm_contact_missing', lang)} → "
                       f"{after or t('adm_contact_missing', lang)}")
    return out


async def history_reply(ctx: Ctx, cid: str) -> Reply:
    lang = ctx.lang
    data, version, history = await current_contact(ctx, cid)
    if data is None:
        return _not_found(ctx, cid)
    file_wins = any(n.kind in ("superseded", "invalid") for n in _notes(ctx, cid))
    in_force = 0 if file_wins else version
    lines = [t("adm_history_title", lang, id=_name(ctx, cid)),
             f"v0 · {t('adm_v_file', lang)}{' ✔' if in_force == 0 else ''}"]
    options = [Option(t("adm_rollback_to", lang, v="0"), encode(Code.CONTACT_ROLLBACK, cid, 0))
               ] if in_force else []
    baseline = ctx.live.baseline.contacts.get(cid)
    earlier: list[tuple[int, dict]] = [(0, contact_to_dict(baseline))] if baseline else []
    lines += history_lines(ctx, history, earlier, in_force,
                           lambda action: t(ACTION_KEYS[action], lang) if action in ACTION_KEYS else action,
                           lambda row, before: _what_changed(row, before, lang))
    options += rollback_options(lang, history, in_force, Code.CONTACT_ROLLBACK, cid)
    if not history:
        lines.append(t("adm_history_none", lang))
    return Reply("\n".join(lines), "info", lang, [*options, _open(lang, cid), back(lang)])


def _what_changed(row: dict, earlier: list[tuple[int, dict]], lang: str) -> str:
    """" (→ v2)" for a rollback; " (Điện thoại)" for an edit."""
    same = [v for v, old in earlier if fingerprint(old) == fingerprint(row["data"])]
    if row["action"] == "contact_rollback":
        return f" (→ v{same[-1]})" if same else ""
    if not earlier:
        return ""
    old = earlier[-1][1].get("details") or {}
    names = [t(k, lang) for k in CONTACT_DETAIL_FIELDS if old.get(k, "") != row["data"]["details"].get(k, "")]
    return f" ({', '.join(names)})" if names else ""


# -- changes ---------------------------------------------------------------------------------------
async def _start(ctx: Ctx, cid: str, op: str, step: str, target: dict | None, field: str = "") -> Reply:
    data, version, _ = await current_contact(ctx, cid)
    if data is None or target is None:
        return _not_found(ctx, cid)
    fp = fingerprint(ctx.live.baseline.contacts.get(cid))
    draft = {"id": cid, "details": dict(target["details"])}
    return await flow.start(ctx, ContactChange(op, step, id=cid, base=version, fp=fp, draft=draft, orig=data,
                                               field=field))


async def start_edit(ctx: Ctx, cid: str, field: str) -> Reply:
    if field not in CONTACT_DETAIL_FIELDS:
        return await contact_view(ctx, cid)
    data, _, _ = await current_contact(ctx, cid)
    return await _start(ctx, cid, "contact_edit", "value", data, field)


async def start_rollback(ctx: Ctx, cid: str, number: int) -> Reply:
    _, _, history = await current_contact(ctx, cid)
    baseline = ctx.live.baseline.contacts.get(cid)
    if number == 0 and baseline is not None:
        target = contact_to_dict(baseline)
    else:
        target = next((h["data"] for h in history if h["version"] == number), None)
    return await _start(ctx, cid, "contact_rollback", "preview", target)


def value_prompt(ctx: Ctx, state: ContactChange) -> Reply:
    lang = ctx.lang
    current = t("adm_contact_current", lang, field=t(state.field, lang),
                value=_value(state.draft, state.field, lang))
    text = f"📇 {_name(ctx, state.id)}\n{current}\n\n{t(ASK_KEYS[state.field], lang)}"
    return Reply(text, "info", lang, [Option(t("adm_contact_clear", lang), encode(Code.SKIP)), cancel(lang)])


async def take_value(ctx: Ctx, state: ContactChange, text: str) -> Reply:
    value, found = check_detail(state.field, text)
    if found:  # shown back with what to fix; the state is not saved
        return flow.retry(ctx, state, [problem(key, **params) for key, params in found])
    if not value:
        return flow.retry(ctx, state, [problem("adm_err_detail_empty")])
    state.draft["details"][state.field] = value
    return await flow.advance(ctx, state)


async def clear_value(ctx: Ctx, state: ContactChange, _arg: str) -> Reply:
    state.draft["details"][state.field] = ""
    return await flow.advance(ctx, state)


def preview_prompt(ctx: Ctx, state: ContactChange) -> Reply:
    lang = ctx.lang
    key = "adm_preview_contact_rollback" if state.op == "contact_rollback" else "adm_preview_contact"
    changes = details_diff(state.orig, state.draft, lang) or [t("adm_no_change", lang)]
    text = "\n\n".join([t(key, lang, name=_name(ctx, state.id)), "\n".join(changes), t("adm_confirm", lang)])
    return Reply(text, "info", lang, save_or_cancel(lang))


async def save(ctx: Ctx, state: ContactChange, _arg: str = "") -> Reply:
    lang, cid = ctx.lang, state.id
    await ctx.set_state(None)
    problems = check_details(state.draft)
    if problems:
        return Reply(t("adm_cannot_save", lang) + "\n" + problems_text(problems, lang), "info", lang,
                     [_open(lang, cid), back(lang)])
    change = KbChange(version_id(cid), state.op, state.draft, int(state.base), state.fp, state.orig)
    try:
        [number] = await ctx.live.apply_changes(ctx.storage, [change], ctx.who)
    except VersionConflict as conflict:
        await ctx.storage.audit(ctx.who, "save_refused", version_id(cid), state.orig, state.draft)
        latest = conflict.latest
        who = t("adm_conflict_by", lang, admin=ctx.name_of(latest["admin"]), when=when(latest["created_at"]),
                v=str(latest["version"])) if latest else t("adm_conflict_file", lang)
        changes = "\n".join(details_diff(state.orig, state.draft, lang))
        text = t("adm_conflict_contact", lang, who=who) + "\n\n" + changes
        return Reply(text, "info", lang, [_open(lang, cid), back(lang)])
    log.info("contacts: %s saved %s version %d", ctx.who, cid, number)
    undo = Option(t("adm_undo", lang), encode(Code.CONTACT_ROLLBACK, cid, number - 1))
    return Reply(t("adm_saved_contact", lang, name=_name(ctx, cid), v=str(number)), "info", lang,
                 [_open(lang, cid), undo, back(lang)])


flow.declare("contact_edit", ContactChange, {
    "value": Step(value_prompt, take_value, {Code.SKIP: clear_value}),
    "preview": Step(preview_prompt, options={Code.SAVE: save}),
})
flow.declare("contact_rollback", ContactChange, {"preview": Step(preview_prompt, options={Code.SAVE: save})})
