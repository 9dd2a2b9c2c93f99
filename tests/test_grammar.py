"""The OpenSCAD grammar against OpenSCAD itself.

Ground truth is the real `openscad` binary (2021.01): a program is a syntax error when
exporting its AST (`openscad -o out.ast`, which parses without CGAL) prints a "Parser error"
located in that very file. The grammar (tools/grammar/openscad.ebnf, matched by xgrammar)
must agree on

  * every program in three corpora nobody here wrote: OpenSCAD's bundled examples, MCAD,
    and Debian's openscad-testing-data (>= 99% each; every disagreement listed below);
  * mutated copies of corpus programs (a character deleted, inserted or duplicated);
  * a list of snippets covering the language's corners (verdicts again from OpenSCAD).

Non-UTF-8 files (two in openscad-testing-data) are read as Latin-1, see
tools.grammar.decode_source. A file whose only parser error is in a file it includes or
uses counts as parsing: `include`/`use` do not change how the file itself parses.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools.grammar import accepts, decode_source, grammar_source, load_grammar, to_gbnf
from tools.grammar.ebnf import (
    GrammarSyntaxError,
    inline_rules,
    referenced_names,
    rename_rules,
    rule_names,
)
from tools.grammar.keywords import BEGIN, END, KEYWORDS, identifier_rules

EXAMPLES = Path("/usr/share/openscad/examples")
MCAD = Path("/usr/share/openscad/libraries/MCAD")
TESTDATA_ROOT = "/usr/share/openscad/"

# path (relative to /usr/share/openscad/) -> why the grammar and OpenSCAD disagree on it.
# Empty today; a new disagreement fails the test, and so does a listed one that goes away.
EXPECTED_DISAGREEMENTS: dict[str, str] = {}

# Files too big to match whole on every run (the loaded grammar matches about 100k
# characters/s): their first and last SAMPLE_CHARS, cut at statement boundaries, are
# checked instead. issue2342.scad is 100,000 copies of `translate([..]) cube(0.5);`
# (3.2 MB, about 35-55 s whole; checked whole when the grammar was last changed: accepted).
SAMPLED: dict[str, str] = {
    "testdata/scad/issues/issue2342.scad": "3.2 MB of one repeated statement",
}
SAMPLE_CHARS = 40_000


# ------------------------------------------------------------------ OpenSCAD's verdict


def openscad_rejects(path: Path) -> bool:
    """True when OpenSCAD reports a parser error located in `path` itself."""
    with tempfile.TemporaryDirectory() as out:
        try:
            proc = subprocess.run(
                ["openscad", "-o", os.path.join(out, "out.ast"), str(path)],
                cwd=out, capture_output=True, timeout=60, check=False,
            )
        except subprocess.TimeoutExpired:
            return False  # parsing is over before evaluation can run away
    stderr = proc.stderr.decode("utf-8", "replace")
    target = os.path.realpath(path)
    for line in stderr.splitlines():
        if "Parser error" not in line:
            continue
        match = re.search(r" in file (.*), line \d+", line)
        if match is None or os.path.realpath(os.path.join(out, match.group(1))) == target:
            return True
    return False


def verdicts(paths: Iterable[Path]) -> dict[Path, bool]:
    """OpenSCAD's verdict for many files, two processes at a time (2-core machines)."""
    paths = list(paths)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(paths, pool.map(openscad_rejects, paths), strict=True))


def snippet_verdicts(snippets: list[str]) -> list[bool]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(snippets):
            path = Path(tmp) / f"s{i}.scad"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        found = verdicts(paths)
        return [found[p] for p in paths]


# ------------------------------------------------------------------ corpora


