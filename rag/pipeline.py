"""The one place where the parts are wired: store, embedder, retriever, context, LLM.

Models load lazily (the LLM only when a question needs it) so ingest never pays for the
generator and a refusal decided on evidence never waits for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer import prompts
from rag.answer.citations import Similarity
from rag.answer.compose import make_answer
from rag.answer.context import Context, build_context, question_parts
from rag.answer.generate import Generation, generate, is_yes_no
from rag.answer.refusal import Evidence, RefusalPolicy
from rag.config import MAX_TOP_K, Settings, context_budget, refusal_settings
from rag.errors import InvalidQuestion, NewsdeskError
from rag.ingest.indexer import IngestReport, ProgressFn
from rag.ingest.readers import article_from_document
from rag.ingest.sync import PathIngest
from rag.providers.embedding import Embedder, make_embedder
from rag.providers.llm import ChatModel, make_chat_model
from rag.retrieve.filters import Filters
from rag.retrieve.followup import rewrite_follow_up
from rag.retrieve.fusion import Retrieval, Retriever
from rag.store.chroma import ChunkStore
from rag.store.lock import writer_lock
from rag.text.tokens import ensure_offline_tiktoken
from rag.types import Answer, Article, Token


@dataclass
class Retrieved:
    """What the model is about to read: a streamed answer's first event, and again once a
    second look has widened it."""

    retrieval: Retrieval
    context: Context


Event = Retrieved | Token | Answer


class Pipeline:
    """Ingest articles and answer questions about them, with checked citations."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, llm: ChatModel | None = None,
                 store: ChunkStore | None = None):  # fmt: skip
        self.settings = settings
        ensure_offline_tiktoken(settings.cache_dir)
        self._embedder = embedder
        self._llm = llm
        self._store = store
        self._retriever: Retriever | None = None
        self._lock = threading.RLock()
        self.refusal = RefusalPolicy(refusal_settings(settings))

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
                self._llm.warm(prompts.system_prompt(self.refusal.judges(self._llm.reads_logits)))
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
                self._retriever = Retriever(self.store, self.embedder, self.settings.retrieval,
                                            check_names=self.settings.refusal.check_names)  # fmt: skip
            return self._retriever

    def model_names(self) -> dict[str, str]:
        s = self.settings
        llm = s.llm.model if s.llm.provider != "fake" else "scripted (fake)"
        emb = self._embedder.identity if self._embedder else s.embedding.model
        return {"llm": f"{s.llm.provider}:{llm}", "embedding": f"{s.embedding.provider}:{emb}", "store": self.store.where}

    # ------------------------------------------------------------ ingest

    def ingest(self, paths: Sequence[str | Path], *, sync: bool = False, rebuild: bool = False, force: bool = False,
               progress: ProgressFn | None = None) -> IngestReport:  # fmt: skip
        """Ingest article files (idempotent). `sync` removes vanished articles; `rebuild`
        re-embeds everything into new collections and switches over when complete;
        `force` allows either to remove more than the configured share of the store."""
        s = self.settings
        with writer_lock(s.store):
            store = self._open_store(verify=False) if rebuild else self.store  # a rebuild is how a mismatch is fixed
            run = PathIngest(store, self.embedder, s.chunking, s.ingest, progress, s.fetch,
                             s.store.path.parent / "fetch-cache.json")  # fmt: skip
            report = run.rebuild(paths, force=force) if rebuild else run.add(paths, sync=sync, force=force)
            with self._lock:
                self._store = store
        self.retriever.invalidate()
        return report

    def ingest_documents(self, documents: Iterable[Any]) -> IngestReport:
        """Ingest LlamaIndex `Document`s (or anything with `text`, `metadata`, `doc_id`), or
        records already read; idempotent like files (same id and content: skipped)."""
        articles = [d if isinstance(d, Article) else article_from_document(d) for d in documents]
        s = self.settings
        with writer_lock(s.store):
            report = PathIngest(self.store, self.embedder, s.chunking, s.ingest).add_articles(articles)
        self.retriever.invalidate()
        return report

    def remove(self, doc_ids: list[str], *, force: bool = False) -> IngestReport:
        """Delete articles from the store by id (the path `ingest --sync` removes by)."""
        s = self.settings
        with writer_lock(s.store):
            report = PathIngest(self.store, self.embedder, s.chunking, s.ingest).remove(doc_ids, force=force)
        self.retriever.invalidate()
        return report

    def corpus(self) -> dict[str, Any]:
        arts = self.store.articles()
        rows = sorted(
            ({"id": doc_id, "title": m.get("title", ""), "source": m.get("source", ""),
              "published": m.get("published", ""), "url": m.get("url", ""), "chunks": m.get("n_chunks", 0)}
             for doc_id, m in arts.items()),
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
        return q, max(1, min(k, MAX_TOP_K))

    def retrieve(self, question: str, top_k: int | None = None, filters: Filters | None = None,
                 asked: str | None = None) -> Retrieval:  # fmt: skip
        return self.retriever.retrieve(question, top_k, filters, asked=asked)

    def context_for(self, question: str, retrieval: Retrieval, budget: int | None = None,
                    asked: str | None = None) -> Context:  # fmt: skip
        """The sources the model reads for `question` (the search's words); `asked`, the
        question as the person put it (default: the same), sets the budget: an open question of
        several clues reads more."""
        s = self.settings
        tokens = budget or context_budget(s, multi_part=self._multi_part(asked or question))
        return build_context(
            question, retrieval, self.store.sentence_vectors, tokens, s.context,
            s.retrieval.context_chunks, lexical=self.retriever.view(), embed=self.embedder.embed_documents,
            reserve_tokens=s.context.second_look_tokens if budget is None and self.refusal.second_look() else 0,
        )  # fmt: skip

    def _multi_part(self, question: str) -> bool:
        """Whether `question` combines enough clues to read the larger budget: the best sentences
        for each clue are taken first (`context.part_sentences`). An open question needs
        `multi_part_min` of them, as in 200 tokens they leave no room for the one naming the
        answer; a Yes/No question needs two, as its verdict must weigh every claim."""
        parts = len(question_parts(question))
        return parts >= (2 if is_yes_no(question) else self.settings.retrieval.multi_part_min)

    def _similarity(self) -> Similarity:
        emb = self.embedder

        def sim(sentence: str, passage: list[str]) -> np.ndarray:
            vecs = emb.embed_documents([sentence, *passage])
            return vecs[1:] @ vecs[0]

        return sim

    def _generation(self, temperature: float | None) -> Generation:
        s = self.settings
        temp = s.llm.temperature if temperature is None else max(0.0, min(float(temperature), 1.0))
        return Generation(s.llm.max_tokens, temp, s.llm.verdict_threshold(), s.check, s.llm.stop_after_supported,
                          s.llm.guard_opening)

    def stream(self, question: str, *, top_k: int | None = None, filters: Filters | None = None,
               history: list[tuple[str, str]] | None = None, temperature: float | None = None) -> Iterator[Event]:  # fmt: skip
        """Yield `Retrieved`, then `Token`s as the model writes, then the checked `Answer`; a
        second `Retrieved` comes before the tokens when a second look widened what it reads."""
        started = time.perf_counter()
        q, k = self.validate(question, top_k)
        generation = self._generation(temperature)
        search_q, prompt_q = rewrite_follow_up(q, history)
        # A follow-up's search carries the earlier answer; outlets, dates and names are the person's.
        asked = f"{prompt_q} {history[-1][0]}" if history and search_q != q else None
        retrieval = self.retrieve(search_q, k, filters, asked=asked)
        t_ctx = time.perf_counter()
        context = self.context_for(search_q, retrieval, asked=q)
        timings = {**retrieval.timings, "context": time.perf_counter() - t_ctx}
        yield Retrieved(retrieval, context)
        evidence = Evidence(q, context, unknown=retrieval.unknown)
        if not context.sources:
            evidence.store_empty = self.store.count() == 0
            evidence.filtered = bool(filters and filters.narrows)
        if why := self.refusal.reason("question", evidence):
            timings["total"] = time.perf_counter() - started
            answer = make_answer(q, context, timings, refusal=why)
        else:
            answer = None
            for event in generate(q, context, self.llm, generation, self.refusal, timings=timings, started=started,
                                  prompt_question=prompt_q, similarity=self._similarity()):  # fmt: skip
                if isinstance(event, Answer):
                    answer = event
                elif isinstance(event, Context):
                    yield Retrieved(retrieval, event)
                else:
                    yield event
        if answer is None:  # pragma: no cover - generate always ends with an Answer
            raise NewsdeskError("the pipeline produced no answer")
        answer.retrieval_query = search_q
        yield answer

    def ask(self, question: str, **kwargs: Any) -> Answer:
        """Answer a question; returns the checked `Answer` (see `stream` for the arguments)."""
        answer: Answer | None = None
        for event in self.stream(question, **kwargs):
            if isinstance(event, Answer):
                answer = event
        if answer is None:  # pragma: no cover - stream always ends with an Answer
            raise NewsdeskError("the pipeline produced no answer")
        return answer
