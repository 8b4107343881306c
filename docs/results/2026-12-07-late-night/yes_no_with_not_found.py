"""Offline probe (no LLM): the Yes/No verdict read from the Yes-minus-No log-odds minus a times the
NOT FOUND log-odds of the same first-token reading, on dev only: the 57 Yes/No rows of the
2026-12-06-c calibration run and the 55 of the twenty-seventh pass's dev sample. Prints, for each a,
the threshold with the best balanced accuracy on those 112 questions (in-sample)."""
import json,gzip,sys
import numpy as np
rows=[json.loads(l) for l in open('docs/results/2026-12-06-c/calibrate/rows.jsonl')]
dev=[(r['yes_minus_no'],r['not_found'],r['gold']=='yes') for r in rows if r['gold'] in ('yes','no')]
for l in gzip.open('docs/results/2026-12-07-night/dev/questions.jsonl.gz','rt'):
    d=json.loads(l)
    if d['yes_no_logodds'] is not None and d['golds'][0].lower() in ('yes','no'):
        dev.append((d['yes_no_logodds'], d['not_found_logodds'], d['golds'][0].lower()=='yes'))
def bal(pred, g):
    pred=np.array(pred); g=np.array(g)
    return float(np.mean([np.mean(pred[g]), np.mean(~pred[~g])]))
g=[x[2] for x in dev]
def auc(sc):
    ys=[s for s,x in zip(sc,g) if x]; ns=[s for s,x in zip(sc,g) if not x]
    return sum((a>b)+0.5*(a==b) for a in ys for b in ns)/len(ys)/len(ns)
print(len(dev), 'dev Yes/No questions; AUC by a:', [(a, round(auc([x[0]-a*x[1] for x in dev]),3)) for a in (0,0.25,0.5,0.75,1)])
for a in (0, 0.5, 0.75):
    sc=[x[0]-a*x[1] for x in dev]
    ts=np.unique(np.round(sc,3))
    best=max(ts, key=lambda t: bal([s>t for s in sc], g))
    print('a',a,'t',best,'dev bal',round(bal([s>best for s in sc], g),3))
