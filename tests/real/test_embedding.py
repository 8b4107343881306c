"""The real embedding paths: the default onnxruntime int8 graph against the torch fp32 model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.config import EmbeddingSettings
from rag.providers.embedding import make_embedder

pytestmark = pytest.mark.real

TEXTS = [
    "Ukrainian forces said 16 settlements near Bakhmut were bombarded on Monday.",
    "The central bank raised interest rates by a quarter of a percentage point.",
    "Apple unveiled a new iPhone with a titanium frame at its September event.",
    "Shelling.",
    "A very long sentence " + "that keeps going with more words " * 60,  # past the 256 word-piece limit
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("emb-cache")


def test_onnx_int8_vectors_match_torch_fp32(onnx_cache: Path) -> None:
    onnx = make_embedder(EmbeddingSettings(), onnx_cache)
    torch_fp32 = make_embedder(EmbeddingSettings(backend="torch", quantize=False), onnx_cache)
    assert onnx.identity == "all-MiniLM-L6-v2@onnx-int8" and onnx.dim == 384
    a, b = onnx.embed_documents(TEXTS), torch_fp32.embed_documents(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    cos = (a * b).sum(axis=1)
    assert cos.min() > 0.97, cos
    # Same nearest passage for a query, and order of inputs is kept despite length sorting.
    q = onnx.embed_query("How many settlements were shelled near Bakhmut?")
    assert int(np.argmax(a @ q)) == 0
    np.testing.assert_allclose(onnx.embed_documents(TEXTS[::-1])[::-1], a, atol=0.02)


def test_graph_is_exported_once_and_atomically(onnx_cache: Path) -> None:
    make_embedder(EmbeddingSettings(), onnx_cache)
    graphs = sorted((onnx_cache / "onnx").iterdir())
    assert len(graphs) == 1 and graphs[0].suffix == ".onnx", graphs  # no temporary folder left behind
    before = graphs[0].stat().st_mtime_ns
    make_embedder(EmbeddingSettings(), onnx_cache)
    assert graphs[0].stat().st_mtime_ns == before


def test_empty_input_and_bad_model_folder(onnx_cache: Path, tmp_path: Path) -> None:
    from rag.errors import ModelUnavailable

    assert make_embedder(EmbeddingSettings(), onnx_cache).embed_documents([]).shape == (0, 384)
    with pytest.raises(ModelUnavailable, match="not found"):
        make_embedder(EmbeddingSettings(model=str(tmp_path / "nope")), onnx_cache)
    (tmp_path / "broken").mkdir()
    with pytest.raises(ModelUnavailable, match="cannot prepare"):
        make_embedder(EmbeddingSettings(model=str(tmp_path / "broken")), onnx_cache)
