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

from rag.articles import Article

ENCODING = "cl100k_base"
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

    def header(self) -> str:
        """The line embedded (and shown to the LLM) with the chunk: who said it and when."""
        bits = [self.title]
        tail = ", ".join(b for b in (self.source, self.published) if b)
        return f"{bits[0]} ({tail})" if tail else bits[0]

    def embed_text(self) -> str:
        return f"{self.header()}\n{self.text}"

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
        }


@lru_cache(maxsize=8)
def _splitter(chunk_tokens: int, overlap: int):  # type: ignore[no-untyped-def]
    from llama_index.core.node_parser import SentenceSplitter

    # llama-index's splitter packs whole sentences (punkt, shipped with it) up to the
    # token budget and only cuts inside a sentence that alone exceeds it.
    return SentenceSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=min(overlap, chunk_tokens // 2),
        tokenizer=lambda t: _encoding().encode(t, disallowed_special=()),
        paragraph_separator="\n\n",
    )


def chunk_id(doc_id: str, index: int, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{doc_id}-{index:04d}-{digest}"


def chunk_article(article: Article, chunk_tokens: int = 200, overlap: int = 20) -> list[Chunk]:
    """Split one article into chunks of at most `chunk_tokens` tokens (never empty)."""
    pieces = _splitter(chunk_tokens, overlap).split_text(article.body)
    chunks: list[Chunk] = []
    for piece in pieces:
        text = piece.strip()
        if not text:
            continue
        i = len(chunks)
        chunks.append(
            Chunk(
                id=chunk_id(article.doc_id, i, text),
                doc_id=article.doc_id,
                index=i,
                text=text,
                title=article.title,
                source=article.source,
                url=article.url,
                published=article.published_iso,
                published_day=day_number(article.published),
                author=article.author,
                origin=article.origin,
            )
        )
    return chunks
