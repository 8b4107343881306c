# Runs of the twenty-seventh pass (machine C class: AMD EPYC, CPU model 17, AVX-512, no AMX), in
# order; each questions.jsonl is stored gzipped. "Before" is 344cdd6 (the twenty-sixth pass's last
# commit), run from a git worktree of it in /tmp/base with the same venv.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-07-night
E=".venv/bin/newsdesk eval --quiet"
# 1. retrieval only, all 512 dev questions (no LLM): before, both spelling directions, and the kept
#    one (British -> American, lower-case words); summaries in retrieval-dev.json
(cd /tmp/base && /work/main/.venv/bin/python -m rag.cli eval --quiet --set multihop-dev --retrieval-only --out /tmp/ret-base)
$E --set multihop-dev --retrieval-only --out /tmp/ret-new    # with rag/text/spelling.py mapping both ways (never committed)
$E --set multihop-dev --retrieval-only --out /tmp/ret-new2   # as committed in f6158bc
# 2. the report sets and the tuning set at b77b8b1 (para and seeds ran on the both-ways draft: the
#    seed article has no British word, so the two cannot differ there)
$E --set seeds-paraphrase --out $P/para
$E --set seeds --out $P/seeds
for s in followups-seeds followups-multihop followups-heldout-multihop; do $E --set $s --out $P/fu/$s; done
$E --set eval/golden/tuning-multihop.jsonl --out $P/tuning-multihop
# 3. validation and dev samples, then the validation sample before, in the same session
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
$E --set multihop-dev --limit 120 --seed 7 --out $P/dev
.venv/bin/python $P/prompt_parts.py > $P/prompt_parts.txt
(cd /tmp/base && /work/main/.venv/bin/python -m rag.cli eval --quiet --set multihop-validation --limit 120 --seed 7 --out /work/main/$P/val-before)
.venv/bin/python $P/header_prefill.py > $P/header_prefill.txt   # last, with nothing else running
