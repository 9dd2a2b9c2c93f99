"""The OpenSCAD grammar used for constrained decoding, and helpers around it.

    load_grammar("openscad") -> EBNF text in xgrammar's dialect (what vLLM's structured
                                outputs and our HF logits processor take)
    to_gbnf(ebnf)            -> the same grammar in llama.cpp's GBNF dialect
    for_llama_cpp(ebnf)      -> the grammar to translate for llama.cpp: a bundled grammar is
                                swapped for its llama.cpp shape (same language, cheaper there)
    accepts(program)         -> does the grammar accept this whole program? (xgrammar matcher
                                over the program's characters; no tokenizer involved)

The grammar follows OpenSCAD 2021.01's own lexer and parser (see the header of
openscad.ebnf for what it knowingly accepts that OpenSCAD rejects).
"""

from __future__ import annotations

import functools
import threading
from importlib import resources
from typing import Any

from tools.errors import ScadAgentError, require
from tools.grammar.ebnf import GrammarSyntaxError, inline_rules, to_gbnf

__all__ = ["GrammarSyntaxError", "accepts", "decode_source", "for_llama_cpp", "grammar_source",
           "llama_shaped", "load_grammar", "to_gbnf", "with_identifier_rules"]

GRAMMARS = ("openscad",)


# Rules load_grammar() writes into their users (see the header of openscad.ebnf: whitespace
# inside each token's own rule lets xgrammar precompute far more of each mask).
INLINED = {"openscad": ("ws",)}


@functools.cache
def grammar_source(name: str = "openscad") -> str:
    """The bundled grammar file as written (package data next to this module)."""
    if name not in GRAMMARS:
        raise ScadAgentError(f"unknown grammar {name!r}; bundled: {', '.join(GRAMMARS)}")
    try:
        return resources.files(__package__).joinpath(f"{name}.ebnf").read_text(
            encoding="utf-8")
    except OSError as exc:  # a broken install: say how to go on without it
        raise ScadAgentError(f"the OpenSCAD grammar (tools/grammar) is not available; run "
                             f"without constrained decoding (--no-grammar): {exc}") from exc


@functools.cache
def load_grammar(name: str = "openscad") -> str:
    """The EBNF text to constrain decoding with: the bundled file with its INLINED rules
    written in place (same language, faster masks)."""
    return inline_rules(grammar_source(name), INLINED.get(name, ()))


@functools.cache
def llama_shaped(name: str = "openscad") -> str:
    """The bundled grammar in the shape llama.cpp's sampler is fast with (NAME.llama.ebnf:
    whitespace after each token instead of before it; see that file's header), with the
    generated identifier block copied in from the main file's generator."""
    grammar_source(name)  # the same unknown-name error
    return with_identifier_rules(resources.files(__package__).joinpath(
        f"{name}.llama.ebnf").read_text(encoding="utf-8"))


def with_identifier_rules(text: str) -> str:
    """llama.cpp-shaped grammar text with its empty generated block (the keywords.py
    markers) filled in: `word_nk` (no keyword) and `word_val` (no keyword but a value)."""
    from tools.grammar.keywords import BEGIN, END, KEYWORDS, VALUE_KEYWORDS, trie_rules

    values = tuple(k for k in KEYWORDS if k not in VALUE_KEYWORDS)
    block = [BEGIN, *trie_rules(), *trie_rules(values, "word_val"), END]
    return text.replace(f"{BEGIN}\n{END}\n", "\n".join(block) + "\n")


def for_llama_cpp(ebnf: str) -> str:
    """The EBNF to hand to `to_gbnf` for llama.cpp: a bundled grammar (as loaded or as
    written) becomes its llama.cpp shape; any other grammar is returned as it is."""
    for name in GRAMMARS:
        if ebnf in (load_grammar(name), grammar_source(name)):
            return llama_shaped(name)
    return ebnf


def decode_source(data: bytes) -> str:
    """Program bytes as text the way OpenSCAD sees them.

    OpenSCAD's lexer works on bytes: non-ASCII bytes are only legal inside strings and
    comments, plus the no-break space (UTF-8 C2 A0, or a lone A0 byte) as whitespace. So a
    file that is not valid UTF-8 is decoded as Latin-1: every byte becomes one character,
    bytes in strings/comments stay legal, and a lone A0 becomes U+00A0, the whitespace the
    grammar allows -- the same verdict OpenSCAD reaches."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_lock = threading.Lock()


@functools.cache
def _string_compiled(ebnf: str) -> Any:
    """The grammar compiled against an empty vocabulary: enough to match raw text."""
    xgr = require("xgrammar", "hf")
    compiler = xgr.GrammarCompiler(xgr.TokenizerInfo([]), cache_enabled=False)
    return compiler.compile_grammar(xgr.Grammar.from_ebnf(ebnf))


def accepts(program: str | bytes, grammar: str | None = None, *, complete: bool = True) -> bool:
    """True when `grammar` (default: the bundled OpenSCAD grammar) derives `program` exactly,
    or, with complete=False, when `program` is a prefix of something it derives (what a
    constrained generation cut off by its token limit must be).

    The match runs xgrammar's GrammarMatcher character by character, as constrained decoding
    does, so it also proves the grammar compiles. Bytes are decoded with `decode_source`."""
    xgr = require("xgrammar", "hf")
    text = decode_source(program) if isinstance(program, bytes) else program
    ebnf = load_grammar() if grammar is None else grammar
    with _lock:  # functools.cache does not stop two threads compiling the same grammar
        compiled = _string_compiled(ebnf)
    matcher = xgr.GrammarMatcher(compiled, terminate_without_stop_token=True)
    if text and not matcher.accept_string(text):
        return False
    return bool(matcher.is_terminated()) if complete else True
