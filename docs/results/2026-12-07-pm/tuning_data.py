"""What the probes of this pass start from: the product's pipeline (defaults) over the MultiHop
corpus, and the dev questions outside the 120-question dev sample (seed 7) that the reports use,
so that no probe reads a question the dev figures are read on."""
import sys

from eval.common import eval_settings, ingest_shared, sample
from eval.golden import GoldenItem, GoldenSet, load_multihop
from rag import Pipeline, Settings, load_settings


def dev_pipeline() -> tuple[Pipeline, GoldenSet, Settings]:
    base = load_settings()
    dev = load_multihop(base.multihop_dir, "dev")
    pipe = Pipeline(eval_settings(base, dev, {}))
    ingest_shared(pipe, dev, say=lambda m: print(m, file=sys.stderr))
    return pipe, dev, base


def outside_sample(dev: GoldenSet) -> list[GoldenItem]:
    held = {it.id for it in sample(dev.items, 120, 7)}
    return [it for it in dev.items if it.id not in held]
