# Runs of the twenty-sixth pass (machine C class: AMD EPYC, CPU model 17, AVX-512, no AMX), in
# order; each questions.jsonl is stored gzipped. Stored runs read by the probes are in
# docs/results/2026-12-07/ and docs/results/2026-12-07-eve/.
cd /work/main
export NEWSDESK_MULTIHOP_DIR=/work/shared/data/multihop-rag
P=docs/results/2026-12-07-late
E=".venv/bin/newsdesk eval --quiet"
# 1. tuning probe (no LLM, at 7dce2f8 with the variants patched in): which stored answers change if
#    a title cut from an article's first words grounds no name (A, N: for names only, the lever),
#    and if the sentence before counts only where the cited sentence leans on it (B)?
.venv/bin/python $P/ground_probe.py multihop-dev docs/results/2026-12-07-eve/ante/dev/questions.jsonl.gz > $P/ground_probe_ante-dev.jsonl
.venv/bin/python $P/ground_probe.py multihop-dev docs/results/2026-12-07/dev/questions.jsonl.gz > $P/ground_probe_dev.jsonl
.venv/bin/python $P/ground_probe.py eval/golden/tuning-multihop.jsonl docs/results/2026-12-07-eve/ante/tuning-multihop/questions.jsonl.gz > $P/ground_probe_tuning.jsonl
#    (and, to see the lever's reach, the two seed-article report sets; seeds before variant N was added)
.venv/bin/python $P/ground_probe.py seeds docs/results/2026-12-07-eve/seeds/questions.jsonl.gz > $P/ground_probe_seeds.jsonl
.venv/bin/python $P/ground_probe.py seeds-paraphrase docs/results/2026-12-07-eve/para/questions.jsonl.gz > $P/ground_probe_para.jsonl
# 2. tuning probes not built (no LLM): a restated question name checked like the answer's own
#    (qname), a citation moved to another source that supports the sentence (recite), an answer
#    without the kind asked for (type), live-blog lines repeated with new numbers (template), quotes
#    that are questions (question_quote), a name grounded only on a sentence sharing none of the
#    question's terms (relation)
.venv/bin/python $P/qname_probe.py multihop-dev docs/results/2026-12-07/dev/questions.jsonl.gz > $P/qname_probe_dev.jsonl
.venv/bin/python $P/qname_probe.py eval/golden/tuning-multihop.jsonl docs/results/2026-12-07-eve/ante/tuning-multihop/questions.jsonl.gz > $P/qname_probe_tuning.jsonl
.venv/bin/python $P/recite_probe.py multihop-dev docs/results/2026-12-07-eve/again/dev-identity-before/questions.jsonl.gz docs/results/2026-12-07-eve/ante/dev/questions.jsonl.gz docs/results/2026-12-07/dev/questions.jsonl.gz > $P/recite_probe_dev.jsonl
.venv/bin/python $P/recite_probe.py eval/golden/tuning-multihop.jsonl docs/results/2026-12-07-eve/ante/tuning-multihop/questions.jsonl.gz > $P/recite_probe_tuning.jsonl
.venv/bin/python $P/type_probe.py docs/results/2026-12-07/dev/questions.jsonl.gz docs/results/2026-12-07-eve/ante/dev/questions.jsonl.gz docs/results/2026-12-07-eve/again/dev-identity-before/questions.jsonl.gz docs/results/2026-12-07-eve/ante/tuning-multihop/questions.jsonl.gz docs/results/2026-12-07-eve/ante/followups-*/questions.jsonl.gz > $P/type_probe.txt
.venv/bin/python $P/template_probe.py > $P/template_probe.jsonl
.venv/bin/python $P/question_quote_probe.py docs/results/2026-12-07/dev/questions.jsonl.gz docs/results/2026-12-07-eve/again/dev-identity-before/questions.jsonl.gz docs/results/2026-12-07-eve/ante/tuning-multihop/questions.jsonl.gz docs/results/2026-12-07-eve/ante/followups-*/questions.jsonl.gz > $P/question_quote_probe.txt
.venv/bin/python $P/relation_probe.py multihop-dev docs/results/2026-12-07-eve/again/dev-identity-before/questions.jsonl.gz docs/results/2026-12-07-eve/ante/dev/questions.jsonl.gz docs/results/2026-12-07/dev/questions.jsonl.gz > $P/relation_probe_dev.jsonl
.venv/bin/python $P/relation_probe.py eval/golden/tuning-multihop.jsonl docs/results/2026-12-07-eve/ante/tuning-multihop/questions.jsonl.gz > $P/relation_probe_tuning.jsonl
.venv/bin/python $P/relation_probe.py followups-multihop docs/results/2026-12-07-eve/ante/followups-multihop/questions.jsonl.gz docs/results/2026-12-07-eve/ante/followups-shortturn-multihop/questions.jsonl.gz > $P/relation_probe_fu.jsonl
# 3. the lever 'ask again without a name no cited passage gives' (misnamed_again.patch applied to
#    9444480's parent with the fix; never committed): the 12 dev questions whose answer to who/which
#    was refused so in stored runs, and two controls answered right
$E --set $P/misnamed-dev-multihop.jsonl --out $P/misnamed-dev
# 4. the report sets at the kept fix (9444480)
$E --set seeds-paraphrase --out $P/para
$E --set seeds --out $P/seeds
for s in followups-seeds followups-multihop followups-heldout-multihop; do $E --set $s --out $P/fu/$s; done
$E --set multihop-validation --limit 120 --seed 7 --out $P/val
# 5. asked by hand over the seed article (the chat misattributions)
.venv/bin/python $P/seed_questions.py "Who, according to the NATO chief, is getting ready for more war?" "Who, according to Stoltenberg, is preparing for more war?" "Whose prime objective is Bakhmut, per the report?"
# 6. the same validation sample with llama.cpp built for AVX2 only (no AVX-512), on the same
#    machine C instance, to read this code's latency on the common machine class's kernels
#    (the build flags are scripts/setup.sh's AVX2 level; installed beside the venv, not into it)
CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON" \
  .venv/bin/pip wheel -q --no-deps --no-cache-dir "llama-cpp-python==0.3.36" -w /tmp/avx2wheel
.venv/bin/pip install -q --no-deps --target /tmp/llama_avx2 /tmp/avx2wheel/llama_cpp_python-0.3.36-py3-none-linux_x86_64.whl
PYTHONPATH=/tmp/llama_avx2 $E --set multihop-validation --limit 120 --seed 7 --out $P/val-avx2-build
