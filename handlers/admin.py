"""Administrators (issue 4): /admin and the guided flows behind it.

Only people listed in ``ADMIN_IDS`` get here; the router answers anyone else as if the command did
not exist (and logs the attempt). Everything is options plus typed text, so a channel without
buttons (Zalo: numbered lists) can offer the same flows. Every change is previewed, confirmed,
stored as a new version of the entry (with its audit record, in one transaction) and applied at
once by rebuilding the live knowledge base; any version can be rolled back to.

The flow in progress lives in the conversation state::

    {"flow": "admin", "op": "add|edit|hide|restore|rollback", "step": "...", "id": entry id,
     "base": version the change started from, "fp": fingerprint of the file's entry then,
     "draft": the entry as it will be saved, "orig": the entry before (None for a new one),
     "queue": review-queue items the change deals with (optional)}

Messages to other people ("reply" from the queue, "fbreply" to feedback, "broadcast") have a text
step and a preview; "import" has only a preview. Options are ``ad:<what>[:<args>]`` (see
``on_action``), all within Telegram's 64-byte callback data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from handlers import chart, kbfiles, review
from handlers.context import Ctx
from handlers.messages import Delivery, Document, Option, Reply
from handlers.ports import KbChange, Store, VersionConflict
from handlers.texts import TEXTS, t
from handlers.vntime import VN_TIME
from knowledge.loader import phrasing_key
from knowledge.matcher import SMALLTALK_PREFIX
from knowledge.model import LANGS, KnowledgeBase
from knowledge.overlay import (
    Problem,
    check_answer,
    check_entry,
    check_phrasings,
    entry_to_dict,
    fingerprint,
    new_entry_id,
    problem,
)

log = logging.getLogger(__name__)

FLOW = "admin"
COMMANDS = frozenset({"admin", "reload", "stats"})
# ops whose text step is "reply": a message to other people, previewed, then delivered
MESSAGE_OPS = ("reply", "fbreply", "broadcast")
ADD_STEPS = ("topic", "phrasings", "answer", "answer_en", "source", "preview")
# "ad:<what>:..." options that only make sense inside a flow in progress
FLOW_ONLY = {"topic", "src", "skip", "save"}
MAX_LABEL = 60
MAX_HISTORY_BUTTONS = 8


def when(timestamp: float) -> str:
    """Times as officials read them: Vietnam time, day first."""
    return dt.datetime.fromtimestamp(timestamp, VN_TIME).strftime("%d/%m/%Y %H:%M")


def label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def back(lang: str) -> Option:
    return Option(t("adm_back", lang), "ad:menu")


def cancel(lang: str) -> Option:
    return Option(t("cancel", lang), "cancel")


def problems_text(problems: list[Problem], lang: str) -> str:
    return "\n".join("• " + t(p.key, lang, **p.kwargs()) for p in problems)


def title_of(data: dict, lang: str = "vi") -> str:
    questions = data.get("questions", {})
    first = (questions.get(lang) or questions.get("vi") or [data.get("id", "")])[0]
    return str(first)


def action_name(action: str, lang: str) -> str:
    key = f"adm_act_{action}"
    return t(key, lang) if key in TEXTS else action


# -- menu ------------------------------------------------------------------------------------------
def menu_reply(ctx: Ctx) -> Reply:
    lang = ctx.lang
    lines = [t("adm_menu", lang)]
    notes = ctx.live.snap.notes if ctx.live else ()
    if notes:
        lines.append("")
        lines.append(t("adm_notes", lang))
        lines += ["• " + t(f"adm_note_{n.kind}", lang, id=n.entry_id, v=str(n.version)) for n in notes]
    options = [
        Option(t("adm_queue", lang), "ad:queue"),
        Option(t("adm_inbox", lang), "ad:fb"),
        Option(t("adm_stats", lang), "ad:stats"),
        Option(t("adm_broadcast", lang), "ad:bc"),
        Option(t("adm_add", lang), "ad:add"),
        Option(t("adm_find", lang), "ad:find"),
        Option(t("adm_hidden", lang), "ad:hidden"),
        Option(t("adm_files", lang), "ad:io"),
        Option(t("adm_reload", lang), "ad:reload"),
        Option(t("adm_audit", lang), "ad:audit"),
    ]
    options += [Option(f"⚠️ {n.entry_id}", f"ad:v:{n.entry_id}") for n in notes[:5]]
    return Reply("\n".join(lines), "info", lang, options)


async def menu_with_counts(ctx: Ctx) -> Reply:
    """The menu, with how much waits in the review queue and the feedback inbox on its buttons."""
    reply = menu_reply(ctx)
    waiting = {"ad:queue": len(await _groups(ctx)), "ad:fb": len(await ctx.storage.feedback_inbox(100))}
    reply.options = [Option(f"{o.label} ({waiting[o.action]})", o.action) if waiting.get(o.action) else o
                     for o in reply.options]
    return reply


async def on_command(ctx: Ctx, name: str, arg: str) -> Reply:
    if name == "reload":
        return await reload_reply(ctx)
    if name == "stats":
        return await stats_reply(ctx)
    if arg:
        return await _find(ctx, arg)
    return await menu_with_counts(ctx)


# -- options ---------------------------------------------------------------------------------------
async def on_action(ctx: Ctx, state: dict | None, arg: str) -> Reply:
    """``ad:<what>[:<args>]`` options; ``state`` is the admin flow in progress, if any."""
    lang = ctx.lang
    if not ctx.admin:  # ADMIN_IDS changed while a flow was open
        await ctx.set_state(None)
        return Reply(t("unknown_option", lang), "fallback", lang)
    what, _, rest = arg.partition(":")
    if what in FLOW_ONLY:
        if state is None:
            return Reply(t("adm_stale", lang), "info", lang, menu_reply(ctx).options)
        return await _flow_option(ctx, state, what, rest)
    if state is not None:
        await ctx.set_state(None)  # any other option leaves the flow
    if what == "audit":
        return await audit_reply(ctx)
    if what == "al" and rest.isdigit():
        return await audit_detail(ctx, int(rest))
    if what == "reload":
        return await reload_reply(ctx)
    if what == "add":
        return await _start_add(ctx)
    if what == "queue":
        return await queue_reply(ctx)
    if what == "stats":
        return await stats_reply(ctx)
    if what == "io":
        return Reply(t("adm_files_text", lang), "info", lang,
                     [Option(t("adm_export_csv", lang), "ad:xcsv"),
                      Option(t("adm_export_yaml", lang), "ad:xyaml"), back(lang)])
    if what in ("xcsv", "xyaml"):
        return await _export(ctx, what[1:])
    if what == "fb":
        return await inbox_reply(ctx)
    if what in ("fbv", "fbr", "fbc"):
        return await _feedback_action(ctx, what, int(rest) if rest.isdigit() else 0)
    if what == "bc":
        count = len(await ctx.storage.subscribers())
        return await _start(ctx, {"op": "broadcast", "step": "reply", "question": "", "askers": [],
                                  "count": count})
    if what == "qx":
        return await _entry_from_last_reply(ctx)
    if what in ("q", "qa", "qn", "qr", "qd"):
        return await _queue_action(ctx, what, rest)
    if what == "find":
        await ctx.set_state({"flow": FLOW, "op": "find", "step": "find"})
        return Reply(t("adm_find_prompt", lang), "info", lang, [cancel(lang)])
    if what == "hidden":
        return await _hidden_list(ctx)
    if what == "v":
        return await entry_view(ctx, rest)
    if what in ("ep", "ea", "ee", "et"):
        return await _start_edit(ctx, rest, {"ep": "phrasings", "ea": "answer", "ee": "answer_en",
                                             "et": "topic"}[what])
    if what in ("h", "r"):
        return await _start_visibility(ctx, rest, hide=what == "h")
    if what == "hist":
        return await history_reply(ctx, rest)
    if what == "rb":
        eid, _, number = rest.rpartition(":")
        return await _start_rollback(ctx, eid, int(number) if number.isdigit() else -1)
    return await menu_with_counts(ctx)


async def _flow_option(ctx: Ctx, state: dict, what: str, rest: str) -> Reply:
    lang, step, draft = ctx.lang, state.get("step"), state.get("draft", {})
    if what == "topic" and step == "topic":
        if rest not in ctx.kb.topics:
            return _with_error(_prompt(ctx, state), [problem("adm_err_topic", topic=rest)], lang)
        draft["topic"] = rest
        return await _advance(ctx, state)
    if what == "src" and step == "source":
        if rest not in ctx.kb.sources:
            return _with_error(_prompt(ctx, state), [problem("adm_err_source", source=rest)], lang)
        draft["sources"] = [rest]
        return await _advance(ctx, state)
    if what == "skip" and step == "answer_en":
        draft["answer"]["en"] = ""
        return await _advance(ctx, state)
    if what == "skip" and state.get("op") == "add" and (
            (step == "phrasings" and any(draft["questions"].values()))
            or (step == "answer" and draft["answer"]["vi"])):
        return await _advance(ctx, state)  # keep what the queue or a direct reply filled in
    if what == "save" and step == "preview" and state.get("op") == "import":
        return await _apply_import(ctx, state)
    if what == "save" and step == "preview" and state.get("op") in MESSAGE_OPS:
        return await _send_reply(ctx, state)
    if what == "save" and step == "preview":
        return await _save(ctx, state)
    return _prompt(ctx, state)


# -- typed text ------------------------------------------------------------------------------------
async def on_text(ctx: Ctx, state: dict, text: str) -> Reply | None:
    """Typed text while an admin flow waits for it; ``None`` lets the router treat it as a question."""
    if not ctx.admin:
        await ctx.set_state(None)
        return None
    lang, step = ctx.lang, state.get("step")
    draft = state.get("draft", {})
    if step == "find":
        await ctx.set_state(None)
        return await _find(ctx, text)
    if step == "phrasings":
        added, removed, problems = _parse_phrasings(ctx, state, text)
        if problems:
            return _with_error(_prompt(ctx, state), problems, lang)
        questions = draft["questions"]
        for q in removed:
            for lg in LANGS:
                questions[lg] = [x for x in questions[lg] if phrasing_key(x) != phrasing_key(q)]
        for q in added:
            questions[_language(ctx, q)].append(q)
        if state.get("op") == "add" and not questions["vi"]:
            # a new entry is named by its first Vietnamese question: if every line read as English
            # (unaccented Vietnamese can), they stand as the Vietnamese ones
            questions["vi"], questions["en"] = questions["en"], []
        if not questions["vi"]:  # the state is not saved: the removals are forgotten
            return _with_error(_prompt(ctx, state), [problem("adm_err_no_phrasing")], lang)
        return await _advance(ctx, state)
    if step == "reply":
        problems = check_answer(text)
        if problems:
            return _with_error(_prompt(ctx, state), problems, lang)
        state["text"], state["step"] = text, "preview"
        await ctx.set_state(state)
        return _prompt(ctx, state)
    if step in ("answer", "answer_en"):
        problems = check_answer(text)
        if problems:
            return _with_error(_prompt(ctx, state), problems, lang)
        draft["answer"]["vi" if step == "answer" else "en"] = text
        return await _advance(ctx, state)
    reply = _prompt(ctx, state)
    reply.text = t("adm_pick", lang) + "\n\n" + reply.text
    return reply


def _language(ctx: Ctx, text: str) -> str:
    lang = ctx.live.matcher.language(text, "vi") if ctx.live else "vi"
    return lang if lang in LANGS else "vi"


def _parse_phrasings(ctx: Ctx, state: dict, text: str) -> tuple[list[str], list[str], list[Problem]]:
    """One phrasing per line; "- phrasing" or "-3" removes an existing one (edits only)."""
    current = [q for lg in LANGS for q in state["draft"]["questions"][lg]]
    added: list[str] = []
    removed: list[str] = []
    problems: list[Problem] = []
    seen = {phrasing_key(q) for q in current}
    for raw in text.splitlines():
        line = raw.strip().lstrip("•*").strip()
        if not line:
            continue
        if line[0] in "-−–" and state.get("op") != "add":
            target = line[1:].strip()
            if target.isdigit() and 1 <= int(target) <= len(current):
                removed.append(current[int(target) - 1])
            elif phrasing_key(target) in seen:
                removed.append(target)
            else:
                problems.append(problem("adm_err_not_there", q=target))
            continue
        if phrasing_key(line) in seen:
            continue  # already there: nothing to add
        seen.add(phrasing_key(line))
        added.append(line)
    problems += check_phrasings(ctx.kb, added, state.get("id") or "")
    return added, removed, problems


# -- flow steps ------------------------------------------------------------------------------------
async def _start(ctx: Ctx, state: dict) -> Reply:
    state["flow"] = FLOW
    await ctx.set_state(state)
    return _prompt(ctx, state)


async def _advance(ctx: Ctx, state: dict) -> Reply:
    if state["op"] == "add":
        state["step"] = ADD_STEPS[ADD_STEPS.index(state["step"]) + 1]
    else:
        state["step"] = "preview"
    if state["step"] == "preview" and state["op"] == "add" and not state["id"]:
        live = ctx.live
        taken = set(live.baseline.entries) | set(ctx.kb.entries)
        taken |= {row["entry_id"] for row in await ctx.storage.kb_latest()}
        state["id"] = state["draft"]["id"] = new_entry_id(title_of(state["draft"]), taken)
    await ctx.set_state(state)
    return _prompt(ctx, state)


def _with_error(reply: Reply, problems: list[Problem], lang: str) -> Reply:
    reply.text = t("adm_fix", lang) + "\n" + problems_text(problems, lang) + "\n\n" + reply.text
    return reply


def _prompt(ctx: Ctx, state: dict) -> Reply:
    lang, step, draft = ctx.lang, state.get("step"), state.get("draft", {})
    editing = state.get("op") != "add"
    if state.get("op") == "import":
        return _import_preview(ctx, state)
    if step == "topic":
        options = [Option(label(tp.title[lang]), f"ad:topic:{tp.id}") for tp in ctx.kb.topics_in_order()]
        return Reply(t("adm_ask_topic", lang), "info", lang, [*options, cancel(lang)])
    if step == "reply" or (step == "preview" and state.get("op") in MESSAGE_OPS):
        op = state["op"]
        n = str(state.get("count", len(state["askers"])))
        if step == "reply":
            prompt = t(f"adm_ask_{op}", lang, question=state["question"], n=n)
            return Reply(prompt, "info", lang, [cancel(lang)])
        return Reply(t(f"adm_preview_{op}", lang, question=state["question"], text=state["text"], n=n),
                     "info", lang, [Option(t("adm_send", lang), "ad:save", row="save"),
                                    Option(t("cancel", lang), "cancel", row="save")])
    keep = [Option(t("adm_keep", lang), "ad:skip")]
    if step == "phrasings" and not editing and any(draft["questions"].values()):
        current = "\n".join(f"• {q}" for lg in LANGS for q in draft["questions"][lg])
        return Reply(t("adm_ask_phrasings_more", lang, current=current), "info", lang, [*keep, cancel(lang)])
    if step == "answer" and not editing and draft["answer"]["vi"]:
        text = t("adm_current", lang, text=draft["answer"]["vi"]) + "\n\n" + t("adm_ask_answer", lang)
        return Reply(text, "info", lang, [*keep, cancel(lang)])
    if step == "phrasings":
        if editing:
            current = [q for lg in LANGS for q in draft["questions"][lg]]
            numbered = "\n".join(f"{i}. {q}" for i, q in enumerate(current, 1))
            return Reply(t("adm_ask_phrasings_edit", lang, current=numbered), "info", lang, [cancel(lang)])
        return Reply(t("adm_ask_phrasings", lang), "info", lang, [cancel(lang)])
    if step == "answer":
        text = t("adm_ask_answer", lang)
        if editing:
            text = t("adm_current", lang, text=draft["answer"]["vi"]) + "\n\n" + text
        return Reply(text, "info", lang, [cancel(lang)])
    if step == "answer_en":
        text = t("adm_ask_answer_en", lang)
        if editing:
            current = draft["answer"].get("en") or t("fb_none", lang)
            return Reply(t("adm_current", lang, text=current) + "\n\n" + text, "info", lang, [cancel(lang)])
        return Reply(text, "info", lang, [Option(t("skip", lang), "ad:skip"), cancel(lang)])
    if step == "source":
        options = [Option(label(src.title), f"ad:src:{src.id}") for src in ctx.kb.sources.values()]
        return Reply(t("adm_ask_source", lang), "info", lang, [*options, cancel(lang)])
    return Reply(_preview_text(ctx.kb, state, lang), "info", lang,
                 [Option(t("adm_save", lang), "ad:save", row="save"),
                  Option(t("cancel", lang), "cancel", row="save")])


def _preview_text(kb: KnowledgeBase, state: dict, lang: str) -> str:
    op, draft, orig = state["op"], state["draft"], state.get("orig")
    head = t(f"adm_preview_{op}", lang, id=state.get("id") or "")
    if orig is None:
        return head + "\n\n" + describe(kb, draft, lang) + "\n\n" + t("adm_confirm", lang)
    changes = diff(kb, orig, draft, lang)
    body = "\n\n".join(changes) if changes else t("adm_no_change", lang)
    return head + f" «{title_of(orig, lang)}»\n\n" + body + "\n\n" + t("adm_confirm", lang)


def describe(kb: KnowledgeBase, data: dict, lang: str) -> str:
    topic = kb.topics.get(data.get("topic", ""))
    lines = [f"{t('adm_f_topic', lang)}: {topic.title[lang] if topic else data.get('topic')}"]
    questions = [q for lg in LANGS for q in data["questions"].get(lg, ())]
    lines.append(f"{t('adm_f_questions', lang)} ({len(questions)}):")
    lines += [f"{i}. {q}" for i, q in enumerate(questions, 1)]
    lines.append(f"\n{t('adm_f_answer_vi', lang)}:\n{data['answer'].get('vi') or t('fb_none', lang)}")
    lines.append(f"\n{t('adm_f_answer_en', lang)}:\n{data['answer'].get('en') or t('fb_none', lang)}")
    sources = [kb.sources[s].title if s in kb.sources else s for s in data.get("sources", ())]
    lines.append(f"\n{t('source', lang)}: {'; '.join(sources) or t('fb_none', lang)}")
    return "\n".join(lines)


def diff(kb: KnowledgeBase, old: dict, new: dict, lang: str) -> list[str]:
    """What a change does, field by field, as the preview shows it."""
    out = []
    if old.get("topic") != new.get("topic"):
        def name(tid: str) -> str:
            return kb.topics[tid].title[lang] if tid in kb.topics else tid
        out.append(f"{t('adm_f_topic', lang)}: {name(old.get('topic', ''))} → {name(new.get('topic', ''))}")
    old_q = [q for lg in LANGS for q in old["questions"].get(lg, ())]
    new_q = [q for lg in LANGS for q in new["questions"].get(lg, ())]
    old_keys, new_keys = {phrasing_key(q) for q in old_q}, {phrasing_key(q) for q in new_q}
    added = [q for q in new_q if phrasing_key(q) not in old_keys]
    gone = [q for q in old_q if phrasing_key(q) not in new_keys]
    if added or gone:
        lines = [f"{t('adm_f_questions', lang)}:"]
        lines += [f"+ {q}" for q in added] + [f"− {q}" for q in gone]
        out.append("\n".join(lines))
    for lg, key in (("vi", "adm_f_answer_vi"), ("en", "adm_f_answer_en")):
        before, after = old["answer"].get(lg, ""), new["answer"].get(lg, "")
        if before != after:
            out.append(f"{t(key, lang)}:\n{t('adm_old', lang)}: {before or t('fb_none', lang)}\n"
                       f"{t('adm_new', lang)}: {after or t('fb_none', lang)}")
    if list(old.get("sources", ())) != list(new.get("sources", ())):
        before, after = ", ".join(old.get("sources", ())), ", ".join(new.get("sources", ()))
        out.append(f"{t('source', lang)}: {before} → {after}")
    if bool(old.get("hidden")) != bool(new.get("hidden")):
        out.append(t("adm_now_hidden" if new.get("hidden") else "adm_now_visible", lang))
    return out


# -- starting a change on an existing entry ---------------------------------------------------------
async def current_entry(ctx: Ctx, eid: str) -> tuple[dict | None, int, list[dict]]:
    """The entry as it stands (visible or hidden), its version number and its chat history."""
    history = await ctx.storage.kb_history(eid)
    version = history[-1]["version"] if history else 0
    entry = ctx.kb.entries.get(eid)
    if entry is not None:
        return entry_to_dict(entry), version, history
    if history and history[-1]["data"].get("hidden"):
        return dict(history[-1]["data"]), version, history
    return None, version, history


def _file_fp(ctx: Ctx, eid: str) -> str:
    return fingerprint(ctx.live.baseline.entries.get(eid))


async def _start_change(ctx: Ctx, eid: str, op: str, step: str, draft_of=None,
                        queue: list[str] | None = None) -> Reply:
    data, version, _ = await current_entry(ctx, eid)
    if data is None:
        return _not_found(ctx, eid)
    draft = draft_of(data) if draft_of else {**data, "questions": {k: list(v) for k, v in
                                                                    data["questions"].items()},
                                             "answer": dict(data["answer"])}
    state = {"op": op, "step": step, "id": eid, "base": version, "fp": _file_fp(ctx, eid), "draft": draft,
             "orig": data}
    if queue:
        state["queue"] = queue  # review-queue items this change deals with, marked handled on save
    return await _start(ctx, state)


async def _start_edit(ctx: Ctx, eid: str, step: str) -> Reply:
    return await _start_change(ctx, eid, "edit", step)


async def _start_visibility(ctx: Ctx, eid: str, hide: bool) -> Reply:
    return await _start_change(ctx, eid, "hide" if hide else "restore", "preview",
                               lambda data: {**data, "hidden": hide})


async def _start_rollback(ctx: Ctx, eid: str, number: int) -> Reply:
    data, _version, history = await current_entry(ctx, eid)
    if number == 0 and eid in ctx.live.baseline.entries:
        target = entry_to_dict(ctx.live.baseline.entries[eid])
    else:
        target = next((dict(h["data"]) for h in history if h["version"] == number), None)
    if data is None or target is None:
        return _not_found(ctx, eid)
    reply = await _start_change(ctx, eid, "rollback", "preview", lambda _data: target)
    return reply


def _not_found(ctx: Ctx, eid: str) -> Reply:
    return Reply(t("adm_not_found", ctx.lang, id=eid), "info", ctx.lang, menu_reply(ctx).options)


# -- saving ----------------------------------------------------------------------------------------
async def _save(ctx: Ctx, state: dict) -> Reply:
    lang, eid, draft = ctx.lang, state["id"], dict(state["draft"])
    if state["op"] in ("add", "edit"):
        draft["as_of"] = dt.datetime.now(VN_TIME).date().isoformat()
    draft.setdefault("as_of", dt.datetime.now(VN_TIME).date().isoformat())
    if not draft.get("hidden"):
        others = ctx.kb
        problems = check_entry(others, draft)
        if problems:
            await ctx.set_state(None)
            return Reply(t("adm_cannot_save", lang) + "\n" + problems_text(problems, lang), "info", lang,
                         _entry_or_menu(ctx, eid))
    change = KbChange(eid, state["op"], draft, int(state.get("base", 0)), state.get("fp", ""),
                      state.get("orig"))
    try:
        [number] = await ctx.live.apply_changes(ctx.storage, [change], ctx.who)
    except VersionConflict as conflict:
        await ctx.set_state(None)
        # The refused draft goes to the audit log too, so the administrator's work is never lost.
        await ctx.storage.audit(ctx.who, "save_refused", eid, state.get("orig"), draft)
        log.info("admin save refused (concurrent change): %s by %s", eid, ctx.who)
        latest = conflict.latest
        who = t("adm_conflict_by", lang, admin=latest["admin"], when=when(latest["created_at"]),
                v=str(latest["version"])) if latest else t("adm_conflict_file", lang)
        text = t("adm_conflict", lang, who=who) + "\n\n" + describe(ctx.kb, draft, lang)
        return Reply(text, "info", lang, [Option(t("adm_open", lang), f"ad:v:{eid}"), back(lang)])
    await ctx.set_state(None)
    if state.get("queue"):
        await ctx.storage.review_mark(state["queue"], "handled")
    log.info("knowledge base: %s saved %s version %d", ctx.who, eid, number)
    # one tap to undo (through the same preview and confirm): back to the version before, or, for
    # a new entry, hide it
    undo = f"ad:rb:{eid}:{number - 1}" if number > 1 or eid in ctx.live.baseline.entries else f"ad:h:{eid}"
    return Reply(t(f"adm_saved_{state['op']}", lang, id=eid, v=str(number)), "info", lang,
                 [Option(t("adm_open", lang), f"ad:v:{eid}"), Option(t("adm_undo", lang), undo), back(lang)])


def _entry_or_menu(ctx: Ctx, eid: str) -> list[Option]:
    return [Option(t("adm_open", ctx.lang), f"ad:v:{eid}"), back(ctx.lang)] if eid else [back(ctx.lang)]


# -- views -----------------------------------------------------------------------------------------
async def entry_view(ctx: Ctx, eid: str) -> Reply:
    lang = ctx.lang
    data, version, _ = await current_entry(ctx, eid)
    if data is None:
        return _not_found(ctx, eid)
    hidden = bool(data.get("hidden"))
    in_file = eid in ctx.live.baseline.entries
    where = t("adm_v_chat", lang, v=str(version)) if version else t("adm_v_file", lang)
    head = [f"📄 {title_of(data, lang)}", f"{t('adm_f_id', lang)}: {eid} · {where}"]
    if in_file and version:
        head.append(t("adm_v_overrides", lang))
    if hidden:
        head.append(t("adm_v_hidden", lang))
    head += [t(f"adm_note_{n.kind}", lang, id=n.entry_id, v=str(n.version))
             for n in ctx.live.snap.notes if n.entry_id == eid]
    text = "\n".join(head) + "\n\n" + describe(ctx.kb, data, lang)
    options = [
        Option(t("adm_edit_phrasings", lang), f"ad:ep:{eid}"),
        Option(t("adm_edit_answer", lang), f"ad:ea:{eid}"),
        Option(t("adm_edit_answer_en", lang), f"ad:ee:{eid}"),
        Option(t("adm_edit_topic", lang), f"ad:et:{eid}"),
        Option(t("adm_restore", lang), f"ad:r:{eid}") if hidden
        else Option(t("adm_hide", lang), f"ad:h:{eid}"),
        Option(t("adm_history", lang), f"ad:hist:{eid}"),
        back(lang),
    ]
    return Reply(text, "info", lang, options)


async def history_reply(ctx: Ctx, eid: str) -> Reply:
    lang = ctx.lang
    data, version, history = await current_entry(ctx, eid)
    if data is None:
        return _not_found(ctx, eid)
    lines = [t("adm_history_title", lang, id=eid)]
    options = []
    # a chat version the files have superseded is not in force: the file's entry is
    file_wins = any(n.entry_id == eid and n.kind in ("superseded", "invalid") for n in ctx.live.snap.notes)
    in_force = 0 if file_wins else version
    if eid in ctx.live.baseline.entries:
        lines.append(f"v0 · {t('adm_v_file', lang)}{' ✔' if in_force == 0 else ''}")
        if in_force:
            options.append(Option(t("adm_rollback_to", lang, v="0"), f"ad:rb:{eid}:0"))
    for row in history:
        current = " ✔" if row["version"] == in_force else ""
        lines.append(f"v{row['version']} · {when(row['created_at'])} · {row['admin']} · "
                     f"{action_name(row['action'], lang)}{current}")
    older = [row for row in history if row["version"] != in_force][-MAX_HISTORY_BUTTONS:]
    options += [Option(t("adm_rollback_to", lang, v=str(row["version"])), f"ad:rb:{eid}:{row['version']}")
                for row in reversed(older)]
    if not history:
        lines.append(t("adm_history_none", lang))
    options += [Option(t("adm_open", lang), f"ad:v:{eid}"), back(lang)]
    return Reply("\n".join(lines), "info", lang, options)


async def _find(ctx: Ctx, text: str) -> Reply:
    lang, query = ctx.lang, text.strip()
    data, _, _ = await current_entry(ctx, query)
    if data is not None:
        return await entry_view(ctx, query)
    found = [c.entry_id for c in ctx.live.matcher.score_all(query, limit=8)
             if not c.entry_id.startswith(SMALLTALK_PREFIX) and c.entry_id in ctx.kb.entries]
    if not found:
        await ctx.set_state({"flow": FLOW, "op": "find", "step": "find"})
        return Reply(t("adm_find_none", lang), "info", lang, [cancel(lang)])
    options = [Option(label(ctx.kb.entries[eid].title(lang)), f"ad:v:{eid}") for eid in found]
    return Reply(t("adm_find_results", lang), "info", lang, [*options, back(lang)])


async def _hidden_list(ctx: Ctx) -> Reply:
    lang = ctx.lang
    rows = [r for r in await ctx.storage.kb_latest()
            if r["data"].get("hidden") and r["entry_id"] not in ctx.kb.entries]
    if not rows:
        return Reply(t("adm_hidden_none", lang), "info", lang, [back(lang)])
    options = [Option(label(title_of(r["data"], lang)), f"ad:v:{r['entry_id']}") for r in rows]
    return Reply(t("adm_hidden_title", lang), "info", lang, [*options, back(lang)])


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
        lines.append(f"{when(row['created_at'])} · {row['admin']} · {action}{target}")
        if (row["before"] is not None or row["after"] is not None) and len(options) < 8:
            button = label(f"🔎 {when(row['created_at'])} · {action}{target}")
            options.append(Option(button, f"ad:al:{row['id']}"))
    return Reply("\n".join(lines), "info", lang, [*options, back(lang)])


async def audit_detail(ctx: Ctx, audit_id: int) -> Reply:
    """One audit record's before and after: as the change preview shows it for entries, else as data."""
    lang = ctx.lang
    row = next((r for r in await ctx.storage.audit_log(1, audit_id=audit_id)), None)
    if row is None:
        return await audit_reply(ctx)
    head = f"{when(row['created_at'])} · {row['admin']} · {action_name(row['action'], lang)}"
    if row["target"]:
        head += f" · {row['target']}"
    before, after = row["before"], row["after"]
    if isinstance(after, dict) and "questions" in after:
        if isinstance(before, dict) and "questions" in before:
            body = "\n\n".join(diff(ctx.kb, before, after, lang)) or t("adm_no_change", lang)
        else:
            body = describe(ctx.kb, after, lang)
    else:
        def show(value: object) -> str:
            return t("fb_none", lang) if value is None else json.dumps(value, ensure_ascii=False, indent=1)

        body = f"{t('adm_before', lang)}:\n{show(before)}\n\n{t('adm_after', lang)}:\n{show(after)}"
    return Reply(f"{head}\n\n{body}", "info", lang, [Option(t("adm_audit", lang), "ad:audit"), back(lang)])


