"""What a citizen on a phone sees for the small things: "ok" in their own language, emoji, a
double tap on 👍, the fallback's topics."""

from __future__ import annotations

import pytest

from tests.handlers.driver import CITIZEN, ChatDriver, actions, citizen


@pytest.fixture
async def chat(kb, matcher, tmp_path):
    driver = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3")
    yield driver
    await driver.close()


async def test_a_message_without_language_signal_is_answered_in_the_persons_language(chat):
    assert (await chat.say("ok", CITIZEN)).lang == "vi"
    english = citizen(1)
    await chat.press("lang:en", english)
    assert (await chat.say("ok", english)).lang == "en"
    assert (await chat.say("cảm ơn", english)).lang == "en"  # thanks in any language: their setting
    assert (await chat.say("thank you", CITIZEN)).lang == "vi"
    assert (await chat.say("Who leads Plan 119?", CITIZEN)).lang == "en"  # the question's own language


async def test_emoji_only_gets_the_help_line_and_topics(chat):
    reply = await chat.say("👍😀", CITIZEN)
    assert "gõ câu hỏi bằng chữ" in reply.text and "/help" in reply.text
    assert any(a.startswith("topic:") for a in actions(reply))


async def test_the_fallback_lists_its_topics_once(chat):
    reply = await chat.say("giá vàng hôm nay bao nhiêu", CITIZEN)
    assert reply.status == "fallback"
    topics = [o.label for o in reply.options if o.action.startswith("topic:")]
    assert topics and not any(label in reply.text for label in topics)  # as options only


async def test_a_double_tap_on_a_vote_changes_nothing_visible(chat):
    answer = await chat.say("ai chủ trì kế hoạch 119", CITIZEN)
    [up] = [a for a in actions(answer) if a.startswith("rate:") and ":up" in a]
    first = await chat.press(up, CITIZEN)
    assert first.edit == "append" and "✅" in first.text
    again = await chat.press(up, CITIZEN)
    assert again.text == "" and again.edit == "" and again.notice  # only the button's toast
    down = await chat.press(up.replace(":up", ":down"), CITIZEN)  # changing the vote still shows
    assert "✅" in down.text


async def test_buttons_carry_short_labels_and_the_answer_the_whole_question(chat, kb):
    topic = await chat.press("topic:responsibilities", CITIZEN)
    labels = [o.label for o in topic.options if o.action.startswith("entry:")]
    assert labels and all(len(label) <= 40 for label in labels)
    assert "Nhiệm vụ của Sở Ngoại vụ" in labels
    answer = await chat.press("entry:resp-so-ngoai-vu", CITIZEN)
    assert answer.text.startswith("❓ " + kb.entries["resp-so-ngoai-vu"].title("vi"))
    related = [o.label for o in answer.options if o.action.startswith("entry:")]
    assert related and all(len(label) <= 40 for label in related)
    typed = await chat.say("ai chủ trì kế hoạch 119", CITIZEN)
    assert not typed.text.startswith("❓")  # a typed question needs no heading


def test_an_entry_without_a_short_label_has_its_question_cut_at_a_word(kb):
    import dataclasses

    entry = dataclasses.replace(kb.entries["task-people-centred"], short={})
    label = entry.label("vi")
    assert len(label) <= 40 and label.endswith("…") and entry.title("vi").startswith(label[:-1])
