"""The prefill time of the same 12 prompts with the product's source header and with a compact
one (speed only: what the model answers with either was not measured). One JSON line per format."""
import json, sys, time, statistics
sys.path.insert(0, "/work/main")
from pathlib import Path
from rag.providers.llama_local import LocalLlamaModel
from rag.answer import prompts
from eval.common import llama_simd
path = Path(sys.argv[1])
m = LocalLlamaModel(path, path.name)
system = prompts.system_prompt(judged=True)
m.warm(system)
corpus = json.load(open("/work/shared/data/multihop-rag/corpus.json"))
def compact(n, title, outlet, published):
    return f"<source {n} | {outlet} | {published} | {prompts._short_title(title)}>"
for name, header in [("product", prompts.source_header), ("compact", compact)]:
    rows = []
    for i in range(12):
        arts = corpus[i * 4:(i + 1) * 4]
        src = "\n".join(f"{header(n + 1, a['title'], a['source'], a['published_at'][:10])}\n{' '.join(a['body'].split()[:50])}\n</source>"
                        for n, a in enumerate(arts))
        q = f"Does {arts[0]['source']} report that {arts[0]['title']}, while {arts[1]['source']} says otherwise?"
        user = prompts.USER.format(sources=src, question=q, hint=prompts.HINT_YES_NO)
        msgs = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        n_new = len(m._llm.tokenize(user.encode(), add_bos=False, special=True))
        t = time.perf_counter(); m.first_token_logprobs(msgs, ["Yes", "No", "NOT"]); dt = time.perf_counter() - t
        rows.append((n_new, dt))
    print(json.dumps({"header": name, "build": llama_simd(), "new_tokens_p50": statistics.median(r[0] for r in rows),
                      "prefill_s_p50": round(statistics.median(r[1] for r in rows), 3)}))