# -- adding ----------------------------------------------------------------------------------------
async def _start_add(ctx: Ctx, questions: list[str] | None = None, answer: str = "",
                     queue: list[str] | None = None) -> Reply:
    draft: dict = {"questions": {"vi": [], "en": []}, "answer": {"vi": answer, "en": ""}, "keywords": [],
                   "related": [], "contact": None, "hidden": False}
    for q in questions or ():
        if q.strip():
            draft["questions"][_language(ctx, q)].append(q.strip())
    if not draft["questions"]["vi"]:
        draft["questions"]["vi"], draft["questions"]["en"] = draft["questions"]["en"], []
    state = {"op": "add", "step": "topic", "id": "", "base": 0, "fp": "", "draft": draft, "orig": None}
    if queue:
        state["queue"] = queue
    return await _start(ctx, state)


# -- review queue ----------------------------------------------------------------------------------
async def _groups(ctx: Ctx) -> list[review.Group]:
    return review.group_items(await ctx.storage.review_items())


def _group_text(ctx: Ctx, group: review.Group) -> str:
    if group.text:
        return group.text
    entry = ctx.kb.entries.get(group.entry_id or "")
    return entry.title(ctx.lang) if entry else (group.entry_id or "")


async def queue_reply(ctx: Ctx, limit: int = 8) -> Reply:
    lang = ctx.lang
    groups = await _groups(ctx)
    if not groups:
        return Reply(t("adm_queue_empty", lang), "info", lang, [back(lang)])
    lines = [t("adm_queue_title", lang, n=str(len(groups)), items=str(sum(g.count for g in groups)))]
    options = []
    for i, group in enumerate(groups[:limit], 1):
        line = f"{i}. (×{group.count}) {'👎 ' if group.kind == 'disliked' else ''}{_group_text(ctx, group)}"
        lines.append(line)
        options.append(Option(label(line), f"ad:q:{group.ref}"))
    return Reply("\n".join(lines), "info", lang, [*options, back(lang)])


