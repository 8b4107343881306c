"""Typed settings, read from the environment and `.env` (prefix NEWSDESK_, nested with `__`).

Settings are built by `load_settings()`, never at import time, so tests and callers can
hand the pipeline any profile they like. Every field is documented in `.env.example`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdesk"


# Per bundled model, measured on 2 CPU cores (docs/EVALUATION.md, "Latency and the
# model"): the sources budget that keeps the first token within the targets of issue #7
# (p50 <= 3 s for the 1.5B, <= 2 s for the 0.5B, on MultiHop-RAG's long questions), and
# the Yes/No threshold calibrated with `newsdesk eval calibrate --yes-no` (the 0.5B's at 380
# tokens; its log-odds rank Yes and No at chance, AUC 0.52).
BUNDLED_TUNING: dict[str, dict[str, float]] = {
    "qwen2.5-coder-1.5b": {"context_tokens": 200, "yes_no_threshold": 0.28},
    "qwen2.5-coder-0.5b": {"context_tokens": 330, "yes_no_threshold": -1.28},
}
DEFAULT_CONTEXT_TOKENS = 450


class LLMSettings(BaseModel):
    # local: a bundled GGUF run by llama-cpp-python; openai: any OpenAI-compatible server
    # (OpenAI, Ollama, vLLM, llama.cpp); fake: a scripted model for the fast test tier.
    provider: Literal["local", "openai", "fake"] = "local"
    # For provider=local: a bundled model name ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b")
    # or a path to any GGUF file. For provider=openai: the served model name.
    model: str = "qwen2.5-coder-1.5b"
    base_url: str | None = None
    api_key: SecretStr | None = None
    n_ctx: int = Field(4096, ge=512, le=131072)
    n_threads: int = Field(2, ge=1, le=256)
    # llama.cpp's flash attention: prompt processing 6-10% faster on 2 AVX-512 cores
    # (1.5B: 101 -> 107 tokens/s; 0.5B: 237 -> 260), same logits up to rounding.
    flash_attn: bool = True
    max_tokens: int = Field(160, ge=16, le=4096)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    # An explicit timeout per attempt and a bounded number of retries: the openai SDK's
    # defaults (10 minutes, 2 retries) can block a user for half an hour.
    timeout_s: float = Field(60.0, gt=0, le=600)
    max_retries: int = Field(2, ge=0, le=5)
    # Yes/No questions on a local model: answer "Yes" when log P(Yes) - log P(No) of the
    # first token exceeds this threshold (calibrated on the MultiHop-RAG dev split with
    # `newsdesk eval calibrate --yes-no`; the bundled models lean to one side).
    # None: the value calibrated for the bundled model in use (BUNDLED_TUNING), else 0.
    yes_no_threshold: float | None = None
    yes_no_verdict: bool = True  # false: the model writes its Yes/No freely

    def verdict_threshold(self) -> float | None:
        """The Yes/No threshold in force, or None when the verdict is off."""
        if not self.yes_no_verdict:
            return None
        if self.yes_no_threshold is not None:
            return self.yes_no_threshold
        return self.tuning().get("yes_no_threshold", 0.0)

    def tuning(self) -> dict[str, float]:
        """What was measured for this bundled model (empty for any other model)."""
        return BUNDLED_TUNING.get(self.model, {}) if self.provider == "local" else {}


class EmbeddingSettings(BaseModel):
    provider: Literal["local", "openai", "fake"] = "local"
    # local: "all-MiniLM-L6-v2" (bundled) or a path to a sentence-transformers folder.
    model: str = "all-MiniLM-L6-v2"
    base_url: str | None = None
    api_key: SecretStr | None = None
    batch_size: int = Field(32, ge=1, le=1024)
    # local: onnxruntime (default, faster on CPU) or torch (sentence-transformers).
    backend: Literal["onnx", "torch"] = "onnx"
    # int8 weights for the local model (faster ingest on CPU, effect in docs/EVALUATION.md).
    quantize: bool = True
    timeout_s: float = Field(60.0, gt=0, le=600)
    max_retries: int = Field(2, ge=0, le=5)

    def label(self) -> str:
        """How reports name this embedding, e.g. "local:all-MiniLM-L6-v2@onnx-int8"."""
        if self.provider != "local":
            return f"{self.provider}:{self.model}"
        return f"local:{self.model}@{self.backend}{'-int8' if self.quantize else ''}"


class StoreSettings(BaseModel):
    # Embedded persistent folder by default; a Chroma server when host is set.
    path: Path = PROJECT_ROOT / ".newsdesk" / "chroma"
    host: str | None = None
    port: int = Field(8000, ge=1, le=65535)
    collection: str = "newsdesk"
    # Seconds to wait for a Chroma server before reporting it unreachable.
    timeout_s: float = Field(5.0, gt=0, le=120)

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, v: str) -> str:
        # Chroma needs 3-512 characters; we add suffixes, so keep room for them.
        if not 3 <= len(v) <= 200:
            raise ValueError("collection name must have 3 to 200 characters")
        return v


class ChunkingSettings(BaseModel):
    # Sized in tiktoken (cl100k) tokens. Chunks are not embedded whole (their sentences
    # are), so MiniLM's 256-word-piece limit does not bound them; 256 scored best.
    chunk_tokens: int = Field(256, ge=32, le=2048)
    chunk_overlap: int = Field(20, ge=0, le=512)


class IngestSettings(BaseModel):
    # `ingest --sync` and `--rebuild` refuse to remove more than this share of the store's
    # articles without --force: a half-mounted folder must not empty the store.
    max_removal_share: float = Field(0.5, ge=0.0, le=1.0)


class RetrievalSettings(BaseModel):
    # Defaults chosen on the MultiHop-RAG development split (docs/EVALUATION.md).
    top_k: int = Field(6, ge=1, le=50)  # chunks reported as "the sources" of a retrieval
    hybrid: bool = True  # BM25 (bm25s) fused with dense search
    candidates: int = Field(50, ge=5, le=500)  # BM25 chunks before fusion
    dense_sentences: int = Field(100, ge=5, le=1000)  # nearest sentences before fusion
    dense_weight: float = Field(0.2, ge=0.0, le=5.0)  # weight of the dense list in rank fusion
    per_outlet: int = Field(10, ge=1, le=100)  # extra hits searched within each named outlet
    rrf_k: int = Field(60, ge=1, le=1000)
    max_chunks_per_article: int = Field(20, ge=1, le=100)
    # The context stage selects sentences from this many top chunks, within a token budget.
    context_chunks: int = Field(40, ge=1, le=200)
    # Tokens of sources the LLM reads: the main latency lever on a CPU. None: the budget
    # measured for the bundled model in use (BUNDLED_TUNING), else 450.
    context_tokens: int | None = Field(None, ge=50, le=8000)
    # Refuse without calling the LLM when the question names a person, organisation or
    # outlet that no ingested article mentions (rag/subjects.py); the reason names it.
    check_names: bool = True
    # Evidence floor below which the bot refuses without calling the LLM (calibrated).
    min_evidence: float = Field(0.30, ge=0.0, le=1.0)


class UISettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=0, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    concurrency: int = Field(1, ge=1, le=16)
    queue_size: int = Field(8, ge=1, le=1000)
    max_upload_mb: int = Field(20, ge=1, le=1000)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # "NEWSDESK_X=" means the default, as .env.example shows
        extra="ignore",
    )

    seeds_dir: Path = PROJECT_ROOT / "seeds"
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    log_level: str = "WARNING"
    # Questions longer than this are refused before any model call (server side).
    max_question_chars: int = Field(1000, ge=10, le=20000)
    llm: LLMSettings = LLMSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    store: StoreSettings = StoreSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    ui: UISettings = UISettings()
    multihop_dir: Path = PROJECT_ROOT.parent / "shared" / "data" / "multihop-rag"


def context_budget(settings: Settings) -> int:
    """Tokens of sources the LLM reads: the setting, or the budget measured for the model."""
    if settings.retrieval.context_tokens is not None:
        return settings.retrieval.context_tokens
    return int(settings.llm.tuning().get("context_tokens", DEFAULT_CONTEXT_TOKENS))


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Build settings from the environment, `.env` and keyword overrides.

    >>> s = load_settings(env_file=None, llm={"provider": "fake"})
    >>> s.llm.provider
    'fake'
    """
    return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
