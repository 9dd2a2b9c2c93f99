r"""Lexing of grammar text in xgrammar's EBNF dialect, and the rewrites built on it.

xgrammar (and vLLM, which hands the text to xgrammar) reads a superset of llama.cpp's GBNF.
The differences that matter for our grammars, and what `to_gbnf` does about each:

  xgrammar EBNF                         llama.cpp GBNF                to_gbnf
  rule names [A-Za-z_][A-Za-z0-9_.-]*   names [A-Za-z0-9-]+           `_` and `.` -> `-`
  `[^]` (any character)                 no empty class                `[^\x00]`
  escapes \- \/ \' \? \e \a \v \f \b \0   only \x \u \U \t \r \n \\ \" \[ \]   -> \xHH
  `\x` with any number of hex digits    exactly 2 hex digits          -> \uHHHH / \UHHHHHHHH
  lookahead `(= ...)` at a rule's end   none                          dropped (it is only
                                                                      a hint in xgrammar)
  macros (TagDispatch, Token, ...)      none                          GrammarSyntaxError
  rule options `name[temperature=..]`   none                          GrammarSyntaxError
  a rule may span lines anywhere        a newline ends the rule unless  each rule on one line;
                                        inside ( ) or after |           comments inside a
                                                                        rule are dropped

Everything else (`::=`, `#` comments, strings, classes, `* + ? {m,n}`, groups, `|`) is the
same in both. Dropping a lookahead can only make the GBNF grammar accept more, never less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tools.errors import ScadAgentError


class GrammarSyntaxError(ScadAgentError):
    """Grammar text this module cannot lex or cannot express in the target dialect."""


Kind = Literal["ws", "comment", "string", "class", "name", "define", "lookahead", "op"]


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    offset: int


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_WS = re.compile(r"[ \t\r\n]+")
_REPEAT = re.compile(r"\{\s*\d+\s*(,\s*\d*\s*)?\}")
_MACROS = frozenset({"TagDispatch", "TokenTagDispatch", "Token", "ExcludeToken"})


def tokenize(text: str) -> list[Token]:
    """Split EBNF text into tokens; concatenating their texts gives `text` back exactly."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            m = _WS.match(text, i)
            assert m is not None
            kind, end = "ws", m.end()
        elif c == "#":
            nl = text.find("\n", i)
            kind, end = "comment", (n if nl < 0 else nl)
        elif c == '"':
            kind, end = "string", _quoted_end(text, i, '"')
        elif c == "[":
            kind, end = "class", _quoted_end(text, i, "]")
        elif text.startswith("::=", i):
            kind, end = "define", i + 3
        elif text.startswith("(=", i):
            kind, end = "lookahead", i + 2
        elif c == "{":
            m = _REPEAT.match(text, i)
            if m is None:
                raise GrammarSyntaxError(f"bad repetition range at offset {i}: {text[i:i + 20]!r}")
            kind, end = "op", m.end()
        elif (m := _NAME.match(text, i)) is not None:
            kind, end = "name", m.end()
        elif c in "()|*+?=,":
            kind, end = "op", i + 1
        else:
            raise GrammarSyntaxError(f"unexpected character {c!r} at offset {i}")
        tokens.append(Token(kind, text[i:end], i))  # type: ignore[arg-type]
        i = end
    return tokens


def _quoted_end(text: str, start: int, close: str) -> int:
    """Offset just past the `close` that ends the literal opened at `start` (escapes honoured)."""
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            break
        if c == close:
            return i + 1
        i += 1
    raise GrammarSyntaxError(f"unterminated literal at offset {start}: {text[start:start + 20]!r}")


def rule_names(text: str) -> list[str]:
    """Names of the rules `text` defines, in order (a name followed by `::=`)."""
    return [name for name, _ in _definitions(tokenize(text))]


def referenced_names(text: str) -> set[str]:
    """Names used on right-hand sides."""
    defined_at = {index for _, index in _definitions(tokenize(text))}
    return {
        tok.text
        for index, tok in enumerate(tokenize(text))
        if tok.kind == "name" and index not in defined_at
    }


def _definitions(tokens: list[Token]) -> list[tuple[str, int]]:
    """(name, token index) of each rule head."""
    heads = []
    significant = [(i, t) for i, t in enumerate(tokens) if t.kind not in ("ws", "comment")]
    for (i, tok), (_, nxt) in zip(significant, significant[1:], strict=False):
        if tok.kind == "name" and nxt.kind == "define":
            heads.append((tok.text, i))
    return heads


def rename_rules(text: str, mapping: dict[str, str]) -> str:
    """Rename rules (definitions and references) per `mapping`; literals are left alone."""
    return "".join(
        mapping.get(t.text, t.text) if t.kind == "name" else t.text for t in tokenize(text)
    )


