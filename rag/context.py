"""From retrieved chunks to the short context a small local model reads.

Prompt length is the main latency cost on a CPU, and facts are sentences. So the context
keeps, per article, only the sentences that bear on the question, with the article's
title, outlet and date beside them, and stops at a token budget. Every article gets its
best sentence before any article gets a second one, so multi-source questions see each
source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rag.chunking import count_tokens
from rag.lexical import LexicalIndex, terms
from rag.retrieval import RetrievedChunk
from rag.sentences import split_sentences


@dataclass
class Source:
    """One article as handed to the LLM, numbered as the answer cites it."""

    n: int
    doc_id: str
    title: str
    outlet: str
    url: str
    published: str
    score: float
    chunk_ids: list[str]
    passage: str  # the retrieved chunk text (first chunk), shown in the UI
    sentences: list[str] = field(default_factory=list)  # selected, in article order

    def label(self) -> str:
        bits = ", ".join(b for b in (self.outlet, self.published) if b)
        return f"{self.title} ({bits})" if bits else self.title


@dataclass
class Context:
    sources: list[Source]
    tokens: int
    coverage: float  # idf-weighted share of the question's terms found in the context
    best_dense: float  # best cosine similarity of a retrieved chunk

    def as_prompt_text(self) -> str:
        return format_sources(self.sources)


def format_sources(sources: list[Source]) -> str:
    """Sources delimited and labelled as data; the model is told never to obey them."""
    parts = []
    for s in sources:
        attrs = f'id="{s.n}" title="{_attr(s.title)}" outlet="{_attr(s.outlet or "unknown")}" date="{s.published or "unknown"}"'
        parts.append(f"<source {attrs}>\n{' '.join(s.sentences)}\n</source>")
    return "\n".join(parts)


def _attr(text: str) -> str:
    return text.replace('"', "'").replace("<", "(").replace(">", ")")


def _header_tokens(title: str, outlet: str) -> int:
    return count_tokens(title) + count_tokens(outlet) + 24  # tag, id, date and quotes


@dataclass
class _Candidate:
    art: int
    pos: int  # order in the article's sentence list
    text: str
    score: float
    tokens: int


def build_context(
    question: str,
    chunks: list[RetrievedChunk],
    budget_tokens: int,
    per_source: int,
    lexical: LexicalIndex | None = None,
    max_sources: int | None = None,
) -> Context:
    """Select sentences from `chunks` (in rank order) within `budget_tokens`."""
    q_terms = list(dict.fromkeys(terms(question)))
    weights = {t: (lexical.idf(t) if lexical else 1.0) for t in q_terms}
    total_w = sum(weights.values()) or 1.0

    # Group chunks by article, keeping the rank order of each article's best chunk.
    groups: dict[str, list[RetrievedChunk]] = {}
    for ch in chunks:
        groups.setdefault(str(ch.meta.get("doc_id", ch.id)), []).append(ch)
    arts = list(groups.items())[: max_sources or len(groups)]

    sources: list[Source] = []
    cands: list[list[_Candidate]] = []
    for a, (doc_id, group) in enumerate(arts):
        meta: dict[str, Any] = group[0].meta
        seen: set[str] = set()
        sents: list[str] = []
        for ch in sorted(group, key=lambda c: int(c.meta.get("index", 0))):
            for sent in split_sentences(ch.text):
                if sent not in seen:  # chunks overlap: keep each sentence once
                    seen.add(sent)
                    sents.append(sent)
        title_terms = set(terms(f"{meta.get('title', '')} {meta.get('source', '')}"))
        rank_prior = 1.0 / (1 + 0.15 * a)
        scored = []
        for pos, sent in enumerate(sents):
            st = set(terms(sent))
            overlap = sum(w for t, w in weights.items() if t in st) / total_w
            # Terms the title already gives count a little: the sentence is about the
            # article's subject even when it does not repeat it.
            overlap += 0.25 * sum(w for t, w in weights.items() if t in title_terms and t not in st) / total_w
            scored.append(_Candidate(a, pos, sent, (overlap + 0.02) * rank_prior, count_tokens(sent) + 1))
        cands.append(sorted(scored, key=lambda c: -c.score))
        sources.append(
            Source(
                n=a + 1,
                doc_id=doc_id,
                title=str(meta.get("title", "")),
                outlet=str(meta.get("source", "")),
                url=str(meta.get("url", "")),
                published=str(meta.get("published", "")),
                score=max(c.score for c in group),
                chunk_ids=[c.id for c in group],
                passage=group[0].text,
            )
        )

    used = 0
    picked: list[list[_Candidate]] = [[] for _ in arts]
    for round_ in range(per_source):
        progressed = False
        # Each round gives every article its next-best sentence, best articles first.
        order = sorted(range(len(arts)), key=lambda i: -(cands[i][round_].score if round_ < len(cands[i]) else -1))
        for i in order:
            if round_ >= len(cands[i]):
                continue
            c = cands[i][round_]
            if round_ > 0 and c.score <= 0.02 * (1.0 / (1 + 0.15 * i)) + 1e-9:
                continue  # no question term at all: not worth the tokens
            cost = c.tokens + (_header_tokens(sources[i].title, sources[i].outlet) if not picked[i] else 0)
            if used + cost > budget_tokens:
                continue
            picked[i].append(c)
            used += cost
            progressed = True
        if not progressed:
            break

    kept: list[Source] = []
    found: set[str] = set()
    for i, src in enumerate(sources):
        if not picked[i]:
            continue
        src.sentences = [c.text for c in sorted(picked[i], key=lambda c: c.pos)]
        src.n = len(kept) + 1
        kept.append(src)
        for s in src.sentences:
            found.update(terms(s))
        found.update(terms(f"{src.title} {src.outlet}"))
    coverage = sum(w for t, w in weights.items() if t in found) / total_w if q_terms else 0.0
    best_dense = max((c.dense for c in chunks), default=0.0)
    return Context(kept, used, coverage, best_dense)
