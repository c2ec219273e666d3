"""The knowledge base as files: export (CSV, YAML), import of an edited file, and /reload of the
curated files. An import is validated and previewed (see handlers.kbfiles); nothing changes until
the administrator confirms, and a file reloaded or an entry saved meanwhile refuses it whole.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from handlers import kbfiles
from handlers.admin import flow
from handlers.admin.codes import Code, encode
from handlers.admin.common import (
    back,
    current_entry,
    file_fp,
    hidden_entries,
    note_text,
    save_or_cancel,
)
from handlers.admin.flow import State, Step
from handlers.context import Ctx
from handlers.messages import Document, Option, Reply
from handlers.ports import KbChange, VersionConflict
from handlers.texts import t
from handlers.vntime import VN_TIME

log = logging.getLogger(__name__)

EXPORTS = {Code.EXPORT_CSV: "csv", Code.EXPORT_YAML: "yaml"}
MAX_LISTED = 20
MAX_PROBLEMS = 30


@dataclass
class Import(State):
    """An uploaded file waiting for "Save": the entries to save by id, each one's version and file
    fingerprint when previewed (a change since refuses the import), and what it adds, changes,
    restores and hides."""

    name: str
    entries: dict[str, dict]
    versions: dict[str, int]
    fps: dict[str, str]
    added: list[str]
    changed: list[str]
    restored: list[str]
    hidden: list[str]


async def files_reply(ctx: Ctx) -> Reply:
    lang = ctx.lang
    return Reply(t("adm_files_text", lang), "info", lang,
                 [Option(t("adm_export_csv", lang), encode(Code.EXPORT_CSV)),
                  Option(t("adm_export_yaml", lang), encode(Code.EXPORT_YAML)), back(lang)])


async def export(ctx: Ctx, code: Code) -> Reply:
    lang, fmt = ctx.lang, EXPORTS[code]
    entries = list(ctx.kb.entries.values())
    stamp = dt.datetime.now(VN_TIME).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        doc = Document(f"kb-{stamp}.csv", kbfiles.to_csv(entries))
    else:
        doc = Document(f"kb-{stamp}.yaml", kbfiles.to_yaml(entries))
    await ctx.storage.audit(ctx.who, "export", None, None, {"format": fmt, "entries": len(entries)})
    return Reply(t("adm_exported", lang, n=str(len(entries))), "info", lang, [back(lang)], documents=[doc])


async def on_document(ctx: Ctx, name: str, data: bytes) -> Reply:
    """A CSV or YAML file from an administrator: validated, compared, previewed; nothing changes
    until they confirm."""
    lang = ctx.lang
    plan = kbfiles.plan_import(name, data, ctx.kb, await hidden_entries(ctx), lang)
    if plan.problems:
        shown = plan.problems[:MAX_PROBLEMS]
        more = len(plan.problems) - len(shown)
        head = t("adm_import_problems", lang, n=str(len(plan.problems)))
        text = "\n".join([head, *(f"• {p}" for p in shown)])
        if more:
            text += "\n" + t("adm_import_more", lang, n=str(more))
        return Reply(text, "info", lang, [back(lang)])
    if plan.empty:
        return Reply(t("adm_import_nothing", lang), "info", lang, [back(lang)])
    touched = [*plan.added, *plan.changed, *[e for e in plan.restored if e not in plan.changed], *plan.hidden]
    versions = {eid: await ctx.storage.kb_version(eid) for eid in touched}
    fps = {eid: file_fp(ctx, eid) for eid in touched}
    entries = {eid: plan.entries[eid] for eid in touched if eid in plan.entries}
    state = Import("import", "preview", name=name, entries=entries, versions=versions, fps=fps,
                   added=plan.added, changed=plan.changed, restored=plan.restored, hidden=plan.hidden)
    return await flow.start(ctx, state)


def _import_preview(ctx: Ctx, state: Import) -> Reply:
    lang = ctx.lang
    lines = [t("adm_import_summary", lang, name=state.name, added=str(len(state.added)),
               changed=str(len(state.changed)), hidden=str(len(state.hidden)),
               restored=str(len(state.restored)))]
    for ids, key in ((state.added, "adm_import_added"), (state.changed, "adm_import_changed"),
                     (state.restored, "adm_import_restored"), (state.hidden, "adm_import_hidden")):
        if ids:
            more = " …" if len(ids) > MAX_LISTED else ""
            lines.append(f"{t(key, lang)}: {', '.join(ids[:MAX_LISTED])}{more}")
    lines.append(t("adm_confirm", lang))
    return Reply("\n".join(lines), "info", lang, save_or_cancel(lang))


async def _apply_import(ctx: Ctx, state: Import, _arg: str) -> Reply:
    lang = ctx.lang
    changes = []
    for eid, version in state.versions.items():
        current, _, _ = await current_entry(ctx, eid)
        if eid in state.entries:
            data = {**state.entries[eid], "hidden": False}
            action = "import_add" if eid in state.added else "import_edit"
        else:
            if current is None:
                continue
            data, action = {**current, "hidden": True}, "import_hide"
        changes.append(KbChange(eid, action, data, int(version), state.fps.get(eid, ""), current))
    await ctx.set_state(None)
    try:
        await ctx.live.apply_changes(ctx.storage, changes, ctx.who)
    except VersionConflict as conflict:
        return Reply(t("adm_import_conflict", lang, id=conflict.entry_id), "info", lang, [back(lang)])
    summary = {"name": state.name, "added": state.added, "changed": state.changed, "restored": state.restored,
               "hidden": state.hidden}
    await ctx.storage.audit(ctx.who, "import", None, None, summary)
    return Reply(t("adm_import_done", lang, n=str(len(changes))), "info", lang, [back(lang)])


async def reload_reply(ctx: Ctx) -> Reply:
    """Re-reads the curated files; on any problem the running knowledge base stays as it is."""
    lang = ctx.lang
    problems = await ctx.live.reload(ctx.storage)
    if problems:
        await ctx.storage.audit(ctx.who, "reload_failed", None, None, [str(p) for p in problems])
        log.warning("reload refused: %d problem(s) in the knowledge files", len(problems))
        lines = [t("adm_reload_failed", lang, n=str(len(problems))), *(str(p) for p in problems)]
        return Reply("\n".join(lines), "info", lang, [back(lang)])
    await ctx.storage.audit(ctx.who, "reload", None, None, {"entries": len(ctx.live.kb.entries)})
    lines = [t("adm_reload_ok", lang, n=str(len(ctx.live.kb.entries)))]
    lines += ["• " + note_text(n, lang) for n in ctx.live.snap.notes]
    return Reply("\n".join(lines), "info", lang, [back(lang)])


flow.declare("import", Import, {"preview": Step(_import_preview, options={Code.SAVE: _apply_import})})
