"""Summary of question_first.py's rows: Yes/No AUC and balanced accuracy (at the product's
calibrated threshold 0.621 and at each prompt's own best, in-sample), NOT FOUND AUC over the
open questions, refusals of answerable questions at the product's 0.08, tokens and seconds."""
import json, sys
import numpy as np
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def auc(pos, neg):
    return sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / max(1, len(pos) * len(neg))
def bal(sc, g, t):
    pred = sc > t
    return float(np.mean([np.mean(pred[g]), np.mean(~pred[~g])]))
yn = [r for r in rows if r["yes_no"] and r["gold"] in ("yes", "no")]
op = [r for r in rows if not r["yes_no"]]
for v in ("product", "first"):
    sc = np.array([r[v]["yes_minus_no"] for r in yn]); g = np.array([r["gold"] == "yes" for r in yn])
    best = max(np.unique(np.round(sc, 3)), key=lambda t: bal(sc, g, t))
    nf_pos = [r[v]["not_found"] for r in op if r["answerable"]]; nf_neg = [r[v]["not_found"] for r in op if not r["answerable"]]
    ans = [r for r in rows if r["answerable"]]
    print(json.dumps({"prompt": v, "yes_no": len(yn), "yes": int(g.sum()), "yes_no_auc": round(auc(sc[g], sc[~g]), 3),
                      "bal@0.621": round(bal(sc, g, 0.621), 3), "best_t": float(best), "bal@best": round(bal(sc, g, best), 3),
                      "open": len(op), "judgement_auc": round(auc(nf_neg, nf_pos), 3),
                      "answerable_refused@0.08": f"{sum(r[v]['not_found'] > 0.08 for r in ans)}/{len(ans)}",
                      "null_refused@0.08": f"{sum(n > 0.08 for n in nf_neg)}/{len(nf_neg)}",
                      "tokens_p50": float(np.median([r[v]["tokens"] for r in rows])), "s_p50": float(np.median([r[v]["s"] for r in rows]))}))