async def _queue_action(ctx: Ctx, what: str, rest: str) -> Reply:
    lang = ctx.lang
    eid = ""
    if what == "qa":
        eid, _, rest = rest.partition(":")
    group = review.find_group(await _groups(ctx), rest)
    if group is None:
        return Reply(t("adm_queue_gone", lang), "info", lang,
                     [Option(t("adm_queue", lang), "ad:queue"), back(lang)])
    text = _group_text(ctx, group)
    if what == "qa":
        problems = check_phrasings(ctx.kb, [text], eid)
        if problems:
            return _with_error(await _group_view(ctx, group), problems, lang)
        reply = await _start_change(ctx, eid, "edit", "preview", lambda data: _with_phrasing(data, text, ctx),
                                    queue=group.refs)
        return reply
    if what == "qn":
        return await _start_add(ctx, [text], queue=group.refs)
    if what == "qr":
        askers = [list(a) for a in group.askers]
        return await _start(ctx, {"op": "reply", "step": "reply", "question": text, "askers": askers,
                                  "queue": group.refs})
    if what == "qd":
        await ctx.storage.review_mark(group.refs, "dismissed")
        await ctx.storage.audit(ctx.who, "queue_dismiss", None, {"question": text, "count": group.count})
        reply = await queue_reply(ctx)
        reply.text = t("adm_queue_dismissed", lang) + "\n\n" + reply.text
        return reply
    return await _group_view(ctx, group)


