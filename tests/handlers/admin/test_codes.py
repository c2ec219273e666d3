"""The option codes: one name each, every one handled, all within Telegram's 64 bytes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import handlers.admin as admin
from handlers.admin import codes, flow
from handlers.admin.codes import ARGS, CALLBACK_LIMIT, FLOW_ONLY, Arg, Code, decode, encode
from handlers.texts import TEXTS
from knowledge.overlay import new_entry_id

ADMIN_DIR = Path(admin.__file__).parent
ROOT = ADMIN_DIR.parents[1]


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
        "SKIP": "skip", "SAVE": "save",
    }


def test_every_code_is_handled_somewhere():
    assert set(admin.ACTIONS) == set(Code) - FLOW_ONLY
    accepted = {code for f in flow.FLOWS.values() for step in f.steps.values() for code in step.options}
    assert accepted == FLOW_ONLY


def test_every_flow_step_leads_to_a_declared_step():
    assert set(flow.FLOWS) == {"add", "edit", "hide", "restore", "rollback", "find", "reply", "fbreply",
                               "broadcast", "import"}
    for op, declared in flow.FLOWS.items():
        for name, step in declared.steps.items():
            assert step.next in declared.steps, (op, name)


def _text_calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            and n.func.id == "t" and n.args]


def test_no_text_key_is_built_at_run_time():
    mine = [*ADMIN_DIR.glob("*.py"), ADMIN_DIR.parent / "kbfiles.py", ADMIN_DIR.parent / "review.py"]
    for path in mine:
        for call in _text_calls(ast.parse(path.read_text(encoding="utf-8"))):
            assert not isinstance(call.args[0], ast.JoinedStr | ast.BinOp), f"{path.name}:{call.lineno}"
    literals: set[str] = set()
    for path in (p for d in ("bot", "handlers", "knowledge") for p in (ROOT / d).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        literals |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    # every administrator text is named where it is used, and every name used exists
    assert {k for k in TEXTS if k.startswith("adm_")} - literals == set()
    assert {s for s in literals if s.startswith("adm_") and " " not in s} - set(TEXTS) == set()
