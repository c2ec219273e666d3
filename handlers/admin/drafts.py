"""The steps that fill in an entry's draft (topic, phrasings, answers, source) and its preview.

A new entry walks through them all; an edit opens one of them and goes straight to the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.admin import flow
from handlers.admin.codes import Code, encode
from handlers.admin.common import cancel, label, save_or_cancel, title_of
from handlers.admin.flow import State
from handlers.context import Ctx
from handlers.messages import Option, Reply
from handlers.texts import t
from knowledge.loader import phrasing_key
from knowledge.model import LANGS, KnowledgeBase
from knowledge.overlay import Problem, check_answer, check_phrasings, problem

SOURCES_PER_PAGE = 6
SHORT_LABEL = 40

# the operation -> the head of its preview
PREVIEW_KEYS = {"add": "adm_preview_add", "edit": "adm_preview_edit", "hide": "adm_preview_hide",
                "restore": "adm_preview_restore", "rollback": "adm_preview_rollback"}


@dataclass
class EntryChange(State):
    """One entry's change (op: add, edit, hide, restore or rollback). ``draft`` is the entry as it
    will be saved and ``orig`` the entry before (None for a new one); ``base`` is the version the
    change started from and ``fp`` the file's fingerprint then; ``queue`` the review-queue items it
    deals with, marked handled on save."""

    id: str
    base: int
    fp: str
    draft: dict
    orig: dict | None
    queue: list[str] = field(default_factory=list)
    page: int = 0  # of the source picker


def language(ctx: Ctx, text: str) -> str:
    lang = ctx.live.matcher.language(text, "vi") if ctx.live else "vi"
    return lang if lang in LANGS else "vi"


def _editing(state: EntryChange) -> bool:
    return state.op != "add"


# -- prompts ---------------------------------------------------------------------------------------
def topic_prompt(ctx: Ctx, state: EntryChange) -> Reply:
    lang = ctx.lang
    options = [Option(label(tp.title[lang]), encode(Code.TOPIC, tp.id)) for tp in ctx.kb.topics_in_order()]
    return Reply(t("adm_ask_topic", lang), "info", lang, [*options, cancel(lang)])


def _keep(lang: str) -> Option:
    return Option(t("adm_keep", lang), encode(Code.SKIP))


def phrasings_prompt(ctx: Ctx, state: EntryChange) -> Reply:
    lang, questions = ctx.lang, state.draft["questions"]
    if _editing(state):
        current = [q for lg in LANGS for q in questions[lg]]
        numbered = "\n".join(f"{i}. {q}" for i, q in enumerate(current, 1))
        return Reply(t("adm_ask_phrasings_edit", lang, current=numbered), "info", lang, [cancel(lang)])
    if any(questions.values()):  # filled in from the review queue or a direct reply
        current = "\n".join(f"• {q}" for lg in LANGS for q in questions[lg])
        return Reply(t("adm_ask_phrasings_more", lang, current=current), "info", lang,
                     [_keep(lang), cancel(lang)])
    return Reply(t("adm_ask_phrasings", lang), "info", lang, [cancel(lang)])


def answer_prompt(ctx: Ctx, state: EntryChange) -> Reply:
    lang, answer = ctx.lang, state.draft["answer"]
    text = t("adm_ask_answer", lang)
    if _editing(state):
        return Reply(t("adm_current", lang, text=answer["vi"]) + "\n\n" + text, "info", lang, [cancel(lang)])
    if answer["vi"]:
        return Reply(t("adm_current", lang, text=answer["vi"]) + "\n\n" + text, "info", lang,
                     [_keep(lang), cancel(lang)])
    return Reply(text, "info", lang, [cancel(lang)])


def answer_en_prompt(ctx: Ctx, state: EntryChange) -> Reply:
    lang = ctx.lang
    text = t("adm_ask_answer_en", lang)
    if _editing(state):
        current = state.draft["answer"].get("en") or t("fb_none", lang)
        return Reply(t("adm_current", lang, text=current) + "\n\n" + text, "info", lang, [cancel(lang)])
    return Reply(text, "info", lang, [Option(t("skip", lang), encode(Code.SKIP)), cancel(lang)])


def source_prompt(ctx: Ctx, state: EntryChange) -> Reply:
    """A few sources a page, with short labels: a phone shows a screenful of buttons, not 19."""
    lang = ctx.lang
    sources = list(ctx.kb.sources.values())
    pages = max(1, -(-len(sources) // SOURCES_PER_PAGE))
    page = min(max(state.page, 0), pages - 1)
    shown = sources[page * SOURCES_PER_PAGE:(page + 1) * SOURCES_PER_PAGE]
    options = [Option(short_label(src.title), encode(Code.SOURCE, src.id)) for src in shown]
    if page > 0:
        options.append(Option("◀", encode(Code.PAGE, page - 1), row="page"))
    if page < pages - 1:
        options.append(Option("▶", encode(Code.PAGE, page + 1), row="page"))
    text = t("adm_ask_source", lang)
    if pages > 1:
        text += "\n" + t("adm_page", lang, page=str(page + 1), pages=str(pages))
    return Reply(text, "info", lang, [*options, cancel(lang)])


def short_label(text: str) -> str:
    if len(text) <= SHORT_LABEL:
        return text
    return text[:SHORT_LABEL - 1].rsplit(" ", 1)[0].rstrip(" ,:;–-") + "…"  # at a word


async def take_page(ctx: Ctx, state: EntryChange, page: str) -> Reply:
    state.page = int(page) if page.isdigit() else 0
    await flow.save(ctx, state)
    return source_prompt(ctx, state)


def preview_prompt(ctx: Ctx, state: EntryChange) -> Reply:
    return Reply(preview_text(ctx.kb, state, ctx.lang), "info", ctx.lang, save_or_cancel(ctx.lang))


# -- inputs ----------------------------------------------------------------------------------------
async def take_topic(ctx: Ctx, state: EntryChange, topic: str) -> Reply:
    if topic not in ctx.kb.topics:
        return flow.retry(ctx, state, [problem("adm_err_topic", topic=topic)])
    state.draft["topic"] = topic
    return await flow.advance(ctx, state)


async def take_source(ctx: Ctx, state: EntryChange, source: str) -> Reply:
    if source not in ctx.kb.sources:
        return flow.retry(ctx, state, [problem("adm_err_source", source=source)])
    state.draft["sources"] = [source]
    return await flow.advance(ctx, state)


async def take_phrasings(ctx: Ctx, state: EntryChange, text: str) -> Reply:
    added, removed, problems = parse_phrasings(ctx, state, text)
    if problems:
        return flow.retry(ctx, state, problems)
    questions = state.draft["questions"]
    for q in removed:
        for lg in LANGS:
            questions[lg] = [x for x in questions[lg] if phrasing_key(x) != phrasing_key(q)]
    for q in added:
        questions[language(ctx, q)].append(q)
    if not _editing(state) and not questions["vi"]:
        # a new entry is named by its first Vietnamese question: if every line read as English
        # (unaccented Vietnamese can), they stand as the Vietnamese ones
        questions["vi"], questions["en"] = questions["en"], []
    if not questions["vi"]:  # the state is not saved: the removals are forgotten
        return flow.retry(ctx, state, [problem("adm_err_no_phrasing")])
    return await flow.advance(ctx, state)


async def _take_answer(ctx: Ctx, state: EntryChange, text: str, lang: str) -> Reply:
    problems = check_answer(text)
    if problems:
        return flow.retry(ctx, state, problems)
    state.draft["answer"][lang] = text
    return await flow.advance(ctx, state)


async def take_answer(ctx: Ctx, state: EntryChange, text: str) -> Reply:
    return await _take_answer(ctx, state, text, "vi")


async def take_answer_en(ctx: Ctx, state: EntryChange, text: str) -> Reply:
    return await _take_answer(ctx, state, text, "en")


async def skip_answer_en(ctx: Ctx, state: EntryChange, _arg: str) -> Reply:
    state.draft["answer"]["en"] = ""
    return await flow.advance(ctx, state)


async def keep_phrasings(ctx: Ctx, state: EntryChange, _arg: str) -> Reply:
    """Keep what the queue or a direct reply filled in; with nothing there, ask again."""
    if any(state.draft["questions"].values()):
        return await flow.advance(ctx, state)
    return flow.prompt(ctx, state)


async def keep_answer(ctx: Ctx, state: EntryChange, _arg: str) -> Reply:
    if state.draft["answer"]["vi"]:
        return await flow.advance(ctx, state)
    return flow.prompt(ctx, state)


def parse_phrasings(ctx: Ctx, state: EntryChange, text: str) -> tuple[list[str], list[str], list[Problem]]:
    """One phrasing per line; "- phrasing" or "-3" removes an existing one (edits only)."""
    current = [q for lg in LANGS for q in state.draft["questions"][lg]]
    added: list[str] = []
    removed: list[str] = []
    problems: list[Problem] = []
    seen = {phrasing_key(q) for q in current}
    for raw in text.splitlines():
        line = raw.strip().lstrip("•*").strip()
        if not line:
            continue
        if line[0] in "-−–" and _editing(state):
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
    problems += check_phrasings(ctx.kb, added, state.id)
    return added, removed, problems


# -- what a change does ----------------------------------------------------------------------------
def preview_text(kb: KnowledgeBase, state: EntryChange, lang: str) -> str:
    draft, orig = state.draft, state.orig
    head = t(PREVIEW_KEYS[state.op], lang, id=state.id)
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