def _with_phrasing(data: dict, text: str, ctx: Ctx) -> dict:
    draft = {**data, "questions": {k: list(v) for k, v in data["questions"].items()},
             "answer": dict(data["answer"])}
    if all(phrasing_key(q) != phrasing_key(text) for lg in LANGS for q in draft["questions"][lg]):
        draft["questions"][_language(ctx, text)].append(text)
    return draft


async def _group_view(ctx: Ctx, group: review.Group) -> Reply:
    lang = ctx.lang
    text = _group_text(ctx, group)
    if group.kind == "disliked":
        kind = t("adm_q_disliked", lang, id=group.entry_id or "")
    else:
        kind = t("adm_q_unanswered", lang)
    lines = [t("adm_q_view", lang, text=text, n=str(group.count), kind=kind)]
    others = sorted({i["text"] for i in group.items if i["text"] and i["text"] != text})[:5]
    lines += [f"• {o}" for o in others]
    suggested = [c.entry_id for c in ctx.live.matcher.score_all(text, limit=6)
                 if not c.entry_id.startswith(SMALLTALK_PREFIX) and c.entry_id in ctx.kb.entries
                 and c.entry_id != group.entry_id][:3]
    if suggested:
        lines.append(t("adm_q_suggest", lang))
    options = [Option(label(t("adm_q_add_to", lang, title=ctx.kb.entries[eid].title(lang))),
                      f"ad:qa:{eid}:{group.ref}") for eid in suggested]
    options += [
        Option(t("adm_q_new", lang), f"ad:qn:{group.ref}"),
        Option(t("adm_q_reply", lang), f"ad:qr:{group.ref}"),
        Option(t("adm_q_dismiss", lang), f"ad:qd:{group.ref}"),
        Option(t("adm_queue", lang), "ad:queue"),
    ]
    return Reply("\n".join(lines), "info", lang, options)


