"""Chroma: an embedded folder or a server; stable ids, upserts, and a recorded fingerprint.

Two collections per generation: `<name>_chunks` holds each chunk's vector (the mean of its
sentences' vectors, which dense search looks up) with the fields filters use (article,
outlet, day), not its text: that is in the chunk index, and Chroma would only build a
full-text index over it that nothing reads; `<name>_articles` holds one
record per article (content hash, metadata) so unchanged articles are skipped, removed
ones found, and the corpus listed without scanning every chunk. Beside them, each
generation has a chunk index (chunk_index.py: BM25, stored chunks, sentence vectors).
`state.py` keeps which generation is active and a version stamp.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import StoreSettings
from rag.errors import EmbeddingMismatch, StoreUnavailable
from rag.store.chunk_index import ChunkIndex, IndexedChunk, drop
from rag.store.client import connect, reopen
from rag.store.layout import INDEX_FORMAT, split_sentence_id
from rag.store.state import NO_VECTOR, StoreState, call, collection_names
from rag.text.dates import day_number
from rag.types import Article, Chunk


@dataclass
class StoredChunk:
    id: str
    text: str
    meta: dict[str, Any]
    score: float = 0.0  # cosine similarity for dense hits


class ChunkStore:
    """The chunk and article collections of one store (folder or server)."""

    def __init__(self, settings: StoreSettings, client: Any = None):
        self.settings = settings
        self.is_server = bool(settings.host)
        self.generation = 0
        self.version = ""
        self._identity: tuple[str, int] | None = None
        self._chunks: Any = None
        self._articles: Any = None
        self._index: ChunkIndex | None = None
        self._client = client if client is not None else connect(settings)
        self._state = StoreState(self._client, settings.collection, self.where)

    @property
    def where(self) -> str:
        s = self.settings
        return f"chroma server {s.host}:{s.port}" if s.host else f"folder {s.path}"

    # ------------------------------------------------------------ collections and generations

    def _names(self) -> tuple[str, str]:
        return collection_names(self.settings.collection, self.generation)

    def _index_folder(self, generation: int) -> Path:
        return self.settings.index_root() / f"{self.settings.collection}-g{generation}"

    def state(self) -> tuple[int, str]:
        """(active generation, version) as recorded in the store."""
        return self._state.read()

    def open(self, embedding_identity: str, dim: int, create: bool = True, verify: bool = True) -> None:
        """Open the active generation's collections and check they were built with this
        embedding model (`verify=False` only for a rebuild, which replaces them)."""
        self.generation, self.version = self.state()
        self._identity = (embedding_identity, dim)
        try:
            existing = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        except Exception as exc:
            raise StoreUnavailable(f"cannot list collections in the {self.where}: {exc}") from None
        if self._names()[0] not in existing and not create:
            self._chunks = None
            return
        self._create_collections(embedding_identity, dim)
        if verify:
            self._verify(embedding_identity, dim)
            # Chunks without article records are what an ingest killed before its first
            # commit leaves (the re-run redoes them); records without chunks are a lost index.
            if self.chunk_index().size == 0 and self.article_count():
                raise EmbeddingMismatch(f"the chunk index in {self._index_folder(self.generation)} is missing or "
                                        "empty. Re-index with `newsdesk ingest --rebuild PATH...`.")  # fmt: skip

    def _create_collections(self, embedding_identity: str, dim: int) -> None:
        chunks_name, articles_name = self._names()
        try:
            self._chunks = self._client.get_or_create_collection(
                chunks_name,
                metadata={"embedding_model": embedding_identity, "embedding_dim": dim, "index_format": INDEX_FORMAT},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            self._articles = self._client.get_or_create_collection(articles_name, embedding_function=None)
        except Exception as exc:
            raise StoreUnavailable(f"cannot open collections in the {self.where}: {exc}") from None
        if self._index is None or self._index.folder != self._index_folder(self.generation):
            self._index = ChunkIndex(self._index_folder(self.generation), dim)

    def _verify(self, embedding_identity: str, dim: int) -> None:
        meta = self._chunks.metadata or {}
        if meta.get("index_format") != INDEX_FORMAT:
            raise EmbeddingMismatch(
                f"the store was written in index format '{meta.get('index_format')}', this version needs "
                f"'{INDEX_FORMAT}'. Re-index with `newsdesk ingest --rebuild PATH...`."
            )
        if meta.get("embedding_model") != embedding_identity or int(meta.get("embedding_dim", -1)) != dim:
            raise EmbeddingMismatch(
                f"the store was built with embedding '{meta.get('embedding_model')}' "
                f"(dimension {meta.get('embedding_dim')}), but '{embedding_identity}' (dimension {dim}) "
                f"is configured. Re-index with `newsdesk ingest --rebuild PATH...`, or set "
                f"NEWSDESK_EMBEDDING__* back to the model the store was built with."
            )

    def refresh(self) -> bool:
        """Follow writes made through another handle or process. Returns True when the
        store changed since this handle last looked (its readers then rebuild)."""
        _, version = self.state()
        if version == self.version:
            return False
        if not self.is_server:
            self._client = reopen(self.settings)
            self._state = StoreState(self._client, self.settings.collection, self.where)
        if self._identity is not None:
            self.open(*self._identity, create=True)
        if self._index is not None:
            self._index.refresh()
        self.version = version
        return True

    def chunk_index(self) -> ChunkIndex:
        if self._index is None:
            raise StoreUnavailable("the store has no collection yet: run `newsdesk ingest PATH...` first")
        return self._index

    def release_writer(self) -> None:
        """Commit what the chunk index holds and let another process write it."""
        if self._index is not None:
            self._index.commit()
            self._index.close()

    def touch(self) -> None:
        """Record that the content changed (readers follow to the new version)."""
        self.release_writer()
        self.version = self._state.write(self.generation)

    def staging(self) -> ChunkStore:
        """Empty collections for a rebuild, beside the active ones (leftovers of an
        interrupted rebuild are removed first)."""
        if self._identity is None:
            raise StoreUnavailable("open the store before staging a rebuild")
        self._state.drop_generations(keep=self.generation)
        new = ChunkStore(self.settings, client=self._client)
        new.generation, new._identity = self.generation + 1, self._identity
        drop(new._index_folder(new.generation))
        new._create_collections(*self._identity)
        return new

    def promote(self, staged: ChunkStore) -> None:
        """Make a completed rebuild the active generation, then drop the old one."""
        staged.chunk_index().commit()
        staged.chunk_index().close()
        self.version = self._state.write(staged.generation)
        old = self.generation
        self.generation, self._chunks = staged.generation, staged._chunks
        self._articles, self._index = staged._articles, staged._index
        self._state.drop_generations(keep=self.generation, only=old)
        drop(self._index_folder(old))

    @property
    def ready(self) -> bool:
        return self._chunks is not None

    def _require(self) -> Any:
        if self._chunks is None:
            raise StoreUnavailable("the store has no collection yet: run `newsdesk ingest PATH...` first")
        return self._chunks

    def _call(self, what: str, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        return call(self.where, what, fn, *args, **kwargs)

    # ------------------------------------------------------------ writes

    def max_batch(self) -> int:
        try:
            return int(self._client.get_max_batch_size())
        except Exception:
            return 1000

    def _batched(self, what: str, fn: Any, ids: list[str], **columns: Any) -> None:
        """Write or delete in batches under the store's limit (Chroma's local one is 5,461)."""
        step = max(1, min(self.max_batch(), 2000))
        for i in range(0, len(ids), step):
            self._call(what, fn, ids=ids[i : i + step], **{k: v[i : i + step] for k, v in columns.items()})

    def append_sentence_vectors(self, vectors: np.ndarray) -> int:
        """Store sentence vectors in the chunk index; returns the row of the first."""
        self._require()
        return self.chunk_index().append_vectors(vectors)

    def upsert_chunks(self, chunks: list[Chunk], embeddings: np.ndarray, bases: dict[str, int]) -> None:
        """Write chunks to Chroma (with their vectors) and to the chunk index (with the row
        of their article's first sentence vector, `bases[doc_id]`)."""
        col = self._require()
        metas = [{"doc_id": c.doc_id, "source": c.source, "published_day": c.published_day} for c in chunks]
        self._batched("write chunks", col.upsert, [c.id for c in chunks], embeddings=embeddings, metadatas=metas)
        self.chunk_index().add([IndexedChunk(c.id, c.text, c.metadata(), bases[c.doc_id]) for c in chunks])

    def chunk_ids_of(self, doc_ids: str | list[str]) -> list[str]:
        """Ids of the stored chunks of one article or several."""
        where = {"doc_id": doc_ids} if isinstance(doc_ids, str) else {"doc_id": {"$in": list(doc_ids)}}
        return list(self._call("read chunk ids", self._require().get, where=where, include=[])["ids"])

    def delete_chunks(self, ids: list[str]) -> None:
        self._batched("delete chunks", self._require().delete, ids)
        self.chunk_index().delete(ids=ids)

    def put_articles(self, records: list[tuple[Article, int]]) -> None:
        """Record articles (with their chunk counts) as ingested: the last write of an ingest."""
        if not records:
            return
        self.chunk_index().commit()  # the chunks before the records that say they are complete
        self._call(
            "write article records",
            self._articles.upsert,
            ids=[a.doc_id for a, _ in records],
            embeddings=[NO_VECTOR] * len(records),
            metadatas=[
                {
                    "content_hash": a.content_hash,
                    "title": a.title,
                    "source": a.source,
                    "url": a.url,
                    "published": a.published_iso,
                    "published_day": day_number(a.published),
                    "origin": a.origin,
                    "date_source": a.date_source,
                    "n_chunks": n,
                }
                for a, n in records
            ],
        )

    def annotate_articles(self, records: dict[str, dict[str, str]], chunks: dict[str, str] | None = None) -> None:
        """Add metadata to article records ({doc_id: fields}) and, when given, to every chunk
        of those articles."""
        if not records:
            return
        ids = list(records)
        self._batched("annotate article records", self._articles.update, ids, metadatas=[records[i] for i in ids])
        if chunks:
            self.chunk_index().annotate(ids, chunks)

    def delete_article(self, doc_id: str) -> int:
        ids = self.chunk_ids_of(doc_id)
        self.delete_chunks(ids)
        self.chunk_index().delete(doc_ids=[doc_id])
        self.chunk_index().commit()
        self._call("delete the article record", self._articles.delete, ids=[doc_id])
        return len(ids)

    # ------------------------------------------------------------ reads

    def articles(self) -> dict[str, dict[str, Any]]:
        """doc_id -> article record, for the whole store."""
        if self._articles is None:
            return {}
        out: dict[str, dict[str, Any]] = {}
        offset, page = 0, 5000
        while True:
            got = self._call("list articles", self._articles.get, include=["metadatas"], limit=page, offset=offset)
            for i, meta in zip(got["ids"], got["metadatas"], strict=True):
                out[i] = dict(meta or {})
            if len(got["ids"]) < page:
                return out
            offset += page

    def article_records(self, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
        """doc_id -> article record, for the given ids that are stored (an ingest reads only
        its own articles' records, so its cost does not grow with the store)."""
        if self._articles is None or not doc_ids:
            return {}
        out: dict[str, dict[str, Any]] = {}
        ids = list(dict.fromkeys(doc_ids))
        for i in range(0, len(ids), 2000):
            got = self._call("read article records", self._articles.get, ids=ids[i : i + 2000], include=["metadatas"])
            out.update({d: dict(m or {}) for d, m in zip(got["ids"], got["metadatas"], strict=True)})
        return out

    def count(self) -> int:
        return 0 if self._chunks is None else int(self._call("count chunks", self._chunks.count))

    def article_count(self) -> int:
        """Articles recorded as complete."""
        return 0 if self._articles is None else int(self._call("count articles", self._articles.count))

    def iter_chunks(self) -> Iterator[StoredChunk]:
        """Every stored chunk, with its text and metadata (from the chunk index)."""
        for c in self.chunk_index().every_chunk():
            yield StoredChunk(c.id, c.text, c.meta)

    def sentence_rows(self) -> int:
        """Sentence vectors stored (rows of replaced articles included, until a rebuild)."""
        return self.chunk_index().rows if self._index is not None else 0

    def search_chunks(self, vector: np.ndarray, n: int) -> list[StoredChunk]:
        """Nearest chunks by the cosine of their vector (score = similarity), ids only."""
        self._require()
        if n <= 0:
            return []
        got = self._call("search", self._chunks.query, query_embeddings=[np.asarray(vector, dtype=np.float32)],
                         n_results=n, include=["distances"])  # fmt: skip
        return [StoredChunk(cid, "", {}, score=1.0 - float(dist)) for cid, dist in zip(got["ids"][0], got["distances"][0], strict=True)]

    def sentence_vectors(self, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """(ids found, embeddings) for the given sentence ids, in the order asked."""
        index = self.chunk_index()
        where = {sid: split_sentence_id(sid) for sid in ids}
        bases = {str(c.meta.get("doc_id", "")): c.base for c in index.of_articles(d for d, _ in where.values()).values()}
        found = [sid for sid in ids if where[sid][0] in bases]
        rows = np.array([bases[where[sid][0]] + where[sid][1] for sid in found], dtype=np.int64)
        return found, index.vectors(rows)
