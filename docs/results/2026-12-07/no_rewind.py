"""`newsdesk eval` with the local model reusing the previous prompt's cache as before c4e1d1c (no
rewind to the cached system prompt): the same-session baseline for the rewind's answers and timings.
Usage: no_rewind.py EVAL-ARGS..."""
import sys

from eval.cli import main
from rag.providers.llama_local import LocalLlamaModel

LocalLlamaModel._rewind = lambda self: None  # type: ignore[method-assign]
sys.exit(main(sys.argv[1:]))
