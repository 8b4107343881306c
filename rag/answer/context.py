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
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from rag.answer.evidence import evidence_coverage
from rag.answer.prompts import format_sources, source_header
from rag.answer.safety import WITHHELD, clean_passage, hostile, safe_label
from rag.config import ContextSettings
from rag.retrieve.fusion import Retrieval, RetrievedChunk
from rag.retrieve.lexical import TermWeights, sentence_bm25
from rag.store.layout import sentence_id, sentences_of_chunk, split_sentence_id
from rag.text.answer_type import asked_type, asks_person, holds
from rag.text.sentences import CLAUSE_BREAK
from rag.text.terms import query_terms, terms
from rag.text.tokens import count_tokens
from rag.types import Source

# Someone spoken of by pronoun only: the name is often in the sentence before.
_PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|his|her)\b", re.IGNORECASE)

SentenceVectors = Callable[[list[str]], tuple[list[str], np.ndarray]]
Embed = Callable[[list[str]], np.ndarray]


@dataclass
class Context:
    sources: list[Source]
    tokens: int
    coverage: float  # idf-weighted share of the question's terms found in the best evidence
    best_dense: float  # best cosine similarity of a retrieved sentence
    flagged: int = 0  # candidate sentences dropped as instructions to the model
    reserve: list[Source] = field(default_factory=list)  # the next-best sentences, numbered after `sources`
    # A source's number in the prompt -> its number in the answer, where they differ (see `folded`).
    aliases: dict[int, int] = field(default_factory=dict)

    def widened(self) -> Context:
        """The sources with the reserve after them: the prompt so far is its prefix, so the
        model's cache of it is reused and only the reserve is read. An article can appear twice
        (more of its sentences in the reserve); `folded` joins them once the model has read it."""
        sources = self.sources + self.reserve
        return replace(self, sources=sources, reserve=[], tokens=count_tokens(format_sources(sources)))

    def folded(self) -> Context:
        """One source per article, numbered 1, 2, ... as the answer cites and shows them: a
        later block of an article already read joins its first (sentences in article order),
        and `aliases` maps each number the prompt gave to the answer's where they differ."""
        merged: dict[str, Source] = {}  # by article, in the order first read
        article_of: dict[int, str] = {}
        for src in self.sources:
            key = src.doc_id or f"#{src.n}"  # a source without an id stands alone
            merged[key] = _joined(merged[key], src) if key in merged else src
            article_of[src.n] = key
        if len(merged) == len(self.sources):
            return self
        number = {key: i + 1 for i, key in enumerate(merged)}
        sources = [replace(src, n=number[key]) for key, src in merged.items()]
        aliases = {n: number[key] for n, key in article_of.items() if number[key] != n}
        return replace(self, sources=sources, aliases=aliases)

    @property
    def addressed_the_model(self) -> bool:
        """Something retrieved for this question spoke to the model (a sentence dropped, or a
        title or outlet withheld): an attack may be in play."""
        return self.flagged > 0 or any(WITHHELD in (s.title, s.outlet) for s in self.sources)

    def as_prompt_text(self) -> str:
        return format_sources(self.sources)


def _joined(seen: Source, more: Source) -> Source:
    """`seen` with the sentences of `more` (the same article) added in article order."""
    if seen.positions and more.positions:
        pairs = sorted(dict(zip(seen.positions + more.positions, seen.sentences + more.sentences, strict=True)).items())
        positions, sentences = [p for p, _ in pairs], [t for _, t in pairs]
    else:  # positions unknown: reading order
        positions, sentences = [], seen.sentences + [t for t in more.sentences if t not in seen.sentences]
    return replace(seen, sentences=sentences, positions=positions, score=max(seen.score, more.score))


@dataclass
class Candidates:
    """The sentences of the top chunks, aligned by index, with their scores."""

    ids: list[str]
    texts: list[str]
    toks: list[list[str]]  # terms of each text
    metas: list[dict]  # metadata of the best chunk holding each
    rank: list[int]  # rank of that chunk
    pos: list[int]  # position in its article
    vecs: np.ndarray
    flagged: int = 0
    score: np.ndarray | None = None
    lex: np.ndarray | None = None
    dense: np.ndarray | None = None


def gather(retrieval: Retrieval, sentence_vectors: SentenceVectors, max_chunks: int) -> Candidates:
    """Every sentence of the top `max_chunks` chunks (once, under its best chunk), minus
    those that address the model; the rest lose any markup (see safety.py)."""
    first: dict[str, tuple[int, int, str]] = {}  # sentence id -> (chunk rank, position, text)
    chunks = retrieval.chunks[:max_chunks]
    for rank, ch in enumerate(chunks):
        doc = str(ch.meta.get("doc_id", ""))
        for pos, text in sentences_of_chunk(ch.text, ch.meta).items():
            first.setdefault(sentence_id(doc, pos), (rank, pos, text))
    ids, vecs = sentence_vectors(list(first))
    drop = _hostile_ids(first)
    keep = [i for i, sid in enumerate(ids) if sid not in drop]
    flagged = len(ids) - len(keep)
    if flagged:
        ids, vecs = [ids[i] for i in keep], (vecs[keep] if vecs.size else vecs)
    texts = [clean_passage(first[sid][2]) for sid in ids]
    return Candidates(
        ids=ids, texts=texts, toks=[terms(t) for t in texts], metas=[chunks[first[s][0]].meta for s in ids],
        rank=[first[s][0] for s in ids], pos=[first[s][1] for s in ids], vecs=vecs, flagged=flagged,
    )  # fmt: skip


