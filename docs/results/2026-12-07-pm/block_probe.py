"""Reading a prompt in fixed blocks counted from the cached system prompt: does the reading stay
the same whatever came before, how far do readings move with the block size, and what does a
prompt cost. Tuning data only: dev Yes/No questions outside the 120 sample (MultiHop, prompts
share little beyond the system prompt) and the tuning follow-up questions over the seed article
(prompts share the article's opening). Each population is read in one order and in reverse.
Block 512 with nothing kept beyond the system prompt is the product before this pass.
Usage: block_probe.py N"""
import gc
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "2026-12-07"))  # the last pass's set-up
from tuning_data import dev_pipeline, outside_sample  # noqa: E402

from eval.common import eval_settings, ingest_shared, sample
from eval.golden import load_set
from rag import Pipeline
from rag.answer import prompts
from rag.answer.generate import build_messages
from rag.providers.bundled import resolve_model_path
from rag.providers.llama_local import LocalLlamaModel

n = int(sys.argv[1])
pipe, dev, base = dev_pipeline()
items = sample([i for i in outside_sample(dev) if i.answerable and i.is_yes_no], n, 11)
mh = [build_messages(it.question, pipe.context_for(it.question, pipe.retrieve(it.question)), yes_no=True) for it in items]
fs = load_set("followups-seeds", base.multihop_dir, base.seeds_dir)
seeds_pipe = Pipeline(eval_settings(base, fs, {}))
ingest_shared(seeds_pipe, fs, say=lambda m: print(m, file=sys.stderr))
qs = [q for it in fs.items for q in (*it.history, it.question)]
sd = [build_messages(q, seeds_pipe.context_for(q, seeds_pipe.retrieve(q)), yes_no=False) for q in qs]
path = resolve_model_path(base.llm.model, base.cache_dir)
del pipe, seeds_pipe
gc.collect()


def readings(llm, msgs, order):
    out, spent = {}, 0.0
    for i in order:
        t0 = time.perf_counter()
        lp = llm.first_token_logprobs(msgs[i], ["Yes", "No", "NOT"])
        spent += time.perf_counter() - t0
        p = min(math.exp(lp["NOT"]), 1 - 1e-12)
        out[i] = (lp["Yes"] - lp["No"], math.log(p) - math.log1p(-p))
    return out, spent / len(out)


ref = {}
for block in (512, 128, 64, 32):
    llm = LocalLlamaModel(path, base.llm.model, base.llm.n_ctx, base.llm.n_threads, base.llm.flash_attn, block=block)
    llm.warm(prompts.system_prompt(judged=True))
    for name, msgs in (("multihop", mh), ("seeds", sd)):
        fwd, s1 = readings(llm, msgs, range(len(msgs)))
        back, s2 = readings(llm, msgs, reversed(range(len(msgs))))
        diff = sum(abs(fwd[i][j] - back[i][j]) > 1e-9 for i in fwd for j in (0, 1))
        ref.setdefault(name, fwd)
        moved = [abs(fwd[i][j] - ref[name][i][j]) for i in fwd for j in (0, 1)]
        print(f"block {block} {name}: {len(msgs)} prompts; readings differing between orders {diff}; "
              f"moved from block 512: max {max(moved):.3f}, mean {sum(moved) / len(moved):.3f}; "
              f"seconds per prompt {s1:.2f} forward, {s2:.2f} reverse", flush=True)
    del llm
    gc.collect()
