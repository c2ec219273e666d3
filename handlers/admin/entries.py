"""Entries: find, view, add, edit, hide, restore, history and rollback.

Every change is previewed, confirmed, stored as a new version of the entry (with its audit record,
in one transaction) and applied at once by rebuilding the live knowledge base. A change carries
the version it started from (``base``) and the file's fingerprint then (``fp``): if either moved
meanwhile, the save is refused and the draft shown back (and kept in the audit log).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from handlers.admin import drafts, flow, followup
from handlers.admin.audit import action_name
from handlers.admin.codes import Code, encode
from handlers.admin.common import (
    back,
    cancel,
    current_entry,
    file_fp,
    hidden_entries,
    history_lines,
    label,
    not_found,
    note_text,
    problems_text,
    rollback_options,
    title_of,
    today,
    when,
)
from handlers.admin.drafts import EntryChange
from handlers.admin.flow import State, Step
from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.ports import KbChange, VersionConflict
from handlers.texts import t
from knowledge.matcher import SMALLTALK_PREFIX
from knowledge.overlay import MAX_PHRASING_CHARS, check_entry, entry_to_dict, new_entry_id

log = logging.getLogger(__name__)

SAVED_KEYS = {"add": "adm_saved_add", "edit": "adm_saved_edit", "hide": "adm_saved_hide",
              "restore": "adm_saved_restore", "rollback": "adm_saved_rollback"}
# the option that opens an edit -> the step it opens
EDIT_STEPS = {Code.EDIT_PHRASINGS: "phrasings", Code.EDIT_ANSWER: "answer", Code.EDIT_ANSWER_EN: "answer_en",
              Code.EDIT_TOPIC: "topic"}


# -- views -----------------------------------------------------------------------------------------
async def entry_view(ctx: Ctx, eid: str) -> Reply:
    lang = ctx.lang
    data, version, _ = await current_entry(ctx, eid)
    if data is None:
        return not_found(ctx, eid)
    hidden = bool(data.get("hidden"))
    baseline = ctx.live.baseline.entries.get(eid)
    # a chat version that is the file's text again (a rollback to v0) overrides nothing
    overrides = baseline is not None and version and _content(entry_to_dict(baseline)) != _content(data)
    where = t("adm_v_chat", lang, v=str(version)) if version and (overrides or baseline is None) \
        else t("adm_v_file", lang)
    head = [f"📄 {title_of(data, lang)}", f"{t('adm_f_id', lang)}: {eid} · {where}"]
    if overrides:
        head.append(t("adm_v_overrides", lang))
    if hidden:
        head.append(t("adm_v_hidden", lang))
    head += [note_text(n, lang) for n in ctx.live.snap.notes if n.entry_id == eid]
    text = "\n".join(head) + "\n\n" + drafts.describe(ctx.kb, data, lang)
    options = [
        Option(t("adm_edit_phrasings", lang), encode(Code.EDIT_PHRASINGS, eid)),
        Option(t("adm_edit_answer", lang), encode(Code.EDIT_ANSWER, eid)),
        Option(t("adm_edit_answer_en", lang), encode(Code.EDIT_ANSWER_EN, eid)),
        Option(t("adm_edit_topic", lang), encode(Code.EDIT_TOPIC, eid)),
        Option(t("adm_restore", lang), encode(Code.RESTORE, eid)) if hidden
        else Option(t("adm_hide", lang), encode(Code.HIDE, eid)),
        Option(t("adm_history", lang), encode(Code.HISTORY, eid)),
        back(lang),
    ]
    return Reply(text, "info", lang, options)


async def history_reply(ctx: Ctx, eid: str) -> Reply:
    lang = ctx.lang
    data, version, history = await current_entry(ctx, eid)
    if data is None:
        return not_found(ctx, eid)
    lines = [t("adm_history_title", lang, id=eid)]
    options = []
    # a chat version the files have superseded is not in force: the file's entry is
    file_wins = any(n.entry_id == eid and n.kind in ("superseded", "invalid") for n in ctx.live.snap.notes)
    in_force = 0 if file_wins else version
    if eid in ctx.live.baseline.entries:
        lines.append(f"v0 · {t('adm_v_file', lang)}{' ✔' if in_force == 0 else ''}")
        if in_force:
            options.append(Option(t("adm_rollback_to", lang, v="0"), encode(Code.ROLLBACK, eid, 0)))
    baseline = ctx.live.baseline.entries.get(eid)
    earlier: list[tuple[int, dict]] = [(0, entry_to_dict(baseline))] if baseline is not None else []
    lines += history_lines(ctx, history, earlier, in_force, lambda action: action_name(action, lang),
                           lambda row, before: what_changed(row, before, lang))
    options += rollback_options(lang, history, in_force, Code.ROLLBACK, eid)
    if not history:
        lines.append(t("adm_history_none", lang))
    options += [Option(t("adm_open", lang), encode(Code.VIEW, eid)), back(lang)]
    return Reply("\n".join(lines), "info", lang, options)


# what a version's line names as changed, in the order an entry view shows the fields
CHANGED_FIELDS = (("topic", "adm_f_topic"), ("questions", "adm_f_questions"),
                  ("answer.vi", "adm_f_answer_vi"), ("answer.en", "adm_f_answer_en"), ("sources", "source"))


def what_changed(row: dict, earlier: list[tuple[int, dict]], lang: str) -> str:
    """" (→ v2)" for a rollback to version 2; " (Câu hỏi, Trả lời (tiếng Việt))" for an edit; the
    fields compared with the version before it (the file's entry for the first)."""
    data = row["data"]
    if row["action"] == "rollback":
        same = [v for v, old in earlier if _content(old) == _content(data)]
        return f" (→ v{same[-1]})" if same else ""
    if not earlier or row["action"] in ("hide", "restore"):
        return ""
    old = earlier[-1][1]
    names = [t(key, lang) for field, key in CHANGED_FIELDS if _field(old, field) != _field(data, field)]
    return f" ({', '.join(names)})" if names else ""


def _field(data: dict, name: str) -> object:
    head, _, lang = name.partition(".")
    value = data.get(head)
    return (value or {}).get(lang, "") if lang else value


def _content(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "hidden"}


def _find_prompt(ctx: Ctx, state: State) -> Reply:
    return Reply(t("adm_find_prompt", ctx.lang), "info", ctx.lang, [cancel(ctx.lang)])


async def start_find(ctx: Ctx) -> Reply:
    return await flow.start(ctx, State("find", "find"))


async def _take_query(ctx: Ctx, state: State, text: str) -> Reply:
    await ctx.set_state(None)
    return await find(ctx, text)


async def find(ctx: Ctx, text: str) -> Reply:
    """By id, else by words as citizens would ask; nothing found keeps the search open."""
    lang, query = ctx.lang, text.strip()
    data, _, _ = await current_entry(ctx, query)
    if data is not None:
        return await entry_view(ctx, query)
    found = [c.entry_id for c in ctx.live.matcher.score_all(query, limit=8)
             if not c.entry_id.startswith(SMALLTALK_PREFIX) and c.entry_id in ctx.kb.entries]
    if not found:
        await flow.save(ctx, State("find", "find"))
        return Reply(t("adm_find_none", lang), "info", lang, [cancel(lang)])
    options = [Option(label(ctx.kb.entries[eid].title(lang)), encode(Code.VIEW, eid)) for eid in found]
    return Reply(t("adm_find_results", lang), "info", lang, [*options, back(lang)])


async def hidden_list(ctx: Ctx) -> Reply:
    lang = ctx.lang
    hidden = await hidden_entries(ctx)
    if not hidden:
        return Reply(t("adm_hidden_none", lang), "info", lang, [back(lang)])
    options = [Option(label(title_of(data, lang)), encode(Code.VIEW, eid)) for eid, data in hidden.items()]
    return Reply(t("adm_hidden_title", lang), "info", lang, [*options, back(lang)])


# -- starting a change -----------------------------------------------------------------------------
async def start_add(ctx: Ctx, questions: list[str] | None = None, answer: str = "",
                    queue: list[str] | None = None) -> Reply:
    draft: dict = {"questions": {"vi": [], "en": []}, "answer": {"vi": answer, "en": ""}, "keywords": [],
                   "related": [], "contact": None, "hidden": False}
    for q in questions or ():
        # a queued text too long to be a question (spam) is not offered as one: the question is typed
        if q.strip() and len(q.strip()) <= MAX_PHRASING_CHARS:
            draft["questions"][drafts.language(ctx, q)].append(q.strip())
    if not draft["questions"]["vi"]:
        draft["questions"]["vi"], draft["questions"]["en"] = draft["questions"]["en"], []
    return await flow.start(ctx, EntryChange("add", "topic", id="", base=0, fp="", draft=draft, orig=None,
                                                queue=queue or []))


async def start_change(ctx: Ctx, eid: str, op: str, step: str, draft_of: Callable[[dict], dict] | None = None,
                       queue: list[str] | None = None) -> Reply:
    """Opens ``op`` on the entry as it stands; ``draft_of`` makes the draft from it (else a copy)."""
    data, version, _ = await current_entry(ctx, eid)
    if data is None:
        return not_found(ctx, eid)
    draft = draft_of(data) if draft_of else {**data, "questions": {k: list(v) for k, v in
                                                                    data["questions"].items()},
                                             "answer": dict(data["answer"])}
    state = EntryChange(op, step, id=eid, base=version, fp=file_fp(ctx, eid), draft=draft, orig=data,
                        queue=queue or [])
    return await flow.start(ctx, state)


async def start_edit(ctx: Ctx, code: Code, eid: str) -> Reply:
    return await start_change(ctx, eid, "edit", EDIT_STEPS[code])


async def start_visibility(ctx: Ctx, eid: str, hide: bool) -> Reply:
    return await start_change(ctx, eid, "hide" if hide else "restore", "preview",
                              lambda data: {**data, "hidden": hide})


async def start_rollback(ctx: Ctx, eid: str, number: int) -> Reply:
    data, _version, history = await current_entry(ctx, eid)
    if number == 0 and eid in ctx.live.baseline.entries:
        target = entry_to_dict(ctx.live.baseline.entries[eid])
    else:
        target = next((dict(h["data"]) for h in history if h["version"] == number), None)
    if data is None or target is None:
        return not_found(ctx, eid)
    return await start_change(ctx, eid, "rollback", "preview", lambda _data: target)


async def _name_new_entry(ctx: Ctx, state: EntryChange) -> None:
    """A new entry gets its id at the preview, from its first Vietnamese question."""
    if state.id:
        return
    taken = set(ctx.live.baseline.entries) | set(ctx.kb.entries)
    taken |= {row["entry_id"] for row in await ctx.storage.kb_latest()}
    state.id = state.draft["id"] = new_entry_id(title_of(state.draft), taken)


# -- saving ----------------------------------------------------------------------------------------
async def save(ctx: Ctx, state: EntryChange, _arg: str = "") -> Reply:
    lang, eid, draft = ctx.lang, state.id, dict(state.draft)
    if state.op in ("add", "edit"):
        draft["as_of"] = today()
    draft.setdefault("as_of", today())
    if not draft.get("hidden"):
        problems = check_entry(ctx.kb, draft)
        if problems:
            await ctx.set_state(None)
            return Reply(t("adm_cannot_save", lang) + "\n" + problems_text(problems, lang), "info", lang,
                         _entry_or_menu(ctx, eid))
    change = KbChange(eid, state.op, draft, int(state.base), state.fp, state.orig)
    try:
        [number] = await ctx.live.apply_changes(ctx.storage, [change], ctx.who)
    except VersionConflict as conflict:
        await ctx.set_state(None)
        # The refused draft goes to the audit log too, so the administrator's work is never lost.
        await ctx.storage.audit(ctx.who, "save_refused", eid, state.orig, draft)
        log.info("admin save refused (concurrent change): %s by %s", eid, ctx.who)
        latest = conflict.latest
        who = t("adm_conflict_by", lang, admin=latest["admin"], when=when(latest["created_at"]),
                v=str(latest["version"])) if latest else t("adm_conflict_file", lang)
        text = t("adm_conflict", lang, who=who) + "\n\n" + drafts.describe(ctx.kb, draft, lang)
        return Reply(text, "info", lang, [Option(t("adm_open", lang), encode(Code.VIEW, eid)), back(lang)])
    await ctx.set_state(None)
    if state.queue:
        await ctx.storage.review_mark(state.queue, "handled")
    log.info("knowledge base: %s saved %s version %d", ctx.who, eid, number)
    # one tap to undo (through the same preview and confirm): back to the version before, or, for
    # a new entry, hide it
    undo = (encode(Code.ROLLBACK, eid, number - 1) if number > 1 or eid in ctx.live.baseline.entries
            else encode(Code.HIDE, eid))
    text = t(SAVED_KEYS[state.op], lang, id=eid, v=str(number))
    options = [Option(t("adm_open", lang), encode(Code.VIEW, eid)), Option(t("adm_undo", lang), undo),
               back(lang)]
    # a group from the review queue now has its answer: offer to tell the people who asked
    told = await followup.offer(ctx, state.queue, eid) if state.queue and not draft.get("hidden") else None
    if told is not None:
        text += "\n\n" + told[0]
        options.insert(0, told[1])
    return Reply(text, "info", lang, options)


def _entry_or_menu(ctx: Ctx, eid: str) -> list[Option]:
    if not eid:
        return [back(ctx.lang)]
    return [Option(t("adm_open", ctx.lang), encode(Code.VIEW, eid)), back(ctx.lang)]


# -- the steps of each change ----------------------------------------------------------------------
_PREVIEW = Step(drafts.preview_prompt, options={Code.SAVE: save})
flow.declare("add", EntryChange, {
    "topic": Step(drafts.topic_prompt, options={Code.TOPIC: drafts.take_topic}, next="phrasings"),
    "phrasings": Step(drafts.phrasings_prompt, drafts.take_phrasings, {Code.SKIP: drafts.keep_phrasings},
                      next="answer"),
    "answer": Step(drafts.answer_prompt, drafts.take_answer, {Code.SKIP: drafts.keep_answer},
                   next="answer_en"),
    "answer_en": Step(drafts.answer_en_prompt, drafts.take_answer_en, {Code.SKIP: drafts.skip_answer_en},
                      next="source"),
    "source": Step(drafts.source_prompt,
                   options={Code.SOURCE: drafts.take_source, Code.PAGE: drafts.take_page}),
    "preview": Step(drafts.preview_prompt, options={Code.SAVE: save}, enter=_name_new_entry),
})
flow.declare("edit", EntryChange, {
    "topic": Step(drafts.topic_prompt, options={Code.TOPIC: drafts.take_topic}),
    "phrasings": Step(drafts.phrasings_prompt, drafts.take_phrasings),
    "answer": Step(drafts.answer_prompt, drafts.take_answer),
    "answer_en": Step(drafts.answer_en_prompt, drafts.take_answer_en, {Code.SKIP: drafts.skip_answer_en}),
    "preview": _PREVIEW,
})
for _op in ("hide", "restore", "rollback"):
    flow.declare(_op, EntryChange, {"preview": _PREVIEW})
flow.declare("find", State, {"find": Step(_find_prompt, _take_query, next="find")})
