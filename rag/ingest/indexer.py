"""Ingestion proper: articles -> chunks -> embeddings -> store, idempotent and incremental.

What is embedded: every sentence (dense search scores chunks by their best sentence, and
context selection works on sentences); a chunk's vector is the normalised mean of its
sentences' vectors, so chunks cost no extra model time. Sentence vectors go to the chunk
index, chunk vectors to Chroma.

Order of writes per article (what makes a killed run converge on re-run): append the
sentence vectors, upsert the chunks, delete that article's chunks that are no longer
current, commit the chunk index, and only then record the article's content hash. A run killed anywhere before
the last step redoes the article; upserts of stable ids make redoing it harmless.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from rag.config import ChunkingSettings
from rag.ingest.chunker import chunk_article
from rag.providers.embedding import Embedder
from rag.store.chroma import ChunkStore
from rag.types import Article, Chunk, Sentence

ProgressFn = Callable[[int, int, str], None]  # (done, total, message)


@dataclass
class IngestReport:
    files_read: int = 0
    articles_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0  # pages and feeds unchanged since the last fetch (HTTP 304)
    copies: int = 0  # syndicated copies of a stored report: kept once, with their outlet
    deleted: int = 0
    chunks_written: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def summary_rows(self) -> list[tuple[str, str]]:
        return [
            ("files read", str(self.files_read)),
            ("articles seen", str(self.articles_seen)),
            ("added", str(self.added)),
            ("updated", str(self.updated)),
            ("unchanged (skipped)", str(self.unchanged)),
            ("pages not modified (304)", str(self.not_modified)),
            ("copies of a stored report", str(self.copies)),
            ("removed (--sync)", str(self.deleted)),
            ("files/records/pages skipped", str(len(self.skipped))),
            ("chunks written", str(self.chunks_written)),
            ("chunks in store", str(self.chunks_total)),
            ("seconds", f"{self.seconds:.1f}"),
        ]


def ingest_articles(
    articles: list[Article],
    store: ChunkStore,
    embedder: Embedder,
    chunking: ChunkingSettings,
    group_sentences: int = 1024,
    *,
    progress: ProgressFn | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Write `articles` into an opened store; skip those whose content is unchanged.

    Pipelined: while one group of articles is written to the store (Chroma holds the GIL
    while it writes), the next group is chunked and embedded in a worker thread
    (onnxruntime and torch release the GIL), so most of the write time hides behind the
    model. Writes still happen group by group in order, so a killed run converges the same.
    """
    report = report or IngestReport()
    t0 = time.perf_counter()
    known = store.article_records([a.doc_id for a in articles])
    report.articles_seen += len(articles)
    todo: list[tuple[Article, bool]] = []
    latest = {a.doc_id: a for a in articles}  # one article given twice in one call: the last one wins
    report.unchanged += len(articles) - len(latest)
    for art in latest.values():
        prior = known.get(art.doc_id)
        if prior and prior.get("content_hash") == art.content_hash:
            report.unchanged += 1
            continue
        todo.append((art, prior is not None))

    def embed(group: list[_Todo]) -> np.ndarray:
        te = time.perf_counter()
        vectors = embed_unique(embedder, [x.text for item in group for x in item.sentences])
        report.embed_seconds += time.perf_counter() - te
        return vectors

    if progress:
        progress(0, len(todo), "embedding")
    done = 0
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-embed")
    try:
        pending: tuple[list[_Todo], Future[np.ndarray]] | None = None
        for group in _groups(todo, chunking, group_sentences):
            future = pool.submit(embed, group)  # runs while the previous group is written
            if pending:
                done = _write_group(store, pending[0], pending[1].result(), report, progress, done, len(todo))
            pending = (group, future)
        if pending:
            done = _write_group(store, pending[0], pending[1].result(), report, progress, done, len(todo))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    report.seconds += time.perf_counter() - t0
    report.chunks_total = store.count()
    return report


@dataclass
class _Todo:
    article: Article
    existed: bool
    chunks: list[Chunk]
    sentences: list[Sentence]


def _groups(todo: list[tuple[Article, bool]], chunking: ChunkingSettings, size_limit: int) -> Iterator[list[_Todo]]:
    """Chunk articles lazily and pack them into groups of about `size_limit` sentences."""
    group: list[_Todo] = []
    size = 0
    for art, existed in todo:
        chunks, sentences = chunk_article(art, chunking)
        if group and size + len(sentences) > size_limit:
            yield group
            group, size = [], 0
        group.append(_Todo(art, existed, chunks, sentences))
        size += len(sentences)
    if group:
        yield group


def _write_group(
    store: ChunkStore, group: list[_Todo], vectors: np.ndarray, report: IngestReport,
    progress: ProgressFn | None, done: int, total: int,
) -> int:  # fmt: skip
    """One write per collection for the whole group (Chroma's cost is per call as much as
    per record); then the group's stale records; the article records last."""
    all_sents = [x for item in group for x in item.sentences]
    all_chunks: list[Chunk] = []
    chunk_vecs: list[np.ndarray] = []
    bases: dict[str, int] = {}
    first_row = store.append_sentence_vectors(vectors) if all_sents else 0
    offset = 0
    for item in group:
        bases[item.article.doc_id] = first_row + offset  # sentence positions count from 0 in each article
        if item.chunks:
            all_chunks.extend(item.chunks)
            chunk_vecs.append(chunk_vectors(item.chunks, vectors[offset : offset + len(item.sentences)]))
        offset += len(item.sentences)
    if all_chunks:
        store.upsert_chunks(all_chunks, np.concatenate(chunk_vecs), bases)
    docs = [item.article.doc_id for item in group]
    current_c = {c.id for c in all_chunks}
    stale_c = [cid for cid in store.chunk_ids_of(docs) if cid not in current_c]
    if stale_c:
        store.delete_chunks(stale_c)
        report.chunks_deleted += len(stale_c)
    store.put_articles([(item.article, len(item.chunks)) for item in group])
    for item in group:
        report.chunks_written += len(item.chunks)
        report.updated += int(item.existed)
        report.added += int(not item.existed)
        done += 1
        if progress:
            progress(done, total, item.article.title[:60])
    return done


def embed_unique(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Embed each distinct text once (wire-service boilerplate repeats across articles)."""
    unique = list(dict.fromkeys(texts))
    if len(unique) == len(texts):
        return embedder.embed_documents(texts)
    vecs = embedder.embed_documents(unique)
    where = {t: i for i, t in enumerate(unique)}
    return vecs[[where[t] for t in texts]]


def chunk_vectors(chunks: list[Chunk], sentence_vectors: np.ndarray) -> np.ndarray:
    """Each chunk's vector: the normalised mean of its sentences' vectors."""
    rows = np.stack([sentence_vectors[c.sent_from : c.sent_to + 1].mean(axis=0) for c in chunks])
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
