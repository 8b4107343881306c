"""Kill an ingest three times at random moments, then re-run it: the re-run must succeed and
converge on the uninterrupted store (test_reliability.py's check, at many more moments). Run from
the checkout under test: python kill_stress.py WORKDIR TRIALS."""
import random, signal, subprocess, sys, time
from pathlib import Path
sys.path.insert(0, ".")  # the checkout under test
from tests.real.test_reliability import synthetic_corpus, store_snapshot, _ingest_cmd
from tests.fixtures.paths import ROOT

base = Path(sys.argv[1]); base.mkdir(parents=True, exist_ok=True)
corpus = synthetic_corpus(base / "corpus.json", 400)
cmd, env = _ingest_cmd(corpus, base / "clean")
subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=ROOT, timeout=600)
expected = store_snapshot(base / "clean")
for trial in range(int(sys.argv[2])):
    rng = random.Random(100 + trial)
    store = base / f"k{trial}"
    cmd, env = _ingest_cmd(corpus, store)
    waits = []
    for _ in range(3):
        p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        w = rng.uniform(0.8, 5.0); waits.append(round(w, 2)); time.sleep(w)
        if p.poll() is None: p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)
    ok = done.returncode == 0 and store_snapshot(store) == expected
    print(trial, waits, "OK" if ok else f"FAIL rc={done.returncode} {done.stderr[-300:]}", flush=True)
