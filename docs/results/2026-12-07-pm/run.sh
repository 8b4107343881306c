# Runs of the twenty-fourth pass (machine E class), in order; each questions.jsonl is stored gzipped.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-07-pm
E=".venv/bin/newsdesk eval --quiet"
B=".venv/bin/python $P/whole_prompt.py --quiet"   # the same-session baseline: block 512, as at da350ab
# 1. probe (tuning data only): determinism, movement and seconds per prompt for blocks 512/128/64/32
#    (cut by its 1500 s timeout before block 32 on the seed article)
(cd $P && PYTHONPATH=/work/main timeout 1500 /work/main/.venv/bin/python block_probe.py 30 > block_probe.txt)  # at de61782
# 2. block 128 built (de61782); each report set with it and with the baseline, one after the other
#    (whole_prompt.py patches de61782's `block` default; after the revert it does not apply)
for s in seeds seeds-paraphrase followups-seeds; do $E --set $s --out $P/$s; $B --set $s --out $P/$s-base; done
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
$B --set multihop-validation --limit 120 --seed 7 --out $P/val-base
# 3. the block reuse reverted (490019a, the code of da350ab again): the wrong follow-up replayed, and a
#    negation check measured on earlier tuning runs (dev samples, tuning follow-ups)
(cd $P && PYTHONPATH=/work/main /work/main/.venv/bin/python chat_probe.py > chat_probe.txt)
.venv/bin/python $P/negation_probe.py docs/results/2026-12-07/dev/questions.jsonl.gz docs/results/2026-12-06/dev-open450/questions.jsonl.gz docs/results/2026-12-07/fu-tuning/*/questions.jsonl.gz > $P/negation_probe.txt
