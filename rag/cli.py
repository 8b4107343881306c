"""The command line: `newsdesk ingest | ask | chat | corpus` here, and the commands other
packages register under the `newsdesk.commands` entry-point group (`ui`, `eval`, `bench`:
see pyproject.toml). Those packages import `rag`, never the reverse: this module finds
them through the installed package's metadata, so imports stay one-way.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import date

from pydantic import ValidationError

from rag.config import load_settings
from rag.errors import NewsdeskError, redact
from rag.text.clean import printable


def shown(text: object) -> str:
    """Stored text as the terminal gets it: no control characters (ANSI escapes in a title
    from an untrusted file), no rich markup ("[red]" is text here)."""
    from rich.markup import escape

    return escape(printable(str(text)))


def _console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True)


def _pipeline():  # type: ignore[no-untyped-def]
    from rag.pipeline import Pipeline

    return Pipeline(load_settings())


def cmd_ingest(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    pipe = _pipeline()
    console = _console()
    paths = args.paths or [str(pipe.settings.seeds_dir)]
    with Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.description}"), console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("reading files", total=None)

        def progress(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total or None, description=message[:50])

        report = pipe.ingest(paths, sync=args.sync, rebuild=args.rebuild, force=args.force, progress=progress)
    table = Table(title="ingest summary", show_header=False)
    for k, v in report.summary_rows():
        table.add_row(k, v)
    console.print(table)
    if report.skipped:
        skipped = Table(title="skipped", show_header=True)
        skipped.add_column("file or record")
        skipped.add_column("reason")
        for where, why in report.skipped[:200]:
            skipped.add_row(shown(where), shown(why))
        console.print(skipped)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Re-poll feeds and pages until Ctrl-C, one summary line per poll."""
    import threading
    from datetime import datetime

    from rag.ingest.sync import check_named_paths
    from rag.ingest.watch import interval_seconds, poll

    every = interval_seconds(args.every)
    check_named_paths(args.sources)  # a mistyped .urls file fails now, not once per poll for ever
    pipe = _pipeline()

    def said(report, error: str) -> None:  # type: ignore[no-untyped-def]
        when = datetime.now().strftime("%H:%M:%S")
        if report is None:
            print(f"{when} poll failed: {shown(redact(error))}", flush=True)
        else:
            print(f"{when} {report.added} new, {report.updated} updated, {report.not_modified} not modified, "
                  f"{report.copies} copies, {len(report.skipped)} skipped; {report.chunks_total} chunks", flush=True)  # fmt: skip
            for where, why in report.skipped[:20]:
                print(f"  skipped {shown(where)}: {shown(why)}", flush=True)

    stop = threading.Event()
    try:
        poll(lambda: pipe.ingest(args.sources), every, stop, said)
    except KeyboardInterrupt:
        stop.set()
    return 0


def _filters_from(args: argparse.Namespace) -> dict[str, object]:
    return {
        "sources": args.source or None,
        "since": date.fromisoformat(args.since) if args.since else None,
        "until": date.fromisoformat(args.until) if args.until else None,
    }


def cmd_ask(args: argparse.Namespace) -> int:
    from rag import query

    pipe = _pipeline()
    answer = query(args.question, top_k=args.top_k, pipeline=pipe, **_filters_from(args))  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(printable(answer.format_text()))
        if args.verbose:
            print("\ntimings:", {k: round(v, 3) for k, v in answer.timings.items()}, file=sys.stderr)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A terminal chat with follow-ups; Ctrl-D or 'exit' leaves."""
    from rag.types import Answer, Token

    pipe = _pipeline()
    history: list[tuple[str, str]] = []
    while True:
        try:
            q = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if q.lower() in {"exit", "quit"}:
            return 0
        if not q:
            continue
        try:
            for ev in pipe.stream(q, history=history):
                if isinstance(ev, Token):
                    print(printable(ev.text), end="", flush=True)
                elif isinstance(ev, Answer):
                    print("\n\n" + printable(ev.format_text()))
                    history.append((q, ev.text))
        except NewsdeskError as exc:
            print(f"\nerror: {exc}")


def cmd_corpus(args: argparse.Namespace) -> int:
    from rich.table import Table

    info = _pipeline().corpus()
    table = Table(title=f"{info['articles']} articles, {info['chunks']} chunks")
    for col in ("published", "source", "title"):
        table.add_column(col)
    for row in info["rows"][: args.limit]:
        table.add_row(shown(row["published"]), shown(row["source"]), shown(row["title"]))
    _console().print(table)
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    """Every setting with its description and default, as a `.env` file."""
    from rag.env_example import env_example

    print(env_example(), end="")
    return 0


def plugin_commands() -> dict[str, object]:
    """Commands registered by other packages: name -> entry point."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group="newsdesk.commands")}