def corpus_files() -> dict[str, list[Path]]:
    testing = subprocess.run(
        ["dpkg", "-L", "openscad-testing-data"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return {
        "examples": sorted(EXAMPLES.rglob("*.scad")),
        "MCAD": sorted(MCAD.rglob("*.scad")),
        "openscad-testing-data": sorted(Path(p) for p in testing if p.endswith(".scad")),
    }


def rel(path: Path) -> str:
    return str(path).removeprefix(TESTDATA_ROOT)


@dataclass
class Outcome:
    path: Path
    openscad_rejects: bool
    grammar_accepts: bool

    @property
    def agrees(self) -> bool:
        return self.openscad_rejects != self.grammar_accepts


def statement_cuts(text: str) -> list[int]:
    """Offsets after a newline that ends a top-level-looking statement (`;` or `}` last on
    the line, next line starting in column 0 with a non-blank)."""
    return [
        m.end() for m in re.finditer(r"[;}][ \t]*\n(?=[^\s/])", text)
    ]


def head_and_tail(text: str, size: int) -> list[str]:
    cuts = statement_cuts(text)
    head_end = max(c for c in cuts if c <= size)
    tail_start = min(c for c in cuts if c >= len(text) - size)
    return [text[:head_end], text[tail_start:]]


def grammar_accepts_file(path: Path) -> bool:
    text = decode_source(path.read_bytes())
    if rel(path) in SAMPLED:
        return all(accepts(part) for part in head_and_tail(text, SAMPLE_CHARS))
    return accepts(text)


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Outcome]]:
    files = corpus_files()
    found = verdicts(p for paths in files.values() for p in paths)
    return {
        name: [Outcome(p, found[p], grammar_accepts_file(p)) for p in paths]
        for name, paths in files.items()
    }


def test_corpora_are_installed(corpus: dict[str, list[Outcome]]) -> None:
    sizes = {name: len(outcomes) for name, outcomes in corpus.items()}
    assert sizes["examples"] >= 40 and sizes["MCAD"] >= 30, sizes
    assert sizes["openscad-testing-data"] >= 400, sizes


def test_grammar_agrees_with_openscad_on_corpora(corpus: dict[str, list[Outcome]]) -> None:
    disagreements: dict[str, str] = {}
    for name, outcomes in corpus.items():
        parsed = [o for o in outcomes if not o.openscad_rejects]
        accepted = [o for o in parsed if o.grammar_accepts]
        rate = len(accepted) / len(parsed)
        print(f"{name}: grammar accepts {len(accepted)}/{len(parsed)} programs OpenSCAD "
              f"parses ({rate:.1%}); OpenSCAD rejects {len(outcomes) - len(parsed)}")
        assert rate >= 0.99, name
        for o in outcomes:
            if not o.agrees:
                verdict = "rejects" if o.openscad_rejects else "accepts"
                disagreements[rel(o.path)] = f"OpenSCAD {verdict}, grammar does not agree"
    assert set(disagreements) == set(EXPECTED_DISAGREEMENTS), disagreements


def test_grammar_rejects_the_corpus_syntax_errors(corpus: dict[str, list[Outcome]]) -> None:
    # openscad-testing-data ships deliberate syntax errors: unterminated string, comment,
    # include and use, a stray `:-(`, a missing `;`. Files that only include a broken file
    # parse fine themselves and must not be counted here.
    rejected = {rel(o.path) for outs in corpus.values() for o in outs if o.openscad_rejects}
    assert "testdata/scad/issues/issue1890-string.scad" in rejected
    assert "testdata/modulecache-tests/mainincludingerror.scad" not in rejected
    assert len(rejected) >= 6, rejected
    for outcomes in corpus.values():
        for o in outcomes:
            if o.openscad_rejects and rel(o.path) not in EXPECTED_DISAGREEMENTS:
                assert not o.grammar_accepts, rel(o.path)


def test_non_utf8_files_are_read_as_latin1() -> None:
    latin1 = Path("/usr/share/openscad/testdata/scad/misc/nbsp-latin1-test.scad").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    assert b"\xa0" in latin1  # a Latin-1 no-break space that OpenSCAD takes as whitespace
    assert decode_source(latin1) == latin1.decode("latin-1")
    assert accepts(latin1)
    assert decode_source("é".encode()) == "é"


# ------------------------------------------------------------------ mutants

MUTANT_COUNT = 150
MUTANT_SEED = 2021
INSERTS = [*";(){}[],=.\"/*$#!%^&|?:<>-+019aex_ \n\\", "//", "/*", "*/", "else", "each", "let",
           "for", "if", "module", "function", "true", "==", "&&", "e5", "1.", ".5"]

# mutant id -> reason, as for EXPECTED_DISAGREEMENTS.
EXPECTED_MUTANT_DISAGREEMENTS: dict[str, str] = {}


@dataclass(frozen=True)
class Mutant:
    ident: str
    text: str


