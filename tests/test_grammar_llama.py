"""The llama.cpp shape of the OpenSCAD grammar (tools/grammar/openscad.llama.ebnf) derives
exactly what the main grammar derives: same verdicts, whole programs and prefixes, on
OpenSCAD's examples, MCAD, half of openscad-testing-data, broken programs and language
corners. (test_grammar.py holds the main grammar to OpenSCAD's own verdicts on all of them.)

Both grammars are matched by xgrammar; `to_gbnf` (tested in test_grammar.py) is the same
mechanical translation for either, so equal EBNF languages give equal GBNF languages."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from test_grammar import (  # tests/ is on sys.path under pytest
    INSERTS,
    SNIPPETS,
    corpus_files,
    head_and_tail,
    statement_cuts,
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

BROKEN_COUNT = 400
BROKEN_SEED = 18
PREFIX_CUTS = 3  # random cut points per example, matched as prefixes
# Matching costs per character, and a long file tells little more than its two ends: files
# over twice this size are checked as their first and last HEAD_TAIL_CHARS (cut between
# statements). openscad-testing-data is taken every TESTDATA_STRIDE-th file (sorted), which
# keeps files of every directory and the ones both grammars reject.
HEAD_TAIL_CHARS = 8_000
TESTDATA_STRIDE = 2


def programs() -> list[str]:
    """The corpus sample: examples, MCAD and every other openscad-testing-data file."""
    texts = []
    for name, paths in corpus_files().items():
        for path in paths[::TESTDATA_STRIDE] if name == "openscad-testing-data" else paths:
            text = decode_source(path.read_bytes())
            cuts = statement_cuts(text) if len(text) > 2 * HEAD_TAIL_CHARS else []
            long = any(c <= HEAD_TAIL_CHARS for c in cuts) and any(
                c >= len(text) - HEAD_TAIL_CHARS for c in cuts)
            texts += head_and_tail(text, HEAD_TAIL_CHARS) if long else [text]
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
    return [t for t, (main, shaped) in zip(texts, verdict_pairs(texts, complete), strict=True)
            if main != shaped]


def verdict_pairs(texts: list[str], complete: bool = True) -> list[tuple[bool, bool]]:
    """(main grammar's verdict, llama shape's verdict) per text."""
    shaped = llama_shaped()
    return [(accepts(t, complete=complete), accepts(t, shaped, complete=complete))
            for t in texts]


def test_same_verdicts_on_the_corpora(corpus: list[str]) -> None:
    assert len(corpus) > 300
    pairs = verdict_pairs(corpus)
    assert [t[:60] for t, (main, shaped) in zip(corpus, pairs, strict=True)
            if main != shaped] == []
    assert sum(not main for main, _ in pairs) >= 3  # the sample keeps rejected files


def test_same_verdicts_on_broken_programs(corpus: list[str]) -> None:
    mutants = broken(corpus, BROKEN_COUNT, BROKEN_SEED)
    pairs = verdict_pairs(mutants)
    # both verdicts well represented, or the comparison proves little
    assert 0.2 * len(mutants) < [main for main, _ in pairs].count(False) < 0.8 * len(mutants)
    assert [m for m, (main, shaped) in zip(mutants, pairs, strict=True) if main != shaped] == []


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
    assert to_gbnf(llama_shaped()) != to_gbnf(load_grammar())


def test_whitespace_follows_tokens_in_the_llama_shape() -> None:
    # one `ws` at any point, not one before each token that may come next: no rule but
    # the root starts with whitespace (openscad.ebnf: nearly all of them do)
    text = llama_shaped()
    assert re.findall(r"^(\w+) ::= ws\b", text, flags=re.M) == ["root"]
    assert len(re.findall(r"^\w+ ::= ws\b", grammar_source(), flags=re.M)) > 10
    assert "word_nk ::=" in text and "word_val ::=" in text  # both generated blocks


def test_llama_shape_gbnf_parses_with_an_independent_gbnf_parser() -> None:
    # llguidance's GBNF reader is a port of llama.cpp's parser (test_grammar.py); a grammar
    # llama-cpp-python's server cannot parse crashes it
    import llguidance

    grammar = llguidance.grammar_from("gbnf", to_gbnf(llama_shaped()))
    assert llguidance.LLMatcher.validate_grammar_with_warnings(grammar) == (False, [])
