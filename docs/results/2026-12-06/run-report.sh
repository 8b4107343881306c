cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
E=".venv/bin/newsdesk eval --quiet"
$E --set multihop-validation --limit 120 --seed 7 --out /tmp/runs/val > /tmp/runs/val.log 2>&1
NEWSDESK_RETRIEVAL__MULTI_PART_CONTEXT_TOKENS=200 $E --set docs/results/2026-12-06/val-open-multihop.jsonl --out /tmp/runs/val-open200 > /tmp/runs/val-open200.log 2>&1
.venv/bin/python docs/results/2026-12-06/budget_bench.py docs/results/2026-12-06/dev-open-multihop.jsonl 24 200,300 > /tmp/runs/budget_bench.jsonl 2>/tmp/runs/budget_bench.err
$E --set seeds --out /tmp/runs/seeds > /tmp/runs/seeds.log 2>&1
echo done > /tmp/runs/chain5.done
# then the dev sample at the final code
.venv/bin/newsdesk eval --quiet --set multihop-dev --limit 120 --seed 7 --out /tmp/runs/dev
# timings against the same session's 200-token runs:
# same_session.py val/questions.jsonl.gz val-open200/questions.jsonl.gz > val-same-session.txt
# same_session.py dev/questions.jsonl.gz dev-open200/questions.jsonl.gz > dev-same-session.txt
