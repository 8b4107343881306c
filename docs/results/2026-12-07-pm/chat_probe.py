"""The fresh-clone chat of the last pass, replayed through the Python API on the seed article: the
follow-up "And what about fighter jets?" after each earlier turn the chat had, with the context the
model read, its answer and the sentences its citations matched. Usage: chat_probe.py"""
import sys

from eval.common import eval_settings, ingest_shared
from eval.golden import load_set
from rag import Pipeline, load_settings

base = load_settings()
fs = load_set("followups-seeds", base.multihop_dir, base.seeds_dir)
pipe = Pipeline(eval_settings(base, fs, {}))
ingest_shared(pipe, fs, say=lambda m: print(m, file=sys.stderr))
turns = ["Is Putin preparing for peace, according to Stoltenberg?", "Which two regions make up the Donbas?"]
history: list[tuple[str, str]] = []
for q in turns + turns[:1]:
    a = pipe.ask(q, history=history or None)
    print(f"Q: {q}\nA: {a.text}\n")
    history.append((q, a.text))
for previous in (history[-1], history[1]):
    a = pipe.ask("And what about fighter jets?", history=[previous])
    print(f"after: {previous[0]}\nQ: And what about fighter jets?\nA: {a.text}")
    print(f"  retrieval query: {a.retrieval_query}")
    for src in a.sources:
        print(f"  source [{src.n}]:", " | ".join(src.sentences))
    for s in a.sentences:
        print(f"  checked: {s.text!r} supported={s.supported} quotes={s.quotes}")
    print()
