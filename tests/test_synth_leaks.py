"""The synthetic generator must not learn the public eval suite by heart.

`../shared/evals/public.jsonl` is a development set: its wording must not sit in the
generator's templates or comments, the generator must not produce its prompts, and no part
family may default to the values of a public prompt about that kind of part. Numbers and
screw sizes are masked ("#"), so a template `"add a {d} hole ..."` matches "add a 5 mm hole".
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path
from random import Random

import pytest

from finetune.synth.compose import STYLES, describe, sample
from finetune.synth.families import FAMILIES
from finetune.synth.words import Words

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT.parent / "shared" / "evals" / "public.jsonl"
SYNTH = ROOT / "finetune" / "synth"
NUMBER = re.compile(r"^(\d+(\.\d+)?|m\d+(\.\d+)?|#)$")
# words that carry no wording of their own: dimension notation ("60 x 40 x 5 mm")
NOTATION = {"#", "x", "by", "mm", "×"}
N = 6


def public_prompts() -> list[tuple[str, str]]:
    if not PUBLIC.exists():
        pytest.skip(f"no public suite at {PUBLIC} (it lives in the shared checkout)")
    rows = [json.loads(line) for line in PUBLIC.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [(r["id"], text) for r in rows for text in [r["prompt"], *r.get("turns", [])]
            if isinstance(text, str)]


def words(text: str) -> list[str]:
    """Lower-case words with numbers, screw sizes and template holes ({...}) as '#'."""
    text = re.sub(r"\{[^{}]*\}", " # ", text.lower())
    found = (w.strip(".") for w in re.findall(r"[a-z0-9.#×]+(?:-[a-z]+)?", text))
    return ["#" if NUMBER.match(w) else w for w in found if w]


def grams(ws: list[str], n: int = N) -> set[tuple[str, ...]]:
    """n-word sequences that say something (not bare dimension notation)."""
    return {g for g in (tuple(ws[i:i + n]) for i in range(len(ws) - n + 1))
            if sum(w not in NOTATION for w in g) >= 2}


def template_texts() -> Iterator[tuple[str, int, str]]:
    """Every string literal (f-string holes as {}) and comment in the generator."""
    for path in sorted(SYNTH.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.JoinedStr):
                yield name, node.lineno, "".join(
                    v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield name, node.lineno, node.value
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                yield name, tok.start[0], tok.string


def test_masking_and_grams_work_as_intended() -> None:
    assert words("add a {w.mm(d)} hole, M3 size") == ["add", "a", "#", "hole", "#", "size"]
    assert grams(words("a 60 x 40 x 5 mm plate")) == set()  # notation, not wording
    assert grams(words("add four {screw} holes in the corners")) & grams(
        words("add four M3 holes in the corners"))


def test_no_template_or_comment_shares_six_words_with_a_public_prompt() -> None:
    public = [(pid, text, grams(words(text))) for pid, text in public_prompts()]
    leaks = []
    for name, line, text in template_texts():
        mine = grams(words(text))
        leaks += [f"{name}:{line} {text[:70]!r} ~ {pid}: {ptext!r}"
                  for pid, ptext, theirs in public if mine & theirs]
        leaks += [f"{name}:{line} quotes {pid}" for pid, ptext in public_prompts()
                  if len(ptext) > 12 and ptext.lower() in text.lower()]
    assert not leaks, "\n".join(leaks)


def test_generated_prompts_do_not_reproduce_public_prompts() -> None:
    """Short generic requests ("make it longer", "a hinge with two holes": seven words or
    fewer) are fair game; a longer public prompt must not come out of the generator, nor
    eleven words of one in a row."""
    public = [(pid, words(text)) for pid, text in public_prompts()]
    long_public = {tuple(ws): pid for pid, ws in public if len(ws) >= 8}
    eleven = {g: pid for pid, ws in public for g in grams(ws, 11)}
    found = []
    prompts = [(name, family.part(Random(f"leak-{name}-{i}")).prompt)
               for name, family in FAMILIES.items() for i in range(60)]
    # compositions, in each of their three styles
    prompts += [(f"compose {style}", describe(sample(Random(f"leak-compose-{i}")),
                                              Words(Random(i)), style))
                for i in range(200) for style in STYLES]
    for name, prompt in prompts:
        ws = words(prompt)
        if tuple(ws) in long_public:
            found.append(f"{name}: {prompt!r} = {long_public[tuple(ws)]}")
        found += [f"{name}: {prompt!r} ~ {eleven[g]}" for g in grams(ws, 11) if g in eleven]
    assert not found, "\n".join(found)


def test_no_family_defaults_to_the_values_of_a_public_prompt_about_it() -> None:
    """A description that leaves sizes unsaid gets the defaults: they must not be the answer
    to a public prompt about the same kind of part (two or more of its numbers)."""
    rows = public_prompts()
    leaks = []
    for name, family in FAMILIES.items():
        values = {float(v) for v in family.defaults().values()
                  if isinstance(v, int | float) and not isinstance(v, bool) and v}
        nouns = [w for w in name.split("_") if len(w) >= 3]
        for pid, text in rows:
            if not any(re.search(rf"\b{noun}\b", text.lower()) for noun in nouns):
                continue
            numbers = {float(x) for x in re.findall(r"(?<![Mm\d.])\d+(?:\.\d+)?", text)}
            if len(values & numbers) >= 2:
                leaks.append(f"{name} defaults {sorted(values & numbers)} ~ {pid}: {text!r}")
    assert not leaks, "\n".join(leaks)
