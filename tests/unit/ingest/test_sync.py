"""Ingest runs over paths that cannot destroy data: `--sync` and `--rebuild` refuse a
missing, empty or mostly-gone source before writing anything; a rebuild switches over only
when complete; one bad file never costs the rest of its batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import EmbeddingMismatch, IngestRefused
from rag.pipeline import Pipeline
from rag.providers.embedding import HashingEmbedder
from tests.fakes import InterruptingEmbedder
from tests.fixtures.articles import numbered_stories
from tests.fixtures.paths import SEED_FILE
from tests.fixtures.pipelines import make_settings


def test_sync_removes_deleted_articles_only(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path)
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
    folder = numbered_stories(tmp_path)
    fake_pipeline.ingest([folder])
    (folder / "a0.txt").write_bytes(b"\x00\x00binary now")
    rep = fake_pipeline.ingest([folder], sync=True)
    assert rep.deleted == 0 and len(fake_pipeline.store.articles()) == 3


def test_rebuild_reembeds_everything(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path)
    first = fake_pipeline.ingest([folder])
    rep = fake_pipeline.ingest([folder], rebuild=True)
    assert rep.added == 3 and rep.chunks_written == first.chunks_written and rep.chunks_total == first.chunks_total


def test_sync_of_a_missing_folder_is_refused_and_removes_nothing(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path, 2)
    fake_pipeline.ingest([folder])
    folder.rename(tmp_path / "moved")
    with pytest.raises(IngestRefused, match="does not exist"):
        fake_pipeline.ingest([folder], sync=True)
    assert len(fake_pipeline.store.articles()) == 2 and fake_pipeline.store.count() > 0


def test_a_named_path_that_does_not_exist_is_refused_before_anything_is_ingested(fake_pipeline: Pipeline,
                                                                                 tmp_path: Path) -> None:  # fmt: skip
    folder = numbered_stories(tmp_path, 2)
    for rebuild in (False, True):
        with pytest.raises(IngestRefused, match=r"typo\.txt does not exist.*nothing was changed"):
            fake_pipeline.ingest([folder, tmp_path / "typo.txt"], rebuild=rebuild)
        assert fake_pipeline.store.articles() == {} and fake_pipeline.store.count() == 0
    assert fake_pipeline.ingest([folder]).added == 2


def test_sync_of_an_emptied_folder_is_refused(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path, 2)
    fake_pipeline.ingest([folder])
    for f in folder.iterdir():
        f.unlink()
    with pytest.raises(IngestRefused, match="holds no article files"):
        fake_pipeline.ingest([folder], sync=True)
    assert len(fake_pipeline.store.articles()) == 2


def test_sync_that_would_remove_most_of_the_store_needs_force(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path, 5)
    fake_pipeline.ingest([folder])
    for i in range(1, 5):
        (folder / f"a{i}.txt").unlink()
    with pytest.raises(IngestRefused, match=r"would remove 4 of the 5 articles.*--force"):
        fake_pipeline.ingest([folder], sync=True)
    assert len(fake_pipeline.store.articles()) == 5
    rep = fake_pipeline.ingest([folder], sync=True, force=True)
    assert rep.deleted == 4 and len(fake_pipeline.store.articles()) == 1


def test_rebuild_from_a_typo_path_keeps_the_old_index(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path)
    before = fake_pipeline.ingest([folder]).chunks_total
    with pytest.raises(IngestRefused, match="does not exist"):
        fake_pipeline.ingest([tmp_path / "typo"], rebuild=True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestRefused, match="read no article"):
        fake_pipeline.ingest([tmp_path / "empty"], rebuild=True)
    assert fake_pipeline.store.count() == before and not fake_pipeline.ask("What does story 1 say about topic 1?").refused


def test_interrupted_rebuild_leaves_the_old_index_serving(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    folder = numbered_stories(tmp_path, 40)
    reader = Pipeline(settings)
    before = reader.ingest([folder]).chunks_total
    assert not reader.ask("What does story 7 say about topic 7?").refused
    with pytest.raises(KeyboardInterrupt):
        Pipeline(settings, embedder=InterruptingEmbedder(allowed=1)).ingest([folder], rebuild=True)
    assert reader.store.count() == before and len(reader.store.articles()) == 40
    assert not reader.ask("What does story 7 say about topic 7?").refused
    rep = Pipeline(settings).ingest([folder], rebuild=True)  # the next rebuild completes and cleans up
    assert rep.chunks_total == before
    names = {c.name for c in reader.store._client.list_collections()}
    assert len([n for n in names if n.endswith("_chunks")]) == 1, names


def test_a_running_reader_follows_a_rebuild(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    folder = numbered_stories(tmp_path)
    reader = Pipeline(settings)
    reader.ingest([folder])
    assert not reader.ask("What does story 1 say about topic 1?").refused
    Pipeline(settings).ingest([folder], rebuild=True)  # drops the collections the reader had open
    ans = reader.ask("What does story 1 say about topic 1?")
    assert not ans.refused and "story 1" in ans.text.lower()


def test_rebuild_is_how_an_embedding_mismatch_is_fixed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    Pipeline(settings).ingest([SEED_FILE])
    other = HashingEmbedder(dim=128)
    with pytest.raises(EmbeddingMismatch, match=r"ingest --rebuild"):
        Pipeline(settings, embedder=other).ingest([SEED_FILE])
    rep = Pipeline(settings, embedder=other).ingest([SEED_FILE], rebuild=True)  # the fix the message gives
    assert rep.added == 1 and Pipeline(settings, embedder=other).store.count() == rep.chunks_total


def test_deeply_nested_json_is_a_skipped_row_and_the_batch_lands(tmp_path: Path) -> None:
    folder = numbered_stories(tmp_path, 2)
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "deep.jsonl").write_text('{"a":' * 50_000 + "1" + "}" * 50_000 + "\n")
    rep = Pipeline(make_settings(tmp_path)).ingest([folder])
    assert rep.added == 2
    reasons = {Path(w.split("#")[0]).name: why for w, why in rep.skipped}
    assert "deep.json" in reasons and "deep.jsonl" in reasons, rep.skipped
