"""Administrators (issue 4): /admin and the guided flows behind it.

Only people listed in ``ADMIN_IDS`` get here; the router answers anyone else as if the command did
not exist (and logs the attempt). Everything is options plus typed text, so a channel without
buttons (Zalo: numbered lists) can offer the same flows. Every change is previewed, confirmed,
stored as a new version of the entry (with its audit record, in one transaction) and applied at
once by rebuilding the live knowledge base; any version can be rolled back to.

The flow in progress lives in the conversation state::

    {"flow": "admin", "op": "add|edit|hide|restore|rollback", "step": "...", "id": entry id,
     "base": version the change started from, "fp": fingerprint of the file's entry then,
     "draft": the entry as it will be saved, "orig": the entry before (None for a new one)}
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.storage import VersionConflict
from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.texts import t
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
COMMANDS = frozenset({"admin"})
VN_TIME = dt.timezone(dt.timedelta(hours=7))  # Vietnam: UTC+7 all year, no daylight saving
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
    from handlers.texts import TEXTS

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
        Option(t("adm_add", lang), "ad:add"),
        Option(t("adm_find", lang), "ad:find"),
        Option(t("adm_hidden", lang), "ad:hidden"),
        Option(t("adm_audit", lang), "ad:audit"),
    ]
    options += [Option(f"⚠️ {n.entry_id}", f"ad:v:{n.entry_id}") for n in notes[:5]]
    return Reply("\n".join(lines), "info", lang, options)


async def on_command(ctx: Ctx, name: str, arg: str) -> Reply:
    if arg:
        return await _find(ctx, arg)
    return menu_reply(ctx)


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
    if what == "add":
        return await _start(ctx, {"op": "add", "step": "topic", "id": "", "base": 0, "fp": "",
                                  "draft": {"questions": {"vi": [], "en": []}, "answer": {"vi": "", "en": ""},
                                            "keywords": [], "related": [], "contact": None,
                                            "hidden": False},
                                  "orig": None})
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
    return menu_reply(ctx)


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
        if not questions["vi"] and not questions["en"]:
            return _with_error(_prompt(ctx, state), [problem("adm_err_no_phrasing")], lang)
        return await _advance(ctx, state)
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
    if step == "topic":
        options = [Option(label(tp.title[lang]), f"ad:topic:{tp.id}") for tp in ctx.kb.topics_in_order()]
        return Reply(t("adm_ask_topic", lang), "info", lang, [*options, cancel(lang)])
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


async def _start_change(ctx: Ctx, eid: str, op: str, step: str, draft_of=None) -> Reply:
    data, version, _ = await current_entry(ctx, eid)
    if data is None:
        return _not_found(ctx, eid)
    draft = draft_of(data) if draft_of else {**data, "questions": {k: list(v) for k, v in
                                                                    data["questions"].items()},
                                             "answer": dict(data["answer"])}
    return await _start(ctx, {"op": op, "step": step, "id": eid, "base": version, "fp": _file_fp(ctx, eid),
                              "draft": draft, "orig": data})


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
    latest_fp = _file_fp(ctx, eid)
    try:
        if latest_fp != state.get("fp", ""):
            raise VersionConflict(eid, None)
        number = await ctx.storage.save_kb_version(eid, int(state.get("base", 0)), state["op"], draft,
                                                   latest_fp, ctx.who, before=state.get("orig"))
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
    await ctx.live.refresh(ctx.storage)
    log.info("knowledge base: %s saved %s version %d", ctx.who, eid, number)
    return Reply(t(f"adm_saved_{state['op']}", lang, id=eid, v=str(number)), "info", lang,
                 [Option(t("adm_open", lang), f"ad:v:{eid}"), back(lang)])


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
    if eid in ctx.live.baseline.entries:
        lines.append(f"v0 · {t('adm_v_file', lang)}")
        if version:
            options.append(Option(t("adm_rollback_to", lang, v="0"), f"ad:rb:{eid}:0"))
    for row in history:
        current = " ✔" if row["version"] == version else ""
        lines.append(f"v{row['version']} · {when(row['created_at'])} · {row['admin']} · "
                     f"{action_name(row['action'], lang)}{current}")
    older = [row for row in history if row["version"] != version][-MAX_HISTORY_BUTTONS:]
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
    for row in rows:
        target = f" · {row['target']}" if row["target"] else ""
        action = action_name(row["action"], lang)
        lines.append(f"{when(row['created_at'])} · {row['admin']} · {action}{target}")
    return Reply("\n".join(lines), "info", lang, [back(lang)])
