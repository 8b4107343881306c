import json, statistics, sys
from pathlib import Path
from llama_cpp import Llama
from rag.config import load_settings
from rag.providers.bundled import resolve_model_path
s = load_settings()
llm = Llama(model_path=str(resolve_model_path(s.llm.model, s.cache_dir)), vocab_only=True, verbose=False)
tok = lambda t: llm.tokenize(t.encode(), add_bos=False, special=True)
rows = []
for name in sys.argv[1:]:
    events = [json.loads(l) for l in open(name)]
    prev_prompt, turn_follow, first_in_turn = None, False, False
    for e in events:
        if "turn" in e:
            turn_follow, first_in_turn = e["follow_up"], True
            continue
        p = e["prompt"]
        if turn_follow and first_in_turn and prev_prompt is not None:
            a, b = tok(prev_prompt), tok(p)
            common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            system = p.index("<|im_start|>user\n") + len("<|im_start|>user\n")
            sys_tokens = len(tok(p[:system]))
            rows.append({"set": Path(name).stem, "prompt": len(b), "system": sys_tokens, "reused": common,
                         "beyond_system": max(0, common - sys_tokens), "new": len(b) - common})
        first_in_turn = False
        prev_prompt = p
print(json.dumps({"follow_ups": len(rows),
                  "prompt_p50": statistics.median(r["prompt"] for r in rows),
                  "system_p50": statistics.median(r["system"] for r in rows),
                  "new_tokens_p50": statistics.median(r["new"] for r in rows),
                  "reused_beyond_system_p50": statistics.median(r["beyond_system"] for r in rows),
                  "reused_beyond_system_max": max(r["beyond_system"] for r in rows),
                  "with_any_reuse_beyond_system": sum(r["beyond_system"] > 10 for r in rows)}))
for r in rows: print(r)
