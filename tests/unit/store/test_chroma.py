"""The Chroma store: reopened with its content, one writer per folder, the embedding
fingerprint checked, and a version stamp that changes with every write and only then."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.errors import EmbeddingMismatch, StoreLocked
from rag.pipeline import Pipeline
from rag.store.lock import writer_lock
from tests.fixtures.articles import numbered_stories
from tests.fixtures.paths import SEED_FILE
from tests.fixtures.pipelines import make_settings


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


def test_a_lost_chunk_index_is_reported_with_the_fix(tmp_path: Path) -> None:
    import shutil

    settings = make_settings(tmp_path)
    Pipeline(settings).ingest([SEED_FILE])
    shutil.rmtree(settings.store.index_root())
    with pytest.raises(EmbeddingMismatch, match=r"chunk index .* missing or empty.*ingest --rebuild"):
        Pipeline(settings).store  # noqa: B018 - opening the store checks
    rep = Pipeline(settings).ingest([SEED_FILE], rebuild=True)
    assert rep.added == 1 and Pipeline(settings).retrieve("settlements near Bakhmut").chunks


def test_chunks_left_by_an_ingest_killed_before_its_first_commit_are_redone(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    Pipeline(settings).ingest([SEED_FILE])
    expected = sorted(c.id for c in Pipeline(settings).store.iter_chunks())
    # What a SIGKILL between the Chroma upsert and the chunk index's first commit leaves:
    # chunk vectors in Chroma, no article record, an empty chunk index.
    store = Pipeline(settings).store
    store._articles.delete(ids=list(store.articles()))
    import shutil

    shutil.rmtree(settings.store.index_root())
    rep = Pipeline(settings).ingest([SEED_FILE])
    assert rep.added == 1
    assert sorted(c.id for c in Pipeline(settings).store.iter_chunks()) == expected


def test_the_version_stamp_changes_with_every_write_and_only_then(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path, 1)
    fake_pipeline.ingest([folder])
    v1 = fake_pipeline.store.state()[1]
    fake_pipeline.ingest([folder])  # unchanged: no new version
    assert fake_pipeline.store.state()[1] == v1
    (folder / "a0.txt").write_text((folder / "a0.txt").read_text() + " One more sentence here.")
    fake_pipeline.ingest([folder])
    assert fake_pipeline.store.state()[1] != v1 and json.dumps(fake_pipeline.store.state())


def test_a_reader_sees_chunks_committed_before_the_version_stamp(fake_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    writer, reader = Pipeline(fake_settings), Pipeline(fake_settings)
    writer.ingest([numbered_stories(tmp_path, 1)])
    before = reader.retriever.view().size
    from rag.store.chunk_index import IndexedChunk

    index = writer.store.chunk_index()
    base = index.append_vectors(index.vectors([0]))
    meta = {"doc_id": "late", "title": "Late story", "source": "Wire", "published_day": 1, "sent_from": 0, "sent_to": 0}
    index.add([IndexedChunk("late-0000", "A harbor storm report committed by an ingest not yet stamped.", meta, base)])
    index.commit()  # an ingest still running, or killed before its stamp: no new version
    index.close()
    view = reader.retriever.view()
    assert view.size == before + 1 and view.index.search(["harbor", "storm"], 3)[0][0] == "late-0000"
