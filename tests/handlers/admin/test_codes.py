"""The option codes: one name each, every one handled, all within Telegram's 64 bytes."""

from __future__ import annotations

import pytest

import handlers.admin as admin
from handlers.admin import codes, flow
from handlers.admin.codes import ARGS, CALLBACK_LIMIT, FLOW_ONLY, Arg, Code, decode, encode
from knowledge.model import CONTACT_DETAIL_FIELDS
from knowledge.overlay import new_entry_id


def worst_case(kb) -> dict[Arg, str]:
    """The longest value each argument can take: ids from the knowledge base and from the chat
    (``new_entry_id`` cuts its slug, and a busy name gets a number), database rows to 10 digits."""
    long_question = " ".join(["thủ tục"] * 40)
    taken = [new_entry_id(long_question, [])] + [f"{new_entry_id(long_question, [])}-{n}" for n in range(2, 99)]
    chat_id = new_entry_id(long_question, taken)
    return {
        Arg.ENTRY: max([*kb.entries, chat_id], key=len),
        Arg.REF: "r:" + "9" * 10,
        Arg.ROW: "9" * 10,
        Arg.VERSION: "9" * 6,
        Arg.TOPIC: max(kb.topics, key=len),
        Arg.SOURCE: max(kb.sources, key=len),
        Arg.SET: "f" * 8,
        Arg.CONTACT: max(kb.contacts, key=len),
        Arg.FIELD: max(CONTACT_DETAIL_FIELDS, key=len),
        Arg.PAGE: "9" * 4,
        Arg.OFFER: "f" * 8,
    }


def test_every_option_fits_telegram_callback_data_for_worst_case_ids(kb):
    longest = worst_case(kb)
    assert len(longest[Arg.ENTRY]) >= len("chat-") + 32
    for code in Code:
        data = encode(code, *(longest[arg] for arg in ARGS.get(code, ())))
        assert len(data.encode()) <= CALLBACK_LIMIT, data


def test_encode_and_decode_round_trip(kb):
    longest = worst_case(kb)
    for code in Code:
        args = tuple(longest[arg] for arg in ARGS.get(code, ()))
        prefix, _, data = encode(code, *args).partition(":")
        assert prefix == codes.PREFIX
        assert decode(data) == (code, args or ("",))
    assert decode("qa:plan-overview:u:12") == (Code.GROUP_ADD_TO, ("plan-overview", "u:12"))
    assert decode("rb:plan-overview") == (Code.ROLLBACK, ("plan-overview", ""))
    assert decode("nosuchcode:1") == (None, ("1",))
    with pytest.raises(ValueError):
        encode(Code.ROLLBACK, "plan-overview")


def test_the_codes_keep_their_wire_values():
    # buttons already sent stay valid after an upgrade: the values never change
    assert {c.name: c.value for c in Code} == {
        "MENU": "menu", "QUEUE": "queue", "INBOX": "fb", "STATS": "stats", "BROADCAST": "bc", "ADD": "add",
        "FIND": "find", "HIDDEN": "hidden", "FILES": "io", "RELOAD": "reload", "AUDIT": "audit",
        "AUDIT_DETAIL": "al", "EXPORT_CSV": "xcsv", "EXPORT_YAML": "xyaml", "FEEDBACK_VIEW": "fbv",
        "FEEDBACK_REPLY": "fbr", "FEEDBACK_CLOSE": "fbc", "GROUP": "q", "GROUP_ADD_TO": "qa",
        "GROUP_NEW": "qn", "GROUP_REPLY": "qr", "GROUP_DISMISS": "qd", "ENTRY_FROM_REPLY": "qx",
        "VIEW": "v", "EDIT_PHRASINGS": "ep", "EDIT_ANSWER": "ea", "EDIT_ANSWER_EN": "ee", "EDIT_TOPIC": "et",
        "HIDE": "h", "RESTORE": "r", "HISTORY": "hist", "ROLLBACK": "rb", "TOPIC": "topic", "SOURCE": "src",
        "PAGE": "pg", "SKIP": "skip", "SAVE": "save", "EXPORT_XLSX": "xxlsx", "UNDO_IMPORT": "undo",
        "IMPORT_HIDE": "imph", "IMPORT_KEEP": "impk", "CONTACTS": "ct", "CONTACT_VIEW": "ctv",
        "CONTACT_EDIT": "cte", "CONTACT_HISTORY": "cth", "CONTACT_ROLLBACK": "ctr",
        "FEEDBACK_FULL": "fbt", "INBOX_PAGE": "ib",
        "GROUP_FULL": "qt", "QUEUE_PAGE": "qp", "FOLLOWUP": "fu", "FOLLOWUP_SEND": "fus",
        "FOLLOWUP_DROP": "fux",
    }


def test_every_code_is_handled_somewhere():
    assert set(admin.ACTIONS) == set(Code) - FLOW_ONLY
    accepted = {code for f in flow.FLOWS.values() for step in f.steps.values() for code in step.options}
    assert accepted == FLOW_ONLY


def test_every_flow_step_leads_to_a_declared_step():
    assert set(flow.FLOWS) == {"add", "edit", "hide", "restore", "rollback", "find", "reply", "fbreply",
                               "broadcast", "import", "undo", "contact_edit",
                               "contact_rollback"}
    for op, declared in flow.FLOWS.items():
        for name, step in declared.steps.items():
            assert step.next in declared.steps, (op, name)


def test_a_generated_id_ends_at_a_word_boundary():
    eid = new_entry_id("Thủ tục hỗ trợ doanh nghiệp nhỏ và vừa khi đầu tư vào Thanh Hóa", [])
    assert eid == "chat-thu-tuc-ho-tro-doanh-nghiep-nho"
    assert new_entry_id("!!!", []) == "chat-entry"
    assert new_entry_id("a" * 50, []) == "chat-" + "a" * 32  # one very long word is still cut