def at_least_one(text: str) -> int:
    """An argparse type: a whole number of 1 or more (`corpus --limit`, `eval --limit`)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsdesk", description="Cited answers about news articles, offline.")
    p.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING (default from settings)")
    sub = p.add_subparsers(dest="command", required=True)

    pi = sub.add_parser("ingest", help="ingest files, folders, URLs of pages, feeds or sitemaps, .urls lists (default: seeds)")
    pi.add_argument("paths", nargs="*")
    pi.add_argument("--sync", action="store_true", help="also remove articles that are gone from these paths")
    pi.add_argument("--rebuild", action="store_true",
                    help="re-embed everything into a new index; the old one serves until it is complete")
    pi.add_argument("--force", action="store_true",
                    help="let --sync or --rebuild remove more than the configured share of the store")
    pi.set_defaults(fn=cmd_ingest)

    pw = sub.add_parser("watch", help="re-poll feeds or pages and ingest what is new or changed, until Ctrl-C")
    pw.add_argument("sources", nargs="+", help="feed, sitemap or page URLs, or .urls files")
    pw.add_argument("--every", default="30m", help="time between polls: 45s, 30m, 2h (default 30m)")
    pw.set_defaults(fn=cmd_watch)

    pa = sub.add_parser("ask", help="ask one question")
    pa.add_argument("question")
    pa.add_argument("--json", action="store_true", help="print the structured Answer as JSON")
    pa.add_argument("--top-k", type=int, default=None)
    pa.add_argument("--source", action="append", help="only this outlet (repeatable)")
    pa.add_argument("--since", help="only articles published on or after YYYY-MM-DD")
    pa.add_argument("--until", help="only articles published on or before YYYY-MM-DD")
    pa.add_argument("-v", "--verbose", action="store_true", help="print timings")
    pa.set_defaults(fn=cmd_ask)

    sub.add_parser("chat", help="chat in the terminal").set_defaults(fn=cmd_chat)
    sub.add_parser("settings", help="print every setting with its default, as a .env file").set_defaults(fn=cmd_settings)
    pc = sub.add_parser("corpus", help="list the ingested articles")
    pc.add_argument("--limit", type=at_least_one, default=50, help="most articles listed (default 50)")
    pc.set_defaults(fn=cmd_corpus)
    for name, ep in sorted(plugin_commands().items()):
        sub.add_parser(name, help=f"see `newsdesk {name} --help` ({ep.value})", add_help=False)  # type: ignore[attr-defined]
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    level = os.environ.get("NEWSDESK_LOG_LEVEL", "WARNING")
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    plugins = plugin_commands()
    if argv and argv[0] in plugins:  # `ui`, `serve`, `eval`, `bench`: their errors read like the rest
        command = plugins[argv[0]].load()  # type: ignore[attr-defined]
        return run_reporting_errors(lambda: int(command(argv[1:]) or 0))
    args = build_parser().parse_args(argv)
    if args.log_level:
        logging.getLogger().setLevel(args.log_level.upper())
    return run_reporting_errors(lambda: int(args.fn(args)))


def invalid_fields(exc: ValidationError) -> str:
    """A validation error in one line: each field and what is wrong with it, never the
    value given (it may be a key)."""
    fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())
    return f"invalid {exc.title}: {fields}"


def run_reporting_errors(command: Callable[[], int]) -> int:
    """Run a command; an error becomes one line on stderr (secrets redacted) and an exit
    status, never a traceback."""
    try:
        return command()
    except NewsdeskError as exc:
        print(f"newsdesk: {redact(str(exc))}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # a bad setting (environment, .env, --set-option): pydantic's text is a page
        print(f"newsdesk: {redact(invalid_fields(exc))}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. a bad --since date
        print(f"newsdesk: {redact(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: the store's writes are atomic per batch and its lock is released
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a fault of ours or of a library: one line, the trace only in the debug log
        logging.getLogger("newsdesk").debug("unexpected error", exc_info=True)
        print(f"newsdesk: internal error: {type(exc).__name__}: {redact(str(exc))} (set NEWSDESK_LOG_LEVEL=DEBUG "
              "for the trace)", file=sys.stderr)  # fmt: skip
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

