import json, sys, statistics
from llama_cpp import Llama
from rag.config import Settings
from rag.pipeline import Pipeline
from rag.answer import prompts
from rag.answer.generate import build_messages
from eval.common import eval_settings, sample
from eval.golden import load_set
from pathlib import Path
gs = load_set(sys.argv[1], Path("/work/shared/data/multihop-rag"), Path("seeds"))
settings = eval_settings(Settings(), gs, {})
p = Pipeline(settings)
p.ingest(gs.corpus)
tok = Llama("/root/.cache/newsdesk/models/qwen2.5-coder-1.5b.gguf", vocab_only=True, verbose=False)
t = lambda s: len(tok.tokenize(s.encode(), add_bos=False, special=True))
rows = []
for it in sample(gs.items, 30, 7):
    r = p.retrieve(it.question); c = p.context_for(it.question, r)
    if not c.sources: continue
    heads = sum(t(prompts.source_header(s.n, s.title, s.outlet, s.published)) + t("\n</source>\n") for s in c.sources)
    body = sum(t(" ".join(s.sentences)) for s in c.sources)
    rows.append((len(c.sources), heads, body, t(it.question)))
for i, name in enumerate(["sources", "header tokens", "sentence tokens", "question tokens"]):
    print(name, statistics.median(r[i] for r in rows))
