"""The llama.cpp shape of the OpenSCAD grammar (tools/grammar/openscad.llama.ebnf) derives
exactly what the main grammar derives: same verdicts, whole programs and prefixes, on
OpenSCAD's examples, MCAD, openscad-testing-data, broken programs and language corners.

Both grammars are matched by xgrammar; `to_gbnf` (tested in test_grammar.py) is the same
mechanical translation for either, so equal EBNF languages give equal GBNF languages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from test_grammar import (  # tests/ is on sys.path under pytest
    INSERTS,
    SAMPLE_CHARS,
    SAMPLED,
    SNIPPETS,
    corpus_files,
    head_and_tail,
    rel,
)

from tools.grammar import (
    accepts,
    decode_source,
    for_llama_cpp,
    grammar_source,
    llama_shaped,
    load_grammar,
    to_gbnf,
)
from tools.grammar.ebnf import referenced_names, rule_names

BROKEN_COUNT = 600
BROKEN_SEED = 18
PREFIX_CUTS = 3  # random cut points per example, matched as prefixes


def programs() -> list[str]:
    """Every corpus file (large ones as their sampled head and tail)."""
    texts = []
    for paths in corpus_files().values():
        for path in paths:
            text = decode_source(path.read_bytes())
            texts += head_and_tail(text, SAMPLE_CHARS) if rel(path) in SAMPLED else [text]
    return texts


def broken(sources: list[str], count: int, seed: int) -> list[str]:
    """Single edits (delete, insert a token-ish string, duplicate a slice) of small
    programs: about half of them are syntax errors."""
    rng = random.Random(seed)
    small = [s for s in sources if 0 < len(s) < 4000]
    out = []
    for _ in range(count):
        text = rng.choice(small)
        pos = rng.randrange(len(text))
        op = rng.choice(["delete", "insert", "insert", "duplicate"])
        if op == "delete":
            out.append(text[:pos] + text[pos + 1:])
        elif op == "insert":
            out.append(text[:pos] + rng.choice(INSERTS) + text[pos:])
        else:
            out.append(text[:pos] + text[pos:pos + rng.randint(1, 6)] + text[pos:])
    return out


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return programs()


def disagreements(texts: list[str], complete: bool = True) -> list[str]:
    shaped = llama_shaped()
    return [t for t in texts if accepts(t, complete=complete)
            != accepts(t, shaped, complete=complete)]


def test_same_verdicts_on_the_corpora(corpus: list[str]) -> None:
    assert len(corpus) > 500
    assert disagreements(corpus) == []


def test_same_verdicts_on_broken_programs(corpus: list[str]) -> None:
    mutants = broken(corpus, BROKEN_COUNT, BROKEN_SEED)
    verdicts = [accepts(m) for m in mutants]
    # both verdicts well represented, or the comparison proves little
    assert 0.2 * len(mutants) < verdicts.count(False) < 0.8 * len(mutants)
    assert disagreements(mutants) == []


def test_same_verdicts_on_prefixes() -> None:
    # what a reply cut at max_tokens must be; llama.cpp checks prefixes at every token
    rng = random.Random(BROKEN_SEED)
    cuts = []
    for path in sorted(Path("/usr/share/openscad/examples").rglob("*.scad")):
        text = path.read_text(encoding="utf-8", errors="replace")
        cuts += [text[:rng.randrange(len(text) + 1)] for _ in range(PREFIX_CUTS)]
    cuts += [m[:len(m) // 2] for m in broken([p.read_text(encoding="utf-8", errors="replace")
             for p in Path("/usr/share/openscad/examples").rglob("*.scad")], 100, 7)]
    assert disagreements(cuts, complete=False) == []


def test_same_verdicts_on_language_corners() -> None:
    corners = SNIPPETS + ["", " ", "// c", "/* c */", "x = 1 .5;", "x = 1 . a;", "x=1.a;",
                          "x = [1 , , ];", "x = [ for (i = [0 : 2]) if (i) i else 0 ];",
                          "x = a [ 1 ] . b ( 2 );", "module m ( a , ) cube ( ) ;"]
    assert disagreements(corners) == []
    assert disagreements(corners, complete=False) == []


def test_every_rule_is_defined_and_used() -> None:
    text = llama_shaped()
    assert set(referenced_names(text)) <= set(rule_names(text))
    assert set(rule_names(text)) - set(referenced_names(text)) == {"root"}
    assert "word_nk ::=" in text  # the generated block was copied in


def test_llama_cpp_gets_the_llama_shape_of_bundled_grammars_only() -> None:
    assert for_llama_cpp(load_grammar()) == llama_shaped()
    assert for_llama_cpp(grammar_source()) == llama_shaped()
    other = 'root ::= "cube(" [0-9]+ ");"'
    assert for_llama_cpp(other) == other
    gbnf = to_gbnf(llama_shaped())
    assert len(gbnf) < len(to_gbnf(load_grammar())) / 2  # one `ws`, not one per token
