"""Prompt processing after the cached system prompt, as the product does it (first_token_logprobs):
12 prompts of 4 MultiHop articles x ~50 words each, a Yes/No question. Prints one JSON line.
header_bench.py (docs/results/2026-11-27-avx2/) reuses `load` and `time_prompts`."""
import json, sys, time, statistics
sys.path.insert(0, "/work/main")
from pathlib import Path
from rag.providers.llama_local import LocalLlamaModel
from rag.answer import prompts
from eval.common import llama_simd


def load(path: Path):
    """The model with the judged system prompt cached, and that system prompt."""
    m = LocalLlamaModel(path, path.name)
    system = prompts.system_prompt(judged=True)
    m.warm(system)
    return m, system


def time_prompts(m, system, header=prompts.source_header):
    """(new tokens, seconds, log P(Yes) - log P(No)) for each of the 12 prompts."""
    corpus = json.load(open("/work/shared/data/multihop-rag/corpus.json"))
    rows = []
    for i in range(12):
        arts = corpus[i * 4:(i + 1) * 4]
        src = "\n".join(f"{header(n + 1, a['title'], a['source'], a['published_at'][:10])}\n{' '.join(a['body'].split()[:50])}\n</source>"
                        for n, a in enumerate(arts))
        q = f"Does {arts[0]['source']} report that {arts[0]['title']}, while {arts[1]['source']} says otherwise?"
        user = prompts.USER.format(sources=src, question=q, hint=prompts.HINT_YES_NO)
        msgs = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        new = m.count_tokens(user)
        t = time.perf_counter()
        lp = m.first_token_logprobs(msgs, ["Yes", "No", "NOT"])
        dt = time.perf_counter() - t
        rows.append((new, dt, lp["Yes"] - lp["No"]))
    return rows


if __name__ == "__main__":
    path = Path(sys.argv[1])
    rows = time_prompts(*load(path))
    print(json.dumps({"model": path.name, "build": llama_simd(), "new_tokens_p50": statistics.median(r[0] for r in rows),
                      "prefill_s_p50": round(statistics.median(r[1] for r in rows), 3),
                      "tok_s_p50": round(statistics.median(r[0] / r[1] for r in rows), 1),
                      "yes_minus_no": [round(r[2], 2) for r in rows]}))
