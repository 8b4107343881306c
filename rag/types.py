"""The records every stage passes along: `Article`, `Chunk`, `Sentence` at ingest; one
numbered `Source` from context building to the UI; `Citation`, `AnswerSentence` and
`Answer` as the public API returns them; `Token` as an answer streams."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

NOT_COVERED = "The articles do not cover this."
# Where the model did answer and no sentence of its answer held up against the articles it cited:
# the articles may well cover the question, and saying they do not would be untrue.
NOT_CHECKED = "No answer could be checked against the articles."


@dataclass(frozen=True)
class Article:
    """One news article with the metadata every chunk keeps."""

    doc_id: str  # stable identity: from the url, else from the file path (+ record index)
    title: str
    source: str  # the outlet ("The Verge"); "" when unknown
    url: str
    published: date | None
    body: str
    author: str = ""
    category: str = ""
    origin: str = ""  # the file, feed or page it came from (used by `ingest --sync`)
    date_source: str = ""  # where `published` came from when fetched: "page", "feed" or "fetch time"

    @property
    def content_hash(self) -> str:
        parts = [self.title, self.source, self.url, self.published_iso, self.author, self.body]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()

    @property
    def published_iso(self) -> str:
        return self.published.isoformat() if self.published else ""


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article: the unit that is embedded and selected for the LLM."""

    id: str
    doc_id: str
    pos: int
    text: str
    source: str
    published_day: int

    def metadata(self) -> dict[str, str | int]:
        # No text: it is sliced from the chunk that holds it (`sent_chars`), which halves
        # Chroma's write cost for sentences (no full-text index over 50,000 records).
        return {"doc_id": self.doc_id, "pos": self.pos, "source": self.source, "published_day": self.published_day}


@dataclass(frozen=True)
class Chunk:
    """Consecutive whole sentences of one article, at most `chunk_tokens` long."""

    id: str
    doc_id: str
    index: int
    text: str
    title: str
    source: str
    url: str
    published: str  # ISO date or ""
    published_day: int
    author: str = ""
    origin: str = ""
    sent_from: int = 0  # positions of the first and last sentence it holds
    sent_to: int = 0
    sent_chars: str = ""  # character length of each sentence it holds, comma-separated

    def metadata(self) -> dict[str, str | int]:
        fields = ("doc_id", "index", "title", "source", "url", "published", "published_day", "author", "origin",
                  "sent_from", "sent_to", "sent_chars")  # fmt: skip
        return {f: getattr(self, f) for f in fields}


@dataclass
class Source:
    """One article as the model read it, numbered as the answer cites it."""

    n: int
    title: str
    outlet: str
    url: str
    published: str
    score: float = 0.0  # the best score of its selected sentences
    passage: str = ""  # its best retrieved chunk (the UI shows it)
    sentences: list[str] = field(default_factory=list)  # what the model read, in article order
    positions: list[int] = field(default_factory=list)  # their positions in the article ([] = unknown)
    doc_id: str = ""
    chunk_ids: list[str] = field(default_factory=list)
    also: str = ""  # other outlets that published this same report ("AP; Reuters"), syndicated copies

    def previous(self, i: int) -> str:
        """The sentence just before sentence i in the article, if the model read it."""
        if i == 0:
            return ""
        if not self.positions:
            return self.sentences[i - 1]
        return self.sentences[i - 1] if self.positions[i - 1] == self.positions[i] - 1 else ""

    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def headline(self) -> str:
        """The title where it is a headline; "" where ingest cut it from the article's first
        sentence (`derive_title`, for a file with none, ends it with an ellipsis): that is one
        sentence of the article, not what the article is about, and a name in it grounds no
        other claim."""
        return "" if self.title.rstrip().endswith(("…", "...")) else self.title


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

    @classmethod
    def of(cls, src: Source, quote: str) -> Citation:
        return cls(n=src.n, title=src.title, outlet=src.outlet, url=src.url, published=src.published,
                   quote=quote, score=round(src.score, 4))  # fmt: skip


@dataclass
class AnswerSentence:
    text: str  # without markers
    cites: list[int]
    supported: bool
    support: float  # 0..1 from the deterministic check
    reason: str = ""  # why it failed the check
    quotes: dict[int, str] = field(default_factory=dict)  # n -> best supporting sentence


@dataclass
class Token:
    """A piece of the model's text as it streams (before checking)."""

    text: str


@dataclass
class Answer:
    question: str
    text: str  # the answer with inline [n] markers (unsupported sentences removed)
    citations: list[Citation]
    sources: list[Source]
    timings: dict[str, float]  # seconds: retrieve, context, first_token, generate, total
    refused: bool = False  # True when the articles do not cover the question
    refusal_reason: str = ""
    incomplete: bool = False  # the model's stream was cut off
    sentences: list[AnswerSentence] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # sentences dropped by the check
    conflicts: list[str] = field(default_factory=list)  # "Sources disagree: ..." notes, newest first
    raw_text: str = ""  # what the model wrote, before checking
    model: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    yes_no_logodds: float | None = None  # log P(Yes) - log P(No) that decided a Yes/No verdict
    not_found_logodds: float | None = None  # the model's judgement that the sources do not answer (refusal.py)
    retrieval_query: str = ""  # the question as rewritten with the conversation
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, source n) of each cited sentence in `text`

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
                    bits = ", ".join(b for b in (s.outlet, s.published, f"also published by {s.also}" if s.also else "") if b)
                    lines.append(f"  [{s.n}] {s.title}" + (f" ({bits})" if bits else "") + (f"\n      {s.url}" if s.url else ""))
        return "\n".join(lines)
