"""Settings: one home for every tuning constant, each described; `.env` only from the
project root or an explicit path."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, Settings, env_example, load_settings


def test_env_example_is_generated_from_the_settings() -> None:
    assert (PROJECT_ROOT / ".env.example").read_text() == env_example(), "run `newsdesk settings > .env.example`"


def test_every_tuning_setting_is_described() -> None:
    fields = [(name, f) for name, f in Settings.model_fields.items()]
    fields += [(f"{section}.{name}", f) for section, info in Settings.model_fields.items()
               for name, f in getattr(info.annotation, "model_fields", {}).items()]  # fmt: skip
    assert [name for name, f in fields if not f.description and not name.endswith(("llm", "embedding", "store", "chunking",
            "ingest", "retrieval", "context", "check", "refusal", "ui"))] == []  # fmt: skip


def test_a_dotenv_in_the_working_directory_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("NEWSDESK_LLM__BASE_URL=http://attacker.example/v1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDESK_ENV_FILE", raising=False)
    assert load_settings().llm.base_url != "http://attacker.example/v1"
    monkeypatch.setenv("NEWSDESK_ENV_FILE", str(tmp_path / ".env"))  # an explicit path is read
    assert load_settings().llm.base_url == "http://attacker.example/v1"