def make_mutants(sources: list[Path], count: int, seed: int) -> list[Mutant]:
    """Deterministic single-edit mutants of small UTF-8 programs without `include` (an
    include splices another file's text into the parse; the grammar cannot see it)."""
    rng = random.Random(seed)
    mutants = []
    for _ in range(count):
        path = rng.choice(sources)
        text = path.read_text(encoding="utf-8")
        pos = rng.randrange(len(text))
        op = rng.choice(["delete", "insert", "insert", "duplicate"])
        if op == "delete":
            new = text[:pos] + text[pos + 1 :]
        elif op == "insert":
            new = text[:pos] + rng.choice(INSERTS) + text[pos:]
        else:
            new = text[:pos] + text[pos : pos + rng.randint(1, 6)] + text[pos:]
        mutants.append(Mutant(f"{rel(path)}:{op}:{pos}", new))
    return mutants


def mutation_sources(corpus: dict[str, list[Outcome]]) -> list[Path]:
    sources = []
    for outcomes in corpus.values():
        for o in outcomes:
            data = o.path.read_bytes()
            if o.openscad_rejects or not 0 < len(data) < 4000 or b"include" in data:
                continue
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            sources.append(o.path)
    return sources


def test_grammar_agrees_with_openscad_on_mutants(corpus: dict[str, list[Outcome]]) -> None:
    mutants = make_mutants(mutation_sources(corpus), MUTANT_COUNT, MUTANT_SEED)
    rejected = snippet_verdicts([m.text for m in mutants])
    disagreements = {
        m.ident: m.text for m, bad in zip(mutants, rejected, strict=True)
        if accepts(m.text) == bad
    }
    print(f"mutants: {len(mutants)}, OpenSCAD rejects {sum(rejected)}, "
          f"disagreements {len(disagreements)}")
    # Both verdicts must be well represented, or the comparison proves little.
    assert 0.2 * len(mutants) < sum(rejected) < 0.8 * len(mutants)
    assert set(disagreements) == set(EXPECTED_MUTANT_DISAGREEMENTS), disagreements


# ------------------------------------------------------------------ language corners

