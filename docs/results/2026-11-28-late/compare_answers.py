"""Answer by answer: (answer, refused, correct) of two `newsdesk eval` runs, keyed by question id.

Usage: python compare_answers.py BEFORE_DIR AFTER_DIR (each holding questions.jsonl)."""
import json, sys
def load(d):
    return {json.loads(l)['id']: json.loads(l) for l in open(d + '/questions.jsonl')}
a, b = load(sys.argv[1]), load(sys.argv[2])
same = 0
for k in a:
    x, y = a[k], b.get(k)
    if y is None: print('missing', k); continue
    if (x.get('answer'), x.get('refused'), x.get('correct')) == (y.get('answer'), y.get('refused'), y.get('correct')):
        same += 1
    else:
        print(k, '| before:', x.get('correct'), x.get('refused'), (x.get('answer') or '')[:160].replace('\n', ' '))
        print(' ' * len(k), '| after: ', y.get('correct'), y.get('refused'), (y.get('answer') or '')[:160].replace('\n', ' '))
print(f'{same} of {len(a)} the same')
