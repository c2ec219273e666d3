"""Command line: ``python -m bot ask|kb|run|backup``. The JSON shapes here are contracts other tools use."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app import App, build_app
from bot.settings import Settings, SettingsError
from bot.storage import Storage
from bot.storage.backup import backup, backup_name
from bot.storage.db import StorageError
from handlers.ask import Asker
from knowledge.loader import DEFAULT_DIR, KnowledgeError, validate_dir
from knowledge.model import KnowledgeBase
from knowledge.ranker import RankerError

log = logging.getLogger("bot")


class OneLineFormatter(logging.Formatter):
    """One line per event, tracebacks included, so logs can be grepped and shipped line by line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m bot", description="Thanh Hóa economic-diplomacy chatbot")
    sub = ap.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer a question and exit")
    ask.add_argument("question", nargs="*", help="the question (quote it)")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="read questions from stdin, one JSON line each")

    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    val = kb_sub.add_parser("validate", help="check every knowledge file; exit 1 on problems")
    val.add_argument("directory", nargs="?", help="default: KNOWLEDGE_DIR")
    exp = kb_sub.add_parser("export", help="the entries as answered now (files plus chat changes)")
    exp.add_argument("--format", choices=["json", "yaml"], default="json",
                     help="json: printed; yaml: the knowledge directory written to --out")
    exp.add_argument("--out", default="kb-export", help="yaml: folder to write (default: kb-export)")

    backup = sub.add_parser("backup", help="a consistent copy of the database, safe while the bot runs")
    backup.add_argument("path", nargs="?", help="file (or existing folder) to write; "
                        "default: a timestamped file in BACKUP_DIR")

    run = sub.add_parser("run", help="start the bot")
    run.add_argument("--channel", choices=["telegram", "zalo", "zalo-oa", "web", "all", "console"],
                     default=None,
                     help="default: the channels whose token is set (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN, "
                          "ZALO_OA_APP_ID) and web when WEBCHAT_ENABLED, else console; all: telegram and "
                          "zalo, zalo-oa when ZALO_OA_APP_ID is set, web when WEBCHAT_ENABLED; web: the "
                          "web chat (/webchat/) alone")
    run.add_argument("--webhook", action="store_true",
                     help="telegram/zalo: serve webhooks (/telegram, /zalo) at WEBHOOK_LISTEN:WEBHOOK_PORT "
                          "instead of polling (zalo-oa is always a webhook, /zalo-oa)")

    oa = sub.add_parser("zalo-oa", help="connect the Zalo Official Account")
    oa_sub = oa.add_subparsers(dest="oa_command", required=True)
    oa_sub.add_parser("login", help="print the permission URL for an OA administrator to open")
    oa_sub.add_parser("status", help="whether a valid token is held and when it expires (never the token)")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    level = settings.LOG_LEVEL.upper() if settings.LOG_LEVEL else "INFO"
    logging.basicConfig(level=level, handlers=[handler])
    try:
        if args.command == "kb" and args.kb_command == "validate":
            return cmd_validate(args.directory or settings.KNOWLEDGE_DIR)
        if args.command == "backup":
            return cmd_backup(settings, args.path)
        app = build_app(settings)
    except KnowledgeError as exc:
        where = Path(settings.KNOWLEDGE_DIR or DEFAULT_DIR).resolve()
        print(f"The knowledge base in {where} has problems; the bot will not start until they are fixed:",
              file=sys.stderr)
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 1
    except RankerError as exc:
        print(f"The bot will not start: {exc}", file=sys.stderr)
        return 1
    if args.command == "ask":
        return cmd_ask(Asker(app.kb, app.matcher), args)
    if args.command == "kb":
        return cmd_export(app, args)
    if args.command == "zalo-oa":
        return cmd_zalo_oa(app, args)
    return cmd_run(app, args)


