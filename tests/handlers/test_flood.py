"""Flood control on its own: taps counted apart, the wait it names, and the first message after
the pause answered."""

from __future__ import annotations

import pytest

from handlers.flood import FloodGuard, notice


def guard(now: list[float], **limits: float) -> FloodGuard:
    return FloodGuard(**{"limit": 3, "actions": 5, "window": 10, "mute": 60, **limits},
                      clock=lambda: now[0])


def test_taps_have_their_own_higher_limit_and_their_own_pause():
    now = [0.0]
    g = guard(now)
    assert [g.check("a") for _ in range(3)] == ["ok"] * 3
    assert [g.check("a", action=True) for _ in range(5)] == ["ok"] * 5  # taps are not messages
    assert g.check("a") == "notice" and g.check("a") == "ignore"
    assert g.check("a", action=True) == "notice"  # the sixth tap
    g2 = guard(now)
    assert [g2.check("b", action=True) for _ in range(7)] == ["ok"] * 5 + ["notice", "ignore"]
    assert g2.check("b") == "ok"  # paused for tapping, still answered when typing


def test_the_first_message_after_the_pause_is_answered_and_the_wait_counts_down():
    now = [100.0]
    g = guard(now)
    assert g.wait("a") == 0
    assert [g.check("a") for _ in range(4)] == ["ok"] * 3 + ["notice"]
    assert g.wait("a") == 60 and g.wait("a", action=True) == 0
    now[0] += 59.9
    assert g.check("a") == "ignore" and g.wait("a") == pytest.approx(0.1)
    now[0] += 0.1
    assert g.wait("a") == 0 and g.check("a") == "ok"  # exactly when the notice said
    assert [g.check("a") for _ in range(2)] == ["ok"] * 2  # a fresh count, not the old one


def test_others_are_never_affected():
    now = [0.0]
    g = guard(now)
    for _ in range(10):
        g.check("flooder")
    assert [g.check("other") for _ in range(3)] == ["ok"] * 3


def test_no_limit_when_zero():
    g = FloodGuard(limit=0, actions=0)
    assert {g.check("a") for _ in range(500)} | {g.check("a", action=True) for _ in range(500)} == {"ok"}


@pytest.mark.parametrize(("seconds", "lang", "expected"), [
    (60, "vi", "Bạn có thể hỏi tiếp sau khoảng 1 phút"),
    (90, "vi", "sau khoảng 2 phút"),  # rounded up: waiting as long as it says always works
    (60.0, "en", "You can ask again in about 1 minute."),
    (300, "en", "in about 5 minutes."),
    (30, "vi", "sau khoảng 30 giây"),
    (41.2, "en", "in about 45 seconds."),
    (0.4, "en", "in about 5 seconds."),
])
def test_the_notice_names_the_wait(seconds, lang, expected):
    assert expected in notice(seconds, lang)


def test_the_notice_for_taps_says_choosing():
    assert "bấm quá nhanh" in notice(60, "vi", action=True)
    assert "choose again in about 1 minute" in notice(60, "en", action=True)