def inline_rules(text: str, names: tuple[str, ...]) -> str:
    """Replace every reference to the rules `names` by their bodies in parentheses and drop
    their definitions (and the comments inside them). Same language, fewer rules: xgrammar
    can then decide more tokens ahead of time (see openscad.ebnf's header)."""
    tokens = tokenize(text)
    heads = _definitions(tokens)
    starts = [index for _, index in heads] + [len(tokens)]
    spans: dict[str, tuple[int, int]] = {}
    for (name, start), nxt in zip(heads, starts[1:], strict=True):
        end = nxt
        while end > start and tokens[end - 1].kind in ("ws", "comment"):
            end -= 1  # comment lines before the next head belong to the next rule...
        for j in (end, end + 1):  # ...but one on the rule's own last line is the rule's
            if j < nxt and tokens[j].kind == "comment":
                end = j + 1
            elif j < nxt and (tokens[j].kind != "ws" or "\n" in tokens[j].text):
                break
        spans[name] = (start, end)
    bodies: dict[str, str] = {}
    for name in names:
        if name not in spans:
            raise GrammarSyntaxError(f"cannot inline {name!r}: no such rule")
        start, end = spans[name]
        define = next(i for i in range(start, end) if tokens[i].kind == "define")
        body = [t for t in tokens[define + 1 : end] if t.kind != "comment"]
        if any(t.kind == "name" and t.text == name for t in body):
            raise GrammarSyntaxError(f"cannot inline {name!r}: it is recursive")
        bodies[name] = "(" + " ".join("".join(t.text for t in body).split()) + ")"
    for name in names:  # bodies may use each other: resolve in order
        for other in names:
            bodies[other] = rename_rules(bodies[other], {name: bodies[name]}) \
                if other != name else bodies[other]
    dropped = {i for name in names for i in range(*spans[name])}
    after_dropped = {spans[name][1] for name in names}
    out = []
    for index, tok in enumerate(tokens):
        if index in dropped:
            continue
        if index in after_dropped and tok.kind == "ws":
            out.append(tok.text.replace("\n", "", 1))  # the dropped rule's line break
        else:
            out.append(bodies.get(tok.text, tok.text) if tok.kind == "name" else tok.text)
    return "".join(out)


# ---------------------------------------------------------------------------- to GBNF

# Escapes GBNF understands as they are (inside strings and classes).
_GBNF_ESCAPES = set("tnr\\\"[]")
_CONTROL = {"e": 0x1B, "a": 0x07, "v": 0x0B, "f": 0x0C, "b": 0x08, "0": 0x00}


def to_gbnf(ebnf: str) -> str:
    """Translate xgrammar EBNF into llama.cpp's GBNF dialect (see the module docstring)."""
    tokens = _one_line_rules(tokenize(ebnf))
    out: list[str] = []
    skip_depth = 0  # > 0 while inside a lookahead group, which GBNF cannot express
    for index, tok in enumerate(tokens):
        if skip_depth:
            if tok.kind == "lookahead" or (tok.kind == "op" and tok.text == "("):
                skip_depth += 1
            elif tok.kind == "op" and tok.text == ")":
                skip_depth -= 1
            continue
        if tok.kind == "lookahead":
            skip_depth = 1
        elif tok.kind == "name":
            if tok.text in _MACROS:
                raise GrammarSyntaxError(f"{tok.text}(...) has no GBNF equivalent")
            nxt = tokens[index + 1] if index + 1 < len(tokens) else None
            if nxt is not None and nxt.kind == "class":
                raise GrammarSyntaxError(f"rule options on {tok.text!r} have no GBNF equivalent")
            out.append(re.sub(r"[_.]", "-", tok.text))
        elif tok.kind == "string":
            out.append('"' + _gbnf_body(tok.text[1:-1], in_class=False) + '"')
        elif tok.kind == "class":
            body = tok.text[1:-1]
            if body == "^":
                out.append("[^\\x00]")
            else:
                out.append("[" + _gbnf_body(body, in_class=True) + "]")
        else:
            out.append(tok.text)
    text = "".join(out)
    # Names made equal by the `_` -> `-` mapping would silently merge two rules.
    names = rule_names(text)
    if len(names) != len(set(names)):
        raise GrammarSyntaxError("rule names collide once `_` and `.` become `-`")
    return text


def _one_line_rules(tokens: list[Token]) -> list[Token]:
    """Drop comments inside rule bodies and turn the line breaks there into spaces; a line
    break stays only where the next thing is a rule head, a comment line or the end."""
    heads = {index for _, index in _definitions(tokens)}
    out: list[Token] = []
    for index, tok in enumerate(tokens):
        if tok.kind not in ("ws", "comment"):
            out.append(tok)
            continue
        following = next(
            (j for j in range(index + 1, len(tokens)) if tokens[j].kind not in ("ws", "comment")),
            None,
        )
        between_rules = following is None or following in heads
        if tok.kind == "comment":
            if between_rules:
                out.append(tok)
        elif "\n" in tok.text and not between_rules:
            if not (out and out[-1].kind == "ws"):
                out.append(Token("ws", " ", tok.offset))
        else:
            out.append(tok)
    return out


def _gbnf_body(body: str, *, in_class: bool) -> str:
    """Rewrite the escapes of one string or class body into ones GBNF accepts."""
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in _GBNF_ESCAPES:
            out.append(body[i : i + 2])
            i += 2
        elif e in _CONTROL:
            out.append(_hex_escape(_CONTROL[e]))
            i += 2
        elif e == "x":
            m = re.match(r"[0-9A-Fa-f]+", body[i + 2 :])
            if m is None:
                raise GrammarSyntaxError(f"bad \\x escape in {body!r}")
            out.append(_hex_escape(int(m.group(), 16)))
            i += 2 + m.end()
        elif e in "uU":
            width = 4 if e == "u" else 8
            out.append(_hex_escape(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:  # \- \/ \' \? \^ \$ \. ... : the character itself
            out.append(_hex_escape(ord(e)) if in_class or e in "\"\\" else e)
            i += 2
    return "".join(out)


def _hex_escape(code: int) -> str:
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"
