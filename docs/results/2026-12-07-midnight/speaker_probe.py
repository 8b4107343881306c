"""Probe (no LLM, stored answers only): answer sentences that say "X said ..." where the sentence
they cite names someone else as the speaker. Prints each such sentence with its quote.
Usage: python speaker_probe.py RUN/questions.jsonl.gz ..."""
import gzip
import json
import re
import sys

_VERB = r"(?:said|says|told|warned|stated|added|claimed|argued|insisted|noted|wrote|stressed|urged|called|described)"
_NAME = r"[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|ten|van|de|von))*"
_ANSWER_SPEAKER = re.compile(rf"({_NAME})\s+(?:has\s+|had\s+|also\s+)?{_VERB}\b")
_QUOTE_SPEAKER = re.compile(rf"({_NAME})\s+(?:has\s+|had\s+|also\s+)?{_VERB}\b|\b{_VERB}\s+({_NAME})|according to\s+({_NAME})")


def surname(name: str) -> str:
    return re.sub(r"['’]s$", "", name.split()[-1]).lower()


def main(paths: list[str]) -> None:
    for path in paths:
        for line in gzip.open(path, "rt"):
            r = json.loads(line)
            if r.get("refused") or not r.get("citations"):
                continue
            quotes = " ".join(c["quote"] for c in r["citations"])
            said = {surname(n) for m in _QUOTE_SPEAKER.finditer(quotes) for n in m.groups() if n}
            for m in _ANSWER_SPEAKER.finditer(r["answer"]):
                who = surname(m.group(1))
                if said and who not in said and who not in {"article", "report", "he", "she", "they"}:
                    print(json.dumps({"run": path.split("/")[-2], "id": r["id"], "correct": r.get("correct"),
                                      "answerable": r.get("answerable"), "question": r["question"][:120],
                                      "answer": r["answer"][:200], "speaker": who, "quote_speakers": sorted(said),
                                      "quote": quotes[:300]}))


if __name__ == "__main__":
    main(sys.argv[1:])
