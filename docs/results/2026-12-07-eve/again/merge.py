"""Figures of a set with the lever: each stored row (the code before it), replaced by the rerun's
row where the stored answer is a name the question gives (the only answers the lever changes)."""
import gzip, json, sys
sys.path.insert(0, '.')
from rag.answer.opening import repeated_name
from eval.report import summarise
stored, rerun_dir = sys.argv[1], sys.argv[2]
op = gzip.open if stored.endswith('.gz') else open
rows = [json.loads(l) for l in op(stored, 'rt')]
new = {}
for l in gzip.open(rerun_dir + '/questions.jsonl.gz', 'rt'):
    r = json.loads(l); new[r['id']] = r
out = []
for r in rows:
    flagged = not r['refused'] and repeated_name(r['question'], r['answer'] or '')
    if flagged:
        n = new[r['id']]
        print(r['id'], r['correct'], '->', n['correct'], '|', r['answer'][:60], '->', (n['answer'] or '')[:80], '|', n['refusal_reason'][:80] if n['refused'] else '')
        out.append(n)
    else:
        out.append(r)
meta = json.load(open(rerun_dir + '/summary.json'))['meta']
o = summarise(out, meta)['overall']
print(json.dumps({k: o.get(k) for k in ("accuracy", "abstention", "false_abstention", "balanced_yes_no", "citation_precision")}))
