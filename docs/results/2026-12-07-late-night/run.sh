# Runs of the twenty-eighth pass (machine E class: Intel Xeon, CPU model 167, AVX-512 with AMX,
# llama-cpp-python built for AVX-512 by scripts/setup.sh), in order; each questions.jsonl is stored
# gzipped. "Before" is bd12889 (the twenty-seventh pass's last commit), run from a git worktree of
# it in /tmp/base with the same venv and its own store.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-07-late-night
E=".venv/bin/newsdesk eval --quiet"
B="/work/main/.venv/bin/python -m rag.cli eval --quiet"
# 1. the two new three-turn follow-up sets, written before either run, before and after 85a9830
for s in followups-chain-seeds followups-chain-multihop; do (cd /tmp/base && $B --set $s --out /work/main/$P/before-$s); done
for s in followups-chain-seeds followups-chain-multihop; do $E --set $s --out $P/after-$s; done
# 2. the either/or questions of MultiHop (a word or'd with its negated form, or before/after):
#    the 8 dev questions (tuning) before and after 90e9870, and two per-question hints tried on
#    them and not kept (never committed):
#      hint:  "Begin with the one of the two the question offers that the sources support, then
#              give the fact from the sources that decides it."
#      hint2: "Begin with {first} or {second}, then give the fact from the sources that decides it."
#             with the question's own two words ("Consistent or Inconsistent")
(cd /tmp/base && $B --set $P/choice-multihop-dev.jsonl --out /work/main/$P/choice-dev-before)
$E --set $P/choice-multihop-dev.jsonl --out $P/choice-dev-after
$E --set $P/choice-multihop-dev.jsonl --out $P/choice-dev-hint    # with the first hint
$E --set $P/choice-multihop-dev.jsonl --out $P/choice-dev-hint2   # with the second hint
#    then the 8 validation questions, once, as committed (report)
(cd /tmp/base && $B --set $P/choice-multihop-validation.jsonl --out /work/main/$P/choice-val-before)
$E --set $P/choice-multihop-validation.jsonl --out $P/choice-val-after
# 3. the validation sample at 90e9870 (no question in it is either/or or a third turn)
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
# 4. the two-turn follow-up sets at the final code, to confirm them (seeds ran at 90e9870, the two
#    MultiHop sets at 40ddbff, which only reads the earlier turns without recursion)
for s in followups-seeds followups-multihop followups-heldout-multihop; do $E --set $s --out $P/fu/$s; done
# 5. offline, no LLM: the Yes/No verdict with the NOT FOUND reading, on dev rows only
.venv/bin/python $P/yes_no_with_not_found.py > $P/yes_no_with_not_found.txt
# 6. the chain sets again at ae9a5c4 (a name from the earlier answer kept as written)
for s in followups-chain-seeds followups-chain-multihop; do $E --set $s --out $P/case-$s; done