def _hostile_ids(first: dict[str, tuple[int, int, str]]) -> set[str]:
    """Ids of the candidate sentences that address the model (safety.hostile, per article)."""
    by_doc: dict[str, dict[int, str]] = {}
    for sid, (_, pos, text) in first.items():
        by_doc.setdefault(split_sentence_id(sid)[0], {})[pos] = text
    return {sentence_id(doc, pos) for doc, texts in by_doc.items() for pos in hostile(texts)}


def score(c: Candidates, question: str, idf: dict[str, float], retrieval: Retrieval, w: ContextSettings) -> None:
    """Lexical + dense + the chunk's rank, plus boosts for the outlet and date the question names
    and for holding the kind of answer it asks for (a number, a date)."""
    lex = sentence_bm25(idf, c.toks)
    c.lex = lex / (lex.max() + 1e-9) if lex.size and lex.max() > 0 else lex
    c.dense = c.vecs @ retrieval.query_vector if c.vecs.size else np.zeros(len(c.ids))
    prior = np.array([1.0 / (1.0 + w.rank_decay * r) for r in c.rank])
    c.score = w.lexical_weight * c.lex + w.dense_weight * c.dense + w.rank_weight * prior
    kind = asked_type(question) if w.answer_type_weight else ""
    if kind:
        c.score += w.answer_type_weight * np.array([holds(kind, t) for t in c.texts], dtype=float)
    hints = retrieval.hints
    if hints.outlets:
        c.score += w.outlet_weight * np.array([m.get("source") in hints.outlets for m in c.metas], dtype=float)
    if hints.days:
        days = [int(m.get("published_day", -1)) for m in c.metas]
        c.score += w.date_weight * np.array([any(abs(d - h) <= 1 for h in hints.days) for d in days], dtype=float)


def question_parts(question: str) -> list[str]:
    """Split a multi-part question at its conjunctions; parts need 3+ content terms.

    >>> question_parts("Did TechCrunch report that Apple sued Epic, and did The Verge say that Google won the appeal?")
    ['Did TechCrunch report that Apple sued Epic', 'did The Verge say that Google won the appeal?']
    >>> question_parts("Who engaged in a rumored romance with a Chiefs TE, who made a friendship bracelet as a gesture?")
    ['Who engaged in a rumored romance with a Chiefs TE', 'who made a friendship bracelet as a gesture?']
    """
    parts = [p.strip() for p in CLAUSE_BREAK.split(question) if p and p.strip()]
    good = [p for p in parts if len(terms(p)) >= 3]
    return good if len(good) > 1 else []


def reading_order(c: Candidates, question: str, idf: dict[str, float], lexical: TermWeights | None,
                  embed: Embed | None, w: ContextSettings) -> list[int]:  # fmt: skip
    """Candidates in the order they are taken: first the best sentences for each part of a
    multi-part question (so every report a comparison names is represented), then by score."""
    assert c.score is not None and c.lex is not None and c.dense is not None
    order: list[int] = []
    parts = question_parts(question) if w.decompose else []
    if len(parts) > 1:
        base = c.score - w.lexical_weight * c.lex - w.dense_weight * c.dense
        part_vecs = embed(parts) if embed is not None and c.vecs.size else None
        for k, part in enumerate(parts):
            p_idf = {t: idf.get(t, lexical.idf(t) if lexical else 1.0) for t in dict.fromkeys(query_terms(part))}
            p_lex = sentence_bm25(p_idf, c.toks)
            if p_lex.max() <= 0:
                continue
            p_dense = c.vecs @ part_vecs[k] if part_vecs is not None else c.dense
            p_score = w.lexical_weight * p_lex / p_lex.max() + w.dense_weight * p_dense + base
            order += [int(i) for i in np.argsort(-p_score)[: w.part_sentences]]
    return order + [int(i) for i in np.argsort(-c.score)]


