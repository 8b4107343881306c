# Runs of the twenty-third pass (machine E class), in order; each questions.jsonl is stored gzipped.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-07
E=".venv/bin/newsdesk eval --quiet"
# 1. probes at 8043503, tuning data only (the tuning set, dev questions outside the 120 sample)
.venv/bin/python $P/prompt_probe.py 100 > $P/prompt_probe.jsonl        # question first; contextual calibration
.venv/bin/python $P/prompt_analyse.py $P/prompt_probe.jsonl > $P/prompt_analyse.txt
.venv/bin/python $P/confidence_probe.py 60 > $P/confidence_probe.jsonl  # the answer's own token confidence
.venv/bin/python $P/confidence_analyse.py $P/confidence_probe.jsonl > $P/confidence_analyse.txt
.venv/bin/python $P/quote_probe.py > $P/quote_probe.jsonl              # quote marks paired in the context
# 2. the name check in another word order (38bc8da): tuning sets, then (once chosen) the report sets
.venv/bin/python $P/names_probe.py > $P/names_probe.jsonl
.venv/bin/python $P/names_probe.py multihop-validation followups-heldout-multihop > $P/names_probe_report.jsonl
$E --set followups-shortturn-multihop --out $P/fu-shortturn
# 3. a prompt read the same whatever came before (at 38bc8da; the probe rewinds by itself)
.venv/bin/python $P/reuse_probe.py 30 > $P/reuse_probe.txt
# 4. the report sets at c4e1d1c (rewind built)
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
$E --set multihop-dev --limit 120 --seed 7 --out $P/dev
$E --set seeds --out $P/seeds
$E --set seeds-paraphrase --out $P/para
$E --set followups-heldout-multihop --out $P/fh
for s in followups-seeds followups-multihop followups-shortturn-multihop; do $E --set $s --out $P/fu-tuning/$s; done
# 5. the same-session baseline: validation with the cache reused as before c4e1d1c
.venv/bin/python $P/no_rewind.py --quiet --set multihop-validation --limit 120 --seed 7 --out $P/val-no-rewind
.venv/bin/python $P/no_rewind.py --quiet --set seeds --out $P/seeds-no-rewind
.venv/bin/python $P/no_rewind.py --quiet --set seeds-paraphrase --out $P/para-no-rewind
