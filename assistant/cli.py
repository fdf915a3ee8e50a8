"""Command line: `assistant ingest|ask|serve|eval` (also `python -m assistant ...`)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence

from assistant import offline  # noqa: F401
from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    IndexBusyError,
    InvalidArgumentError,
    InvalidHistoryError,
    InvalidQuestionError,
    SettingsError,
)

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_NOT_READY = 0, 1, 2, 3
# C0 controls but tab and newline, DEL, C1 controls (ESC sequences, BEL, CSI) and lone surrogates
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """Text from documents or errors with the bytes that drive a terminal removed."""
    return _TERMINAL_UNSAFE.sub("", text)


def out(text: str = "", err: bool = False) -> None:
    print(terminal_safe(text), file=sys.stderr if err else sys.stdout)


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    return Settings.load(config_file=getattr(args, "config", None), **overrides)


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.ingestion import ingest

    settings = _settings(args)
    paths = args.paths or list(settings.corpus_paths)
    report = ingest(
        paths, settings, rebuild=args.rebuild, prune=not args.keep_missing,
        lock_wait_s=args.wait, show_progress=None if not args.quiet else False,
    )
    for problem in report.problems:
        out(f"error: {problem}", err=True)
    out(report.summary())
    if report.failed:
        return EXIT_USAGE if report.documents_seen == 0 else EXIT_PARTIAL
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.engine import Assistant

    assistant = Assistant(_settings(args))
    if args.explain:
        explanation = assistant.explain(args.question, sources=args.source or None,
                                        top_k=args.top_k, answerer=args.answerer)
        if args.json:
            print(json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(explanation.to_text())
        return EXIT_OK
    answer = assistant.ask(
        args.question, sources=args.source or None, top_k=args.top_k, answerer=args.answerer
    )
    if args.json:
        # JSON escapes C0 controls itself; C1 controls and DEL are escaped here
        text = json.dumps(answer.to_dict(), ensure_ascii=False, indent=2)
        print(_TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
        return EXIT_OK
    out(answer.text)
    if answer.citations:
        out()
        for citation in answer.citations:
            page = f", page {citation.page}" if citation.page else ""
            out(f"[{citation.n}] {citation.source}{page} — {citation.title}")
            out(f"    “{citation.quote}”")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.ui import serve

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = _settings(args).replace(**overrides)
    serve(settings, ingest_if_missing=not args.no_ingest)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.runner import main as eval_main

    return eval_main(args.eval_args, settings=_settings(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    parser.add_argument("--config", help="TOML settings file (default: assistant.toml if present)")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="add or update files in the index")
    ingest.add_argument("paths", nargs="*", help="files or folders (default: the corpus setting)")
    ingest.add_argument("--index", help="index directory (default: ASSISTANT_INDEX_DIR or index/)")
    ingest.add_argument("--rebuild", action="store_true", help="delete the index and build anew")
    ingest.add_argument("--keep-missing", action="store_true",
                        help="keep documents whose files were deleted from the scanned folders")
    ingest.add_argument("--wait", type=float, default=0.0,
                        help="seconds to wait for another ingest's lock (default: refuse at once)")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.set_defaults(func=cmd_ingest)

    ask = commands.add_parser("ask", help="answer one question from the index")
    ask.add_argument("question")
    ask.add_argument("--index")
    ask.add_argument("--json", action="store_true", help="print answer, abstained, citations[]")
    ask.add_argument("--source", action="append", help="only these document ids (repeatable)")
    ask.add_argument("--top-k", type=int)
    ask.add_argument("--answerer", choices=["extractive", "llm"])
    ask.add_argument("--explain", action="store_true",
                     help="show the candidates and their scores, the abstention decision and "
                          "its margin, the follow-up rewrite and a verdict for each stage")
    ask.set_defaults(func=cmd_ask)

    serve = commands.add_parser("serve", help="start the web chat")
    serve.add_argument("--index")
    serve.add_argument("--host", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int)
    serve.add_argument("--no-ingest", action="store_true",
                       help="do not ingest the corpus when the index is missing or stale")
    serve.set_defaults(func=cmd_serve)

    evaluate = commands.add_parser("eval", help="score the engine on the golden questions")
    evaluate.add_argument("--index")
    evaluate.add_argument("eval_args", nargs=argparse.REMAINDER)
    evaluate.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InvalidQuestionError, InvalidHistoryError, InvalidArgumentError,
            SettingsError) as exc:
        out(f"error: {exc}", err=True)
        return EXIT_USAGE
    except IndexBusyError as exc:
        out(f"error: {exc}", err=True)
        return EXIT_PARTIAL
    except AssistantError as exc:
        out(f"error: {exc}", err=True)
        return EXIT_NOT_READY
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
