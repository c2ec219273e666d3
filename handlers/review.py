"""The review queue: questions the bot could not answer and answers rated 👎, similar ones
grouped with a count, so administrators see first what many people ask.

An item's ``ref`` ("u:<unanswered id>", "r:<rating id>") is what the buttons carry; a group is
found again from any of its refs, so a button keeps working while new questions arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from knowledge.loader import phrasing_key

SIMILAR = 85  # rapidfuzz token_sort_ratio on folded text: same question, worded a little differently


@dataclass
class Group:
    text: str  # the most recent wording
    kind: str  # unanswered | disliked
    key: str
    items: list[dict] = field(default_factory=list)
    entry_id: str | None = None  # disliked: the answer people rated 👎

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def ref(self) -> str:
        return self.items[0]["ref"]

    @property
    def refs(self) -> list[str]:
        return [item["ref"] for item in self.items]

    @property
    def askers(self) -> list[tuple[str, str, str]]:
        """(channel, user id, language) of everyone who asked, once each."""
        seen: dict[tuple[str, str], str] = {}
        for item in self.items:
            seen.setdefault((item["channel"], item["user_id"]), item["lang"])
        return [(c, u, lang) for (c, u), lang in seen.items()]


def group_items(items: list[dict]) -> list[Group]:
    """Similar questions together (same entry for 👎); most asked first, then most recent."""
    groups: list[Group] = []
    for item in items:
        key = phrasing_key(item["text"]) or item["text"]
        for group in groups:
            if group.kind == item["kind"] and group.entry_id == item["entry_id"] and (
                    group.key == key or fuzz.token_sort_ratio(group.key, key) >= SIMILAR):
                group.items.append(item)
                group.text = item["text"] or group.text
                break
        else:
            groups.append(Group(item["text"], item["kind"], key, [item], item["entry_id"]))
    return sorted(groups, key=lambda g: (-g.count, -max(i["created_at"] for i in g.items)))


def find_group(groups: list[Group], ref: str) -> Group | None:
    return next((g for g in groups if ref in g.refs), None)
