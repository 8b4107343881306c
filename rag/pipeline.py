"""The one place where the parts are wired: store, embedder, retriever, context, LLM.

Models load lazily (the LLM only when a question needs it) so ingest never pays for the
generator and a refusal decided on evidence never waits for it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag import prompts
from rag.answer import Token, generate, refusal
from rag.chunking import ensure_offline_tiktoken
from rag.config import Settings, context_budget
from rag.context import Context, build_context
from rag.errors import InvalidQuestion, NewsdeskError
from rag.ingest import IngestReport, ProgressFn, ingest_paths, rebuild_paths
from rag.lexical import terms
from rag.providers.embedding import Embedder, make_embedder
from rag.providers.llm import ChatModel, make_chat_model
from rag.retrieval import Filters, Retrieval, Retriever
from rag.schema import Answer
from rag.store import ChunkStore, writer_lock

log = logging.getLogger(__name__)

_ELLIPTIC_START = re.compile(r"^\s*(what|how)\s+about\b|^\s*(and|also|same|what of|and what)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there)\b", re.IGNORECASE)


@dataclass
class Retrieved:
    """First event of a streamed answer: what the model is about to read."""

    retrieval: Retrieval
    context: Context


Event = Retrieved | Token | Answer


def rewrite_follow_up(question: str, history: list[tuple[str, str]] | None) -> tuple[str, str]:
    """Give an elliptical follow-up the subject of the previous question.

    Returns (retrieval query, question as put to the model).

    >>> rewrite_follow_up("What about Bakhmut?", [("How many settlements were bombarded?", "16 [1].")])[1]
    'What about Bakhmut? (earlier question: How many settlements were bombarded?)'
    >>> rewrite_follow_up("Who is the NATO Secretary General?", [("Anything?", "No.")])
    ('Who is the NATO Secretary General?', 'Who is the NATO Secretary General?')
    """
    if not history:
        return question, question
    previous = history[-1][0].strip()
    content = terms(question)
    elliptic = bool(_ELLIPTIC_START.search(question)) or len(content) <= 1
    elliptic = elliptic or (bool(_PRONOUN.search(question)) and len(content) <= 3)
    if not elliptic or not previous:
        return question, question
    return f"{question.strip()} {previous}", prompts.FOLLOW_UP.format(question=question.strip(), previous=previous)


class Pipeline:
    """Ingest articles and answer questions about them, with checked citations."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        llm: ChatModel | None = None,
        store: ChunkStore | None = None,
    ):
        self.settings = settings
        ensure_offline_tiktoken(settings.cache_dir)
        self._embedder = embedder
        self._llm = llm
        self._store = store
        self._retriever: Retriever | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------ parts (lazy)

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings.embedding, self.settings.cache_dir)
            return self._embedder

    @property
    def llm(self) -> ChatModel:
        with self._lock:
            if self._llm is None:
                self._llm = make_chat_model(self.settings.llm, self.settings.cache_dir)
                warm = getattr(self._llm, "warm", None)
                if warm is not None:
                    warm(prompts.SYSTEM)
            return self._llm

    @property
    def store(self) -> ChunkStore:
        with self._lock:
            if self._store is None:
                self._store = self._open_store(verify=True)
            return self._store

    def _open_store(self, verify: bool) -> ChunkStore:
        store = self._store or ChunkStore(self.settings.store)
        store.open(self.embedder.identity, self.embedder.dim, create=True, verify=verify)
        return store

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.store, self.embedder, self.settings.retrieval)
            return self._retriever

    def model_names(self) -> dict[str, str]:
        s = self.settings
        llm = s.llm.model if s.llm.provider != "fake" else "scripted (fake)"
        emb = self._embedder.identity if self._embedder else s.embedding.model
        return {"llm": f"{s.llm.provider}:{llm}", "embedding": f"{s.embedding.provider}:{emb}", "store": self.store.where}

    # ------------------------------------------------------------ ingest

    def ingest(
        self,
        paths: list[str | Path],
        *,
        sync: bool = False,
        rebuild: bool = False,
        force: bool = False,
        progress: ProgressFn | None = None,
    ) -> IngestReport:
        """Ingest article files (idempotent). `sync` removes vanished articles; `rebuild`
        re-embeds everything into new collections and switches over when complete;
        `force` allows either to remove more than the configured share of the store."""
        share = self.settings.ingest.max_removal_share
        with writer_lock(self.settings.store):
            if rebuild:
                store = self._open_store(verify=False)  # a rebuild is how a mismatch is fixed
                report = rebuild_paths(paths, store, self.embedder, self.settings.chunking, force=force,
                                       max_removal_share=share, progress=progress)  # fmt: skip
                with self._lock:
                    self._store = store
            else:
                report = ingest_paths(paths, self.store, self.embedder, self.settings.chunking, sync=sync,
                                      force=force, max_removal_share=share, progress=progress)  # fmt: skip
        self.retriever.invalidate()
        return report

    def corpus(self) -> dict[str, Any]:
        arts = self.store.articles()
        rows = sorted(
            ({"title": m.get("title", ""), "source": m.get("source", ""), "published": m.get("published", ""),
              "url": m.get("url", ""), "chunks": m.get("n_chunks", 0)} for m in arts.values()),
            key=lambda r: (str(r["published"]), str(r["title"])), reverse=True,
        )  # fmt: skip
        return {"articles": len(arts), "chunks": self.store.count(), "rows": rows}

    # ------------------------------------------------------------ questions

    def validate(self, question: object, top_k: int | None) -> tuple[str, int]:
        if not isinstance(question, str):
            raise InvalidQuestion("the question must be text")
        q = question.strip()
        if not q:
            raise InvalidQuestion("the question is empty")
        limit = self.settings.max_question_chars
        if len(q) > limit:
            raise InvalidQuestion(f"the question is {len(q):,} characters long; the limit is {limit:,}")
        k = self.settings.retrieval.top_k if top_k is None else int(top_k)
        return q, max(1, min(k, 20))

    def retrieve(self, question: str, top_k: int | None = None, filters: Filters | None = None) -> Retrieval:
        return self.retriever.retrieve(question, top_k, filters)

    def context_for(self, question: str, retrieval: Retrieval, budget: int | None = None) -> Context:
        s = self.settings.retrieval
        return build_context(
            question, retrieval, self.store.sentence_vectors, budget or context_budget(self.settings),
            self.retriever.view().lexical, s.context_chunks, embed=self.embedder.embed_documents,
        )  # fmt: skip

    def _similarity(self) -> Callable[[str, list[str]], np.ndarray]:
        emb = self.embedder

        def sim(sentence: str, passage: list[str]) -> np.ndarray:
            vecs = emb.embed_documents([sentence, *passage])
            return vecs[1:] @ vecs[0]

        return sim

    def stream(
        self,
        question: str,
        *,
        top_k: int | None = None,
        filters: Filters | None = None,
        history: list[tuple[str, str]] | None = None,
        temperature: float | None = None,
    ) -> Iterator[Event]:
        """Yield `Retrieved`, then `Token`s as the model writes, then the checked `Answer`."""
        started = time.perf_counter()
        q, k = self.validate(question, top_k)
        temp = self.settings.llm.temperature if temperature is None else max(0.0, min(float(temperature), 1.0))
        search_q, prompt_q = rewrite_follow_up(q, history)
        retrieval = self.retrieve(search_q, k, filters)
        t_ctx = time.perf_counter()
        context = self.context_for(search_q, retrieval)
        timings = {**retrieval.timings, "context": time.perf_counter() - t_ctx}
        yield Retrieved(retrieval, context)

        floor = self.settings.retrieval.min_evidence
        if not context.sources or context.coverage < floor or retrieval.unknown:
            timings["total"] = time.perf_counter() - started
            if retrieval.unknown:
                why = retrieval.unknown.reason()
            elif not context.sources:
                why = "nothing was retrieved"
            else:
                why = f"the best evidence covers {context.coverage:.0%} of the question (floor {floor:.0%})"
            yield refusal(q, context, timings, why, retrieval_query=search_q)
            return
        for event in generate(
            q, context, self.llm,
            max_tokens=self.settings.llm.max_tokens, temperature=temp,
            similarity=self._similarity(), timings=timings, started=started, prompt_question=prompt_q,
            yes_no_threshold=self.settings.llm.verdict_threshold(),
        ):  # fmt: skip
            if isinstance(event, Answer):
                event.retrieval_query = search_q
            yield event

    def ask(self, question: str, **kwargs: Any) -> Answer:
        """Answer a question; returns the checked `Answer` (see `stream` for the arguments)."""
        answer: Answer | None = None
        for event in self.stream(question, **kwargs):
            if isinstance(event, Answer):
                answer = event
        if answer is None:  # pragma: no cover - stream always ends with an Answer
            raise NewsdeskError("the pipeline produced no answer")
        return answer