SNIPPETS = [
    # statements, modifiers, blocks
    "cube(1);", "cube(1)", ";;;", "{ a = 1; }", "{ module m() cube(); }",
    "!!cube();", "#%cube();", "*cube();", "#if(1) cube();", "#{cube();}", "* a=1;",
    "translate([1,2,3]) rotate(4) cube();", "translate([0,0,0]) { a=1; cube(a); }",
    "translate([0,0,0]) b=1;", "if(1) a=1;", "translate() { module m() cube(); }",
    "if (1) { function f()=1; }", "if(1) cube(); else if(2) sphere(); else cube();",
    "if(1) if(2) cube(); else sphere();", "else cube();",
    "intersection_for(i=[0:2]) rotate([0,0,i*60]) cube(1,center=true);",
    "for(i=[0:1],j=[1:2]) cube();", "let(a=1) cube(a);", "each(1) cube();",
    "echo(1) cube();", "assert(true) cube();", "echo(\"a\", b=2);", "assert(1>0, \"msg\");",
    # definitions and parameter/argument commas
    "module m() ;", "module m();", "module m() a=1;", "module m() module n() cube();",
    "module m(a,) cube();", "module m(a,,b) cube();", "module m(,a) cube();",
    "function f(a,)=1;", "function f(a=1, b)=a;", "function f() = 1", "modulem() cube();",
    "cube(1,);", "cube(1,,2);", "cube(,1);", "x=f(1,);", "let(a=1,) cube();",
    "cube(size=1, center=true, $fn=3);", "cube(1=2);", "x=f(a=1, 2, b=3);",
    # keywords and identifiers
    "true=1;", "module=1;", "echo=3;", "assert=3;", "x=echo;", "x=each;", "iffy=1;",
    "x=2d;", "x=1e;", "x=0x10;", "x=1_000;", "x=$;", "$$a=1;", "x=a$b;", "$fn=10;",
    "x=$children;", "trueish=1; x=trueish;", "x=ä;",
    # numbers
    "x=1.;", "x=.5e3;", "x=1e+5;", "x = 1e+;", "x=1.x;", "x=1 .x;", "x=1..x;", "x=1e5.x;",
    "x=a.1;", "x=1. 5;", "x=1.5.5;", "x=01;",
    # strings and comments
    "x=\"a\\qb\";", "x=\"a\nb\";", "x=\"\\x41\\u00e9\\\"\";", "x=\"unterminated;",
    "x = 1 /* c */ + 2;", "x = 1 // c\n + 2;", "/* a /* b */ c */", "/* open",
    "x=1; // last line", "x=1;\f", "x=1;\v", "x=1;\u00a0",
    # expressions
    "x=a.x;", "x=f(1)(2)[0].y;", "x=[1,2][0];", "x=\"s\"[0];", "x=undef.x;", "x=a[1:2];",
    "x=a?b:c?d:e;", "x=a ? b : c ? d : function(x) x;", "x=-2^-2;", "x=!a^2;", "x=a^b^c;",
    "x=+-!1;", "x=a||b&&c==d!=e<f<=g>h>=i+j-k*l/m%n;", "x=a < =b;", "x=a = b;",
    "f=function(x) x*2;", "x=function(a) function(b) a+b;", "x = -function(a) a;",
    "x = let(a=1) a ? 1 : 2;", "x = 1 + let(a=1) a;", "x = 1 + (let(a=1)a);",
    "x=let(a=1);", "x = assert(1) ;", "x=echo(1) 2;", "x=[echo(1)];", "x=(1,2);",
    "x=[1:2:3:4];", "x=[1:2][0];", "x=if(1) 2;", "x = true ? each : 1;",
    # vectors and list comprehensions
    "a=[1,2,];", "a=[,];", "a=[1,,2];", "x=[,1];", "x=[each [1,2], 3];", "x=[each each a];",
    "x=[let(a=1) a];", "x=[let(a=1) a, 2];", "x=[1, let(a=1) a];", "x=[let(a=1,) a];",
    "x=[for(i=0;i<3;i=i+1) i];", "x=[for(i=[0:3]) if(i>1) i else -i];",
    "x=[for(i=[0:3]) if(i>1) i else -i, 5];", "x=[for(i=[1],) i];",
    "x=[for(a=[1]) for(b=[2]) [a,b]];", "x=[for(i=[1]) if(i) each [i] else let(b=1) b];",
    "x=[if(1) 1];", "x=[if(1) 1 else 2 else 3];", "x=[for(i=[1]) if(1) if(2) 3 else 4];",
    "x=[(for(i=[1]) i)];", "x=[1,(for(i=[1]) i)];", "x=[1, (let(a=1) for(i=[1]) i)];",
    "x=[1, let(a=1) (for(i=[1]) i)];", "x=[for(i=[1]) (let(a=1) a)];",
    "x=[for(a=1, b=2) a];", "x = [for (a=[1,2]) each a];", "x=each a;",
    # include / use
    "include <a.scad>", "include <>", "use <>", "use <a b.scad>\ncube();",
    "include /*c*/ <a.scad>", "{ use <a.scad> }", "use <a.scad", "include <x\ny.scad>",
]


def test_grammar_agrees_with_openscad_on_language_corners() -> None:
    rejected = snippet_verdicts(SNIPPETS)
    wrong = {s: ("OpenSCAD rejects" if bad else "OpenSCAD accepts")
             for s, bad in zip(SNIPPETS, rejected, strict=True) if accepts(s) == bad}
    assert 0.2 * len(SNIPPETS) < sum(rejected) < 0.8 * len(SNIPPETS)
    assert wrong == {}


# ------------------------------------------------------------------ grammar text


def test_keyword_block_is_what_the_generator_writes() -> None:
    text = grammar_source()
    block = text[text.index(BEGIN) : text.index(END) + len(END) + 1]
    assert block == identifier_rules()


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_keywords_are_not_identifiers_but_their_neighbours_are(keyword: str) -> None:
    assert not accepts(f"{keyword} = 1;")
    for word in {keyword[:-1], keyword + "x", keyword + "_", keyword + "1", "x" + keyword,
                 keyword.capitalize()} - set(KEYWORDS):
        if word:
            assert accepts(f"{word} = 1; y = {word};"), word


@pytest.mark.parametrize("text", [grammar_source(), load_grammar()], ids=["file", "loaded"])
def test_grammar_rules_are_all_defined_and_used(text: str) -> None:
    defined = rule_names(text)
    assert len(defined) == len(set(defined))
    assert referenced_names(text) <= set(defined)
    assert set(defined) - referenced_names(text) == {"root"}


