"""Forgetting a person's items everywhere else they are named: in administrators' audit records and
in other people's conversations in progress.

Deleting a person's rows is not enough: an administrator who dismissed or answered their question,
or replied to their feedback, has an audit record naming those items by id (``"u:<id>"``,
``"r:<id>"`` in ``items``, ``feedback:<id>`` as target); an administrator in the middle of
answering them holds their id and words in the flow's state; a message not sent yet (the outbox)
may be addressed to them or quote them. SQLite reuses the ids of deleted rows,
so an id left behind would later name someone else's item.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

import aiosqlite

from handlers.messages import CLIP_KEEPS
from handlers.ports import FEEDBACK_TARGET

FORGOTTEN_FEEDBACK = "feedback:deleted"


@dataclass
class Items:
    """The ids of one person's items (or of the items retention purges), found before deleting."""

    refs: set[str] = field(default_factory=set)  # "u:<unanswered id>", "r:<rating id>"
    feedback: set[int] = field(default_factory=set)
    person: tuple[str, str] | None = None  # (channel, user id), when it is one person
    words: set[str] = field(default_factory=set)  # what they wrote, to find it in messages not yet sent

    def __bool__(self) -> bool:
        return bool(self.refs or self.feedback or self.person)


async def ids(db: aiosqlite.Connection, table: str, where: str, params: tuple) -> list[int]:
    async with db.execute(f"SELECT id FROM {table} WHERE {where}", params) as cur:
        return [int(row[0]) for row in await cur.fetchall()]


async def items_where(db: aiosqlite.Connection, where: dict[str, tuple[str, tuple]],
                      person: tuple[str, str] | None = None) -> Items:
    """``where``: per table (unanswered, ratings, feedback), the condition choosing the rows and its
    parameters."""
    found = Items(person=person)
    found.refs |= {f"u:{i}" for i in await ids(db, "unanswered", *where["unanswered"])}
    found.refs |= {f"r:{i}" for i in await ids(db, "ratings", *where["ratings"])}
    found.feedback |= set(await ids(db, "feedback", *where["feedback"]))
    if person is not None:
        for sql in ("SELECT text FROM questions WHERE channel = ? AND user_id = ?",
                    "SELECT text FROM feedback WHERE channel = ? AND user_id = ?"):
            async with db.execute(sql, person) as cur:
                found.words |= {str(row[0]) for row in await cur.fetchall() if row[0]}
    return found


async def forget(db: aiosqlite.Connection, items: Items) -> dict[str, int]:
    """Anonymises the audit records and ends other people's flows that name ``items``; counts."""
    if not items:
        return {"audit_log": 0, "flows": 0, "options": 0, "outbox": 0, "followups": 0}
    return {"audit_log": await _forget_in_audit(db, items), "flows": await _end_flows(db, items),
            "options": await _drop_options(db, items), "outbox": await _drop_messages(db, items),
            "followups": await _drop_followups(db, items)}


async def _drop_followups(db: aiosqlite.Connection, items: Items) -> int:
    """An offer to send the answer to the people who asked names them and their items: the person
    is not sent anything and not counted."""
    dropped = 0
    if items.person is not None:
        cur = await db.execute("DELETE FROM followups WHERE channel = ? AND user_id = ?", items.person)
        dropped += cur.rowcount
    for ref in sorted(items.refs):
        cur = await db.execute("DELETE FROM followups WHERE ref = ?", (ref,))
        dropped += cur.rowcount
    return dropped


async def _forget_in_audit(db: aiosqlite.Connection, items: Items) -> int:
    """Keeps the administrator's record (who did what, when, how many) without the citizen's ids."""
    targets = [FEEDBACK_TARGET.format(i) for i in sorted(items.feedback)]
    changed = 0
    async with db.execute(
        "SELECT id, target, before, after FROM audit_log WHERE instr(before, '\"items\"') > 0"
        " OR instr(after, '\"items\"') > 0"
        f" OR target IN ({','.join('?' * len(targets))})", targets) as cur:
        records = await cur.fetchall()
    for audit_id, target, before, after in records:
        new_target = FORGOTTEN_FEEDBACK if target in targets else target
        new_before, new_after = _without(before, items.refs), _without(after, items.refs)
        if (new_target, new_before, new_after) != (target, before, after):
            await db.execute("UPDATE audit_log SET target = ?, before = ?, after = ? WHERE id = ?",
                             (new_target, new_before, new_after, audit_id))
            changed += 1
    return changed


