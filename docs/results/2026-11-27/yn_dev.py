"""Dev only: the 120-question dev sample's answerable Yes/No questions, asked of the served 1.5B
with two wordings of the requested opening. One line per question and wording."""
import json, sys
from eval.common import eval_settings, sample
from eval.golden import load_multihop
from eval import metrics as M
from rag import Pipeline, load_settings
import rag.providers.openai_chat as oc

WORDINGS = {"begin": 'Begin your answer with "{prefix}".',
            "fact": 'Begin your answer with "{prefix}", then give the fact from the sources that decides it.'}
base = load_settings()
gs = load_multihop(base.multihop_dir, "dev")
items = [it for it in sample(gs.items, 120, 7) if it.answerable and it.is_yes_no]
pipe = Pipeline(eval_settings(base, gs, {}))
pipe.ingest([base.multihop_dir / "corpus.json"])
out = open(sys.argv[1], "w")
for it in items:
    for name, w in WORDINGS.items():
        oc.BEGIN_WITH = w
        a = pipe.ask(it.question)
        rec = {"id": it.id, "wording": name, "gold": it.answers[0], "correct": M.answer_correct(a.text, it.answers, a.refused),
               "refused": a.refused, "reason": a.refusal_reason, "raw": a.raw_text[:160]}
        out.write(json.dumps(rec) + "\n"); out.flush()
