"""Chunks: bounded in tiktoken tokens (checked against tiktoken itself), never empty, stable ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.config import ChunkingSettings
from rag.ingest.chunker import chunk_article
from rag.ingest.files import load_articles
from rag.store.layout import sentences_of_chunk
from rag.text.tokens import count_tokens
from tests.fixtures.paths import ROOT, SEED_FILE
from tests.fixtures.pipelines import make_settings

CORPUS = ROOT.parent / "shared" / "data" / "multihop-rag" / "corpus.json"


def _articles():  # type: ignore[no-untyped-def]
    arts = load_articles([SEED_FILE]).articles
    if CORPUS.exists():
        data = json.loads(CORPUS.read_text())[:40]
        from rag.ingest.readers import article_from_record

        arts += [article_from_record(r, str(CORPUS), i) for i, r in enumerate(data)]
    return arts


@pytest.mark.parametrize("size", [64, 200, 256])
def test_chunks_are_bounded_and_non_empty(size: int) -> None:
    import tiktoken

    from rag.text.tokens import ensure_offline_tiktoken

    ensure_offline_tiktoken(make_settings(Path("/tmp")).cache_dir)
    enc = tiktoken.get_encoding("cl100k_base")  # the trusted reference, counting on its own
    for art in _articles():
        chunks, sentences = chunk_article(art, ChunkingSettings(chunk_tokens=size, chunk_overlap=20))
        assert chunks and sentences
        for c in chunks:
            assert c.text.strip()
            assert len(enc.encode(c.text)) <= size
            assert count_tokens(c.text) == len(enc.encode(c.text))


def test_chunks_keep_sentences_whole() -> None:
    (art,) = load_articles([SEED_FILE]).articles
    chunks, sentences = chunk_article(art, ChunkingSettings(chunk_tokens=64, chunk_overlap=0))
    for c in chunks:
        assert c.text[-1] in '.!?"”', c.text[-40:]
        # a chunk is exactly the sentences it says it holds
        assert c.text == " ".join(s.text for s in sentences[c.sent_from : c.sent_to + 1])
    assert [s.pos for s in sentences] == list(range(len(sentences)))
    # every sentence's text comes back from the stored chunk alone (sentences carry no text in the store)
    for c in chunks:
        sliced = sentences_of_chunk(c.text, c.metadata())
        assert sliced == {s.pos: s.text for s in sentences[c.sent_from : c.sent_to + 1]}


def test_overlap_repeats_trailing_sentences_within_budget() -> None:
    (art,) = load_articles([SEED_FILE]).articles
    chunks, _ = chunk_article(art, ChunkingSettings(chunk_tokens=80, chunk_overlap=40))
    assert any(b.sent_from <= a.sent_to for a, b in zip(chunks, chunks[1:], strict=False))
    assert all(b.sent_from > a.sent_from for a, b in zip(chunks, chunks[1:], strict=False))  # always progresses


def test_ids_are_stable_and_change_with_content() -> None:
    (art,) = load_articles([SEED_FILE]).articles
    a = [c.id for c in chunk_article(art, ChunkingSettings(chunk_tokens=128, chunk_overlap=20))[0]]
    b = [c.id for c in chunk_article(art, ChunkingSettings(chunk_tokens=128, chunk_overlap=20))[0]]
    assert a == b and len(set(a)) == len(a)
    from dataclasses import replace

    edited = replace(art, body=art.body.replace("16 settlements", "17 settlements"))
    c = [ch.id for ch in chunk_article(edited, ChunkingSettings(chunk_tokens=128, chunk_overlap=20))[0]]
    assert c != a and len(set(a) - set(c)) >= 1 and len(set(a) & set(c)) >= 1


def test_metadata_is_typed_on_every_chunk() -> None:
    (art,) = load_articles([SEED_FILE]).articles
    for c in chunk_article(art, ChunkingSettings(chunk_tokens=128, chunk_overlap=20))[0]:
        meta = c.metadata()
        assert meta["published"] == "2023-02-14" and isinstance(meta["published_day"], int)
        assert meta["doc_id"] == art.doc_id and meta["title"] == art.title
