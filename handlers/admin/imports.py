"""An import from its preview to "Save", and its undo in one step.

Entries missing from the file stay as they are unless the administrator asks to hide them, and
that choice has its own confirmation naming how many (officials delete the rows they did not touch
in Excel; that must never hide the rest of the knowledge base). An import that touches many
entries says so first. Saved, an import is one set of versions with one audit record holding what
each entry was before, so "Undo" puts the whole set back in one transaction, and refuses if any of
its entries changed since.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from handlers.admin import flow
from handlers.admin.codes import Code, encode
from handlers.admin.common import back, cancel, current_entry, file_fp, not_found, save_or_cancel, when
from handlers.admin.flow import State, Step
from handlers.context import Ctx
from handlers.kbfiles import ImportPlan
from handlers.messages import Option, Reply
from handlers.ports import ChangeSet, KbChange, VersionConflict
from handlers.texts import t

log = logging.getLogger(__name__)

MAX_LISTED = 20
BIG_COUNT = 10  # an import touching more entries than this, or more than BIG_SHARE of them, warns
BIG_SHARE = 0.2


@dataclass
class Import(State):
    """An uploaded file waiting for "Save": the entries to save by id, each touched entry's version
    and file fingerprint when previewed (a change since refuses the import), what it adds, changes
    and restores, the entries the file leaves out, and whether to hide those."""

    name: str
    entries: dict[str, dict]
    versions: dict[str, int]
    fps: dict[str, str]
    added: list[str]
    changed: list[str]
    restored: list[str]
    missing: list[str]
    hide: bool = False


@dataclass
class Undo(State):
    """An import waiting for its undo to be confirmed."""

    set_id: str
    name: str
    entries: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


SUMMARY_KEYS = ("added", "changed", "restored", "hidden")  # an import's audit record, in this order


def summary_text(lang: str, name: str, added: list, changed: list, restored: list, hidden: list) -> str:
    return t("adm_import_summary", lang, name=name, added=str(len(added)), changed=str(len(changed)),
             restored=str(len(restored)), hidden=str(len(hidden)))


def _ids(ids: list[str]) -> str:
    return ", ".join(ids[:MAX_LISTED]) + (" …" if len(ids) > MAX_LISTED else "")


def _touched(state: Import) -> list[str]:
    """What saving would change, in the order the preview lists it."""
    ids = [*state.added, *state.changed, *(e for e in state.restored if e not in state.changed)]
    return ids + state.missing if state.hide else ids


async def start(ctx: Ctx, name: str, plan: ImportPlan) -> Reply:
    ids = [*plan.added, *plan.changed, *(e for e in plan.restored if e not in plan.changed), *plan.missing]
    versions = {eid: await ctx.storage.kb_version(eid) for eid in ids}
    entries = {eid: plan.entries[eid] for eid in ids if eid in plan.entries}
    state = Import("import", "preview", name=name, entries=entries, versions=versions,
                   fps={eid: file_fp(ctx, eid) for eid in ids}, added=plan.added, changed=plan.changed,
                   restored=plan.restored, missing=plan.missing)
    return await flow.start(ctx, state)


def _preview(ctx: Ctx, state: Import) -> Reply:
    lang = ctx.lang
    hidden = state.missing if state.hide else []
    affected = {*state.changed, *state.restored, *hidden}
    in_use = max(len(ctx.kb.entries), 1)
    lines = []
    if len(affected) > BIG_COUNT or len(affected) > BIG_SHARE * in_use:
        lines.append(t("adm_import_big", lang, n=str(len(affected)), total=str(len(ctx.kb.entries))))
    lines.append(summary_text(lang, state.name, state.added, state.changed, state.restored, hidden))
    for ids, key in ((state.added, "adm_import_added"), (state.changed, "adm_import_changed"),
                     (state.restored, "adm_import_restored"), (hidden, "adm_import_hidden")):
        if ids:
            lines.append(f"{t(key, lang)}: {_ids(ids)}")
    options = []
    if state.missing and not state.hide:
        lines.append(t("adm_import_missing", lang, n=str(len(state.missing)), ids=_ids(state.missing)))
    if _touched(state):
        lines.append(t("adm_confirm", lang))
        options = save_or_cancel(lang)
    else:
        lines.append(t("adm_import_only_missing", lang))
        options = [cancel(lang)]
    if state.missing:
        key, code = (("adm_import_keep", Code.IMPORT_KEEP) if state.hide
                     else ("adm_import_hide", Code.IMPORT_HIDE))
        options.insert(0, Option(t(key, lang, n=str(len(state.missing))), encode(code)))
    return Reply("\n".join(lines), "info", lang, options)


def _hide_prompt(ctx: Ctx, state: Import) -> Reply:
    lang, n = ctx.lang, str(len(state.missing))
    return Reply(t("adm_import_hide_confirm", lang, n=n, ids=_ids(state.missing)), "info", lang,
                 [Option(t("adm_import_hide_yes", lang, n=n), encode(Code.IMPORT_HIDE), row="hide"),
                  Option(t("adm_import_hide_no", lang), encode(Code.IMPORT_KEEP), row="hide")])


async def _ask_hide(ctx: Ctx, state: Import, _arg: str) -> Reply:
    state.step = "hide"
    return await flow.start(ctx, state)


async def _set_hide(ctx: Ctx, state: Import, hide: bool) -> Reply:
    state.step, state.hide = "preview", hide
    return await flow.start(ctx, state)


async def _apply(ctx: Ctx, state: Import, _arg: str) -> Reply:
    lang = ctx.lang
    changes, undo = [], {}
    for eid in _touched(state):
        current, _, _ = await current_entry(ctx, eid)
        if eid in state.entries:
            data = {**state.entries[eid], "hidden": False}
            action = "import_add" if eid in state.added else "import_edit"
        else:
            if current is None:
                continue
            data, action = {**current, "hidden": True}, "import_hide"
        version, fp = int(state.versions[eid]), state.fps.get(eid, "")
        changes.append(KbChange(eid, action, data, version, fp, current))
        undo[eid] = {"version": version + 1, "fp": fp, "before": current}
    await ctx.set_state(None)
    if not changes:
        return Reply(t("adm_import_nothing", lang), "info", lang, [back(lang)])
    set_id = secrets.token_hex(4)
    summary = {"name": state.name, "added": state.added, "changed": state.changed, "restored": state.restored,
               "hidden": state.missing if state.hide else [], "undo": undo}
    try:
        await ctx.live.apply_changes(ctx.storage, changes, ctx.who,
                                     ChangeSet("import", f"import:{set_id}", summary))
    except VersionConflict as conflict:
        return Reply(t("adm_import_conflict", lang, id=conflict.entry_id), "info", lang, [back(lang)])
    log.info("knowledge base: %s imported %s (%d entries, set %s)", ctx.who, state.name, len(changes), set_id)
    return Reply(t("adm_import_done", lang, n=str(len(changes))), "info", lang,
                 [Option(t("adm_import_undo", lang), encode(Code.UNDO_IMPORT, set_id)), back(lang)])


# -- undo ------------------------------------------------------------------------------------------
async def _record(ctx: Ctx, set_id: str) -> dict | None:
    rows = await ctx.storage.audit_log(1, target=f"import:{set_id}")
    return rows[0] if rows and isinstance(rows[0]["after"], dict) and "undo" in rows[0]["after"] else None


async def start_undo(ctx: Ctx, set_id: str) -> Reply:
    lang = ctx.lang
    record = await _record(ctx, set_id)
    if record is None:
        return not_found(ctx, set_id)
    if await ctx.storage.audit_log(1, target=f"undo:{set_id}"):
        return Reply(t("adm_undo_already", lang, name=record["after"]["name"]), "info", lang, [back(lang)])
    state = Undo("undo", "preview", set_id=set_id, name=record["after"]["name"],
                 entries=sorted(record["after"]["undo"]), added=list(record["after"].get("added", [])))
    return await flow.start(ctx, state)


def _undo_preview(ctx: Ctx, state: Undo) -> Reply:
    lang = ctx.lang
    lines = [t("adm_undo_preview", lang, name=state.name, n=str(len(state.entries)), ids=_ids(state.entries))]
    if state.added:
        lines.append(t("adm_undo_added", lang, ids=_ids(state.added)))
    lines.append(t("adm_undo_confirm", lang))
    return Reply("\n".join(lines), "info", lang, save_or_cancel(lang, "adm_undo"))


async def _apply_undo(ctx: Ctx, state: Undo, _arg: str) -> Reply:
    """Each entry back to what it was before the import (an entry the import added is hidden)."""
    lang = ctx.lang
    await ctx.set_state(None)
    record = await _record(ctx, state.set_id)
    if record is None:
        return not_found(ctx, state.set_id)
    changes = []
    for eid, saved in sorted(record["after"]["undo"].items()):
        current, _, _ = await current_entry(ctx, eid)
        before = saved["before"]
        if before is None:
            if current is None:
                continue
            before = {**current, "hidden": True}
        changes.append(KbChange(eid, "import_undo", before, int(saved["version"]), saved["fp"], current))
    after = {"name": state.name, "import": record["id"], "entries": [c.entry_id for c in changes]}
    try:
        await ctx.live.apply_changes(ctx.storage, changes, ctx.who,
                                     ChangeSet("import_undo", f"undo:{state.set_id}", after))
    except VersionConflict as conflict:
        return Reply(t("adm_undo_conflict", lang, id=conflict.entry_id), "info", lang,
                     [Option(t("adm_history", lang), encode(Code.HISTORY, conflict.entry_id)), back(lang)])
    log.info("knowledge base: %s undid import set %s (%d entries)", ctx.who, state.set_id, len(changes))
    done = t("adm_undo_done", lang, name=state.name, n=str(len(changes)), when=when(record["created_at"]))
    return Reply(done, "info", lang, [back(lang)])


flow.declare("import", Import, {
    "preview": Step(_preview, options={Code.SAVE: _apply, Code.IMPORT_HIDE: _ask_hide,
                                       Code.IMPORT_KEEP: lambda ctx, s, _a: _set_hide(ctx, s, False)}),
    "hide": Step(_hide_prompt, options={Code.IMPORT_HIDE: lambda ctx, s, _a: _set_hide(ctx, s, True),
                                        Code.IMPORT_KEEP: lambda ctx, s, _a: _set_hide(ctx, s, False)}),
})
flow.declare("undo", Undo, {"preview": Step(_undo_preview, options={Code.SAVE: _apply_undo})})
