# Runs of the twenty-ninth pass (machine E class: Intel Xeon, CPU model 167, AVX-512 build, AMX
# off), in order; each questions.jsonl is stored gzipped.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-07-midnight
E=".venv/bin/newsdesk eval --quiet"
# 0. probes on stored answers, no LLM: a first clause kept when a sentence fails (clause_probe_dev.jsonl;
#    the tuning, follow-up files are empty), and "X said" against the cited quote's speaker (speaker_probe.py)
.venv/bin/python $P/clause_probe.py multihop-dev docs/results/2026-12-07-night/dev/questions.jsonl.gz > $P/clause_probe_dev.jsonl
# 1. the new tuning set, written first, at f5eaaf0
$E --set eval/golden/attribution-multihop.jsonl --out $P/attr-before
# 2. with the first rule (ad9089c): the tuning set, then the seed paraphrases and near misses
$E --set eval/golden/attribution-multihop.jsonl --out $P/attr-after   # overwritten by 3
$E --set seeds-paraphrase --out $P/para
# 3. with both rules (the commit after ad9089c): the tuning set again; every stored run rechecked offline
$E --set eval/golden/attribution-multihop.jsonl --out $P/attr-after
#    (speaker_recheck.py SET RUN for each run named in speaker_recheck.txt)
# 4. re-citing a removed sentence to another source the model read (recite_probe.py; not built)
# 5. the validation sample at the final code (a no-LLM probe shared the CPU for part of it)
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
# 6. the held-out set, before (a git worktree of f5eaaf0, same venv) and after
(cd /tmp/base && /work/main/.venv/bin/python -m rag.cli eval --quiet --set /work/main/eval/golden/attribution-heldout-multihop.jsonl --out /work/main/$P/heldout-before)
$E --set eval/golden/attribution-heldout-multihop.jsonl --out $P/heldout-after
# 7. "Who, according to X, ...?": the tuning set at 3467871 (according/tuning-before) and at 5878ef5
#    (tuning-after); the held-out set before (a worktree of 3467871) and after, at 5878ef5
$E --set eval/golden/according-multihop.jsonl --out $P/according/tuning-after
(cd /tmp/base && /work/main/.venv/bin/python -m rag.cli eval --quiet --set /work/main/eval/golden/according-heldout-multihop.jsonl --out /work/main/$P/according/heldout-before)
$E --set eval/golden/according-heldout-multihop.jsonl --out $P/according/heldout-after
