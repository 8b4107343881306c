# Tuning runs of this pass (machine E class), in order. At 4c86e70 the setting was named
# open_context_tokens and applied to every question not asked Yes or No; eada4f5 narrowed it to
# open questions of three or more clues (multi_part_context_tokens).
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
# dev-open-multihop.jsonl: the 61 questions of the dev sample (120, seed 7) not asked Yes or No
for b in 300 450 200; do
  NEWSDESK_RETRIEVAL__OPEN_CONTEXT_TOKENS=$b .venv/bin/newsdesk eval --set dev-open-multihop.jsonl --out dev-open$b --quiet
done
# every open question at 300 (4c86e70): the hand-written tuning sets
.venv/bin/newsdesk eval --quiet --set tuning-multihop --out all-open300-tuning
.venv/bin/newsdesk eval --quiet --set followups-seeds --out all-open300-fs