async def _send_reply(ctx: Ctx, state: dict) -> Reply:
    """Delivers the administrator's answer to everyone who asked, each in their own language and on
    their own channel (the channel sends ``deliveries``), then offers to turn it into an entry."""
    lang, question, text = ctx.lang, state["question"], state["text"]
    if state["op"] == "fbreply":
        return await _send_feedback_reply(ctx, state)
    if state["op"] == "broadcast":
        return await _send_broadcast(ctx, text)
    deliveries = [Delivery(channel, user_id, t("adm_to_citizen", person_lang, question=question, text=text))
                  for channel, user_id, person_lang in state["askers"]]
    await ctx.storage.review_mark(state.get("queue", []), "handled")
    # the audit log keeps how many people were answered, not who: it outlives /xoadulieu
    await ctx.storage.audit(ctx.who, "queue_reply", None, {"question": question},
                            {"text": text, "to": len(state["askers"])})
    await ctx.set_state(None)
    options = [Option(t("adm_make_entry", lang), "ad:qx"), Option(t("adm_queue", lang), "ad:queue"),
               back(lang)]
    return Reply(t("adm_replied", lang), "info", lang, options, deliveries=deliveries)


async def _entry_from_last_reply(ctx: Ctx) -> Reply:
    """"Turn it into an entry": the administrator's latest direct answer, read back from the audit
    log, so the button still works after they looked at something else."""
    for row in await ctx.storage.audit_log(100):
        if row["admin"] == ctx.who and row["action"] == "queue_reply" and row["before"] and row["after"]:
            return await _start_add(ctx, [row["before"]["question"]], row["after"]["text"])
    return Reply(t("adm_stale", ctx.lang), "info", ctx.lang, menu_reply(ctx).options)


