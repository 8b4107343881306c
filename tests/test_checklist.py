"""The remaining items of the reliability checklist (docs/RELIABILITY.md maps every item)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import NewsdeskError, query
from rag.errors import ModelUnavailable
from rag.pipeline import Pipeline
from rag.providers.llm import ScriptedModel
from tests.conftest import ROOT, SEEDS, make_settings


def test_running_app_sees_articles_ingested_elsewhere(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    reader = Pipeline(settings)
    reader.ingest([SEEDS])
    assert reader.ask("What rate did the Freedonia central bank set?").refused
    extra = tmp_path / "new.txt"
    extra.write_text("title: Rates\nsource: Fortune\ndate: 2023-10-02\n\nThe central bank of Freedonia set its rate at 7.5 percent.")
    Pipeline(settings).ingest([extra])  # another writer, same store
    ans = reader.ask("What rate did the Freedonia central bank set?")
    assert not ans.refused and "7.5" in ans.text


def test_local_model_that_cannot_load_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 1000)
    settings = make_settings(tmp_path, llm={"provider": "local", "model": str(bad)})
    pipe = Pipeline(settings)
    pipe.ingest([SEEDS])
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        pipe.ask("How many settlements near Bakhmut were bombarded?")
    with pytest.raises(ModelUnavailable, match="neither a bundled model"):
        Pipeline(make_settings(tmp_path, llm={"provider": "local", "model": "no-such-model"})).llm  # noqa: B018


def test_prompt_always_fits_the_context_window(seeded_fake_pipeline: Pipeline) -> None:
    llm = ScriptedModel()
    llm.n_ctx = 600  # type: ignore[misc]
    seeded_fake_pipeline._llm = llm
    seeded_fake_pipeline.ask("How many settlements near Bakhmut were bombarded?")
    prompt = sum(llm.count_tokens(m["content"]) + 8 for m in llm.calls[-1])
    assert prompt + seeded_fake_pipeline.settings.llm.max_tokens <= 600
    assert "Example" not in llm.calls[-1][0]["content"]  # the worked examples were the first to go


def test_a_window_too_small_for_any_source_is_a_clear_refusal(seeded_fake_pipeline: Pipeline) -> None:
    llm = ScriptedModel()
    llm.n_ctx = 300  # type: ignore[misc]
    seeded_fake_pipeline._llm = llm
    ans = seeded_fake_pipeline.ask("How many settlements near Bakhmut were bombarded?")
    assert ans.refused and "context window (300 tokens)" in ans.refusal_reason and llm.calls == []


def test_query_wraps_library_faults_in_a_documented_type(seeded_fake_pipeline: Pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise KeyError("some internal library fault")

    monkeypatch.setattr(seeded_fake_pipeline.retriever, "retrieve", boom)
    with pytest.raises(NewsdeskError, match="internal error"):
        query("How many settlements near Bakhmut were bombarded?", pipeline=seeded_fake_pipeline)


@pytest.mark.real
def test_a_whole_run_opens_no_connection_beyond_loopback(tmp_path: Path) -> None:
    """ingest, ask and eval as separate processes under a socket guard (tests/netguard)."""
    log = tmp_path / "net.log"
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'tests' / 'netguard'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "NEWSDESK_NETGUARD_LOG": str(log), "NEWSDESK_STORE__PATH": str(tmp_path / "store")}  # fmt: skip
    exe = [sys.executable, "-m", "rag.cli"]
    for args in (["ingest", str(SEEDS)], ["ask", "How many settlements near Bakhmut were bombarded?"],
                 ["eval", "--set", "seeds", "--retrieval-only", "--limit", "5", "--quiet", "--out", str(tmp_path / "ev")]):  # fmt: skip
        run = subprocess.run(exe + args, env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
    assert not log.exists() or log.read_text() == "", log.read_text()
