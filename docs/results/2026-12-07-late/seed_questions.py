"""Ask questions over the seed article as the product does (defaults, the seeds eval store) and
print each answer or refusal with its quotes. Usage: python seed_questions.py "Q1" "Q2" ..."""
import sys

sys.path.insert(0, ".")
from eval.common import eval_settings, ingest_shared  # noqa: E402
from eval.golden import load_set  # noqa: E402
from rag import Pipeline, load_settings  # noqa: E402

base = load_settings()
gs = load_set("seeds", base.multihop_dir, base.seeds_dir)
pipe = Pipeline(eval_settings(base, gs, {}))
ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
for q in sys.argv[1:]:
    a = pipe.ask(q)
    print(q, "->", a.text, "| refusal:", a.refusal_reason, "| removed:", a.removed,
          "| quotes:", [c.quote for c in a.citations], flush=True)