# -- reload ----------------------------------------------------------------------------------------
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
    lines += ["• " + t(f"adm_note_{n.kind}", lang, id=n.entry_id, v=str(n.version))
              for n in ctx.live.snap.notes]
    return Reply("\n".join(lines), "info", lang, [back(lang)])


# -- feedback inbox --------------------------------------------------------------------------------
async def inbox_reply(ctx: Ctx) -> Reply:
    lang = ctx.lang
    rows = await ctx.storage.feedback_inbox(10)
    if not rows:
        return Reply(t("adm_inbox_empty", lang), "info", lang, [back(lang)])
    lines = [t("adm_inbox_title", lang)]
    options = []
    for row in rows:
        mark = "🆕 " if row["status"] == "new" else ""
        line = f"{mark}{row['ref']} · {when(row['created_at'])} · {row['text'][:50]}"
        lines.append(line)
        options.append(Option(label(f"{mark}{row['ref']}: {row['text']}"), f"ad:fbv:{row['id']}"))
    return Reply("\n".join(lines), "info", lang, [*options, back(lang)])


async def _feedback_action(ctx: Ctx, what: str, feedback_id: int) -> Reply:
    lang = ctx.lang
    row = await ctx.storage.feedback_get(feedback_id)
    if row is None:
        return Reply(t("adm_inbox_gone", lang), "info", lang,
                     [Option(t("adm_inbox", lang), "ad:fb"), back(lang)])
    if what == "fbr":
        who = [[row["channel"], row["user_id"], row["lang"]]]
        return await _start(ctx, {"op": "fbreply", "step": "reply", "question": row["ref"], "askers": who,
                                  "fid": feedback_id})
    if what == "fbc":
        await ctx.storage.feedback_set(feedback_id, "closed")
        await ctx.storage.audit(ctx.who, "feedback_close", row["ref"])
        reply = await inbox_reply(ctx)
        reply.text = t("adm_inbox_closed", lang, ref=row["ref"]) + "\n\n" + reply.text
        return reply
    if row["status"] == "new":
        await ctx.storage.feedback_set(feedback_id, "read")
    none = t("fb_none", lang)
    text = t("adm_inbox_view", lang, ref=row["ref"], when=when(row["created_at"]), text=row["text"],
             name=row["name"] or none, email=row["email"] or none)
    if row["reply"]:
        text += "\n\n" + t("adm_inbox_replied", lang, text=row["reply"])
    options = [Option(t("adm_inbox_reply", lang), f"ad:fbr:{feedback_id}"),
               Option(t("adm_inbox_close", lang), f"ad:fbc:{feedback_id}"),
               Option(t("adm_inbox", lang), "ad:fb")]
    return Reply(text, "info", lang, options)


