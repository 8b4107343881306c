"""Settings: one home for every tuning constant, each described; `.env` only from the
project root or an explicit path."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, Settings, load_settings
from rag.env_example import env_example


def test_env_example_is_generated_from_the_settings() -> None:
    assert (PROJECT_ROOT / ".env.example").read_text() == env_example(), "run `newsdesk settings > .env.example`"


def test_settings_show_the_defaults_not_the_callers_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_LLM__BASE_URL", "http://someone:hunter2@127.0.0.1:9/v1")
    monkeypatch.setenv("NEWSDESK_RETRIEVAL__TOP_K", "3")
    text = env_example()
    assert "hunter2" not in text and text == (PROJECT_ROOT / ".env.example").read_text()


def test_every_tuning_setting_is_described() -> None:
    fields = [(name, f) for name, f in Settings.model_fields.items()]
    fields += [(f"{section}.{name}", f) for section, info in Settings.model_fields.items()
               for name, f in getattr(info.annotation, "model_fields", {}).items()]  # fmt: skip
    sections = {name for name, f in Settings.model_fields.items() if hasattr(f.annotation, "model_fields")}
    assert [name for name, f in fields if not f.description and name not in sections] == []


def test_a_dotenv_in_the_working_directory_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("NEWSDESK_LLM__BASE_URL=http://attacker.example/v1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDESK_ENV_FILE", raising=False)
    assert load_settings().llm.base_url != "http://attacker.example/v1"
    monkeypatch.setenv("NEWSDESK_ENV_FILE", str(tmp_path / ".env"))  # an explicit path is read
    assert load_settings().llm.base_url == "http://attacker.example/v1"


def test_the_off_topic_floor_applies_only_where_the_model_cannot_judge() -> None:
    from rag.config import refusal_settings

    local = refusal_settings(load_settings(env_file=None))
    assert local.not_found_threshold is not None and local.min_relevance == 0.0
    remote = refusal_settings(load_settings(env_file=None, llm={"provider": "openai", "base_url": "http://127.0.0.1:1/v1"}))
    assert remote.not_found_threshold is None and remote.min_relevance and remote.min_relevance > 0
    explicit = refusal_settings(load_settings(env_file=None, refusal={"min_relevance": 0.2}))
    assert explicit.min_relevance == 0.2


def test_a_remote_model_judges_only_where_its_logprobs_are_read() -> None:
    from rag.config import refusal_settings

    remote = {"provider": "openai", "base_url": "http://127.0.0.1:1/v1", "logprobs": True}
    calibrated = refusal_settings(load_settings(env_file=None, llm=remote, refusal={"not_found_threshold": 1.5}))
    assert calibrated.not_found_threshold == 1.5 and calibrated.min_relevance == 0.0
    unread = {**remote, "logprobs": False}  # a threshold for logprobs the server does not give is not in force
    floor = refusal_settings(load_settings(env_file=None, llm=unread, refusal={"not_found_threshold": 1.5}))
    assert floor.not_found_threshold is None and floor.min_relevance and floor.min_relevance > 0
    assert load_settings(env_file=None, llm=remote).llm.verdict_threshold() == 0.0  # uncalibrated: the likelier word
    assert load_settings(env_file=None, llm=unread).llm.verdict_threshold() is None


def test_an_open_question_of_several_clues_reads_its_own_budget_unless_one_is_set_for_every_question() -> None:
    from rag.config import BUNDLED_TUNING, context_budget

    tuned = BUNDLED_TUNING["qwen2.5-coder-1.5b"]
    bundled = load_settings(env_file=None)
    assert (context_budget(bundled), context_budget(bundled, multi_part=True)) == (200, 300) == (
        tuned["context_tokens"], tuned["multi_part_context_tokens"])
    every = load_settings(env_file=None, retrieval={"context_tokens": 450})  # a user's budget holds for all
    assert context_budget(every) == context_budget(every, multi_part=True) == 450
    both = load_settings(env_file=None, retrieval={"context_tokens": 150, "multi_part_context_tokens": 500})
    assert (context_budget(both), context_budget(both, multi_part=True)) == (150, 500)
