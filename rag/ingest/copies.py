"""Syndicated copies: one wire story republished word for word by several outlets is stored
once, with every outlet and URL that carried it.

Two copies would fill two of the model's few context slots with the same sentences and
look like two sources agreeing. Copies are found with MinHash over word 5-shingles
(datasketch): a Jaccard estimate at or above `THRESHOLD` is a copy. A story rewritten by
another outlet (a different report of the same event) stays well below it and is kept,
so conflicts between outlets are still seen. Each stored article keeps its signature in
its record, so a copy arriving in a later ingest is recognised too: its candidates are the
chunk index's BM25 hits for its words, so the check costs the same at any store size.
"""

from __future__ import annotations

import json
import re

import numpy as np

from rag.store.chroma import ChunkStore
from rag.text.terms import terms
from rag.types import Article

NUM_PERM = 64
SHINGLE = 5
THRESHOLD = 0.8  # a republished story with a new headline and byline stays above it
SCHEME = "affine32"  # datasketch 2.x's hashing; stored signatures are only comparable under one scheme


def signature(text: str) -> np.ndarray:
    """MinHash of the text's word 5-shingles (lower-cased, punctuation ignored)."""
    from datasketch import MinHash

    words = re.findall(r"\w+", text.lower())
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


class _Index:
    """Signatures with an LSH index (datasketch) so that finding a copy does not compare a new
    article with every stored one."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.sigs: dict[str, np.ndarray] = {}

    @staticmethod
    def _minhash(sig: np.ndarray):  # type: ignore[no-untyped-def]
        from datasketch import LeanMinHash

        return LeanMinHash(seed=1, hashvalues=sig, scheme=SCHEME)

    def add(self, doc_id: str, sig: np.ndarray) -> None:
        if doc_id not in self.sigs:
            self.lsh.insert(doc_id, self._minhash(sig))
            self.sigs[doc_id] = sig

    def original_of(self, doc_id: str, sig: np.ndarray) -> str | None:
        found = [d for d in self.lsh.query(self._minhash(sig)) if d != doc_id and similarity(sig, self.sigs[d]) >= THRESHOLD]
        return min(found) if found else None


def _stored_signature(meta: dict[str, object]) -> np.ndarray | None:
    sig = meta.get("minhash")
    return np.frombuffer(bytes.fromhex(sig), dtype=np.uint64) if isinstance(sig, str) and sig else None


def stored_original(art: Article, sig: np.ndarray, store: ChunkStore, depth: int = 20) -> str | None:
    """The stored article this one copies, if any: a copy shares nearly every word with its
    original, so the chunk index's best BM25 hits for the article's words hold it; their
    stored signatures decide. (No LSH over every stored signature: that was rebuilt from
    every article record at each ingest.)"""
    if not store.ready or not store.chunk_index().size:
        return None
    words = list(dict.fromkeys(terms(art.body)))[:256]
    hits = store.chunk_index().get(cid for cid, _ in store.chunk_index().search(words, depth))
    docs = {str(c.meta.get("doc_id", "")) for c in hits.values()} - {art.doc_id}
    found = [d for d, meta in store.article_records(sorted(docs)).items()
             if (other := _stored_signature(meta)) is not None and similarity(sig, other) >= THRESHOLD]  # fmt: skip
    return min(found) if found else None


def separate_copies(articles: list[Article], store: ChunkStore) -> tuple[list[Article], list[tuple[Article, str]], dict[str, str]]:
    """(articles to store, [(copy, id of the stored or earlier article it copies)], the new
    signatures to record). An article already stored under its own id is never its own copy
    (an update stays one article); an unchanged one keeps its stored signature."""
    records = store.article_records([a.doc_id for a in articles])
    index = _Index()  # this run's articles
    fresh: list[Article] = []
    copies: list[tuple[Article, str]] = []
    new_signatures: dict[str, str] = {}
    for art in articles:
        meta = records.get(art.doc_id, {})
        kept = _stored_signature(meta) if meta.get("content_hash") == art.content_hash else None
        if kept is not None:  # unchanged: stored already, and checked when it was
            fresh.append(art)
            continue
        sig = signature(art.body)
        original = index.original_of(art.doc_id, sig) or stored_original(art, sig, store)
        if original is not None:
            copies.append((art, original))
            continue
        fresh.append(art)
        index.add(art.doc_id, sig)
        new_signatures[art.doc_id] = sig.tobytes().hex()
    return fresh, copies, new_signatures


def record_copies(copies: list[tuple[Article, str]], signatures: dict[str, str], store: ChunkStore) -> int:
    """After the write: the new articles' signatures on their records, and each copy's outlet
    and URL on the article it copies (its record, and its chunks so that the sources panel
    can say "also published by")."""
    if not (copies or signatures):
        return 0
    known = store.article_records(list(signatures) + [original for _, original in copies])
    store.annotate_articles({d: {"minhash": sig} for d, sig in signatures.items() if d in known})
    for art, original in copies:
        meta = known.get(original)
        if meta is None:
            continue
        carriers = json.loads(str(meta.get("carriers") or "[]"))
        entry = {"outlet": art.source, "url": art.url}
        if entry not in carriers and (art.source, art.url) != (meta.get("source"), meta.get("url")):
            carriers.append(entry)
        meta["carriers"] = json.dumps(carriers)
        also = "; ".join(dict.fromkeys(c["outlet"] or c["url"] for c in carriers))
        store.annotate_articles({original: {"carriers": meta["carriers"]}}, chunks={"also": also})
    return len(copies)
