"""How records are laid out in the store: their ids, and sentences sliced from chunks.

A chunk id is derived from the article identity, the chunk's position and its text, so
re-ingesting the same article yields the same ids (upserts never duplicate) and an edited
article yields new ids for exactly the chunks that changed.
"""

from __future__ import annotations

import hashlib
from typing import Any

# Recorded in the store: a store written by another layout must be rebuilt, not mixed.
INDEX_FORMAT = "chunk-index-v1"


def sentences_of_chunk(text: str, meta: dict[str, Any]) -> dict[int, str]:
    """Sentence position -> text, sliced from a stored chunk (sentences are joined by one space)."""
    lengths = [int(n) for n in str(meta.get("sent_chars", "")).split(",") if n]
    first = int(meta.get("sent_from", 0))
    out: dict[int, str] = {}
    at = 0
    for k, n in enumerate(lengths):
        out[first + k] = text[at : at + n]
        at += n + 1
    return out


def chunk_id(doc_id: str, index: int, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{doc_id}-{index:04d}-{digest}"


def sentence_id(doc_id: str, pos: int) -> str:
    return f"{doc_id}-s{pos:05d}"


def split_sentence_id(sid: str) -> tuple[str, int]:
    """(doc_id, position) of a sentence id.

    >>> split_sentence_id(sentence_id("a1-b2", 7))
    ('a1-b2', 7)
    """
    doc, pos = sid.rsplit("-s", 1)
    return doc, int(pos)
