"""The eval's cached store is keyed by the articles, not by the question set: sets over one
corpus share it (the MultiHop corpus is ingested once, not once per set), and changed
articles get a fresh one."""

from __future__ import annotations

import json
from pathlib import Path

from eval.common import eval_settings
from eval.golden import load_set
from rag.config import load_settings
from tests.fixtures.paths import SEEDS


def _multihop(folder: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "corpus.json").write_text(json.dumps([{"title": "t", "body": body}]))
    query = {"id": 1, "query": "q?", "answer": "a", "question_type": "inference_query", "evidence_list": []}
    (folder / "queries-dev.json").write_text(json.dumps([query]))
    return folder


def _store(name: str, multihop: Path, articles: Path | None = None) -> Path:
    base = load_settings(env_file=None)
    return eval_settings(base, load_set(name, multihop, SEEDS, articles), {}).store.path


def test_sets_over_the_same_articles_share_one_store(tmp_path: Path) -> None:
    mh = _multihop(tmp_path / "mh", "one article")
    assert _store("multihop-dev", mh) == _store("followups-multihop", mh) == _store("followups-heldout-multihop", mh)
    assert _store("seeds", mh) == _store("seeds-paraphrase", mh) == _store("followups-seeds", mh)
    assert _store("seeds", mh) != _store("multihop-dev", mh)


def test_changed_articles_or_embedding_get_their_own_store(tmp_path: Path) -> None:
    before = _store("multihop-dev", _multihop(tmp_path / "a", "one article"))
    assert _store("multihop-dev", _multihop(tmp_path / "b", "another article")) != before
    base = load_settings(env_file=None)
    gs = load_set("multihop-dev", tmp_path / "a", SEEDS)
    assert eval_settings(base, gs, {"chunking": {"chunk_tokens": 200}}).store.path != before
    assert eval_settings(base, gs, {}).store.path == before
