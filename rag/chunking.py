"""Article -> chunks sized in tiktoken tokens, split on sentence boundaries, stable ids.

A chunk id is derived from the article identity, the chunk's position and its text, so
re-ingesting the same article yields the same ids (upserts never duplicate) and an edited
article yields new ids for exactly the chunks that changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.articles import Article

ENCODING = "cl100k_base"
# Recorded in the store: a store written by another layout must be rebuilt, not mixed.
INDEX_FORMAT = "sentences-v3"
_EPOCH = date(1970, 1, 1)


def ensure_offline_tiktoken(cache_dir: Path) -> None:
    """Point tiktoken at a BPE cache we control before its first use.

    `tiktoken.get_encoding` downloads its BPE file on first use, which fails offline.
    llama-index-core ships the file; we copy it into our cache so nothing is fetched.
    """
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return
    target = Path(cache_dir) / "tiktoken"
    import llama_index.core

    shipped = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for f in shipped.iterdir():
            if not (target / f.name).exists():
                shutil.copy2(f, target / f.name)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(target)
    except OSError:  # read-only cache: the shipped folder works too
        os.environ["TIKTOKEN_CACHE_DIR"] = str(shipped)


@lru_cache(maxsize=1)
def _encoding():  # type: ignore[no-untyped-def]
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in `text` (the unit every budget here is sized in)."""
    return len(_encoding().encode(text, disallowed_special=()))


def day_number(d: date | None) -> int:
    """Days since 1970-01-01; Chroma filters on numbers, not dates. -1 when unknown."""
    return (d - _EPOCH).days if d else -1


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article: the unit that is embedded and selected for the LLM."""

    id: str
    doc_id: str
    pos: int
    text: str
    source: str
    published_day: int

    def metadata(self) -> dict[str, str | int]:
        # No text: it is sliced from the chunk that holds it (`sent_chars`), which halves
        # Chroma's write cost for sentences (no full-text index over 50,000 records).
        return {"doc_id": self.doc_id, "pos": self.pos, "source": self.source, "published_day": self.published_day}


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    index: int
    text: str
    title: str
    source: str
    url: str
    published: str  # ISO date or ""
    published_day: int
    author: str = ""
    origin: str = ""
    sent_from: int = 0  # positions of the first and last sentence it holds
    sent_to: int = 0
    sent_chars: str = ""  # character length of each sentence it holds, comma-separated

    def header(self) -> str:
        """Who said it and when: kept beside the chunk for the lexical index and display."""
        tail = ", ".join(b for b in (self.source, self.published) if b)
        return f"{self.title} ({tail})" if tail else self.title

    def metadata(self) -> dict[str, str | int]:
        return {
            "doc_id": self.doc_id,
            "index": self.index,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "published_day": self.published_day,
            "author": self.author,
            "origin": self.origin,
            "sent_from": self.sent_from,
            "sent_to": self.sent_to,
            "sent_chars": self.sent_chars,
        }


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


MIN_SENTENCE_WORDS = 5


def article_sentences(body: str, max_tokens: int) -> list[str]:
    """The article's sentences; one longer than `max_tokens` is cut into token windows.

    Fragments shorter than five words ("Getty Images.", "He agreed.") join the sentence
    before them: alone they say nothing, yet each would cost an embedding and a slot.
    """
    from rag.sentences import split_sentences

    merged: list[str] = []
    for sent in split_sentences(body):
        if merged and len(sent.split()) < MIN_SENTENCE_WORDS and count_tokens(merged[-1]) + count_tokens(sent) < max_tokens:
            merged[-1] = f"{merged[-1]} {sent}"
        else:
            merged.append(sent)
    out: list[str] = []
    enc = _encoding()
    for sent in merged:
        toks = enc.encode(sent, disallowed_special=())
        if len(toks) <= max_tokens:
            out.append(sent)
            continue
        for i in range(0, len(toks), max_tokens):
            piece = enc.decode(toks[i : i + max_tokens]).strip()
            if piece:
                out.append(piece)
    return out


def chunk_article(article: Article, chunk_tokens: int = 200, overlap: int = 20) -> tuple[list[Chunk], list[Sentence]]:
    """Pack whole sentences into chunks of at most `chunk_tokens` tokens.

    Chunks and sentences come from one sentence split, so each chunk knows the exact
    sentences it holds (`sent_from`..`sent_to`): retrieval scores chunks by their best
    sentence and the context stage selects sentences inside retrieved chunks. Consecutive
    chunks share trailing sentences up to `overlap` tokens. (llama-index's splitter packs
    sentences too, but with its own sentence boundaries, which would not line up.)
    """
    sents = article_sentences(article.body, chunk_tokens)
    counts = [count_tokens(s) + 1 for s in sents]  # +1: the joining space
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(sents):
        end, used = start, 0
        while end < len(sents) and (used + counts[end] <= chunk_tokens or end == start):
            used += counts[end]
            end += 1
        spans.append((start, end - 1))
        if end >= len(sents):
            break
        back, carried = end, 0  # next chunk starts with the tail of this one, within overlap
        while back - 1 > start and carried + counts[back - 1] <= overlap:
            back -= 1
            carried += counts[back]
        start = back
    day = day_number(article.published)
    chunks: list[Chunk] = []
    for i, (a, b) in enumerate(spans):
        text = " ".join(sents[a : b + 1])
        chunks.append(
            Chunk(
                id=chunk_id(article.doc_id, i, text), doc_id=article.doc_id, index=i, text=text,
                title=article.title, source=article.source, url=article.url, published=article.published_iso,
                published_day=day, author=article.author, origin=article.origin, sent_from=a, sent_to=b,
                sent_chars=",".join(str(len(x)) for x in sents[a : b + 1]),
            )
        )  # fmt: skip
    sentences = [
        Sentence(sentence_id(article.doc_id, pos), article.doc_id, pos, text, article.source, day)
        for pos, text in enumerate(sents)
    ]
    return chunks, sentences
