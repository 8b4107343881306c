"""The structured results the public API returns: `Answer`, `Citation`, `SourceInfo`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

NOT_COVERED = "The articles do not cover this."


@dataclass
class SourceInfo:
    """A retrieved article as shown to the model (numbered as the answer cites it)."""

    n: int
    title: str
    outlet: str
    url: str
    published: str
    score: float
    passage: str  # the retrieved chunk
    sentences: list[str]  # what the model was given from it
    doc_id: str = ""
    chunk_ids: list[str] = field(default_factory=list)


@dataclass
class Citation:
    """One `[n]` marker of the answer, mapped back to the article it points to."""

    n: int
    title: str
    outlet: str
    url: str
    published: str
    quote: str  # the passage sentence that supports the cited answer sentence
    score: float  # retrieval score of the article
    supported: bool = True


@dataclass
class AnswerSentence:
    text: str  # without markers
    cites: list[int]
    supported: bool
    support: float  # 0..1 from the deterministic check
    reason: str = ""  # why it failed the check
    quotes: dict[int, str] = field(default_factory=dict)  # n -> best supporting sentence


@dataclass
class Answer:
    question: str
    text: str  # the answer with inline [n] markers (unsupported sentences removed)
    citations: list[Citation]
    sources: list[SourceInfo]
    timings: dict[str, float]  # seconds: retrieve, context, first_token, generate, total
    refused: bool = False  # True when the articles do not cover the question
    refusal_reason: str = ""
    incomplete: bool = False  # the model's stream was cut off
    unverified: bool = False  # a Yes/No verdict whose supporting statement failed the check
    sentences: list[AnswerSentence] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # sentences dropped by the check
    conflicts: list[str] = field(default_factory=list)  # "Sources disagree: ..." notes, newest first
    raw_text: str = ""  # what the model wrote, before checking
    model: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    yes_no_logodds: float | None = None  # log P(Yes) - log P(No) that decided a Yes/No verdict
    retrieval_query: str = ""  # the question as rewritten with the conversation

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format_text(self) -> str:
        """Human-readable answer with a numbered source list (the CLI's output)."""
        lines = [self.text]
        if self.refused and self.refusal_reason:
            lines.append(f"(why: {self.refusal_reason})")
        if self.incomplete:
            lines.append("\n[incomplete: the model's answer was cut off]")
        if self.removed:
            lines.append(f"\n({len(self.removed)} sentence(s) removed: not supported by the cited articles)")
        cited = {c.n for c in self.citations}
        if cited:
            lines.append("\nSources:")
            for s in self.sources:
                if s.n in cited:
                    bits = ", ".join(b for b in (s.outlet, s.published) if b)
                    lines.append(f"  [{s.n}] {s.title}" + (f" ({bits})" if bits else "") + (f"\n      {s.url}" if s.url else ""))
        return "\n".join(lines)