def test_loaded_grammar_is_the_file_with_ws_inlined() -> None:
    assert "ws" in rule_names(grammar_source()) and "ws" not in rule_names(load_grammar())
    assert set(rule_names(load_grammar())) == set(rule_names(grammar_source())) - {"ws"}
    # the corpus tests run the loaded grammar; the file itself says the same on the corners
    for snippet in SNIPPETS:
        assert accepts(snippet) == accepts(snippet, grammar_source()), snippet


def test_inline_rules() -> None:
    text = 'root ::= a "," a   # two\na ::= "x" | b # a comment\nb ::= "y"\n'
    assert inline_rules(text, ("a",)) == 'root ::= ("x" | b) "," ("x" | b)   # two\nb ::= "y"\n'
    assert inline_rules(text, ("a", "b")).startswith('root ::= ("x" | ("y")) ","')
    with pytest.raises(GrammarSyntaxError, match="recursive"):
        inline_rules('root ::= a\na ::= "x" a | "y"\n', ("a",))
    with pytest.raises(GrammarSyntaxError, match="no such rule"):
        inline_rules(text, ("c",))


def test_vllm_reads_the_grammar_as_ebnf_not_lark() -> None:
    # vLLM converts a grammar from Lark unless some line, once `#...` and `//...` are cut
    # off, holds `::=` (vllm/v1/structured_output/utils.py, grammar_is_likely_lark).
    lines = [re.sub(r"(#|//).*$", "", line).strip() for line in load_grammar().splitlines()]
    assert any("::=" in line for line in lines)
    assert "[^]" not in load_grammar()  # older xgrammar releases may not read it


# ------------------------------------------------------------------ GBNF

GBNF_NAME = re.compile(r"^[a-zA-Z0-9-]+$")


def test_gbnf_is_structurally_valid() -> None:
    gbnf = to_gbnf(load_grammar())
    defined = rule_names(gbnf)
    assert "root" in defined and len(defined) == len(set(defined))
    assert all(GBNF_NAME.match(n) for n in defined)
    assert referenced_names(gbnf) <= set(defined)
    for line in gbnf.splitlines():  # one rule per line: llama.cpp ends a rule at a newline
        assert line == "" or line.startswith("#") or "::=" in line, line
    assert "[^]" not in gbnf and "(=" not in gbnf and "_" not in "".join(defined)
    assert len(defined) == len(rule_names(load_grammar()))


def test_gbnf_parses_with_an_independent_gbnf_parser() -> None:
    # llguidance's GBNF reader is a port of llama.cpp's grammar parser.
    import llguidance
    grammar = llguidance.grammar_from("gbnf", to_gbnf(load_grammar()))
    assert llguidance.LLMatcher.validate_grammar_with_warnings(grammar) == (False, [])
    # ...and it does catch what llama.cpp would refuse:
    with pytest.raises(ValueError, match="not found"):
        llguidance.grammar_from("gbnf", 'root ::= "a" undefined-rule')
    with pytest.raises(ValueError, match="Expected name"):
        llguidance.grammar_from("gbnf", 'root ::= "a"\n    | "b"')  # newline before |


def test_to_gbnf_rewrites_xgrammar_only_syntax() -> None:
    ebnf = (
        'root ::= my_rule (= "x")\n'
        "my_rule ::= [^] | [\\-a] | \"\\e\\x41\\u00A0\" |\n"
        "    # a comment inside a rule\n"
        '    "\\/" "z"{2,3}\n'
    )
    gbnf = to_gbnf(ebnf)
    assert gbnf == (
        "root ::= my-rule \n"
        'my-rule ::= [^\\x00] | [\\x2Da] | "\\x1B\\x41\\xA0" | "/" "z"{2,3}\n'
    )


def test_to_gbnf_refuses_what_gbnf_cannot_say() -> None:
    with pytest.raises(GrammarSyntaxError):
        to_gbnf('root ::= TagDispatch(("<a>", r))\nr ::= "x"')
    with pytest.raises(GrammarSyntaxError):
        to_gbnf('root ::= a_b | a-b\na_b ::= "x"\na-b ::= "y"')
    with pytest.raises(GrammarSyntaxError):
        to_gbnf('root ::= "unterminated')


def test_rename_rules_leaves_literals_alone() -> None:
    text = 'root ::= "root" root_x [root]\nroot_x ::= "a" # root\n'
    renamed = rename_rules(text, {"root": "p"})
    assert renamed == 'p ::= "root" root_x [root]\nroot_x ::= "a" # root\n'
