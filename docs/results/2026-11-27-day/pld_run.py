"""Run `newsdesk eval` with llama-cpp-python's prompt-lookup speculative decoding switched on
(PLD_TOKENS=k, 0 = off). Measurement only: the product is unchanged."""
import os, sys
import llama_cpp
from llama_cpp.llama_speculative import LlamaPromptLookupDecoding
k = int(os.environ.get("PLD_TOKENS", "0"))
if k:
    Orig = llama_cpp.Llama
    class Patched(Orig):
        def __init__(self, *a, **kw):
            kw["draft_model"] = LlamaPromptLookupDecoding(num_pred_tokens=k)
            kw["logits_all"] = True  # the draft path needs every logit; its buffer is sized by this argument
            super().__init__(*a, **kw)
    llama_cpp.Llama = Patched
from rag.cli import main
sys.exit(main(sys.argv[1:]))