async def _send_feedback_reply(ctx: Ctx, state: dict) -> Reply:
    lang, text, ref = ctx.lang, state["text"], state["question"]
    [(channel, user_id, person_lang)] = state["askers"]
    await ctx.storage.feedback_set(int(state["fid"]), "replied", text)
    await ctx.storage.audit(ctx.who, "feedback_reply", ref, None, {"text": text})
    await ctx.set_state(None)
    delivery = Delivery(channel, user_id, t("adm_fb_to_citizen", person_lang, ref=ref, text=text))
    return Reply(t("adm_fb_replied", lang, ref=ref), "info", lang,
                 [Option(t("adm_inbox", lang), "ad:fb"), back(lang)], deliveries=[delivery])


# -- statistics ------------------------------------------------------------------------------------
async def stats_reply(ctx: Ctx) -> Reply:
    """The statistics as text, and the daily volume by outcome over 30 days as a picture."""
    text = await stats_text(ctx.storage, ctx.kb, ctx.lang)
    picture = await stats_chart(ctx.storage)
    if picture is not None:
        text += "\n\n" + t("adm_chart_legend", ctx.lang)
    return Reply(text, "info", ctx.lang, [back(ctx.lang)], documents=[picture] if picture else [])


async def stats_chart(storage: Store) -> Document | None:
    """None when nobody asked anything in 30 days (an empty chart says nothing)."""
    days = await storage.daily_outcomes(30)
    if not any(days):
        return None
    return Document("stats-30-days.png", chart.daily_chart(days), photo=True)


