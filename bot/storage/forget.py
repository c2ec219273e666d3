"""Forgetting a person's items everywhere else they are named: in administrators' audit records and
in other people's conversations in progress.

Deleting a person's rows is not enough: an administrator who dismissed or answered their question,
or replied to their feedback, has an audit record naming those items by id (``"u:<id>"``,
``"r:<id>"`` in ``items``, ``feedback:<id>`` as target), and an administrator in the middle of
answering them holds their id and words in the flow's state. SQLite reuses the ids of deleted rows,
so an id left behind would later name someone else's item.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import aiosqlite

from handlers.ports import FEEDBACK_TARGET

FORGOTTEN_FEEDBACK = "feedback:deleted"


@dataclass
class Items:
    """The ids of one person's items (or of the items retention purges), found before deleting."""

    refs: set[str] = field(default_factory=set)  # "u:<unanswered id>", "r:<rating id>"
    feedback: set[int] = field(default_factory=set)
    person: tuple[str, str] | None = None  # (channel, user id), when it is one person

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
    return found


async def forget(db: aiosqlite.Connection, items: Items) -> dict[str, int]:
    """Anonymises the audit records and ends other people's flows that name ``items``; counts."""
    if not items:
        return {"audit_log": 0, "flows": 0, "options": 0}
    return {"audit_log": await _forget_in_audit(db, items), "flows": await _end_flows(db, items),
            "options": await _drop_options(db, items)}


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

