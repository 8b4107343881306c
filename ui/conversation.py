"""The conversation as the UI keeps it: one record per answered turn (question, answer, the
sources it cited, what was searched), the (question, answer) pairs follow-ups read, and
the Markdown export with its sources.

A turn is a plain dict so that it survives Gradio's State and the browser's storage as JSON.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag import Answer

Turn = dict[str, Any]
_EXPORTS = Path(tempfile.gettempdir()) / "newsdesk-exports"


def turn_of(question: str, answer: Answer, notes: list[str]) -> Turn:
    """The record of one answered question."""
    cited = {c.n: c for c in answer.citations}
    sources = [{"n": s.n, "title": s.title, "outlet": s.outlet, "published": s.published, "url": s.url,
                "quote": cited[s.n].quote} for s in answer.sources if s.n in cited]  # fmt: skip
    return {"question": question, "answer": answer.text, "refused": answer.refused,
            "why": answer.refusal_reason, "sources": sources, "notes": notes}  # fmt: skip


def question_of(turn: Any) -> str:
    """A turn's question; conversations saved before turns were records held [question, answer]."""
    return str(turn.get("question", "")) if isinstance(turn, dict) else str(turn[0])


def model_history(turns: list[Any]) -> list[tuple[str, str]]:
    """The (question, answer) pairs a follow-up is read against."""
    return [(question_of(t), str(t.get("answer", "")) if isinstance(t, dict) else str(t[1])) for t in turns]


def _quote_block(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines() or [""])


def _turn_markdown(i: int, turn: Turn) -> list[str]:
    # Questions and answers are the reader's and the model's text: Markdown that could run
    # (an image fetching a URL, raw HTML) is neutralised by quoting, not rendered.
    lines = [f"## {i}. {_plain(question_of(turn))}", "", _plain(str(turn.get("answer", "")))]
    if turn.get("refused") and turn.get("why"):
        lines += ["", f"*Why: {_plain(str(turn['why']))}*"]
    lines += [f"*{_plain(note)}*" for note in turn.get("notes", [])]
    if turn.get("sources"):
        lines += ["", "Sources:"]
        for s in turn["sources"]:
            meta = ", ".join(x for x in (s.get("outlet"), s.get("published")) if x)
            title = _plain(s.get("title") or "(untitled)")
            head = f"[{title}](<{s['url']}>)" if _is_web(s.get("url", "")) else title
            lines.append(f"- [{s['n']}] {head}" + (f" ({_plain(meta)})" if meta else ""))
            if s.get("quote"):
                lines.append("  " + _quote_block(_plain(s["quote"])).replace("\n", "\n  "))
    return lines + [""]


def _is_web(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>]+$", url or ""))


def _plain(text: str) -> str:
    """Text that renders as itself in Markdown: no HTML, no images, no links it did not have."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_!\[\]])", r"\\\1", text)


def to_markdown(turns: list[Any], now: datetime | None = None) -> str:
    """The conversation as a Markdown document, each answer followed by its cited sources.

    >>> t = {"question": "Who?", "answer": "Him [1].", "sources": [{"n": 1, "title": "T", "outlet": "AP",
    ...      "published": "2023-02-14", "url": "https://ap.org/a", "quote": "He did."}]}
    >>> print(to_markdown([t], datetime(2026, 1, 2, tzinfo=UTC)))  # doctest: +NORMALIZE_WHITESPACE
    # Newsdesk conversation
    Exported 2026-01-02 00:00 UTC. 1 question.
    <BLANKLINE>
    ## 1. Who?
    <BLANKLINE>
    Him \\[1\\].
    <BLANKLINE>
    Sources:
    - [1] [T](<https://ap.org/a>) (AP, 2023-02-14)
      > He did.
    <BLANKLINE>
    """
    now = now or datetime.now(UTC)
    n = len(turns)
    lines = ["# Newsdesk conversation", f"Exported {now:%Y-%m-%d %H:%M} UTC. {n} question{'s' if n != 1 else ''}.", ""]
    for i, turn in enumerate(turns, start=1):
        lines += _turn_markdown(i, turn if isinstance(turn, dict) else {"question": turn[0], "answer": turn[1]})
    return "\n".join(lines)


def export_file(turns: list[Any]) -> str | None:
    """Write the conversation to a Markdown file for download; None when there is nothing to keep."""
    if not turns:
        return None
    _EXPORTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    folder = Path(tempfile.mkdtemp(dir=_EXPORTS))
    path = folder / f"newsdesk-conversation-{now:%Y%m%d-%H%M%S}.md"
    path.write_text(to_markdown(turns, now), encoding="utf-8")
    return str(path)
