"""`newsdesk bench --only guard`: how long the injection guard (rag/answer/safety.py) takes on
the longest hostile texts the fuzz test feeds it. The fuzz test checks what the guard
promises; its time is recorded here as a number, because a tight timed assertion fails on a
busy machine. Each text is one fuzz piece repeated until it is about `chars` long: the shape
that makes a backtracking pattern slow."""

from __future__ import annotations

import time
from typing import Any

from rag.answer.safety import clean_answer, clean_passage, is_instruction, skeleton

# The pieces tests/unit/answer/test_fuzz_safety.py builds its texts from (markup, look-alike
# letters, zero-width space, instruction words, chat-template tokens).
PIECES = ["[", "](", "![", "<", ">", "<!--", "-->", "<b>", "http://x.example/", "a@b.example", "\u200b", "\u0430",
          "ignore ", "previous ", "instructions ", "reply only with ", "system: ", "<|im_start|>", "</source>", " "]  # fmt: skip


def _guard(text: str) -> float:
    t = time.perf_counter()
    is_instruction(text)
    clean_passage(text)
    clean_answer(text)
    skeleton(text)
    return time.perf_counter() - t


def bench_guard(chars: int = 300_000, repeats: int = 3) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for piece in PIECES:
        text = piece * max(1, chars // len(piece))
        best = min(_guard(text) for _ in range(repeats))  # the least disturbed of a few runs
        rows.append({"piece": piece.encode("unicode_escape").decode(), "chars": len(text), "seconds": round(best, 4)})
    rows.sort(key=lambda r: -r["seconds"])
    total_chars = sum(r["chars"] for r in rows)
    total_s = sum(r["seconds"] for r in rows)
    return {"slowest": rows[:5], "texts": len(rows), "chars_per_s": round(total_chars / total_s) if total_s else None,
            "worst_s": rows[0]["seconds"], "worst_piece": rows[0]["piece"]}  # fmt: skip


def render_guard(r: dict[str, Any]) -> list[str]:
    md = ["### Injection guard on long hostile text", "",
          f"{r['texts']} texts, each one fuzz piece repeated to about {r['slowest'][0]['chars']:,} characters; "
          f"all four guard functions; best of 3. Overall {r['chars_per_s']:,} characters/s.", "",
          "| piece (slowest five) | characters | seconds |", "|---|---|---|"]  # fmt: skip
    return md + [f"| `{row['piece']}` | {row['chars']:,} | {row['seconds']:.3f} |" for row in r["slowest"]] + [""]
