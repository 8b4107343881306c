"""How often a second look the model answers from reads an article twice (dev split, tuning
only): counted by wrapping `Context.folded`, which runs once per adopted second look. Before
f985755 each such answer listed that article twice among its sources.

Run from the repository root at f985755 or later:
    NEWSDESK_MULTIHOP_DIR=../shared/data/multihop-rag .venv/bin/python fold_count.py OUT
"""

import json
import sys

from rag.answer import context as ctx
from rag.cli import main

folds: list[int] = []
_folded = ctx.Context.folded


def counting(self: ctx.Context) -> ctx.Context:
    out = _folded(self)
    folds.append(len(out.aliases))
    return out


ctx.Context.folded = counting  # type: ignore[method-assign]
rc = main(["eval", "--set", "multihop-dev", "--limit", "120", "--seed", "7", "--out", sys.argv[1], "--quiet"])
print(json.dumps({"rc": rc, "second_looks_answered": len(folds), "read_an_article_twice": sum(1 for f in folds if f),
                  "blocks_folded": sum(folds)}))
