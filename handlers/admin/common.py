"""What every administrator area shares: the menu, times and labels, the entry as it stands now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from handlers import review
from handlers.admin.codes import Code, encode
from handlers.context import Ctx
from handlers.messages import Option, Reply, clip, split_text, utf16_len
from handlers.texts import t
from handlers.vntime import VN_TIME
from knowledge.contacts import contact_of
from knowledge.overlay import Note, Problem, entry_to_dict, fingerprint

MAX_LABEL = 60
PAGE_SIZE = 8  # items on one page of the review queue or the inbox: a phone screen
ONE_MESSAGE = 4096  # Telegram's message limit in UTF-16 units, the largest of the channels'
# a citizen's text as one line of a list (the queue, the inbox, /stats): a page of 8 with its
# numbered options stays within Zalo's 2,000 characters; a view shows SHOWN, the whole is a tap away
LIST_CHARS = 120
# the note a merge leaves on an entry (knowledge.overlay.Note.kind) -> its text
NOTE_KEYS = {"superseded": "adm_note_superseded", "orphan": "adm_note_orphan", "invalid": "adm_note_invalid"}
CONTACT_NOTE_KEYS = {"superseded": "adm_note_contact_superseded", "orphan": "adm_note_contact_orphan",
                     "invalid": "adm_note_contact_invalid"}


def when(timestamp: float) -> str:
    """Times as officials read them: Vietnam time, day first."""
    return dt.datetime.fromtimestamp(timestamp, VN_TIME).strftime("%d/%m/%Y %H:%M")


def today() -> str:
    return dt.datetime.now(VN_TIME).date().isoformat()


def label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def one_line(text: str, limit: int | None = None) -> str:
    """A citizen's text as one line of a list, cut (see ``clip``)."""
    flat = " ".join(text.split())
    return clip(flat, limit) if limit else clip(flat)


