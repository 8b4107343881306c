"""How often an answer's second look read an article twice: counted by wrapping
`Context.folded`, which runs once per second look the model answers from. Before f985755 each
such answer listed that article twice among its sources. Prints one JSON line after the eval.

Run from the repository root at f985755 or later, with `newsdesk eval`'s arguments:
    NEWSDESK_MULTIHOP_DIR=../shared/data/multihop-rag .venv/bin/python fold_count.py \
        --set multihop-dev --limit 120 --seed 7 --out OUT --quiet
"""

import json
import sys

from rag.answer import context as ctx
from rag.cli import main

looks: list[tuple[int, int]] = []  # (blocks folded, numbers changed) per answered second look
_folded = ctx.Context.folded


def counting(self: ctx.Context) -> ctx.Context:
    out = _folded(self)
    looks.append((len(self.sources) - len(out.sources), len(out.aliases)))
    return out


ctx.Context.folded = counting  # type: ignore[method-assign]
rc = main(["eval", *sys.argv[1:]])
print(json.dumps({"rc": rc, "second_looks_answered": len(looks), "read_an_article_twice": sum(1 for f, _ in looks if f),
                  "blocks_folded": sum(f for f, _ in looks), "numbers_changed": sum(a for _, a in looks)}))
