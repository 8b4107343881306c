"""Compare two eval runs answer by answer: text, right, tokens, timings."""
import gzip, json, sys, statistics
def load(p):
    op = gzip.open if p.endswith(".gz") else open
    return {r["id"]: r for r in map(json.loads, op(p, "rt"))}
a, b = load(sys.argv[1]), load(sys.argv[2])
same = diff = 0
ok_a = ok_b = 0
pt_match = pt_n = 0
for i in a:
    if i not in b: continue
    x, y = a[i], b[i]
    ok_a += bool(x.get("correct")); ok_b += bool(y.get("correct"))
    if x.get("prompt_tokens") and y.get("prompt_tokens"):
        pt_n += 1; pt_match += x["prompt_tokens"] == y["prompt_tokens"]
    if x.get("answer") == y.get("answer") and x.get("refused") == y.get("refused"):
        same += 1
    else:
        diff += 1
        print(f"--- {i} correct {x.get('correct')} -> {y.get('correct')}  tokens {x.get('completion_tokens')} -> {y.get('completion_tokens')}")
        print("  A:", (x.get("answer") or "")[:300].replace("\n", " "))
        print("  B:", (y.get("answer") or "")[:300].replace("\n", " "))
print(f"same {same} differ {diff}; correct {ok_a} -> {ok_b}; prompt tokens equal {pt_match}/{pt_n}")
for k in ("completion_tokens",):
    xs = [a[i][k] for i in a if i in b and a[i].get(k) and b[i].get(k)]
    ys = [b[i][k] for i in a if i in b and a[i].get(k) and b[i].get(k)]
    if xs: print(k, "sum", sum(xs), "->", sum(ys), "p50", statistics.median(xs), "->", statistics.median(ys))
