"""Timings of a run with the Yes/No budget against the same session's baseline: the baseline is
the run's own answers for every question whose prompt the lever does not change, and the
200-token run's for the Yes/No questions of two or more claims (every question that run holds).
Usage: same_session.py RUN/questions.jsonl.gz RUN_AT_200/questions.jsonl.gz"""
import importlib.util
import sys
from pathlib import Path

# The twentieth pass's script reads runs and their timings the same way.
_spec = importlib.util.spec_from_file_location("twentieth", Path(__file__).parents[1] / "2026-12-06" / "same_session.py")
twentieth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(twentieth)

new, at200 = twentieth.load(sys.argv[1]), twentieth.load(sys.argv[2])
base = {i: at200.get(i, r) for i, r in new.items()}
print("baseline (200 tokens for Yes/No):", twentieth.figures(list(base.values())))
print("with the lever:                  ", twentieth.figures(list(new.values())))
print("Yes/No of 2+ claims only, 200:   ", twentieth.figures(list(at200.values())))
print("Yes/No of 2+ claims only, 300:   ", twentieth.figures([new[i] for i in at200]))