CONNECT_HINT = ("Tip: put TELEGRAM_BOT_TOKEN=<token from @BotFather> and/or ZALO_BOT_TOKEN=<Zalo Bot token> "
                "in .env (see .env.example) to run this bot on Telegram and/or Zalo.")


TOKENS = {"zalo_oa": "ZALO_OA_APP_ID", "zalo": "ZALO_BOT_TOKEN", "telegram": "TELEGRAM_BOT_TOKEN"}


def default_channels(settings: Settings) -> list[str]:
    """The channels whose token is set; none: the terminal chat."""
    names = [name for name in ("telegram", "zalo", "zalo_oa") if getattr(settings, TOKENS[name])]
    names += ["web"] if settings.WEBCHAT_ENABLED else []
    return names or ["console"]


def chosen_channels(channel: str | None, settings: Settings) -> list[str]:
    if channel is None:
        return default_channels(settings)
    if channel == "all":
        return (["telegram", "zalo"] + (["zalo_oa"] if settings.ZALO_OA_APP_ID else [])
                + (["web"] if settings.WEBCHAT_ENABLED else []))
    return [channel.replace("-", "_")]


def cmd_run(app: App, args: argparse.Namespace) -> int:
    """Checks what the chosen channels need, then hands them to the runner (bot/runner.py)."""
    from bot.runner import run

    names = chosen_channels(args.channel, app.settings)
    channel = args.channel or ("all" if len(names) > 1 else names[0])
    problem = asyncio.run(database_problem(app.settings.BOT_DB_PATH))
    if problem:
        print(f"The bot will not start: {problem}", file=sys.stderr)
        return 2
    if names == ["console"]:
        if args.webhook:
            print("--webhook is for the telegram channel.", file=sys.stderr)
            return 2
        print(CONNECT_HINT, file=sys.stderr)
        return asyncio.run(run(app.router, app.settings, ["console"], signals=False, jobs=False))
    # Zalo's first, as always; the web chat needs no token
    needed = [TOKENS[name] for name in sorted(names, reverse=True) if name in TOKENS]
    missing = [token for token in needed if not getattr(app.settings, token)]
    if missing:
        verb = " is" if channel == "telegram" else ""
        print(f"{' and '.join(missing)}{verb} not set (environment or .env); see .env.example.",
              file=sys.stderr)
        return 2
    try:
        return asyncio.run(run(app.router, app.settings, names, webhook=args.webhook))
    except KeyboardInterrupt:
        return 130
    except StorageError as exc:  # became unusable between the check and the start
        print(f"The bot will not start: {exc}", file=sys.stderr)
        return 2
    except Exception:
        log.exception("the %s channel stopped on an unexpected error", channel)
        return 1


def cmd_zalo_oa(app: App, args: argparse.Namespace) -> int:
    """``login``: the permission URL (the callback, served by the running bot, stores the tokens);
    ``status``: exit 0 when a token is held. Neither ever prints a token."""
    from bot.runner import zalo_oa_login, zalo_oa_status

    settings = app.settings
    needed = ["ZALO_OA_APP_ID", "ZALO_OA_APP_SECRET"]
    if args.oa_command == "login":
        needed.append("ZALO_OA_REDIRECT_URL")
    missing = [name for name in needed if not getattr(settings, name)]
    if missing:
        print(f"{' and '.join(missing)} not set (environment or .env); see .env.example.", file=sys.stderr)
        return 2
    if args.oa_command == "login":
        url = asyncio.run(zalo_oa_login(settings))
        print("Open this address as an administrator of the Official Account and allow the app; Zalo "
              "then returns to ZALO_OA_REDIRECT_URL, where the running bot (python -m bot run) stores "
              "the tokens. The address works for an hour.")
        print(url)
        return 0
    held, line = asyncio.run(zalo_oa_status(settings))
    print(line)
    return 0 if held else 1


