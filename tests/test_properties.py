"""Whatever people paste, the bot replies politely and within one Telegram message."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TELEGRAM_LIMIT = 4096


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=10_000))
def test_any_text_gets_a_reply_that_fits(asker, text):
    reply = asker.ask(text)
    assert reply.status in ("answer", "clarify", "fallback", "smalltalk")
    assert reply.text.strip()
    assert len(reply.text) <= TELEGRAM_LIMIT
    assert 0 <= reply.score <= 100


VIETNAMESE = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ 0123456789?",
                     max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(VIETNAMESE)
def test_vietnamese_like_text_gets_a_reply(asker, text):
    reply = asker.ask(text)
    assert reply.text and len(reply.text) <= TELEGRAM_LIMIT


def test_huge_paste_and_odd_inputs(asker):
    for text in ["", "   ", "x" * 100_000, "\x00\x1b[31m", "😀😀😀", "<script>alert(1)</script>", "**bold** _it_",
                 "ngoại giao " * 20_000]:
        reply = asker.ask(text)
        assert reply.text and len(reply.text) <= TELEGRAM_LIMIT
