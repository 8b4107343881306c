"""One validation question asked through the product, with the model's streamed events printed.
Usage: ask_one.py mh-N (NEWSDESK_MULTIHOP_DIR set)."""
import sys, json
sys.path.insert(0, "/work/main")
from eval.common import eval_settings, ingest_shared
from eval.golden import load_multihop
from rag import Pipeline, load_settings
base = load_settings()
gs = load_multihop(base.multihop_dir, "validation")
pipe = Pipeline(eval_settings(base, gs, {}))
ingest_shared(pipe, gs)
q = [it for it in gs.items if it.id == sys.argv[1]][0].question
llm = pipe.llm
orig = llm.stream_after
def spy(*a, **k):
    for ev in orig(*a, **k):
        print(repr(ev), flush=True)
        yield ev
llm.stream_after = spy
ans = pipe.ask(q) if hasattr(pipe, "ask") else pipe.query(q)
print(ans.text if hasattr(ans, "text") else ans)
