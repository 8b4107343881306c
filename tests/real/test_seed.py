"""The real tier: bundled MiniLM + bundled Qwen on the seed article, from code and the CLI."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from rag import query
from tests.fixtures.paths import ROOT, SEEDS

pytestmark = pytest.mark.real


def test_settlements_question_is_answered_with_16_and_cites_the_seed(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    ans = query("How many settlements near Bakhmut were bombarded?", pipeline=real_pipeline)
    assert not ans.refused, ans.refusal_reason
    assert "16" in ans.text or "sixteen" in ans.text.lower()
    assert ans.citations and all(c.published == "2023-02-14" for c in ans.citations)
    assert any("16 settlements" in c.quote for c in ans.citations)
    assert ans.timings["first_token"] > 0 and ans.timings["total"] >= ans.timings["first_token"]


def test_a_question_in_british_spelling_is_answered_from_the_american_sentence(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    """"defence chiefs" against the article's "defense ministers ... in Brussels": searched only as
    written, that sentence is not among those the model reads, and it answers from memory."""
    ans = query("Where were the alliance's defence chiefs holding their talks?", pipeline=real_pipeline)
    assert not ans.refused, ans.refusal_reason
    assert "Brussels" in ans.text and any("Brussels" in c.quote for c in ans.citations)


def test_uncovered_question_gets_no_citations(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    ans = query("Who won the 2022 World Cup?", pipeline=real_pipeline)
    assert ans.refused and not ans.citations


def test_reingesting_the_seeds_keeps_the_chunk_count(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    before = real_pipeline.store.count()
    rep = real_pipeline.ingest([SEEDS])
    assert rep.unchanged == 1 and real_pipeline.store.count() == before


def test_cli_ingest_and_ask_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "NEWSDESK_STORE__PATH": str(tmp_path / "store")}
    exe = str(ROOT / ".venv" / "bin" / "newsdesk")
    if not os.path.exists(exe):
        exe = "newsdesk"
    run = subprocess.run([exe, "ingest", str(SEEDS)], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "chunks in store" in run.stderr + run.stdout
    run = subprocess.run(
        [exe, "ask", "--json", "How many settlements near Bakhmut were bombarded?"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert "16" in data["text"] and data["citations"][0]["published"] == "2023-02-14"
    run = subprocess.run([exe, "ask", "How many settlements near Bakhmut were bombarded?"], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0 and "Sources:" in run.stdout and "[1]" in run.stdout
    run = subprocess.run([exe, "ask", ""], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "empty" in run.stderr and "Traceback" not in run.stderr


def test_system_prompt_is_processed_at_load_and_reused_by_every_prompt(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    """The worked examples are free per question only if the prompt's prefix matches the
    tokens processed at load; a format drift would silently cost ~4 s per question."""
    from rag.answer import prompts
    from rag.answer.generate import build_messages

    llm = real_pipeline.llm
    llm.warm(prompts.system_prompt(judged=True))  # what the pipeline warms with its judgement in force
    cached = list(llm._llm.input_ids[: llm._llm.n_tokens])
    assert len(cached) > 300  # the rules and the examples
    q = "How many settlements near Bakhmut were bombarded?"
    ctx = real_pipeline.context_for(q, real_pipeline.retrieve(q))
    prompt = llm._llm.tokenize(llm._format(build_messages(q, ctx)).encode(), add_bos=False, special=True)
    assert prompt[: len(cached)] == cached
