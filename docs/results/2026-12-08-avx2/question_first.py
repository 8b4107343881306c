"""Probe (prefill only, no answer generated): the question put before the sources as well as after
them ("Question: …\n\nSources: …\n\nQuestion: …"), against the product's prompt (sources, then the
question). Dev split only: N answerable Yes/No questions sampled with seed 7, N2 open answerable
ones and N2 unanswerable ones (those refused before the model are skipped). For each question both prompts are read back to back from the same cached system
prompt, with the same retrieved context, and the first-token log-odds recorded: Yes minus No and
NOT FOUND. Prints one JSON line per question (question_first_summary.py sums them up). Usage: question_first.py N N2"""
import json, math, random, sys, time
sys.path.insert(0, "/work/main")
from eval.common import eval_settings, ingest_shared
from eval.golden import load_multihop
from eval.metrics import normalise
from rag import Pipeline, load_settings
from rag.answer import prompts
from rag.answer.generate import build_messages, is_yes_no
from rag.answer.refusal import Evidence

N, N2 = int(sys.argv[1]), int(sys.argv[2])
PRODUCT = prompts.USER
FIRST = "Question: {question}\n\n" + PRODUCT
base = load_settings()
gs = load_multihop(base.multihop_dir, "dev")
pipe = Pipeline(eval_settings(base, gs, {}))
ingest_shared(pipe, gs)
rng = random.Random(7)
yn = [it for it in gs.items if it.answerable and is_yes_no(it.question)]
op = [it for it in gs.items if not is_yes_no(it.question) and it.answerable]
null = [it for it in gs.items if not it.answerable]
items = rng.sample(yn, N) + rng.sample(op, N2) + rng.sample(null, N2)
llm = pipe.llm
for it in items:
    r = pipe.retrieve(it.question)
    ctx = pipe.context_for(it.question, r)
    if pipe.refusal.reason("question", Evidence(it.question, ctx, unknown=r.unknown)):
        continue
    row = {"id": it.id, "yes_no": is_yes_no(it.question), "answerable": it.answerable,
           "gold": normalise(it.answers[0]) if it.answerable else None}
    for name, template in (("product", PRODUCT), ("first", FIRST)):
        prompts.USER = template
        msgs = build_messages(it.question, ctx)
        t = time.perf_counter()
        lp = llm.first_token_logprobs(msgs, ["Yes", "No", "NOT"])
        p = min(math.exp(lp["NOT"]), 1 - 1e-12)
        row[name] = {"s": round(time.perf_counter() - t, 2), "tokens": llm.count_tokens(msgs[1]["content"]),
                     "yes_minus_no": round(lp["Yes"] - lp["No"], 3), "not_found": round(math.log(max(p, 1e-12)) - math.log1p(-p), 3)}
    prompts.USER = PRODUCT
    print(json.dumps(row), flush=True)
