"""Tuning probe: when the gold answer is not in what the model reads, is it in the sentence just
before one it reads ("Enter Xavier Watts. The Notre Dame safety was a wrecking ball...")? And
does that read sentence open by pointing back (a pronoun, or "The <words> <noun>")? Dev questions
outside the report sample (open, answerable) and the tuning set's reworded questions; no LLM.
Then the lever (`context.antecedents`): is the gold in what the model reads with it on and off?"""
import json
import re
import sys

from eval import metrics as M
from eval.common import eval_settings, ingest_shared
from eval.golden import load_set
from rag import Pipeline, load_settings
from rag.store.layout import sentences_of_chunk

sys.path.insert(0, "docs/results/2026-12-07")
from tuning_data import dev_pipeline, outside_sample  # noqa: E402

POINTS_BACK = re.compile(r"^(?:He|She|They|It|His|Her|Their|Its|This|That|These|Those|The\s+(?:[\w'’-]+\s+){0,3}?[a-z][\w'-]*)\b")


def neighbours(retrieval, max_chunks: int) -> dict[tuple[str, int], str]:
    out = {}
    for ch in retrieval.chunks[:max_chunks]:
        doc = str(ch.meta.get("doc_id", ""))
        for pos, text in sentences_of_chunk(ch.text, ch.meta).items():
            out[(doc, pos)] = text
    return out


def probe(pipe: Pipeline, items, label: str) -> None:
    for item in items:
        if not item.answerable or not item.answers or item.is_yes_no:
            continue
        retrieval = pipe.retrieve(item.question)
        ctx = pipe.context_for(item.question, retrieval)
        got = bool(M.contains(ctx.as_prompt_text(), item.answers))
        near = neighbours(retrieval, pipe.settings.retrieval.context_chunks)
        found = []
        for s in ctx.sources:
            for text, pos in zip(s.sentences, s.positions):
                prev = near.get((s.doc_id, pos - 1), "")
                if prev and prev not in s.sentences and M.contains(prev, item.answers):
                    found.append({"read": text[:120], "before": prev[:160], "points_back": bool(POINTS_BACK.match(text))})
        on = pipe.settings.model_copy(update={"context": pipe.settings.context.model_copy(update={"antecedents": True})})
        off, pipe.settings = pipe.settings, on
        with_lever = pipe.context_for(item.question, retrieval)
        pipe.settings = off
        got_on = bool(M.contains(with_lever.as_prompt_text(), item.answers))
        print(json.dumps({"set": label, "id": item.id, "in_context": got, "in_context_with_lever": got_on,
                          "tokens": [ctx.tokens, with_lever.tokens], "in_a_sentence_before": found,
                          "question": item.question, "answers": item.answers[:2]}), flush=True)


def lever_off(pipe: Pipeline) -> Pipeline:
    pipe.settings = pipe.settings.model_copy(update={"context": pipe.settings.context.model_copy(update={"antecedents": False})})
    return pipe


if __name__ == "__main__":
    pipe, dev, _base = dev_pipeline()
    lever_off(pipe)
    probe(pipe, outside_sample(dev), "dev-outside-sample")
    base = load_settings()
    gs = load_set("tuning-multihop", base.multihop_dir, base.seeds_dir)
    p2 = Pipeline(eval_settings(base, gs, {}))
    ingest_shared(p2, gs, say=lambda m: None)
    lever_off(p2)
    probe(p2, gs.items, "tuning-multihop")