class Selector:
    """Takes sentences in reading order until a token budget is spent; an article's
    header is paid once, when its first sentence is taken."""

    def __init__(self, c: Candidates, order: list[int], antecedents: bool = False):
        self.c, self.order = c, order
        # The sentence before each that speaks of someone by pronoun only, when it is a candidate.
        at = {(str(m.get("doc_id", "")), p): i for i, (m, p) in enumerate(zip(c.metas, c.pos, strict=True))}
        self.before = {i: at[key] for i, (m, p, t) in enumerate(zip(c.metas, c.pos, c.texts, strict=True))
                       if antecedents and _PERSON_PRONOUN.search(t) and (key := (str(m.get("doc_id", "")), p - 1)) in at}  # fmt: skip
        self.cost = [count_tokens(t) + 1 for t in c.texts]
        # What each says, as (article, sentence): a sentence listed twice in the reading order,
        # or an article that repeats a sentence, is read once.
        self.said = [(str(m.get("doc_id", "")), " ".join(t.lower().split())) for m, t in zip(c.metas, c.texts, strict=True)]
        self._header: dict[str, int] = {}

    def header_cost(self, i: int) -> int:
        m = self.c.metas[i]
        doc = str(m.get("doc_id", ""))
        if doc not in self._header:
            header = source_header(99, safe_label(str(m.get("title", ""))), safe_label(str(m.get("source", ""))),
                                   str(m.get("published", "")))  # fmt: skip
            self._header[doc] = count_tokens(header) + 6
        return self._header[doc]

    def select(self, budget: int, skip: set[tuple[str, str]] | None = None) -> dict[str, list[int]]:
        """doc_id -> candidate indexes, in the order taken; `skip`: what was read already."""
        picked: dict[str, list[int]] = {}
        read: set[tuple[str, str]] = set(skip or ())
        used = 0
        for i in self.order:
            for j in (i, self.before[i]) if i in self.before else (i,):
                said = self.said[j]
                doc = said[0]
                if said in read:
                    continue
                cost = self.cost[j] + (0 if doc in picked else self.header_cost(j))
                if used + cost > budget:
                    break  # no room for it: nor for the sentence before it
                picked.setdefault(doc, []).append(j)
                read.add(said)
                used += cost
        return picked


def make_sources(c: Candidates, picked: dict[str, list[int]], chunks: list[RetrievedChunk]) -> list[Source]:
    """One numbered source per article, in the order its best sentence was taken."""
    assert c.score is not None
    sources: list[Source] = []
    for doc, idx in picked.items():
        best = chunks[min(c.rank[i] for i in idx)]
        m = best.meta
        in_order = sorted(idx, key=lambda i: c.pos[i])
        sources.append(Source(
            n=len(sources) + 1, doc_id=doc, title=safe_label(str(m.get("title", ""))), outlet=safe_label(str(m.get("source", ""))),
            url=str(m.get("url", "")), published=str(m.get("published", "")), also=safe_label(str(m.get("also", ""))),
            score=round(float(max(c.score[i] for i in idx)), 4), passage=best.text,
            chunk_ids=[ch.id for ch in chunks if ch.meta.get("doc_id") == doc],
            sentences=[c.texts[i] for i in in_order], positions=[c.pos[i] for i in in_order],
        ))  # fmt: skip
    return sources


def build_context(question: str, retrieval: Retrieval, sentence_vectors: SentenceVectors, budget_tokens: int,
                  settings: ContextSettings, max_chunks: int, lexical: TermWeights | None = None,
                  embed: Embed | None = None, reserve_tokens: int = 0) -> Context:  # fmt: skip
    """Select the best sentences of the top `max_chunks` chunks within `budget_tokens`.

    `sentence_vectors(ids) -> (ids, vectors)` fetches candidate sentences' vectors (the
    store); `embed(texts) -> vectors`, when given, embeds the parts of a multi-part question.
    `reserve_tokens`: the next-best sentences after those, kept for a second look.
    """
    idf = {t: (lexical.idf(t) if lexical else 1.0) for t in dict.fromkeys(query_terms(question))}
    c = gather(retrieval, sentence_vectors, max_chunks)
    if not c.ids:
        return Context([], 0, 0.0, 0.0, c.flagged)
    score(c, question, idf, retrieval, settings)
    antecedents = settings.antecedents and asks_person(question)
    selector = Selector(c, reading_order(c, question, idf, lexical, embed, settings), antecedents)
    picked = selector.select(budget_tokens)
    # The refusal floor measures the evidence available, not what fits a short prompt: it
    # looks at `evidence_tokens` of the best sentences whatever the prompt budget.
    evidence = picked if budget_tokens >= settings.evidence_tokens else selector.select(settings.evidence_tokens)
    sources = make_sources(c, picked, retrieval.chunks[:max_chunks])
    reserve: list[Source] = []
    if reserve_tokens:
        read = {selector.said[i] for idx in picked.values() for i in idx}
        more = make_sources(c, selector.select(reserve_tokens, skip=read), retrieval.chunks[:max_chunks])
        reserve = [replace(s, n=len(sources) + k + 1) for k, s in enumerate(more)]
    best_dense = max(retrieval.sentence_scores.values(), default=0.0)
    asked = {t: idf[t] for t in terms(question)}  # the words as asked: a spelling not used is not missing
    coverage = evidence_coverage(asked, [(c.toks[i], c.metas[i]) for idx in evidence.values() for i in idx])
    return Context(sources, count_tokens(format_sources(sources)), coverage, best_dense, c.flagged, reserve)
