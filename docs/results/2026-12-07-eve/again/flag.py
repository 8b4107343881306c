"""Which answers of stored runs are only a name their question gives (`repeated_name`): the only
answers the lever changes. Run from the repository root: python flag.py RUN/questions.jsonl[.gz]..."""
import gzip, json, sys, re
sys.path.insert(0, '.')
from rag.answer.opening import repeated_name
for f in sys.argv[1:]:
    op = gzip.open if f.endswith('.gz') else open
    n = 0; hits = []
    for l in op(f, 'rt'):
        r = json.loads(l); n += 1
        a = '' if r['refused'] else r['answer'] or ''
        raw_first = re.split(r'(?<=[.!?])\s', r.get('raw_answer') or '')[0]
        if repeated_name(r['question'], a) or repeated_name(r['question'], raw_first):
            hits.append((r['id'], r['correct'], a[:60], raw_first[:60], r['golds'][:1]))
    print(f, n, len(hits))
    for h in hits: print('   ', h)
