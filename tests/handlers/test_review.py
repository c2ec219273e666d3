"""Grouping the review queue: the same question worded a little differently counts once."""

from __future__ import annotations

from handlers.review import find_group, group_items


def item(ref: str, text: str, kind: str = "unanswered", entry_id: str | None = None, at: float = 0.0,
         user: str = "1") -> dict:
    return {"ref": ref, "text": text, "kind": kind, "entry_id": entry_id, "created_at": at,
            "channel": "telegram", "user_id": user, "lang": "vi"}


def test_similar_questions_group_most_asked_first():
    items = [item("u:1", "giá vàng hôm nay", at=1), item("u:2", "thủ tục thẻ ABTC", at=2),
             item("u:3", "Giá vàng hôm nay?", at=3, user="2"), item("u:4", "gia vang hom nay", at=4),
             item("r:1", "giá vàng hôm nay", kind="disliked", entry_id="plan-overview", at=5)]
    groups = group_items(items)
    assert [(g.kind, g.count) for g in groups] == [("unanswered", 3), ("disliked", 1), ("unanswered", 1)]
    gold = groups[0]
    assert gold.text == "gia vang hom nay"  # the most recent wording
    assert gold.refs == ["u:1", "u:3", "u:4"] and gold.ref == "u:1"
    assert gold.askers == [("telegram", "1", "vi"), ("telegram", "2", "vi")]  # once each
    assert find_group(groups, "u:3") is gold and find_group(groups, "u:99") is None
    assert groups[1].entry_id == "plan-overview"  # equal counts: the most recent first
