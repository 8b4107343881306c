"""One line per run: answers right, refusals, first token and full answer p50 (seconds)."""
import json
import sys

for d in sys.argv[1:]:
    with open(f"{d}/summary.json") as f:
        o = json.load(f)["overall"]
    lat = o["latency"]
    keys = ("accuracy", "false_abstention", "abstention", "balanced_yes_no", "citation_precision")
    print(d, " ".join(f"{k} {o[k]:.3f}" for k in keys if o.get(k) is not None),
          f"first_token {lat['first_token']['p50']:.2f} full {lat['total']['p50']:.2f}")
