"""Decoding speed of the bundled 1.5B on this machine (no pipeline): one 338-token prompt, 64 greedy
tokens, streamed, at 2 and 1 threads, flash attention on and off. Usage: decode_bench.py GGUF"""
import sys, time, glob
from llama_cpp import Llama
path = sys.argv[1]
src = open(glob.glob('seeds/*.txt')[0]).read()[:1500]
prompt = f"<|im_start|>system\nYou answer questions.<|im_end|>\n<|im_start|>user\n{src}\n\nQuestion: Summarise the article in detail.<|im_end|>\n<|im_start|>assistant\n"
def run(llm, **kw):
    llm.reset()
    base = dict(max_tokens=64, temperature=0, top_k=1, repeat_penalty=1.05, seed=0, stream=True); base.update(kw)
    t0=time.perf_counter(); first=None; n=0
    for part in llm.create_completion(prompt, **base):
        if first is None: first=time.perf_counter()
        n+=1
    t1=time.perf_counter()
    return round(first-t0,2), n, round((n-1)/(t1-first),1)
for cfg in [dict(n_threads=2, flash_attn=True), dict(n_threads=2, flash_attn=False), dict(n_threads=1, flash_attn=True)]:
    llm = Llama(model_path=path, n_ctx=4096, n_threads_batch=2, n_batch=512, verbose=False, **cfg)
    print(cfg, 'rp1.05', run(llm), 'rp1.0', run(llm, repeat_penalty=1.0), 'nostream', end=' ')
    llm.reset(); t0=time.perf_counter(); out=llm.create_completion(prompt, max_tokens=64, temperature=0, top_k=1, seed=0); t1=time.perf_counter()
    print(round(t1-t0,2), out['usage'])
    del llm