async def database_problem(path: str) -> str | None:
    """Opens (creating or migrating) the database once before any channel starts, so a corrupt or
    unwritable one is one line naming the file, not a traceback from the first message."""
    try:
        async with Storage(path):
            return None
    except StorageError as exc:
        return str(exc)


def cmd_backup(settings: Settings, path: str | None) -> int:
    """Prints the path written; one line and exit 2 when it cannot (the live database is only read)."""
    if path is None:
        folder = settings.backup_dir()
        if folder is None:
            print("BACKUP_DIR is off: give the backup's path, e.g. python -m bot backup copy.sqlite3",
                  file=sys.stderr)
            return 2
        target = folder / backup_name()
    elif path.endswith(("/", os.sep)):  # a folder, even one that does not exist yet
        target = Path(path) / backup_name()
    else:
        target = Path(path)
    try:
        written = asyncio.run(backup(settings.BOT_DB_PATH, target))
    except StorageError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 2
    print(written)
    return 0


def cmd_validate(directory: str) -> int:
    """One ``path:line: message`` a line, paths inside the knowledge directory, which the last line names."""
    kb, problems = validate_dir(directory)
    for problem in problems:
        print(str(problem))
    if problems:
        where = Path(directory or DEFAULT_DIR).resolve()
        print(f"{len(problems)} problem(s) found in {where}.", file=sys.stderr)
        return 1
    assert kb is not None
    print(f"OK: {len(kb.entries)} entries, {len(kb.topics)} topics, {len(kb.sources)} sources, "
          f"{len(kb.contacts)} contacts, {len(kb.smalltalk)} small-talk intents.")
    return 0


def cmd_ask(asker: Asker, args: argparse.Namespace) -> int:
    if args.jsonl:
        for line in sys.stdin:
            reply = asker.ask(line.rstrip("\n"))
            sys.stdout.write(json.dumps(reply.as_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return 0
    reply = asker.ask(" ".join(args.question))
    if args.json:
        print(json.dumps(reply.as_json(), ensure_ascii=False))
    else:
        print(reply.text)
        for i, option in enumerate(reply.options, 1):
            print(f"  {i}. {option.label}")
    return 0


def export_entries(kb: KnowledgeBase) -> list[dict]:
    return [
        {
            "id": e.id,
            "topic": e.topic,
            "questions": e.all_questions(),
            "questions_vi": list(e.questions.get("vi", ())),
            "questions_en": list(e.questions.get("en", ())),
            "keywords": list(e.keywords),
            "answer": e.answer["vi"],
            "answer_en": e.answer.get("en", ""),
            "sources": list(e.sources),
            "as_of": e.as_of.isoformat(),
            "related": list(e.related),
            "contact": e.contact,
        }
        for e in kb.entries.values()
    ]


def cmd_export(app: App, args: argparse.Namespace) -> int:
    """Exports what people are answered from: the files with the administrators' chat changes."""
    from bot.kbexport import incomplete, load_merged, write_yaml

    try:
        kb, notes = asyncio.run(load_merged(app.kb, app.settings.BOT_DB_PATH))
    except Exception as exc:  # an unreadable database must not silently drop the chat changes
        print(f"cannot read the administrators' changes from {app.settings.BOT_DB_PATH}: {exc}",
              file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note.entry_id}: chat version {note.version} {note.kind} {note.detail}".rstrip(),
              file=sys.stderr)
    if args.format == "json":
        print(json.dumps(export_entries(kb), ensure_ascii=False, indent=2))
        return 0
    counts = write_yaml(kb, app.settings.KNOWLEDGE_DIR, args.out)
    for entry in kb.entries.values():
        missing = incomplete(entry)
        if missing:
            print(f"warning: {entry.id} lacks {', '.join(missing)}; add them before committing "
                  "(kb validate will report it)", file=sys.stderr)
    print(f"Wrote {sum(counts.values())} entries in {len(counts)} files to {args.out}/ "
          f"({', '.join(f'{n}: {c}' for n, c in sorted(counts.items()))}).")
    return 0
