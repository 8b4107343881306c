"""The eval's cached store is keyed by the articles, not by the question set: sets over one
corpus share it (the MultiHop corpus is ingested once, not once per set), changed articles
get a fresh one, and two evals started together wait for each other at its writer lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eval.common import eval_settings, ingest_shared
from eval.golden import load_set
from rag import Pipeline, StoreLocked
from rag.config import load_settings
from tests.fixtures.paths import SEEDS
from tests.fixtures.pipelines import make_settings


def _multihop(folder: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "corpus.json").write_text(json.dumps([{"title": "t", "body": body}]))
    query = {"id": 1, "query": "q?", "answer": "a", "question_type": "inference_query", "evidence_list": []}
    (folder / "queries-dev.json").write_text(json.dumps([query]))
    return folder


def _store(name: str, multihop: Path) -> Path:
    base = load_settings(env_file=None)
    return eval_settings(base, load_set(name, multihop, SEEDS), {}).store.path


def test_sets_over_the_same_articles_share_one_store(tmp_path: Path) -> None:
    mh = _multihop(tmp_path / "mh", "one article")
    assert _store("multihop-dev", mh) == _store("followups-multihop", mh) == _store("followups-heldout-multihop", mh)
    assert _store("seeds", mh) == _store("seeds-paraphrase", mh) == _store("followups-seeds", mh)
    assert _store("seeds", mh) != _store("multihop-dev", mh)


def test_changed_articles_or_chunking_get_their_own_store(tmp_path: Path) -> None:
    before = _store("multihop-dev", _multihop(tmp_path / "a", "one article"))
    assert _store("multihop-dev", _multihop(tmp_path / "b", "another article")) != before
    base = load_settings(env_file=None)
    gs = load_set("multihop-dev", tmp_path / "a", SEEDS)
    assert eval_settings(base, gs, {"chunking": {"chunk_tokens": 200}}).store.path != before
    assert eval_settings(base, gs, {}).store.path == before


def _hold_writer_lock(store: Path, seconds: float) -> subprocess.Popen[bytes]:
    """Another process holding the store's writer lock, as a second eval ingesting would."""
    store.mkdir(parents=True, exist_ok=True)
    code = ("import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
            "print('held', flush=True); time.sleep(float(sys.argv[2]))")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code, str(store / "newsdesk-writer.lock"), str(seconds)],
                            stdout=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"held"
    return proc


def test_an_eval_waits_for_another_writing_the_shared_store(tmp_path: Path) -> None:
    gs = load_set("seeds", tmp_path, SEEDS)
    pipe = Pipeline(make_settings(tmp_path))
    holder = _hold_writer_lock(pipe.settings.store.path, 3)
    said: list[str] = []
    report = ingest_shared(pipe, gs, said.append, wait_s=60)
    holder.wait(timeout=30)
    assert report.added >= 1 and said and "waiting" in said[0]
    assert ingest_shared(pipe, gs, said.append).added == 0  # cached: nothing to ingest again


def test_an_eval_gives_up_on_a_lock_held_too_long(tmp_path: Path) -> None:
    gs = load_set("seeds", tmp_path, SEEDS)
    pipe = Pipeline(make_settings(tmp_path))
    holder = _hold_writer_lock(pipe.settings.store.path, 30)
    try:
        with pytest.raises(StoreLocked, match="another newsdesk process is writing"):
            ingest_shared(pipe, gs, lambda _: None, wait_s=3)
    finally:
        holder.kill()
        holder.wait()
