"""The chunk index beside the vectors: BM25 over chunks (tantivy) with each chunk's text and
metadata stored, and every article's sentence vectors in one append-only float16 file.

Why not an in-memory mirror: every process used to read every chunk back from Chroma and
build its BM25 index after each write (35 s at 100,000 chunks), and held a copy each.
tantivy keeps segments on disk, memory-maps them, adds new chunks as new segments and
merges them in the background; a reader reloads to the latest commit in milliseconds, so
every process sees a consistent version. Chroma's local and server modes have no sparse
index of their own (docs/BENCHMARKS.md measures tantivy against bm25s).

Why the sentence vectors live here: dense search finds candidate chunks by their (mean)
vector in Chroma and scores each by its best sentence, read from this file, so the HNSW
index holds one vector per chunk instead of one per sentence (about ten times fewer). Rows
are appended, never rewritten: an article's rows start at its `base`, recorded with each
of its chunks; rows of replaced articles stay until the next `ingest --rebuild`.

Writes go through the store's one-writer lock; the article records (Chroma, written last)
say which articles are complete, so an ingest killed between here and there is redone.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import StoreUnavailable
from rag.text.terms import terms

log = logging.getLogger(__name__)

VECTORS = "sentences.f16"
_WRITER_HEAP = 64_000_000  # bytes tantivy buffers before it writes a segment


@dataclass
class IndexedChunk:
    id: str
    text: str
    meta: dict[str, Any]
    base: int  # the row of its article's first sentence in the vectors file

    def rows(self) -> np.ndarray:
        """Its sentences' rows in the vectors file."""
        return self.base + np.arange(int(self.meta.get("sent_from", 0)), int(self.meta.get("sent_to", 0)) + 1)


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("doc_id", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="freq")  # our terms(), pre-tokenised
    sb.add_text_field("source", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("day", indexed=True, fast=True)
    sb.add_bytes_field("payload", stored=True, indexed=False)
    return sb.build()


def _within(query: Any, within: Any) -> Any:
    """`query` restricted by a filter query (None: unrestricted)."""
    import tantivy

    if within is None:
        return query
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, within)])


def body_terms(title: str, source: str, text: str) -> list[str]:
    """What BM25 matches: the chunk with its title and outlet (the strongest single
    retriever on MultiHop dev, docs/EVALUATION.md)."""
    return terms(f"{title} {source}\n{text}")


