"""Ingest into a real Chroma folder: idempotent, incremental, batched under the store's limit."""

from __future__ import annotations

import shutil
from pathlib import Path

from rag.pipeline import Pipeline
from tests.fixtures.articles import numbered_stories
from tests.fixtures.paths import SEED_FILE
from tests.fixtures.pipelines import make_settings


def _corpus(tmp_path: Path, n: int = 3) -> Path:
    return numbered_stories(tmp_path, n, sentences=40)


def test_reingest_is_idempotent(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    first = fake_pipeline.ingest([folder])
    ids_before = sorted(c.id for c in fake_pipeline.store.iter_chunks())
    second = fake_pipeline.ingest([folder])
    assert first.added == 3 and second.unchanged == 3 and second.chunks_written == 0
    assert second.chunks_total == first.chunks_total
    assert sorted(c.id for c in fake_pipeline.store.iter_chunks()) == ids_before


def test_edited_article_replaces_its_chunks(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    fake_pipeline.ingest([folder])
    f = folder / "a1.txt"
    f.write_text(f.read_text().replace("topic 1", "a corrected topic"))
    rep = fake_pipeline.ingest([folder])
    assert rep.updated == 1 and rep.unchanged == 2 and rep.chunks_deleted > 0
    texts = " ".join(c.text for c in fake_pipeline.store.iter_chunks() if c.meta["title"] == "Story 1")
    assert "topic 1" not in texts and "a corrected topic" in texts


def test_batches_stay_under_the_store_limit(fake_pipeline: Pipeline, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = fake_pipeline.store
    calls: list[int] = []
    real_upsert = store._chunks.upsert
    monkeypatch.setattr(store, "max_batch", lambda: 7)  # Chroma's real limit is 5,461: too big to reach here
    monkeypatch.setattr(store._chunks, "upsert", lambda **kw: (calls.append(len(kw["ids"])), real_upsert(**kw))[1])
    fake_pipeline.ingest([_corpus(tmp_path, 2)])
    assert calls and max(calls) <= 7


def test_ingest_from_another_working_directory(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path)
    copy = tmp_path / "seeds"
    shutil.copytree(SEED_FILE.parent, copy)
    Pipeline(settings).ingest([copy])
    count = Pipeline(settings).store.count()
    monkeypatch.chdir(copy)
    rep = Pipeline(settings).ingest(["."])
    assert rep.unchanged == 1 and rep.chunks_total == count


def test_the_same_article_twice_in_one_call_is_written_once(fake_pipeline: Pipeline) -> None:
    from rag.types import Article

    old = Article("dup-1", "Storm", "Wire", "https://news.example/dup", None, "A storm hit the harbor on Monday. " * 5)
    new = Article("dup-1", "Storm", "Wire", "https://news.example/dup", None, "A storm hit the marina on Monday. " * 5)
    rep = fake_pipeline.ingest_documents([old, new])
    assert rep.added == 1 and rep.unchanged == 1
    assert all("marina" in c.text and "harbor" not in c.text for c in fake_pipeline.store.iter_chunks())
