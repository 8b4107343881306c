# Runs of the thirtieth pass (machine D class: AMD EPYC family 25 model 1, Zen 3, 2 cores, 24 GiB;
# flags fma avx f16c bmi1 avx2 bmi2, no AVX-512; llama-cpp-python 0.3.36 built for AVX2 by
# scripts/setup.sh), in order; each questions.jsonl is stored gzipped.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-08-avx2
# 1. one more quantisation: the bundled 1.5B requantised to Q8_0 (llama.cpp's own quantize, type 7)
.venv/bin/python docs/results/2026-11-27/requantize.py ~/.cache/newsdesk/models/qwen2.5-coder-1.5b.gguf /tmp/q15-q8_0.gguf 7
for f in ~/.cache/newsdesk/models/qwen2.5-coder-1.5b.gguf /tmp/q15-q8_0.gguf; do .venv/bin/python $P/quant_bench.py $f >> $P/quant.jsonl; done
# 2. the validation sample at the last pass's final code (d77d86e)
.venv/bin/newsdesk eval --quiet --set multihop-validation --limit 120 --seed 7 --out $P/val
# 3. the question before the sources as well as after them: prefill-only probe on dev
.venv/bin/python $P/question_first.py 60 20 > $P/question_first.jsonl
.venv/bin/python $P/question_first_summary.py $P/question_first.jsonl > $P/question_first_summary.txt
# 4. the validation sample at 302daca (the stop rule no longer ends a sentence at an initial, "vs." or "No." + number)
.venv/bin/newsdesk eval --quiet --set multihop-validation --limit 120 --seed 7 --out $P/val-head
# 5. mh-2386 (at c77ddc5) and mh-366 (at b5651f7) asked again through the product, the model's stream printed:
.venv/bin/python $P/ask_one.py mh-2386; .venv/bin/python $P/ask_one.py mh-366
# 6. the seed paraphrases and near misses at b5651f7
.venv/bin/newsdesk eval --quiet --set seeds-paraphrase --out $P/para
# 7. the follow-up sets at b5651f7
for s in followups-seeds followups-multihop followups-heldout-multihop; do .venv/bin/newsdesk eval --quiet --set $s --out $P/fu/$s; done
