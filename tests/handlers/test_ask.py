"""Reply composition: what a person reads for each outcome."""

from __future__ import annotations

import dataclasses

from handlers.ask import Asker, fit
from handlers.messages import Incoming
from handlers.rating import for_question
from handlers.texts import t
from knowledge.matcher import Matcher, answers_both


def test_answer_names_its_source_and_date(asker):
    reply = asker.ask("ai chủ trì kế hoạch 119")
    assert reply.status == "answer"
    assert "Nguồn:" in reply.text and "Thông tin cập nhật đến:" in reply.text
    related = [o for o in reply.options if o.row != "rate"]
    assert related and all(o.action.startswith("entry:") for o in related) and len(related) <= 3


def test_english_question_gets_english_answer(asker):
    reply = asker.ask("Who is in charge of Plan 119?")
    assert reply.lang == "en"
    assert "Source:" in reply.text


def test_clarify_lists_numbered_suggestions(asker, kb):
    # Force the grey zone: everything that is not a perfect match is "clarify".
    strict = Asker(kb, Matcher(kb, answer_threshold=100.0, clarify_threshold=10.0))
    reply = strict.ask("sở ngoại vụ có trách nhiệm gì")
    assert reply.status == "clarify"
    assert 1 <= len(reply.suggestions) <= 3
    assert reply.text.startswith("Tôi chưa chắc")
    assert "1. " in reply.text
    assert [o.action for o in reply.options] == [f"entry:{s.entry_id}" for s in reply.suggestions]


def test_fallback_says_what_the_bot_can_do_and_where_to_ask(asker, kb):
    reply = asker.ask("giá vàng hôm nay")
    assert reply.status == "fallback"
    assert reply.entry_id is None
    for topic in kb.topics.values():  # the topics as options, not also in the text
        assert topic.title["vi"] not in reply.text
    assert "các chủ đề bên dưới" in reply.text and "Ủy ban nhân dân xã, phường" in reply.text
    assert {o.action for o in reply.options} == {f"topic:{t}" for t in kb.topics}


def test_contact_details_appear_once_filled(kb, matcher):
    contact = kb.contacts["so-ngoai-vu"]
    filled = dataclasses.replace(contact, details={**contact.details, "phone": "0000 TEST"})
    kb2 = dataclasses.replace(kb, contacts={**kb.contacts, "so-ngoai-vu": filled})
    entry = next(e for e in kb.entries.values() if e.contact == "so-ngoai-vu")
    text = Asker(kb2, matcher).render_entry(entry, "vi")
    assert "Điện thoại: 0000 TEST" in text
    assert "Điện thoại:" not in Asker(kb, matcher).render_entry(entry, "vi")


def test_reorganised_bodies_are_flagged(asker):
    reply = asker.ask("Sở Kế hoạch và Đầu tư Thanh Hóa bây giờ thuộc cơ quan nào?")
    assert reply.status == "answer"
    assert "Sở Tài chính" in reply.text


def test_fit_cuts_at_a_paragraph():
    text = "\n\n".join(["đoạn " + "a" * 1000] * 6)
    cut = fit(text)
    assert len(cut) <= 4096 and cut.endswith("…")


async def test_router_menu_topic_entry(router, kb):
    menu = await router.handle(Incoming("test", "1", text="/menu"))
    assert menu.status == "menu" and len(menu.options) == len(kb.topics)
    topic = await router.handle(Incoming("test", "1", action=menu.options[0].action))
    assert topic.options[-1].action == "menu"
    answer = await router.handle(Incoming("test", "1", action=topic.options[0].action))
    assert answer.status == "answer"
    stale = await router.handle(Incoming("test", "1", action="entry:no-such-entry"))
    assert stale.status == "fallback"


def test_an_answer_is_built_once_with_its_votes_and_related_questions(asker: Asker):
    """What the CLI prints is what a chat sends: the answer, the rating prompt, 👍/👎, related."""
    reply = asker.ask("Kế hoạch 119 được ban hành ngày nào? Và Sở Ngoại vụ có nhiệm vụ gì trong kế hoạch?")
    assert reply.status == "answer" and reply.entry_id == "plan-date-issuer"
    # both answers are short: both are given, each with its source, the second under its question
    second = asker.kb.entries["resp-so-ngoai-vu"]
    assert reply.text.count("Nguồn:") == 2 and f"❓ {second.title('vi')}" in reply.text
    assert second.answer["vi"] in reply.text and reply.text.rstrip().endswith(t("rate_prompt", "vi"))
    votes = [o.action for o in reply.options if o.row == "rate"]
    assert votes == [f"rate:{reply.entry_id}:up", f"rate:{reply.entry_id}:down"]
    stamped = for_question(reply, 42)
    assert [o.action for o in stamped.options if o.row == "rate"] == [f"{v}:42" for v in votes]


def test_a_second_question_with_a_long_answer_is_offered_not_answered(asker: Asker):
    first, second = asker.kb.entries["contact-list"], asker.kb.entries["resp-overview"]
    assert not answers_both(first, second, "vi")  # together longer than a phone screen or two
    reply = asker.entry_reply(first.id, "vi", also=second)
    assert reply.text.count("Nguồn:") == 1 and second.answer["vi"] not in reply.text
    assert second.title("vi") in reply.text  # named, and offered first among the options
    assert next(o.action for o in reply.options if o.row != "rate") == f"entry:{second.id}"


def test_an_answer_only_in_vietnamese_says_so_to_english_askers(kb, matcher):
    entry = kb.entries["resp-so-ngoai-vu"]
    vietnamese_only = dataclasses.replace(entry, answer={"vi": entry.answer["vi"]})
    asker = Asker(kb, matcher)
    english = asker.render_entry(vietnamese_only, "en")
    assert english.startswith("This answer is only available in Vietnamese") and entry.answer["vi"] in english
    assert "only available" not in asker.render_entry(entry, "en")
    assert "chỉ có bằng tiếng Việt" not in asker.render_entry(vietnamese_only, "vi")


def test_a_second_question_no_source_answers_is_declined_beside_the_answer(asker: Asker):
    reply = asker.ask("Kế hoạch 119 ban hành ngày nào? Kinh phí thực hiện kế hoạch là bao nhiêu?")
    assert reply.status == "answer" and "15/5/2023" in reply.text
    other = reply.text.split(t("source", "vi"))[-1]  # after the answer and its source
    assert other.count(t("not_held_other", "vi", what="", where="").split(":")[0]) == 1
    assert "kinh phí" in other  # it names what it has no information on
    plain = asker.ask("Kế hoạch 119 ban hành ngày nào?")
    assert t("not_held_other", "vi", what="", where="").split(":")[0] not in plain.text
