"""Chroma: an embedded folder or a server; stable ids, upserts, and a recorded fingerprint.

Three collections per store: `<name>_sentences` holds every sentence's embedding and
metadata but not its text (dense search runs at sentence level; the text is sliced from
the chunk that holds it, see `sentences_of_chunk`); `<name>_chunks` holds the chunks (text, metadata,
and the mean of their sentences' vectors); `<name>_articles` holds one record per article
(content hash, metadata) so unchanged articles are skipped, removed ones found, and the
corpus listed without scanning every chunk.

Chroma is thread-safe but not process-safe: writes to a folder take a lock file, so a
second writer is refused with a clear message instead of corrupting the store.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.articles import Article
from rag.chunking import INDEX_FORMAT, Chunk, Sentence, day_number
from rag.config import StoreSettings
from rag.errors import EmbeddingMismatch, StoreLocked, StoreUnavailable

log = logging.getLogger(__name__)

# Chroma wants an embedding on every record; the article records are looked up by id and
# metadata only, so they carry this constant one-dimensional vector.
_NO_VECTOR = [1.0]


@dataclass
class StoredChunk:
    id: str
    text: str
    meta: dict[str, Any]
    score: float = 0.0  # cosine similarity for dense hits


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _probe_server(host: str, port: int, timeout: float) -> None:
    """Fail fast and bounded when the server is down or hung (the client has no timeout)."""
    import httpx

    url = f"http://{host}:{port}/api/v2/heartbeat"
    try:
        httpx.get(url, timeout=timeout).raise_for_status()
    except httpx.HTTPError as exc:
        raise StoreUnavailable(
            f"the Chroma server at {host}:{port} is not answering ({type(exc).__name__}); start it with "
            f"`chroma run --path DIR --host {host} --port {port}` or unset NEWSDESK_STORE__HOST to use a local folder"
        ) from None


class ChunkStore:
    """The chunk and article collections of one store (folder or server)."""

    def __init__(self, settings: StoreSettings, client: Any = None):
        import chromadb

        self.settings = settings
        self.is_server = bool(settings.host)
        self.generation = 0
        self.version = ""
        self._identity: tuple[str, int] | None = None
        self._chunks: Any = None
        self._articles: Any = None
        self._sentences: Any = None
        if client is not None:
            self._client = client
            return
        try:
            if settings.host:
                _probe_server(settings.host, settings.port, settings.timeout_s)
                self._client = chromadb.HttpClient(
                    host=settings.host, port=settings.port, settings=_chroma_settings()
                )
                self._bound_http_timeout(settings.timeout_s)
            else:
                Path(settings.path).mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(settings.path), settings=_chroma_settings())
        except StoreUnavailable:
            raise
        except Exception as exc:
            where = f"{settings.host}:{settings.port}" if settings.host else str(settings.path)
            raise StoreUnavailable(f"cannot open the Chroma store at {where}: {exc}") from None

    def _bound_http_timeout(self, seconds: float) -> None:
        import httpx

        session = getattr(getattr(self._client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):
            session.timeout = httpx.Timeout(seconds * 6, connect=seconds)

    @property
    def where(self) -> str:
        s = self.settings
        return f"chroma server {s.host}:{s.port}" if s.host else f"folder {s.path}"

    # ------------------------------------------------------------ collections and generations
    #
    # A store has one active *generation* of collections. `ingest --rebuild` writes a new
    # generation beside the active one and switches over only when it is complete, so a
    # typo'd path or a Ctrl-C never leaves an empty or half-built index. The switch and
    # every completed write record a new `version` in one state record; readers compare it
    # per question (`refresh`) and so never serve a dropped collection or stale text.

    def _names(self, generation: int | None = None) -> tuple[str, str, str]:
        gen = self.generation if generation is None else generation
        base = self.settings.collection if gen == 0 else f"{self.settings.collection}_g{gen}"
        return f"{base}_chunks", f"{base}_articles", f"{base}_sentences"

    def _state_collection(self, create: bool) -> Any:
        name = f"{self.settings.collection}_state"
        if create:
            return self._client.get_or_create_collection(name, embedding_function=None)
        try:
            return self._client.get_collection(name, embedding_function=None)
        except Exception:  # absent: a store written before generations existed
            return None

    def state(self) -> tuple[int, str]:
        """(active generation, version) as recorded in the store; (0, "") before any record."""
        col = self._call("read the store state", self._state_collection, False)
        if col is None:
            return 0, ""
        got = self._call("read the store state", col.get, ids=["state"], include=["metadatas"])
        if not got["ids"]:
            return 0, ""
        meta = got["metadatas"][0] or {}
        return int(meta.get("generation", 0)), str(meta.get("version", ""))

    def _write_state(self, generation: int) -> None:
        col = self._call("write the store state", self._state_collection, True)
        version = uuid.uuid4().hex
        self._call("write the store state", col.upsert, ids=["state"], embeddings=[_NO_VECTOR],
                   metadatas=[{"generation": generation, "version": version}])  # fmt: skip
        self.version = version

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

    def _create_collections(self, embedding_identity: str, dim: int) -> None:
        chunks_name, articles_name, sentences_name = self._names()
        try:
            self._chunks = self._client.get_or_create_collection(
                chunks_name,
                metadata={"embedding_model": embedding_identity, "embedding_dim": dim, "index_format": INDEX_FORMAT},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            self._articles = self._client.get_or_create_collection(articles_name, embedding_function=None)
            self._sentences = self._client.get_or_create_collection(
                sentences_name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        except Exception as exc:
            raise StoreUnavailable(f"cannot open collections in the {self.where}: {exc}") from None

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
            self._reopen_client()
        if self._identity is not None:
            self.open(*self._identity, create=True)
        self.version = version
        return True

    def _reopen_client(self) -> None:
        """A fresh embedded client: one that is already open keeps serving its own in-memory
        vector index and misses another process's writes (checked with chromadb 1.5.9: the
        new records are counted but never returned by a query). chromadb caches one system
        per folder, so the cached one is set aside (whoever holds it keeps using it)."""
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(self.settings.path), None)
        self._client = chromadb.PersistentClient(path=str(self.settings.path), settings=_chroma_settings())

    def touch(self) -> None:
        """Record that the content changed (readers rebuild their in-memory view)."""
        self._write_state(self.generation)

    def staging(self) -> ChunkStore:
        """Empty collections for a rebuild, beside the active ones (leftovers of an
        interrupted rebuild are removed first)."""
        if self._identity is None:
            raise StoreUnavailable("open the store before staging a rebuild")
        self._drop_generations(keep=self.generation)
        new = ChunkStore(self.settings, client=self._client)
        new.generation, new._identity = self.generation + 1, self._identity
        new._create_collections(*self._identity)
        return new

    def promote(self, staged: ChunkStore) -> None:
        """Make a completed rebuild the active generation, then drop the old one."""
        self._write_state(staged.generation)
        old = self.generation
        self.generation, self._chunks = staged.generation, staged._chunks
        self._articles, self._sentences = staged._articles, staged._sentences
        self._drop_generations(keep=self.generation, only=old)

    def _drop_generations(self, keep: int, only: int | None = None) -> None:
        base = self.settings.collection
        pattern = re.compile(rf"^{re.escape(base)}(?:_g(\d+))?_(?:chunks|articles|sentences)$")
        names = [c if isinstance(c, str) else c.name for c in self._call("list collections", self._client.list_collections)]
        for name in names:
            m = pattern.match(name)
            if not m:
                continue
            gen = int(m.group(1) or 0)
            if gen != keep and (only is None or gen == only):
                try:
                    self._client.delete_collection(name)
                except Exception:  # gone already
                    log.debug("collection %s was already gone", name)

    @property
    def ready(self) -> bool:
        return self._chunks is not None

    def _require(self) -> Any:
        if self._chunks is None:
            raise StoreUnavailable("the store has no collection yet: run `newsdesk ingest PATH...` first")
        return self._chunks

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise StoreUnavailable(f"the {self.where} failed to {what}: {type(exc).__name__}: {exc}") from None

    # ------------------------------------------------------------ writes

    def max_batch(self) -> int:
        try:
            return int(self._client.get_max_batch_size())
        except Exception:
            return 1000

    def upsert_chunks(self, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        col = self._require()
        step = max(1, min(self.max_batch(), 2000))
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            self._call(
                "write chunks",
                col.upsert,
                ids=[c.id for c in part],
                embeddings=embeddings[i : i + step],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],  # type: ignore[misc]
            )

    def upsert_sentences(self, sentences: list[Sentence], embeddings: np.ndarray) -> None:
        self._require()
        step = max(1, min(self.max_batch(), 2000))
        for i in range(0, len(sentences), step):
            part = sentences[i : i + step]
            self._call(
                "write sentences",
                self._sentences.upsert,
                ids=[x.id for x in part],
                embeddings=embeddings[i : i + step],
                metadatas=[x.metadata() for x in part],  # type: ignore[misc]
            )

    @staticmethod
    def _doc_where(doc_ids: str | list[str]) -> dict[str, Any]:
        if isinstance(doc_ids, str):
            return {"doc_id": doc_ids}
        return {"doc_id": {"$in": list(doc_ids)}}

    def sentence_ids_of(self, doc_ids: str | list[str]) -> list[str]:
        """Ids of the stored sentences of one article or several."""
        self._require()
        got = self._call("read sentence ids", self._sentences.get, where=self._doc_where(doc_ids), include=[])
        return list(got["ids"])

    def delete_sentences(self, ids: list[str]) -> None:
        self._require()
        for i in range(0, len(ids), 2000):
            self._call("delete sentences", self._sentences.delete, ids=ids[i : i + 2000])

    def chunk_ids_of(self, doc_ids: str | list[str]) -> list[str]:
        """Ids of the stored chunks of one article or several."""
        col = self._require()
        got = self._call("read chunk ids", col.get, where=self._doc_where(doc_ids), include=[])
        return list(got["ids"])

    def delete_chunks(self, ids: list[str]) -> None:
        col = self._require()
        for i in range(0, len(ids), 2000):
            self._call("delete chunks", col.delete, ids=ids[i : i + 2000])

    def put_articles(self, records: list[tuple[Article, int]]) -> None:
        """Record articles (with their chunk counts) as ingested: the last write of an ingest."""
        if not records:
            return
        self._call(
            "write article records",
            self._articles.upsert,
            ids=[a.doc_id for a, _ in records],
            embeddings=[_NO_VECTOR] * len(records),
            metadatas=[
                {
                    "content_hash": a.content_hash,
                    "title": a.title,
                    "source": a.source,
                    "url": a.url,
                    "published": a.published_iso,
                    "published_day": day_number(a.published),
                    "origin": a.origin,
                    "n_chunks": n,
                }
                for a, n in records
            ],
        )

    def delete_article(self, doc_id: str) -> int:
        ids = self.chunk_ids_of(doc_id)
        self.delete_chunks(ids)
        self.delete_sentences(self.sentence_ids_of(doc_id))
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

    def count(self) -> int:
        return 0 if self._chunks is None else int(self._call("count chunks", self._chunks.count))

    def iter_chunks(self, page: int = 5000) -> Iterator[StoredChunk]:
        """Every stored chunk (for the lexical index), in pages."""
        col = self._require()
        offset = 0
        while True:
            got = self._call("read chunks", col.get, include=["documents", "metadatas"], limit=page, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield StoredChunk(cid, doc or "", dict(meta or {}))
            if len(got["ids"]) < page:
                return
            offset += page

    def sentence_count(self) -> int:
        return 0 if self._sentences is None else int(self._call("count sentences", self._sentences.count))

    def search_sentences(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[StoredChunk]:
        """Nearest sentences by cosine (score = similarity), optionally filtered."""
        self._require()
        total = self.sentence_count()
        if total == 0:
            return []
        got = self._call(
            "search",
            self._sentences.query,
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(n, total),
            where=where or None,
            include=["metadatas", "distances"],
        )
        return [
            StoredChunk(sid, "", dict(meta or {}), score=1.0 - float(dist))
            for sid, meta, dist in zip(got["ids"][0], got["metadatas"][0], got["distances"][0], strict=True)
        ]

    def sentence_vectors(self, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """(ids found, embeddings) for the given sentence ids, in the order asked."""
        self._require()
        if not ids:
            return [], np.zeros((0, 0), dtype=np.float32)
        got = self._call("read sentences", self._sentences.get, ids=ids, include=["embeddings"])
        pos = {sid: i for i, sid in enumerate(got["ids"])}
        found = [sid for sid in ids if sid in pos]
        emb = np.asarray(got["embeddings"], dtype=np.float32)
        order = [pos[sid] for sid in found]
        return found, emb[order] if len(order) else emb[:0]


@contextmanager
def writer_lock(settings: StoreSettings) -> Iterator[None]:
    """One writer per store folder; a Chroma server serialises writers itself."""
    if settings.host:
        yield
        return
    from filelock import FileLock, Timeout

    folder = Path(settings.path)
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / "newsdesk-writer.lock"
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreLocked(
            f"another newsdesk process is writing to {folder} (lock {lock_path}). Wait for it to finish, "
            f"or use a Chroma server (NEWSDESK_STORE__HOST) for several writers."
        ) from None
    try:
        (folder / "newsdesk-writer.pid").write_text(str(os.getpid()))
        yield
    finally:
        lock.release()
