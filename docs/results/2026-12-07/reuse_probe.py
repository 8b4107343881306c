"""Does the model's first-token reading of one prompt depend on the prompt read before it?
llama.cpp reuses the KV cache of the longest prefix the new prompt shares with the previous
one, so the point where prefill starts moves with what was asked before. Dev Yes/No questions
outside the 120 sample (tuning only): each prompt read in one order and in the reverse order,
with the cache reused as the product does now (`reuse`) and rewound to the cached system prompt
before each prompt (`rewind`). Prints how many log-odds differ between the two orders and by how
much, and the prefill time each way.
Usage: reuse_probe.py N"""
import math
import sys
import time

from tuning_data import dev_pipeline, outside_sample

from eval.common import sample
from rag.answer import prompts
from rag.answer.generate import build_messages

n = int(sys.argv[1])
pipe, dev, base = dev_pipeline()
items = sample([i for i in outside_sample(dev) if i.answerable and i.is_yes_no], n, 11)
msgs = [build_messages(it.question, pipe.context_for(it.question, pipe.retrieve(it.question)), yes_no=True) for it in items]
llm = pipe.llm
llm.warm(prompts.system_prompt(judged=True))
system_len = llm._llm.n_tokens


def readings(order, rewind):
    out, spent = {}, 0.0
    for i in order:
        if rewind:
            llm._llm.n_tokens = min(llm._llm.n_tokens, system_len)
        t0 = time.perf_counter()
        lp = llm.first_token_logprobs(msgs[i], ["Yes", "No", "NOT"])
        spent += time.perf_counter() - t0
        p = min(math.exp(lp["NOT"]), 1 - 1e-12)
        out[i] = (lp["Yes"] - lp["No"], math.log(p) - math.log1p(-p))
    return out, spent


for rewind in (False, True):
    fwd, t1 = readings(range(n), rewind)
    back, t2 = readings(reversed(range(n)), rewind)
    d_yn = [abs(fwd[i][0] - back[i][0]) for i in range(n)]
    d_nf = [abs(fwd[i][1] - back[i][1]) for i in range(n)]
    print(f"{'rewind' if rewind else 'reuse'}: Yes/No log-odds differ on {sum(x > 1e-9 for x in d_yn)} of {n} (max {max(d_yn):.3f}); "
          f"NOT FOUND on {sum(x > 1e-9 for x in d_nf)} (max {max(d_nf):.3f}); flips at 0.621: "
          f"{sum((fwd[i][0] > 0.621) != (back[i][0] > 0.621) for i in range(n))}; seconds per prompt {(t1 + t2) / (2 * n):.2f}")
