import sys, time, json
from llama_cpp import Llama
n = int(sys.argv[1])
m = Llama("/root/.cache/newsdesk/models/qwen2.5-coder-1.5b.gguf", n_ctx=2048, n_threads=n, n_threads_batch=n, n_batch=512, flash_attn=True, verbose=False)
toks = m.tokenize(("The council voted on Monday to add bike lanes downtown. " * 40).encode())[:300]
res = []
for i in range(3):
    m.reset(); t = time.perf_counter(); m.eval(toks); res.append(time.perf_counter() - t)
t = time.perf_counter(); out = m.create_completion("Once upon a time", max_tokens=40, temperature=0); dec = time.perf_counter() - t
print(json.dumps({"threads": n, "prefill_tok_s": round(300 / min(res), 1), "decode_40_s": round(dec, 2)}))