class ChunkIndex:
    """One generation's chunk index, in its own folder."""

    def __init__(self, folder: Path, dim: int):
        import tantivy

        self.folder, self.dim = Path(folder), dim
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._index = tantivy.Index(_schema(), path=str(self.folder))
        except Exception as exc:  # a folder another version wrote, or unreadable
            raise StoreUnavailable(f"cannot open the chunk index in {self.folder}: {exc}") from None
        self.schema = self._index.schema
        self._writer: Any = None
        self._vectors: np.ndarray = np.zeros((0, dim), dtype=np.float16)
        self.refresh()

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        """See the latest commit (any process's) and the vectors written before it."""
        self._index.reload()
        self._searcher = self._index.searcher()
        path = self.folder / VECTORS
        rows = path.stat().st_size // (2 * self.dim) if path.exists() else 0
        if rows != len(self._vectors):
            self._vectors = np.memmap(path, dtype=np.float16, mode="r", shape=(rows, self.dim)) if rows else \
                np.zeros((0, self.dim), dtype=np.float16)  # fmt: skip

    @property
    def rows(self) -> int:
        return len(self._vectors)

    @property
    def size(self) -> int:
        return int(self._searcher.num_docs)

    def search(self, words: Sequence[str], n: int, within: Any = None) -> list[tuple[str, float]]:
        """Top-n (chunk id, BM25 score) for query terms, optionally within a filter query."""
        import tantivy

        words = list(dict.fromkeys(words))
        if not words or not self.size:
            return []
        q = tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "body", w))
                                          for w in words])  # fmt: skip
        hits = self._searcher.search(_within(q, within), n).hits
        return [(self._searcher.doc(addr)["id"][0], float(score)) for score, addr in hits]

    def filter(self, sources: Iterable[str] = (), day_from: int | None = None, day_to: int | None = None) -> Any:
        """A filter query (no effect on scores) for outlets and a day range; None for none."""
        import tantivy

        parts = []
        sources = list(sources)
        if sources:
            parts.append(tantivy.Query.term_set_query(self.schema, "source", sources))
        if day_from is not None or day_to is not None:
            parts.append(tantivy.Query.range_query(self.schema, "day", tantivy.FieldType.Integer, day_from, day_to))
        if not parts:
            return None
        q = parts[0] if len(parts) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in parts])
        return tantivy.Query.const_score_query(q, 0.0)

    def which(self, ids: Sequence[str], within: Any) -> set[str]:
        """Those of `ids` that a filter query allows."""
        import tantivy

        if not ids or not self.size:
            return set()
        q = _within(tantivy.Query.term_set_query(self.schema, "id", list(ids)), within)
        return {self._searcher.doc(addr)["id"][0] for _, addr in self._searcher.search(q, len(ids)).hits}

    def doc_freq(self, word: str) -> int:
        return int(self._searcher.doc_freq("body", word))

    def get(self, ids: Iterable[str]) -> dict[str, IndexedChunk]:
        """Stored chunks by id (absent ids are left out)."""
        return self._fetch("id", ids)

    def of_articles(self, doc_ids: Iterable[str]) -> dict[str, IndexedChunk]:
        """Every stored chunk of the given articles."""
        return self._fetch("doc_id", doc_ids)

    def every_chunk(self) -> list[IndexedChunk]:
        import tantivy

        hits = self._searcher.search(tantivy.Query.all_query(), max(self.size, 1)).hits if self.size else []
        return [self._chunk(self._searcher.doc(addr)) for _, addr in hits]

    @staticmethod
    def _chunk(doc: Any) -> IndexedChunk:
        payload = json.loads(bytes(doc["payload"][0]))
        return IndexedChunk(doc["id"][0], payload["text"], payload["meta"], int(payload["base"]))

    def _fetch(self, field: str, keys: Iterable[str]) -> dict[str, IndexedChunk]:
        import tantivy

        keys = list(dict.fromkeys(keys))
        if not keys or not self.size:
            return {}
        limit = len(keys) if field == "id" else 100_000
        hits = self._searcher.search(tantivy.Query.term_set_query(self.schema, field, keys), limit).hits
        chunks = (self._chunk(self._searcher.doc(addr)) for _, addr in hits)
        return {c.id: c for c in chunks}

    def outlets(self) -> list[str]:
        """Every outlet with at least one chunk."""
        import tantivy

        if not self.size:
            return []
        got = self._searcher.aggregate(tantivy.Query.all_query(), {"o": {"terms": {"field": "source", "size": 65000}}})
        return sorted(b["key"] for b in got["o"]["buckets"] if b["key"])

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """Sentence vectors (float32) by row."""
        rows = np.asarray(rows, dtype=np.int64)
        ok = rows < len(self._vectors)
        out = np.zeros((len(rows), self.dim), dtype=np.float32)
        if ok.any():
            out[ok] = self._vectors[rows[ok]]
        return out

    # ------------------------------------------------------------ writing

    def _w(self) -> Any:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
            except Exception as exc:
                raise StoreUnavailable(f"cannot write the chunk index in {self.folder}: {exc}") from None
        return self._writer

    def append_vectors(self, vectors: np.ndarray) -> int:
        """Append sentence vectors; returns the row of the first. A partial row left by a
        killed writer is cut off first."""
        path = self.folder / VECTORS
        row_bytes = 2 * self.dim
        with open(path, "ab") as f:
            size = f.tell()
            if size % row_bytes:
                f.truncate(size - size % row_bytes)
                size -= size % row_bytes
            f.write(np.asarray(vectors, dtype=np.float16).tobytes())
        return size // row_bytes

    def add(self, chunks: Sequence[IndexedChunk]) -> None:
        """Add (or replace, by id) chunks; visible after `commit`."""
        import tantivy

        w = self._w()
        for c in chunks:
            w.delete_documents_by_term("id", c.id)
            meta = c.meta
            w.add_document(tantivy.Document(
                id=c.id, doc_id=str(meta.get("doc_id", "")), source=str(meta.get("source", "")),
                day=int(meta.get("published_day", -1)),
                body=" ".join(body_terms(str(meta.get("title", "")), str(meta.get("source", "")), c.text)),
                payload=json.dumps({"text": c.text, "meta": meta, "base": c.base}).encode(),
            ))  # fmt: skip

    def delete(self, ids: Iterable[str] = (), doc_ids: Iterable[str] = ()) -> None:
        w = self._w()
        for i in ids:
            w.delete_documents_by_term("id", i)
        for d in doc_ids:
            w.delete_documents_by_term("doc_id", d)

    def annotate(self, doc_ids: Iterable[str], fields: dict[str, str]) -> None:
        """Add metadata to every chunk of the given articles (their text and rows unchanged)."""
        found = self.of_articles(doc_ids)
        for c in found.values():
            c.meta.update(fields)
        self.add(list(found.values()))

    def commit(self) -> None:
        if self._writer is None:
            return
        try:
            self._writer.commit()
        except Exception as exc:
            raise StoreUnavailable(f"cannot commit the chunk index in {self.folder}: {exc}") from None
        self.refresh()

    def close(self) -> None:
        """Let the writer finish its merges and release the index's write lock."""
        if self._writer is not None:
            try:
                self._writer.wait_merging_threads()
            finally:
                self._writer = None


def drop(folder: Path) -> None:
    """Remove a generation's chunk index (an old generation, or a failed rebuild's)."""
    shutil.rmtree(folder, ignore_errors=True)
