"""The knowledge base as files: export (Excel, CSV, YAML), an edited file sent back, and /reload of
the curated files. A file is validated and compared here (see handlers.kbfiles); the preview,
confirmation and undo of an import are in handlers.admin.imports.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from handlers import kbfiles
from handlers.admin import imports
from handlers.admin.codes import Code, encode
from handlers.admin.common import back, hidden_entries, note_text
from handlers.context import Ctx
from handlers.messages import Document, Option, Reply
from handlers.texts import TEXTS, t
from handlers.vntime import VN_TIME
from knowledge.validator import FileProblem

log = logging.getLogger(__name__)

EXPORTS = {Code.EXPORT_XLSX: ("xlsx", kbfiles.to_xlsx), Code.EXPORT_CSV: ("csv", kbfiles.to_csv),
           Code.EXPORT_YAML: ("yaml", kbfiles.to_yaml)}
MAX_PROBLEMS = 30
# a refused reload's problems within Zalo's 2,000 characters, the smallest message of the channels,
# leaving room for the "… and N more" line and the button's number
RELOAD_CHARS = 1800


async def files_reply(ctx: Ctx) -> Reply:
    lang = ctx.lang
    return Reply(t("adm_files_text", lang), "info", lang,
                 [Option(t("adm_export_xlsx", lang), encode(Code.EXPORT_XLSX)),
                  Option(t("adm_export_csv", lang), encode(Code.EXPORT_CSV)),
                  Option(t("adm_export_yaml", lang), encode(Code.EXPORT_YAML)), back(lang)])


async def export(ctx: Ctx, code: Code) -> Reply:
    lang, (fmt, write) = ctx.lang, EXPORTS[code]
    entries = list(ctx.kb.entries.values())
    stamp = dt.datetime.now(VN_TIME).strftime("%Y%m%d-%H%M")
    doc = Document(f"kb-{stamp}.{fmt}", await asyncio.to_thread(write, entries))
    await ctx.storage.audit(ctx.who, "export", None, None, {"format": fmt, "entries": len(entries)})
    return Reply(t("adm_exported", lang, n=str(len(entries))), "info", lang, [back(lang)], documents=[doc])


async def on_document(ctx: Ctx, name: str, data: bytes) -> Reply:
    """An Excel, CSV or YAML file from an administrator: validated, compared, previewed; nothing
    changes until they confirm."""
    lang = ctx.lang
    # in a worker thread: reading a large workbook would hold up everyone else's answers
    plan = await asyncio.to_thread(kbfiles.plan_import, name, data, ctx.kb, await hidden_entries(ctx), lang)
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
    return await imports.start(ctx, name, plan)


async def reload_reply(ctx: Ctx) -> Reply:
    """Re-reads the curated files; on any problem the running knowledge base stays as it is."""
    lang = ctx.lang
    problems = await ctx.live.reload(ctx.storage)
    if problems:
        await ctx.storage.audit(ctx.who, "reload_failed", None, None, [str(p) for p in problems])
        log.warning("reload refused: %d problem(s) in the knowledge files", len(problems))
        return Reply(problems_text(problems, lang), "info", lang, [back(lang)])
    await ctx.storage.audit(ctx.who, "reload", None, None, {"entries": len(ctx.live.kb.entries)})
    lines = [t("adm_reload_ok", lang, n=str(len(ctx.live.kb.entries)))]
    lines += ["• " + note_text(n, lang) for n in ctx.live.snap.notes]
    return Reply("\n".join(lines), "info", lang, [back(lang)])


def problem_text(problem: FileProblem, lang: str) -> str:
    """A knowledge-file problem in the administrator's language; a rare one without a text of its
    own keeps the validator's English rather than being left out."""
    text = t(problem.key, lang, **problem.kwargs()) if problem.key in TEXTS else problem.message
    if problem.line == 0:  # a summary, which names its file
        return text
    return t("kb_problem_at", lang, path=problem.path, line=str(problem.line), text=text)


def problems_text(problems: list[FileProblem], lang: str) -> str:
    """Why a reload was refused, in one message on every channel: the first problems, and how many
    more there are."""
    lines = [t("adm_reload_failed", lang, n=str(len(problems)))]
    size = len(lines[0])
    for p in problems[:MAX_PROBLEMS]:
        line = "• " + problem_text(p, lang)
        if size + 1 + len(line) > RELOAD_CHARS:
            break
        lines.append(line)
        size += 1 + len(line)
    if len(lines) - 1 < len(problems):
        lines.append(t("kb_problems_more", lang, n=str(len(problems) - len(lines) + 1)))
    return "\n".join(lines)