async def digest_text(storage: Store, kb: KnowledgeBase, lang: str = "vi") -> str:
    """The daily digest for the administrators' group (ADMIN_CHAT_ID)."""
    return t("adm_digest", lang) + "\n\n" + await stats_text(storage, kb, lang)


async def stats_text(storage: Store, kb: KnowledgeBase, lang: str) -> str:
    st = await storage.stats()
    total = sum(st.outcomes.values()) or 1

    def share(outcome: str) -> str:
        return f"{100 * st.outcomes.get(outcome, 0) / total:.0f}%"

    lines = [t("adm_stats_head", lang, today=str(st.today), week=str(st.week), month=str(st.month)),
             t("adm_stats_outcomes", lang, answer=share("answer"), clarify=share("clarify"),
               fallback=share("fallback"), smalltalk=share("smalltalk"))]
    if st.top_entries:
        lines.append(t("adm_stats_top", lang))
        for eid, n in st.top_entries:
            entry = kb.entries.get(eid or "")
            lines.append(f"• {entry.title(lang) if entry else eid} ({n})")
    groups = [g for g in review.group_items(await storage.review_items()) if g.kind == "unanswered"][:5]
    if groups:
        lines.append(t("adm_stats_unanswered", lang))
        lines += [f"• {g.text} (×{g.count})" for g in groups]
    lines.append(t("adm_stats_ratings", lang, up=str(st.up), down=str(st.down)))
    lines.append(t("adm_stats_other", lang, feedback=str(st.feedback_new),
                   subscribers=str(st.subscribers)))
    return "\n".join(lines)


# -- announcements ---------------------------------------------------------------------------------
async def _send_broadcast(ctx: Ctx, text: str) -> Reply:
    """To everyone who opted in with /dangky, in the words the administrator typed; the channel
    sends them within its limits and reports delivered / failed."""
    people = await ctx.storage.subscribers()
    await ctx.storage.audit(ctx.who, "broadcast", None, None, {"text": text, "to": len(people)})
    await ctx.set_state(None)
    deliveries = [Delivery(channel, user_id, t("adm_announcement", lang, text=text))
                  for channel, user_id, lang in people]
    log.info("broadcast by %s to %d people", ctx.who, len(people))
    return Reply(t("adm_broadcast_done", ctx.lang, n=str(len(people))), "info", ctx.lang, [back(ctx.lang)],
                 deliveries=deliveries)


# -- export and import -----------------------------------------------------------------------------
async def _export(ctx: Ctx, fmt: str) -> Reply:
    lang = ctx.lang
    entries = list(ctx.kb.entries.values())
    stamp = dt.datetime.now(VN_TIME).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        doc = Document(f"kb-{stamp}.csv", kbfiles.to_csv(entries))
    else:
        doc = Document(f"kb-{stamp}.yaml", kbfiles.to_yaml(entries))
    await ctx.storage.audit(ctx.who, "export", None, None, {"format": fmt, "entries": len(entries)})
    return Reply(t("adm_exported", lang, n=str(len(entries))), "info", lang, [back(lang)], documents=[doc])


async def _hidden_entries(ctx: Ctx) -> dict[str, dict]:
    return {r["entry_id"]: r["data"] for r in await ctx.storage.kb_latest()
            if r["data"].get("hidden") and r["entry_id"] not in ctx.kb.entries}


async def on_document(ctx: Ctx, name: str, data: bytes) -> Reply:
    """A CSV or YAML file from an administrator: validated, compared, previewed; nothing changes
    until they confirm."""
    lang = ctx.lang
    hidden = await _hidden_entries(ctx)
    plan = kbfiles.plan_import(name, data, ctx.kb, hidden, lang)
    if plan.problems:
        shown = plan.problems[:30]
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
    fps = {eid: _file_fp(ctx, eid) for eid in touched}
    entries = {eid: plan.entries[eid] for eid in touched if eid in plan.entries}
    state = {"op": "import", "step": "preview", "name": name, "entries": entries, "versions": versions,
             "fps": fps, "added": plan.added, "changed": plan.changed, "restored": plan.restored,
             "hidden": plan.hidden}
    return await _start(ctx, state)


def _import_preview(ctx: Ctx, state: dict) -> Reply:
    lang = ctx.lang
    lines = [t("adm_import_summary", lang, name=state["name"], added=str(len(state["added"])),
               changed=str(len(state["changed"])), hidden=str(len(state["hidden"])),
               restored=str(len(state["restored"])))]
    for key in ("added", "changed", "restored", "hidden"):
        if state[key]:
            lines.append(f"{t('adm_import_' + key, lang)}: {', '.join(state[key][:20])}"
                         + (" …" if len(state[key]) > 20 else ""))
    lines.append(t("adm_confirm", lang))
    return Reply("\n".join(lines), "info", lang, [Option(t("adm_save", lang), "ad:save", row="save"),
                                                  Option(t("cancel", lang), "cancel", row="save")])


async def _apply_import(ctx: Ctx, state: dict) -> Reply:
    lang = ctx.lang
    changes = []
    for eid, version in state["versions"].items():
        current, _, _ = await current_entry(ctx, eid)
        if eid in state["entries"]:
            data = {**state["entries"][eid], "hidden": False}
            action = "import_add" if eid in state["added"] else "import_edit"
        else:
            if current is None:
                continue
            data, action = {**current, "hidden": True}, "import_hide"
        changes.append(KbChange(eid, action, data, int(version), state["fps"].get(eid, ""), current))
    await ctx.set_state(None)
    try:
        await ctx.live.apply_changes(ctx.storage, changes, ctx.who)
    except VersionConflict as conflict:
        return Reply(t("adm_import_conflict", lang, id=conflict.entry_id), "info", lang, [back(lang)])
    summary = {k: state[k] for k in ("name", "added", "changed", "restored", "hidden")}
    await ctx.storage.audit(ctx.who, "import", None, None, summary)
    return Reply(t("adm_import_done", lang, n=str(len(changes))), "info", lang, [back(lang)])
