"""Ingestion into a real Chroma folder: idempotent, incremental, sync, rebuild, lock, fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.errors import EmbeddingMismatch, StoreLocked
from rag.pipeline import Pipeline
from rag.store import writer_lock
from tests.conftest import SEED_FILE, make_settings


def _corpus(tmp_path: Path, n: int = 3) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i}.txt").write_text(
            f"title: Story {i}\nsource: Outlet {i}\ndate: 2023-10-0{i + 1}\n\n"
            + " ".join(f"Sentence {j} of story {i} says something about topic {i}." for j in range(40))
        )
    return folder


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


def test_sync_removes_deleted_articles_only(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    fake_pipeline.ingest([folder])
    (folder / "a2.txt").unlink()
    rep = fake_pipeline.ingest([folder])  # without --sync nothing is removed
    assert rep.deleted == 0 and len(fake_pipeline.store.articles()) == 3
    rep = fake_pipeline.ingest([folder], sync=True)
    assert rep.deleted == 1
    titles = {m["title"] for m in fake_pipeline.store.articles().values()}
    assert titles == {"Story 0", "Story 1"}
    assert all(c.meta["title"] != "Story 2" for c in fake_pipeline.store.iter_chunks())


def test_sync_keeps_articles_whose_file_is_unreadable_now(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    fake_pipeline.ingest([folder])
    (folder / "a0.txt").write_bytes(b"\x00\x00binary now")
    rep = fake_pipeline.ingest([folder], sync=True)
    assert rep.deleted == 0 and len(fake_pipeline.store.articles()) == 3


def test_rebuild_reembeds_everything(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    first = fake_pipeline.ingest([folder])
    rep = fake_pipeline.ingest([folder], rebuild=True)
    assert rep.added == 3 and rep.chunks_written == first.chunks_written and rep.chunks_total == first.chunks_total


def test_store_reopens_with_same_content(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    Pipeline(settings).ingest([SEED_FILE])
    again = Pipeline(settings)
    assert again.store.count() > 0 and len(again.store.articles()) == 1


def test_second_writer_is_refused(fake_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with writer_lock(fake_settings.store), pytest.raises(StoreLocked, match="another newsdesk process"):
        Pipeline(fake_settings).ingest([SEED_FILE])


def test_embedding_mismatch_is_caught_with_the_fix(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    Pipeline(settings).ingest([SEED_FILE])
    from rag.providers.embedding import HashingEmbedder

    other = HashingEmbedder(dim=128)
    with pytest.raises(EmbeddingMismatch, match=r"ingest --rebuild"):
        Pipeline(settings, embedder=other).store  # noqa: B018 - opening the store checks


def test_batches_stay_under_the_store_limit(fake_pipeline: Pipeline, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = fake_pipeline.store
    calls: list[int] = []
    real_upsert = store._chunks.upsert
    monkeypatch.setattr(store, "max_batch", lambda: 7)
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
