"""How much of a follow-up's prompt llama.cpp already holds from the turn before: run
`newsdesk eval` on a follow-up set, record every prompt the local model is given and where
each turn starts, and write them to $KV_LOG. Measurement only: the product is unchanged."""
import json, os, sys
from rag.providers import llama_local
from rag import pipeline as pl

log = open(os.environ["KV_LOG"], "w")
orig_format = llama_local.LocalLlamaModel._format
def fmt(messages):
    text = orig_format(messages)
    log.write(json.dumps({"prompt": text}) + "\n"); log.flush()
    return text
llama_local.LocalLlamaModel._format = staticmethod(fmt)
orig_stream = pl.Pipeline.stream
def stream(self, question, **kw):
    log.write(json.dumps({"turn": question, "follow_up": bool(kw.get("history"))}) + "\n"); log.flush()
    yield from orig_stream(self, question, **kw)
pl.Pipeline.stream = stream
from rag.cli import main
sys.exit(main(sys.argv[1:]))
