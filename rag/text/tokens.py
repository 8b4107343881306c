"""Token counts in tiktoken's cl100k encoding: the unit every budget here is sized in."""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

ENCODING = "cl100k_base"


def ensure_offline_tiktoken(cache_dir: Path) -> None:
    """Point tiktoken at a BPE cache we control before its first use.

    `tiktoken.get_encoding` downloads its BPE file on first use, which fails offline.
    llama-index-core ships the file; we copy it into our cache so nothing is fetched.
    """
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return
    target = Path(cache_dir) / "tiktoken"
    shipped = _shipped_cache()
    try:
        target.mkdir(parents=True, exist_ok=True)
        for f in shipped.iterdir():
            if not (target / f.name).exists():
                shutil.copy2(f, target / f.name)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(target)
    except OSError:  # read-only cache: the shipped folder works too
        os.environ["TIKTOKEN_CACHE_DIR"] = str(shipped)


def _shipped_cache() -> Path:
    import llama_index.core

    return Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"


@lru_cache(maxsize=1)
def encoding() -> Any:
    """The cl100k encoding (loaded once), never downloaded: without a cache set up by the
    pipeline (`ensure_offline_tiktoken`), the file llama-index ships is read in place."""
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(_shipped_cache()))
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in `text`.

    >>> count_tokens("Sixteen settlements were bombarded.")
    7
    """
    return len(encoding().encode(text, disallowed_special=()))


def token_windows(text: str, max_tokens: int) -> list[str]:
    """`text` cut into pieces of at most `max_tokens` tokens (for an over-long sentence)."""
    toks = encoding().encode(text, disallowed_special=())
    pieces = (encoding().decode(toks[i : i + max_tokens]).strip() for i in range(0, len(toks), max_tokens))
    return [p for p in pieces if p]