def _without(raw: str | None, refs: set[str]) -> str | None:
    """The JSON ``raw`` with ``refs`` taken out of its ``items`` list; unchanged text otherwise."""
    if not raw or not refs:
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(value, dict) or not isinstance(value.get("items"), list):
        return raw
    kept = [ref for ref in value["items"] if ref not in refs]
    if len(kept) == len(value["items"]):
        return raw
    return json.dumps({**value, "items": kept}, ensure_ascii=False)


async def _end_flows(db: aiosqlite.Connection, items: Items) -> int:
    """An administrator half-way through answering the person holds their id, their words and their
    items in the flow; the flow ends (the next step says it is over) rather than keep them."""
    ended = 0
    async with db.execute("SELECT channel, user_id, state FROM conversation_state") as cur:
        states = await cur.fetchall()
    for channel, user_id, raw in states:
        if (channel, user_id) == items.person:
            continue
        try:
            state = json.loads(raw)
        except ValueError:
            continue
        if isinstance(state, dict) and _names(state, items):
            await db.execute("DELETE FROM conversation_state WHERE channel = ? AND user_id = ?",
                             (channel, user_id))
            ended += 1
    return ended


def _names(state: dict, items: Items) -> bool:
    askers = state.get("askers") if isinstance(state.get("askers"), list) else []
    if items.person and any(isinstance(a, list) and tuple(a[:2]) == items.person for a in askers):
        return True
    queue = state.get("queue") if isinstance(state.get("queue"), list) else []
    if items.refs.intersection(r for r in queue if isinstance(r, str)):
        return True
    return state.get("fid") in items.feedback


async def _drop_options(db: aiosqlite.Connection, items: Items) -> int:
    """Numbered options (Zalo) whose actions carry one of the items' ids: an administrator's list of
    the review queue or the inbox. Their actions end in the item's ref or the feedback's row id."""
    patterns = [re.escape(ref) for ref in items.refs] + [rf"fb\w*:{i}" for i in items.feedback]
    if not patterns:
        return 0
    mention = re.compile(rf"(^|:)({'|'.join(patterns)})($|:)")
    dropped = 0
    async with db.execute("SELECT channel, user_id, actions FROM pending_options") as cur:
        rows = await cur.fetchall()
    for channel, user_id, raw in rows:
        if (channel, user_id) == items.person:
            continue
        try:
            actions = json.loads(raw)
        except ValueError:
            continue
        if isinstance(actions, list) and any(isinstance(a, str) and mention.search(a) for a in actions):
            await db.execute("DELETE FROM pending_options WHERE channel = ? AND user_id = ?",
                             (channel, user_id))
            dropped += 1
    return dropped


# Shorter wordings ("hi", "?") say nothing about anyone and would match unrelated messages.
MIN_WORDS = 8
# The administrators' notices quote a question or feedback cut by handlers.messages.clip, which keeps
# at least this much of its beginning as it was.
QUOTED = CLIP_KEEPS


async def _drop_messages(db: aiosqlite.Connection, items: Items) -> int:
    """Messages not yet sent (the outbox: an outage, a retry) to the person, and others' that quote
    their words (the administrators' notice of their question or feedback, an answer to the others
    who asked the same). Sent messages leave the outbox at once; these would wait for a retry."""
    dropped = 0
    if items.person is not None:
        cur = await db.execute("DELETE FROM outbox WHERE channel = ? AND address = ?", items.person)
        dropped += cur.rowcount
    # as the channel recorded it: JSON, and for Telegram HTML-escaped first
    quoted = {json.dumps(form, ensure_ascii=False)[1:-1] for w in items.words if len(w) >= MIN_WORDS
              for form in (w[:QUOTED], html.escape(w[:QUOTED], quote=False))}
    if not quoted:
        return dropped
    async with db.execute("SELECT id, op FROM outbox WHERE status IN ('pending', 'sending')") as cur:
        waiting = await cur.fetchall()
    for row_id, op in waiting:
        if any(q in op for q in quoted):
            await db.execute("DELETE FROM outbox WHERE id = ?", (row_id,))
            dropped += 1
    return dropped
