"""Are the held-out prompts new? Each one against every user message of a training set.

    .venv/bin/python -m evals.suites.heldout_builder.dedup [RECORDS.jsonl]

Text is normalised (lower case, digits and fractions folded to one token "#", punctuation
dropped), cut into word 3-gram shingles (scrape.dedup.shingle_hashes, the scrape stage's
hashing), and compared by exact Jaccard similarity through an inverted index: with 79
prompts against ~47,000 messages the exact figure is as cheap as a MinHash estimate and has
no sampling error. Folding numbers makes the check stricter: a training template with other
numbers counts as a copy. Prints scores and record ids only, never training wording.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tools.dedup import shingle_hashes

from .build import REPO, SUITES

DEFAULT_RECORDS = REPO / "data" / "synth2" / "records.jsonl"
LIMIT = 0.5  # above this a held-out prompt is rewritten
SHINGLE = 3
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
_WORD = re.compile(r"[a-z#]+")


def normalise(text: str, fold_numbers: bool = True) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    if fold_numbers:
        text = _NUMBER.sub(" # ", text)
        return _WORD.findall(text)
    return re.findall(r"[a-z]+|\d+(?:\.\d+)?", text)


def shingles(text: str, fold_numbers: bool = True) -> frozenset[int]:
    return frozenset(int(h) for h in shingle_hashes(normalise(text, fold_numbers), SHINGLE))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass
class Nearest:
    case: str
    score: float  # highest Jaccard similarity with any training message
    record: str | None  # the id of the record holding that message


def user_messages(records: Path) -> Iterator[tuple[str, str]]:
    """(record id, text) of every user message in a records JSONL."""
    with records.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for message in record.get("messages", []):
                if message.get("role") == "user":
                    yield str(record.get("id")), str(message.get("content", ""))


def nearest(prompts: dict[str, str], corpus: Iterable[tuple[str, str]],
            fold_numbers: bool = True) -> list[Nearest]:
    """Each prompt's most similar corpus text, by exact Jaccard over shared shingles."""
    mine = {case: shingles(text, fold_numbers) for case, text in prompts.items()}
    index: dict[int, list[str]] = defaultdict(list)
    for case, grams in mine.items():
        for g in grams:
            index[g].append(case)
    best = {case: Nearest(case, 0.0, None) for case in prompts}
    seen: set[frozenset[int]] = set()  # training prompts repeat a lot: score each text once
    for record, text in corpus:
        grams = shingles(text, fold_numbers)
        if grams in seen:
            continue
        seen.add(grams)
        for case in {c for g in grams for c in index.get(g, ())}:
            score = jaccard(mine[case], grams)
            if score > best[case].score:
                best[case] = Nearest(case, round(score, 4), record)
    return sorted(best.values(), key=lambda n: -n.score)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    records = Path(args[0]) if args else DEFAULT_RECORDS
    prompts = {p.id: p.prompt for parts in SUITES.values() for p in parts}
    report = {}
    for fold in (True, False):
        found = nearest(prompts, user_messages(records), fold)
        label = "numbers folded" if fold else "as written"
        report[label] = [n.__dict__ for n in found]
        over = [n for n in found if n.score > LIMIT]
        print(f"{label}: highest Jaccard {found[0].score} ({found[0].case}); "
              f"{len(over)} above {LIMIT}; median {found[len(found) // 2].score}")
        for n in found[:5]:
            print(f"  {n.score:.3f}  {n.case}  (record {n.record})")
    out = Path(__file__).with_name("dedup_report.json")
    out.write_text(json.dumps({"records": str(records.relative_to(REPO))
                               if records.is_relative_to(REPO) else str(records),
                               "shingle_words": SHINGLE, "limit": LIMIT, **report}, indent=1)
                   + "\n")


if __name__ == "__main__":
    main()
