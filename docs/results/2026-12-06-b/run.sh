# Runs of this pass (machine E class), in order; each questions.jsonl is stored gzipped.
# 3a9979c: a Yes/No question of two or more claims reads the multi-part budget (300 tokens); before it, only open questions of three or
# more clues did.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-06-b
E=".venv/bin/newsdesk eval --quiet"
# probe: Yes-minus-No log-odds at 200 and 300 tokens on 100 dev Yes/No questions (seed 7)
.venv/bin/python $P/yn_probe.py 100 > $P/yn_probe.jsonl
.venv/bin/python $P/yn_analyse.py $P/yn_probe.jsonl
# the sample questions whose prompt the change touches (Yes/No, two or more claims)
.venv/bin/python $P/make_subsets.py dev $P/dev-yesno-multihop.jsonl
.venv/bin/python $P/make_subsets.py validation $P/val-yesno-multihop.jsonl
$E --set $P/dev-yesno-multihop.jsonl --out $P/dev-yn300
$E --set $P/val-yesno-multihop.jsonl --out $P/val-yn300
.venv/bin/python $P/merge.py docs/results/2026-12-06/dev/questions.jsonl.gz $P/dev-yn300/questions.jsonl
.venv/bin/python $P/merge.py docs/results/2026-12-06/val/questions.jsonl.gz $P/val-yn300/questions.jsonl
# a new session (new instance of the same class): the whole validation sample at 3a9979c, and
# the same session's 200-token runs of the changed questions for timing
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
NEWSDESK_RETRIEVAL__MULTI_PART_CONTEXT_TOKENS=200 $E --set $P/val-yesno-multihop.jsonl --out $P/val-yn200
$E --set multihop-dev --limit 120 --seed 7 --out $P/dev
# interleaved first-token cost of the two budgets on the dev sample's Yes/No questions of two claims
.venv/bin/python docs/results/2026-12-06/budget_bench.py $P/dev-yesno-multihop.jsonl 24 200,300 > $P/budget_bench.jsonl
# timings against the same session's 200-token run
.venv/bin/python $P/same_session.py $P/val/questions.jsonl.gz $P/val-yn200/questions.jsonl.gz > $P/val-same-session.txt
# the hand-written sets whose prompts should not change, rerun at 3a9979c
$E --set seeds --out $P/seeds
$E --set seeds-paraphrase --out $P/para
$E --set followups-seeds --out $P/fs
