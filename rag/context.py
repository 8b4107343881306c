"""From retrieved chunks to the short context a small local model reads.

Prompt length is the main latency cost on a CPU, and facts are sentences (99% of the
MultiHop-RAG evidence facts sit inside one sentence). So the context is built from
sentences: every sentence of the top chunks is scored against the question (BM25 terms,
embedding similarity, its chunk's rank, and whether its outlet and date are the ones the
question names), and the best are taken until the token budget is spent. Sentences are
shown grouped by article, in article order, under the article's title, outlet and date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rag.chunking import count_tokens, sentence_id, sentences_of_chunk
from rag.guard import clean_passage, is_instruction
from rag.lexical import LexicalIndex, terms
from rag.retrieval import Retrieval

# Weights of the sentence score, fitted on the MultiHop-RAG development split.
W_LEXICAL = 1.0
W_DENSE = 1.0
W_RANK = 0.3
W_OUTLET = 0.8
W_DATE = 0.6
RANK_DECAY = 0.1
DECOMPOSE = True
PART_SENTENCES = 2
BM25_K1, BM25_B = 1.2, 0.75
# How much of the best evidence the refusal floor looks at, whatever the prompt budget
# (the budget the floor was calibrated at, docs/EVALUATION.md).
EVIDENCE_TOKENS = 450


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
    passage: str  # the best retrieved chunk of the article, shown in the UI
    sentences: list[str] = field(default_factory=list)  # selected, in article order
    positions: list[int] = field(default_factory=list)  # their positions in the article


@dataclass
class Context:
    sources: list[Source]
    tokens: int
    coverage: float  # idf-weighted share of the question's terms found in the context
    best_dense: float  # best cosine similarity of a retrieved sentence
    flagged: int = 0  # candidate sentences dropped as instructions to the model

    def as_prompt_text(self) -> str:
        return format_sources(self.sources)


def _attr(text: str) -> str:
    return text.replace('"', "'").replace("<", "(").replace(">", ")").replace("\n", " ")


def _short_title(title: str, words: int = 8) -> str:
    parts = title.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def source_header(n: int, title: str, outlet: str, published: str) -> str:
    # Compact on purpose: with ~8 articles in a 1,000-token context, every header token
    # is one less token of evidence.
    return f'<source id={n} outlet="{_attr(outlet or "unknown")}" date={published or "unknown"} title="{_attr(_short_title(title))}">'


def format_sources(sources: list[Source]) -> str:
    """Sources delimited and labelled as data; the model is told never to obey them."""
    return "\n".join(
        f"{source_header(s.n, s.title, s.outlet, s.published)}\n{' '.join(s.sentences)}\n</source>" for s in sources
    )


_PART_SPLIT = re.compile(
    r"[,;]\s*(?:(?:and|while|whereas|but)\s+)?|\s+\b(?:and|while|whereas|but|compared (?:to|with)|as well as)\b\s+",
    re.IGNORECASE,
)


def question_parts(question: str) -> list[str]:
    """Split a multi-part question at its conjunctions; parts need 3+ content terms.

    >>> question_parts("Did TechCrunch report that Apple sued Epic, and did The Verge say that Google won the appeal?")
    ['Did TechCrunch report that Apple sued Epic', 'did The Verge say that Google won the appeal?']
    >>> question_parts("Who engaged in a rumored romance with a Chiefs TE, who made a friendship bracelet as a gesture?")
    ['Who engaged in a rumored romance with a Chiefs TE', 'who made a friendship bracelet as a gesture?']
    """
    parts = [p.strip() for p in _PART_SPLIT.split(question) if p and p.strip()]
    good = [p for p in parts if len(terms(p)) >= 3]
    return good if len(good) > 1 else []


def _bm25(question_terms: dict[str, float], sentences: list[list[str]]) -> np.ndarray:
    """BM25 of each candidate sentence, with idf from the chunk index (the corpus statistics)."""
    if not sentences:
        return np.zeros(0)
    avg = max(1.0, float(np.mean([len(s) for s in sentences])))
    out = np.zeros(len(sentences))
    for i, toks in enumerate(sentences):
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(toks) / avg)
        out[i] = sum(
            question_terms[t] * tf * (BM25_K1 + 1) / (tf + norm) for t, tf in Counter(toks).items() if t in question_terms
        )
    return out


def build_context(
    question: str,
    retrieval: Retrieval,
    sentences_of: Any,
    budget_tokens: int,
    lexical: LexicalIndex | None = None,
    max_chunks: int = 40,
    embed: Any = None,
    evidence_tokens: int = EVIDENCE_TOKENS,
) -> Context:
    """Select the best sentences of the top `max_chunks` chunks within `budget_tokens`.

    `sentences_of(ids) -> (ids, vectors)` fetches candidate sentences' vectors (the store);
    their texts are sliced from the retrieved chunks that hold them.
    `embed(texts) -> vectors`, when given, embeds the parts of a multi-part question.
    """
    q_terms = list(dict.fromkeys(terms(question)))
    idf = {t: (lexical.idf(t) if lexical else 1.0) for t in q_terms}
    total_w = sum(idf.values()) or 1.0
    chunks = retrieval.chunks[:max_chunks]
    hints = retrieval.hints

    # Candidate sentences with the rank prior of the best chunk that holds them.
    prior: dict[str, float] = {}
    owner: dict[str, int] = {}  # sentence id -> index of its best chunk
    pos_of: dict[str, int] = {}
    text_of: dict[str, str] = {}
    for rank, ch in enumerate(chunks):
        doc = str(ch.meta.get("doc_id", ""))
        for pos, text in sentences_of_chunk(ch.text, ch.meta).items():
            sid = sentence_id(doc, pos)
            if sid not in prior:
                prior[sid] = 1.0 / (1.0 + RANK_DECAY * rank)
                owner[sid] = rank
                pos_of[sid] = pos
                text_of[sid] = text
    ids, vecs = sentences_of(list(prior))
    texts = [text_of[sid] for sid in ids]
    # Poisoned text never reaches the model: sentences that address it are dropped, and
    # the rest lose any markup (see rag/guard.py).
    keep = [i for i, t in enumerate(texts) if not is_instruction(t)]
    flagged = len(texts) - len(keep)
    if flagged:
        ids = [ids[i] for i in keep]
        texts = [texts[i] for i in keep]
        vecs = vecs[keep] if vecs.size else vecs
    texts = [clean_passage(t) for t in texts]
    if not ids:
        return Context([], 0, 0.0, 0.0, flagged)
    toks = [terms(t) for t in texts]
    lex = _bm25(idf, toks)
    lex = lex / (lex.max() + 1e-9) if lex.size and lex.max() > 0 else lex
    dense = vecs @ retrieval.query_vector if vecs.size else np.zeros(len(ids))
    score = W_LEXICAL * lex + W_DENSE * dense + W_RANK * np.array([prior[s] for s in ids])
    metas = [chunks[owner[s]].meta for s in ids]
    if hints.outlets:
        score += W_OUTLET * np.array([m.get("source") in hints.outlets for m in metas], dtype=float)
    if hints.days:
        days = [int(m.get("published_day", -1)) for m in metas]
        score += W_DATE * np.array([any(abs(d - h) <= 1 for h in hints.days) for d in days], dtype=float)

    # First, the best sentence for each part of a multi-part question, so that every
    # report a comparison names is represented; then greedy by score. An article's
    # header is paid once, when its first sentence is taken.
    order: list[int] = []
    parts = question_parts(question) if DECOMPOSE else []
    if len(parts) > 1:
        base = score - W_LEXICAL * lex - W_DENSE * dense
        part_vecs = embed(parts) if embed is not None and vecs.size else None
        for k, part in enumerate(parts):
            p_idf = {t: idf.get(t, lexical.idf(t) if lexical else 1.0) for t in dict.fromkeys(terms(part))}
            p_lex = _bm25(p_idf, toks)
            if p_lex.max() <= 0:
                continue
            p_dense = vecs @ part_vecs[k] if part_vecs is not None else dense
            p_score = W_LEXICAL * p_lex / p_lex.max() + W_DENSE * p_dense + base
            order += [int(i) for i in np.argsort(-p_score)[:PART_SENTENCES]]
    order += [int(i) for i in np.argsort(-score)]
    cost_of = [count_tokens(t) + 1 for t in texts]
    header_cost: dict[str, int] = {}

    def select(budget: int) -> dict[str, list[int]]:
        picked: dict[str, list[int]] = {}  # doc_id -> candidate indexes, in the order taken
        taken: set[int] = set()
        used = 0
        for i in order:
            if i in taken:
                continue
            doc = str(metas[i].get("doc_id", ""))
            cost = cost_of[i]
            if doc not in picked:
                if doc not in header_cost:
                    m = metas[i]
                    header_cost[doc] = count_tokens(source_header(99, str(m.get("title", "")), str(m.get("source", "")), str(m.get("published", "")))) + 6
                cost += header_cost[doc]
            if used + cost > budget:
                continue
            picked.setdefault(doc, []).append(i)
            taken.add(i)
            used += cost
        return picked

    picked = select(budget_tokens)
    # The refusal floor measures the evidence available, not what fits a short prompt:
    # coverage is taken over at least `evidence_tokens` of the best sentences, so a
    # smaller prompt budget (a faster answer) does not refuse more questions.
    evidence = picked if budget_tokens >= evidence_tokens else select(evidence_tokens)

    sources: list[Source] = []
    found: set[str] = set()
    for doc, idx in picked.items():  # articles in the order their best sentence was taken
        best_chunk = chunks[min(owner[ids[i]] for i in idx)]
        m = best_chunk.meta
        src = Source(
            n=len(sources) + 1, doc_id=doc, title=str(m.get("title", "")), outlet=str(m.get("source", "")),
            url=str(m.get("url", "")), published=str(m.get("published", "")), score=float(max(score[i] for i in idx)),
            chunk_ids=[c.id for c in chunks if c.meta.get("doc_id") == doc], passage=best_chunk.text,
            sentences=[texts[i] for i in sorted(idx, key=lambda i: pos_of[ids[i]])],
            positions=sorted(pos_of[ids[i]] for i in idx),
        )  # fmt: skip
        sources.append(src)
    for idx in evidence.values():
        for i in idx:
            found.update(toks[i])
        m = metas[idx[0]]
        found.update(terms(f"{m.get('title', '')} {m.get('source', '')}"))
    coverage = sum(w for t, w in idf.items() if t in found) / total_w if q_terms else 0.0
    best_dense = max(retrieval.sentence_scores.values(), default=0.0)
    return Context(sources, count_tokens(format_sources(sources)), coverage, best_dense, flagged)
