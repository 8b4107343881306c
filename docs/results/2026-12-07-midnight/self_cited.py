"""Every MultiHop corpus sentence that gives someone words, cited to itself (its three sentences
either side as the source text, its article's outlet as the outlet): the speaker rule
(rag/text/speech.py) must flag none. Prints the count checked and the count flagged."""
import json
import sys

sys.path.insert(0, ".")
from rag.text.sentences import split_sentences  # noqa: E402
from rag.text.speech import misattributed, speakers  # noqa: E402

corpus = json.load(open("/work/shared/data/multihop-rag/corpus.json"))
checked = flagged = 0
for article in corpus:
    sents = split_sentences(article["body"])
    for i, s in enumerate(sents):
        if speakers(s, claim=True):
            checked += 1
            why = misattributed(s, [s], " ".join(sents[max(0, i - 3) : i + 4]), [article["source"]])
            if why:
                flagged += 1
                print(why, "|", s[:200])
print(f"{checked} sentences checked, {flagged} flagged")
