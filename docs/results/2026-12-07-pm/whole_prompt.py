"""`newsdesk eval` with the local model reading every new prompt from the cached system prompt in one
batch of 512, as at da350ab (no block of an earlier prompt kept): the same-session baseline for the
block reuse's answers and timings. Usage: whole_prompt.py EVAL-ARGS..."""
import sys

from eval.cli import main
from rag.providers.llama_local import LocalLlamaModel

defaults = LocalLlamaModel.__init__.__defaults__
LocalLlamaModel.__init__.__defaults__ = (*defaults[:-1], 512)  # block: 512, longer than any prompt after the system prompt
sys.exit(main(sys.argv[1:]))
