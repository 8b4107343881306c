# Runs of the twenty-second pass (machine E class), in order; each questions.jsonl is stored gzipped.
# Code: 590cbba (the eval records carry the model's NOT FOUND log-odds; reports give yes_no_auc and
# judgement_auc). No prompt or answer path changed after 3a9979c except the follow-up person rule
# (feca71e), which none of the hand-written follow-ups reaches.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-06-c
E=".venv/bin/newsdesk eval --quiet"
# 1. recalibration of the two thresholds on the dev data calibrate reads (100 dev questions outside
#    the 120 sample, seed 11, and the tuning set), at the current prompts and budgets
.venv/bin/newsdesk eval calibrate --model-judgement > $P/calibrate/stdout.txt   # rows: $P/calibrate/rows.jsonl
# 2. Yes/No hint wordings, tuning only (100 dev Yes/No questions outside the sample)
.venv/bin/python $P/hint_probe.py 100 > $P/hint_probe.jsonl
.venv/bin/python $P/hint_analyse.py $P/hint_probe.jsonl > $P/hint_analyse.txt
# 3. tried and reverted: a person substituted in a follow-up that also leans on "that game"
#    (tuning follow-up sets; runs in $P/tried-person-with-context)
# 4. answering despite the judgement (NOT FOUND threshold 20), tuning set
NEWSDESK_REFUSAL__NOT_FOUND_THRESHOLD=20 $E --set tuning-multihop --out $P/forced-tuning
# 5. the report sets at 590cbba
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
$E --set multihop-dev --limit 120 --seed 7 --out $P/dev
$E --set seeds --out $P/seeds
$E --set seeds-paraphrase --out $P/para
$E --set followups-heldout-multihop --out $P/fh
# 6. the tuning follow-up sets at 590cbba, for the NOT FOUND log-odds of each follow-up ($P/fu-tuning)
for s in followups-seeds followups-multihop followups-shortturn-multihop; do $E --set $s --out $P/fu-tuning/$s; done
# 7. decoding speed without the pipeline (run alone, after the calibration)
.venv/bin/python $P/decode_bench.py ~/.cache/newsdesk/models/qwen2.5-coder-1.5b.gguf > $P/decode_bench.txt
