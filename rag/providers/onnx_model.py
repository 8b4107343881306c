"""A sentence-transformers model as an ONNX graph, built once on this machine and cached.

Why: ingest embeds every sentence of every article (about 51,000 for the MultiHop-RAG
corpus), so the embedding model's speed is the ingest speed. onnxruntime with int8 weights
(per-channel) runs MiniLM faster than torch's dynamic quantisation on 2 CPU cores and stays
closer to the fp32 vectors (figures in docs/BENCHMARKS.md). The graph is exported from the
bundled weights with torch (already a dependency), so nothing is downloaded.

The graph takes token ids and an attention mask and returns the mean-pooled, L2-normalised
sentence vector, which is exactly what the bundled model's pooling config asks for.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

# Bump when the export below changes, so old cached graphs are not reused.
EXPORT_VERSION = 1


def _fingerprint(model_dir: Path, quantize: bool) -> str:
    """Names, sizes and mtimes of the weights + versions that shape the graph."""
    import onnxruntime
    import torch

    parts: list[str] = [f"v{EXPORT_VERSION}", f"q{int(quantize)}", torch.__version__, onnxruntime.__version__]
    for f in sorted(model_dir.iterdir()):
        if f.is_file():
            st = f.stat()
            parts.append(f"{f.name}:{st.st_size}:{int(st.st_mtime)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _check_pooling(model_dir: Path) -> None:
    cfg = model_dir / "1_Pooling" / "config.json"
    if cfg.is_file():
        pooling = json.loads(cfg.read_text())
        if not pooling.get("pooling_mode_mean_tokens", False):
            raise ValueError(f"{model_dir} does not use mean pooling; use NEWSDESK_EMBEDDING__BACKEND=torch")


def export(model_dir: Path, out: Path, quantize: bool) -> None:
    """Export `model_dir` (a sentence-transformers folder) to `out`, atomically."""
    import torch
    from transformers import AutoModel

    _check_pooling(model_dir)
    # Eager attention: the SDPA path bakes Python-side mask decisions into the trace.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            h = self.inner(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).to(h.dtype)
            v = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, dim=-1)

    out.parent.mkdir(parents=True, exist_ok=True)
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (ids != 0).long()
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about shapes that are dynamic axes here
            torch.onnx.export(
                Pooled(model), (ids, mask), str(fp32),
                input_names=["ids", "mask"], output_names=["vec"],
                dynamic_axes={"ids": {0: "batch", 1: "seq"}, "mask": {0: "batch", 1: "seq"}, "vec": {0: "batch"}},
                opset_version=17, dynamo=False,
            )  # fmt: skip
        final = fp32
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            final = Path(tmp) / "model.int8.onnx"
            logging.disable(logging.WARNING)  # its "consider pre-processing" hint reaches users' terminals
            try:
                quantize_dynamic(str(fp32), str(final), weight_type=QuantType.QInt8, per_channel=True)
            finally:
                logging.disable(logging.NOTSET)
        # Rename inside the same folder: a killed export never leaves a half-written graph,
        # and two processes exporting at once both end with a whole file.
        os.replace(final, out)


def cached_graph(model_dir: Path, cache_dir: Path, quantize: bool) -> Path:
    """The path of the exported graph for this model, exporting it on first use (~10 s)."""
    out = cache_dir / "onnx" / f"{model_dir.name}-{_fingerprint(model_dir, quantize)}{'.int8' if quantize else ''}.onnx"
    if not out.is_file():
        export(model_dir, out, quantize)
    return out