def pages(total: int, page: int) -> tuple[int, int]:
    """The page to show (an old ▶ may point past the end) and how many there are."""
    count = max(1, -(-total // PAGE_SIZE))
    return min(max(page, 0), count - 1), count


def page_options(page: int, count: int, code: Code) -> list[Option]:
    """◀ ▶ side by side, only where there is a page to go to."""
    options = []
    if page > 0:
        options.append(Option("◀", encode(code, page - 1), row="page"))
    if page < count - 1:
        options.append(Option("▶", encode(code, page + 1), row="page"))
    return options


def full_text(text: str, heading: str, options: list[Option], lang: str) -> Reply:
    """The whole of a citizen's text, one tap from where it was cut. Storage keeps at most 4,000
    characters of a question (3,000 of feedback), which fit one Telegram message; only text made
    mostly of emoji (two UTF-16 units each) is cut to fit it."""
    budget = ONE_MESSAGE - utf16_len(heading) - 3
    if utf16_len(text) > budget:
        text = split_text(text, budget - 1, utf16_len)[0] + "…"
    return Reply(f"{heading}\n\n{text}", "info", lang, options)


def back(lang: str) -> Option:
    return Option(t("adm_back", lang), encode(Code.MENU))


def cancel(lang: str) -> Option:
    return Option(t("cancel", lang), "cancel")


def save_or_cancel(lang: str, save_key: str = "adm_save") -> list[Option]:
    return [Option(t(save_key, lang), encode(Code.SAVE), row="save"),
            Option(t("cancel", lang), "cancel", row="save")]


def problems_text(problems: list[Problem], lang: str) -> str:
    return "\n".join("• " + t(p.key, lang, **p.kwargs()) for p in problems)


def with_error(reply: Reply, problems: list[Problem], lang: str) -> Reply:
    reply.text = t("adm_fix", lang) + "\n" + problems_text(problems, lang) + "\n\n" + reply.text
    return reply


def note_text(note: Note, lang: str) -> str:
    cid = contact_of(note.entry_id)
    if cid is not None:
        return t(CONTACT_NOTE_KEYS[note.kind], lang, id=cid, v=str(note.version))
    return t(NOTE_KEYS[note.kind], lang, id=note.entry_id, v=str(note.version))


def note_option(note: Note) -> Option:
    """Opens what the note is about: the contact or the entry."""
    cid = contact_of(note.entry_id)
    if cid is not None:
        return Option(f"⚠️ {cid}", encode(Code.CONTACT_VIEW, cid))
    return Option(f"⚠️ {note.entry_id}", encode(Code.VIEW, note.entry_id))


def title_of(data: dict, lang: str = "vi") -> str:
    questions = data.get("questions", {})
    first = (questions.get(lang) or questions.get("vi") or [data.get("id", "")])[0]
    return str(first)


# -- menu ------------------------------------------------------------------------------------------
def admin_menu(ctx: Ctx) -> Reply:
    lang = ctx.lang
    lines = [t("adm_menu", lang)]
    notes = ctx.live.snap.notes if ctx.live else ()
    if notes:
        lines.append("")
        lines.append(t("adm_notes", lang))
        lines += ["• " + note_text(n, lang) for n in notes]
    options = [
        Option(t("adm_queue", lang), encode(Code.QUEUE)),
        Option(t("adm_inbox", lang), encode(Code.INBOX)),
        Option(t("adm_stats", lang), encode(Code.STATS)),
        Option(t("adm_broadcast", lang), encode(Code.BROADCAST)),
        Option(t("adm_add", lang), encode(Code.ADD)),
        Option(t("adm_find", lang), encode(Code.FIND)),
        Option(t("adm_hidden", lang), encode(Code.HIDDEN)),
        Option(t("adm_contacts", lang), encode(Code.CONTACTS)),
        Option(t("adm_files", lang), encode(Code.FILES)),
        Option(t("adm_reload", lang), encode(Code.RELOAD)),
        Option(t("adm_audit", lang), encode(Code.AUDIT)),
    ]
    options += [note_option(n) for n in notes[:5]]
    return Reply("\n".join(lines), "info", lang, options)


async def admin_menu_with_counts(ctx: Ctx) -> Reply:
    """The menu, with how much waits in the review queue and the feedback inbox on its buttons."""
    reply = admin_menu(ctx)
    waiting = {encode(Code.QUEUE): len(await groups(ctx)),
               encode(Code.INBOX): await ctx.storage.feedback_waiting()}
    reply.options = [Option(f"{o.label} ({waiting[o.action]})", o.action) if waiting.get(o.action) else o
                     for o in reply.options]
    return reply


def stale(ctx: Ctx) -> Reply:
    """A button from a flow that has ended (saved, cancelled, or another option picked)."""
    return Reply(t("adm_stale", ctx.lang), "info", ctx.lang, admin_menu(ctx).options)


def not_found(ctx: Ctx, eid: str) -> Reply:
    return Reply(t("adm_not_found", ctx.lang, id=eid), "info", ctx.lang, admin_menu(ctx).options)


async def groups(ctx: Ctx) -> list[review.Group]:
    return review.group_items(await ctx.storage.review_items())


# -- the entry as it stands ------------------------------------------------------------------------
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


def file_fp(ctx: Ctx, eid: str) -> str:
    """The fingerprint of the curated file's entry: a change made over it is refused if it moved."""
    return fingerprint(ctx.live.baseline.entries.get(eid))


async def hidden_entries(ctx: Ctx) -> dict[str, dict]:
    return {r["entry_id"]: r["data"] for r in await ctx.storage.kb_latest()
            if r["data"].get("hidden") and r["entry_id"] not in ctx.kb.entries}


MAX_HISTORY_BUTTONS = 8  # "back to vN" buttons under a history


def history_lines(ctx: Ctx, history: list[dict], earlier: list[tuple[int, dict]], in_force: int,
                  action: Callable[[str], str], changed: Callable[[dict, list[tuple[int, dict]]], str]
                  ) -> list[str]:
    """One line per chat version, for an entry or a contact: when, who, what and what it changed
    (``changed`` compares with ``earlier`` versions), ✔ on the one in force."""
    earlier = list(earlier)
    lines = []
    for row in history:
        mark = " ✔" if row["version"] == in_force else ""
        lines.append(f"v{row['version']} · {when(row['created_at'])} · {ctx.name_of(row['admin'])} · "
                     f"{action(row['action'])}{changed(row, earlier)}{mark}")
        earlier.append((row["version"], row["data"]))
    return lines


def rollback_options(lang: str, history: list[dict], in_force: int, code: Code, target: str) -> list[Option]:
    """"Back to vN" for the newest versions not in force, newest first."""
    older = [row for row in history if row["version"] != in_force][-MAX_HISTORY_BUTTONS:]
    return [Option(t("adm_rollback_to", lang, v=str(row["version"])), encode(code, target, row["version"]))
            for row in reversed(older)]
