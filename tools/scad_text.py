"""OpenSCAD program text: the one lexer, comments, normal form and literals of the project.

The lexer follows OpenSCAD 2021.01's flex lexer (src/lexer.l), because the sandbox's path
check (tools/sandbox_paths.py) must see the program exactly as OpenSCAD will:

* white space is ` \\t\\r\\n\\f\\v` only; any other character that starts no token is a
  one-character "punct" token (a stray 0xA0 byte too: the path check marks those);
* `//` runs to the end of the line, `/* */` to the first `*/` (or the end of the text);
* a string runs to the next unescaped `"`, across lines, or to the end of the text;
* at a digit, the longest of number and identifier wins, a number on a tie: `1.5` and `1e5`
  are numbers, `2import` and `1e5x` identifiers; identifiers are `$?[A-Za-z0-9_]+`;
* `include <...>` and `use <...>` are one token each (the path is no code at all).

One table of token patterns (_KINDS) serves three compiled forms: `tokenize` (tokens with
kinds and positions), a fast walk over token texts (dedup, lines, comments) and, in a text
without include/use tokens, a search for comments and strings alone. Literals are written by
`scad_literal`, so a value that reaches OpenSCAD as code (a `-D` parameter, a patched
assignment) is always data. Plain text work only: no OpenSCAD process, no imports of ours.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

Kind = Literal["ident", "number", "string", "punct", "include", "use", "line_comment",
               "block_comment"]
Scalar = int | float | bool | str
Value = Scalar | list["Value"]

_SPACE = " \t\r\n\f\v"
_SPACE_CLASS = r"[ \t\r\n\f\v]"
_LINE_COMMENT = r"//[^\n]*"
_BLOCK_COMMENT = r"/\*.*?(?:\*/|\Z)"
_STRING = r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)'
_INCLUDE_GAP = r"[ \t\r\n>]*<"  # between `include` and its path
_INCLUDE_HEAD = rf"(?:include|use){_INCLUDE_GAP}"  # what every include/use token holds
# One alternative per token kind, tried in order at each non-space character. Numbers come
# in three shapes (see the module docstring): with a dot or a signed exponent they always
# win; a plain one only when no identifier character follows (else the identifier is longer).
_KINDS = (
    ("line_comment", _LINE_COMMENT),
    ("block_comment", _BLOCK_COMMENT),
    ("string", _STRING),
    ("number", r"(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-][0-9]+"
               r"|[0-9]+(?:[eE][0-9]+)?(?![A-Za-z0-9_])"),
    ("include", rf"(?:include|use)(?![A-Za-z0-9_]){_INCLUDE_GAP}[^>]*>?"),
    ("ident", r"\$?[A-Za-z0-9_]+"),
    ("punct", r"<=|>=|==|!=|&&|\|\||[^ \t\r\n\f\v]"),
)
# Each match eats the white space before its token (possessively: nothing to backtrack
# into), so the search never tries the alternatives at every blank; `\Z` ends the text.
_LEXEME = re.compile(
    rf"{_SPACE_CLASS}*+(?:{'|'.join(f'(?P<{k}>{v})' for k, v in _KINDS)}|\Z)", re.S)
# The same without names and with the white space before each token: findall then gives
# plain (blank, token) texts, the fast way to walk a whole program.
_PIECES = re.compile(
    rf"({_SPACE_CLASS}*+)(?:({'|'.join(f'(?:{v})' for _, v in _KINDS)})|\Z)", re.S)
# Without an include/use token in the text, comments, strings and braces are found exactly
# by searching for them alone: no other token holds a `/`, `"`, `{` or `}`.
# (No groups: a pattern whose every branch starts with a literal searches much faster.)
_SKELETON = rf"{_LINE_COMMENT}|{_BLOCK_COMMENT}|{_STRING}"
_SKELETONS = {False: re.compile(_SKELETON, re.S),
              True: re.compile(rf"{_SKELETON}|[{{}}]", re.S)}
_HAS_INCLUDE = re.compile(_INCLUDE_HEAD)
_COMMENT_KINDS = frozenset({"line_comment", "block_comment"})


class Token(NamedTuple):  # a tuple, not a dataclass: a program can have a million of them
    kind: Kind
    text: str  # always source[start:end]
    start: int
    end: int
    line: int  # 1-based line (counted in "\n") where the token starts


def tokenize(text: str, *, comments: bool = False) -> list[Token]:
    """The tokens of `text` in order; comment tokens only when `comments`. Never raises:
    unterminated strings and comments run to the end (see `unterminated`)."""
    out: list[Token] = []
    line, counted = 1, 0
    for match in _LEXEME.finditer(text):
        kind = match.lastgroup
        if kind is None or kind in _COMMENT_KINDS and not comments:
            continue
        start = match.start(kind)
        line += text.count("\n", counted, start)
        counted = start
        token = match.group(kind)
        if kind == "include":
            kind = "include" if token.startswith("include") else "use"
        out.append(Token(kind, token, start, match.end(), line))  # type: ignore[arg-type]
    return out


def code_tokens(text: str) -> list[str]:
    """The texts of the code tokens (comments left out): what dedup compares. An include
    or use token is written `include <path>` whatever the spacing."""
    out = [t for _, t in _PIECES.findall(text) if t and t[:2] not in ("//", "/*")]
    if "include" in text or "use" in text:  # one spelling of `include <path>`
        out = [_INCLUDE_WORD.sub(r"\1 <", t) if t[:1] in "iu" else t for t in out]
    return out


_INCLUDE_WORD = re.compile(rf"^(include|use){_INCLUDE_GAP}")


def include_path(token_text: str) -> str | None:
    """The path of an include/use token's text, None when malformed: no closing `>`, or a
    tab or line break inside (OpenSCAD would glue pieces of such a path together)."""
    head = token_text.index("<") + 1
    if not token_text.endswith(">"):
        return None
    path = token_text[head:-1]
    return None if any(ch in path for ch in "\t\r\n") else path


def unterminated(token: Token) -> bool:
    """A string or block comment that the text ended inside."""
    if token.kind == "block_comment":
        return not _closed_block(token.text)
    if token.kind == "string":
        if len(token.text) < 2 or not token.text.endswith('"'):
            return True
        backslashes = len(token.text[1:-1]) - len(token.text[1:-1].rstrip("\\"))
        return backslashes % 2 == 1  # the last quote is escaped
    return False


def open_construct(text: str, inside: Literal["string", "comment"] | None = None
                   ) -> Literal["string", "comment"] | None:
    """What `text` ends inside (a string, a block comment or neither), when it starts inside
    `inside`: lets a line-by-line reader carry the lexer's state across lines."""
    prefix = {"string": '"', "comment": "/*", None: ""}[inside]
    found = tokenize(prefix + text, comments=True)
    if found and unterminated(found[-1]):
        return "string" if found[-1].kind == "string" else "comment"
    return None


def bracket_depth(text: str) -> int:
    """Opened minus closed brackets (`([{` / `)]}`) outside strings and comments."""
    depth = 0
    for token in tokenize(text):
        if token.kind == "punct" and token.text in ("(", "[", "{"):
            depth += 1
        elif token.kind == "punct" and token.text in (")", "]", "}"):
            depth -= 1
    return depth


# ---------------------------------------------------------------- comments


@dataclass(frozen=True)
class Comment:
    text: str  # without the // or /* */ markers
    line: int  # 1-based line where it starts
    block: bool
    code_before: bool  # code precedes it on the same line (a trailing comment)


def _closed_block(text: str) -> bool:
    """Whether a block comment's text ends with its `*/` (`/*/` does not)."""
    return len(text) >= 4 and text.endswith("*/")


def _blank(text: str) -> str:
    """Spaces for every character but line breaks: same length, same lines."""
    return re.sub(r"[^\n]", " ", text)


def _kind_of(token: str) -> str:
    """The kind of a token text from _PIECES, as far as comments, strings, include/use and
    braces go (exact: no other token starts like them); "code" for the rest."""
    head = token[:2]
    if head == "//":
        return "line_comment"
    if head == "/*":
        return "block_comment"
    if head[:1] == '"':
        return "string"
    if head[:1] in ("i", "u") and "<" in token:
        return "include"
    return "code"


def split_comments(text: str) -> tuple[str, list[Comment]]:
    """(the code with every comment blanked to spaces -- same columns and lines --, the
    comments in order)."""
    out: list[str] = []
    comments: list[Comment] = []
    pos, line, code_on_line = 0, 1, False
    for kind, start, end, token in _structure(text, braces=False):
        gap = text[pos:start]  # code, or white space
        if "\n" in gap:
            line += gap.count("\n")
            code_on_line = bool(gap[gap.rfind("\n") + 1 :].strip(_SPACE))
        elif gap.strip(_SPACE):
            code_on_line = True
        if kind in _COMMENT_KINDS:
            out += [gap, _blank(token)]
            closed = kind == "block_comment" and _closed_block(token)
            body = token[2:-2] if closed else token[2:]
            comments.append(Comment(body, line, kind == "block_comment", code_on_line))
        else:
            out += [gap, token]
        if "\n" in token:
            line += token.count("\n")
            code_on_line = kind not in _COMMENT_KINDS
        else:
            code_on_line = code_on_line or kind not in _COMMENT_KINDS
        pos = end
    out.append(text[pos:])
    return "".join(out), comments


def strip_comments(text: str) -> str:
    return split_comments(text)[0]


def normal_form(text: str) -> str:
    """The code without comments and layout: programs that differ only there are equal.

    Tokens are joined with a space only between two word-like ones (`module part`), where
    it means something. Strings are kept as written and nothing is lowercased: `"A  B"` and
    `Width` are not `"a b"` and `width`."""
    out: list[str] = []
    previous = ""
    for tok in code_tokens(text):
        if previous and _WORDISH.match(previous[-1]) and _WORDISH.match(tok[0]):
            out.append(" ")
        out.append(tok)
        previous = tok
    return "".join(out)


_WORDISH = re.compile(r"[\w.$]")


# ---------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    """One line of `program.splitlines()` as the lexer sees it."""

    code: str  # comments blanked to spaces (same columns), strings kept
    masked: str  # `code` with strings blanked to "_" too: what brackets and `=` are read on
    comment: str | None  # the text after a `//` that starts on this line
    blocks: tuple[str, ...]  # texts of the /* */ comments that open and close on this line
    in_comment: bool  # the line starts inside a block comment
    depth: int  # `{` minus `}` before the line (never below 0)
    brace: int | None  # column of the first `{` on the line


_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits at


def _structure(text: str, braces: bool = True) -> Iterator[tuple[str, int, int, str]]:
    """(kind, start, end, text) of the comments, strings, include/use tokens and (if
    `braces`) braces of `text`, lexed lazily: a reader of the first lines does not pay for
    the rest."""
    if _HAS_INCLUDE.search(text) is None:
        for match in _SKELETONS[braces].finditer(text):
            token = match.group()
            kind = "brace" if token in ("{", "}") else _kind_of(token)
            yield kind, match.start(), match.end(), token
        return
    for match in _PIECES.finditer(text):
        token = match.group(2)
        if not token or token[:1] not in ("/", '"', "i", "u", "{", "}"):
            continue
        if token in ("{", "}") and not braces:
            continue
        kind = "brace" if token in ("{", "}") else _kind_of(token)
        if kind != "code":
            yield kind, match.start(2), match.end(2), token


def lines(program: str) -> Iterator[Line]:
    """Every line of `program.splitlines()` in order, lexed as part of the whole program."""
    found = _structure(program)
    token = next(found, None)
    depth = offset = 0
    for piece in program.splitlines(keepends=True):
        body_end = offset + len(piece.rstrip(_LINE_BREAKS))
        line_end = offset + len(piece)
        blanks: list[tuple[int, int, str]] = []  # columns to blank, and with what
        comment: str | None = None
        blocks: list[str] = []
        in_comment = token is not None and token[0] == "block_comment" and token[1] < offset
        change, brace = 0, None
        while token is not None and token[1] < line_end:
            kind, start, end, text = token
            a, b = max(start, offset) - offset, min(end, body_end) - offset
            if kind != "brace" and b > a:
                blanks.append((a, b, " " if kind in _COMMENT_KINDS else "_"))
            if start >= offset and kind == "line_comment":
                comment = program[start + 2 : offset + b]
            elif start >= offset and kind == "block_comment" and end <= body_end and \
                    _closed_block(text):
                blocks.append(text[2:-2])
            elif kind == "brace":
                change += 1 if text == "{" else -1
                brace = a if brace is None and text == "{" else brace
            if end > line_end:
                break  # it runs on into the next line
            token = next(found, None)
        body = piece[: body_end - offset]
        code = _fill(body, [(a, b, " ") for a, b, fill in blanks if fill == " "])
        yield Line(code, _fill(code, blanks), comment, tuple(blocks), in_comment, depth, brace)
        depth = max(0, depth + change)
        offset = line_end


def _fill(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, character) span overwritten by that character."""
    out, at = [], 0
    for a, b, fill in spans:
        out += [text[at:a], fill * (b - a)]
        at = b
    out.append(text[at:])
    return "".join(out)


# ---------------------------------------------------------------- literals read

NUMBER = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_ITEM = re.compile(rf'\s*(?:("(?:[^"\\]|\\.)*")|({NUMBER})|(true|false)\b|(\[))')
_CLOSE = re.compile(r"\s*([,\]])")
_ESCAPE = re.compile(r"\\(?:x([0-7][0-9a-fA-F])|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{6})|(.?))",
                     re.S)
_SIMPLE_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}
MAX_LITERAL_DEPTH = 16


def parse_literal(text: str) -> Value | None:
    """A literal as OpenSCAD writes it -> Python data; None for anything computed (and for
    what a customizer cannot offer: empty vectors, non-finite numbers, unknown escapes,
    vectors nested deeper than MAX_LITERAL_DEPTH)."""
    parsed = _item(text, 0, 0)
    if parsed is None or text[parsed[1]:].strip():
        return None
    return parsed[0]


def number(text: str) -> int | float:
    """A number literal (NUMBER) as an int when it is written as one."""
    return int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else float(text)


def _item(text: str, pos: int, depth: int) -> tuple[Value, int] | None:
    found = _ITEM.match(text, pos)
    if found is None:
        return None
    string, num, boolean, vector = found.groups()
    if string is not None:
        unescaped = unescape(string[1:-1])
        return None if unescaped is None else (unescaped, found.end())
    if num is not None:
        value = number(num)
        return (value, found.end()) if math.isfinite(value) else None
    if boolean is not None:
        return boolean == "true", found.end()
    if depth >= MAX_LITERAL_DEPTH:
        return None
    items: list[Value] = []
    pos = found.end()
    while True:
        parsed = _item(text, pos, depth + 1)
        if parsed is None:
            return None
        items.append(parsed[0])
        closing = _CLOSE.match(text, parsed[1])
        if closing is None:
            return None
        pos = closing.end()
        if closing.group(1) == "]":
            return items, pos


def unescape(body: str) -> str | None:
    r"""A string body with OpenSCAD's escapes resolved: \\ \" \n \t \r, \x7F (7-bit),
    \u263A, \U01F600. None for an unknown escape or a NUL / out-of-range code point."""
    out: list[str] = []
    pos = 0
    for escape in _ESCAPE.finditer(body):
        out.append(body[pos:escape.start()])
        simple = escape.group(4)
        hexadecimal = escape.group(1) or escape.group(2) or escape.group(3)
        if simple is not None:
            if simple not in _SIMPLE_ESCAPES:
                return None
            out.append(_SIMPLE_ESCAPES[simple])
        else:
            code = int(hexadecimal, 16)
            if code == 0 or code > 0x10FFFF:
                return None
            out.append(chr(code))
        pos = escape.end()
    out.append(body[pos:])
    return "".join(out)


# ---------------------------------------------------------------- literals written


def scad_literal(value: object, *, max_depth: int = MAX_LITERAL_DEPTH) -> str:
    """The OpenSCAD literal for a number, bool, string or (nested) list; ValueError otherwise.

    Strings are escaped the way OpenSCAD reads them back; NUL and lone surrogates cannot be
    written and raise, as do non-finite numbers, integers too large for a double, and lists
    nested deeper than `max_depth`.
    """
    return _literal(value, 0, max_depth)


def _literal(value: object, depth: int, max_depth: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        if abs(int(value)) < 2**53:
            return str(int(value))
        try:
            value = float(value)
        except OverflowError as exc:
            raise ValueError(f"number too large: {exc}") from exc
    if isinstance(value, numbers.Real):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(as_float)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, list | tuple):
        if depth >= max_depth:
            raise ValueError("vector nested too deeply")
        return "[" + ", ".join(_literal(v, depth + 1, max_depth) for v in value) + "]"
    raise ValueError(f"unsupported parameter type {type(value).__name__}")


_WRITE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def string_literal(text: str) -> str:
    """`text` as a double-quoted OpenSCAD string; ValueError for NUL or a lone surrogate."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _WRITE_ESCAPES:
            out.append(_WRITE_ESCAPES[ch])
        elif code == 0:
            raise ValueError("NUL character in a string parameter")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError("lone surrogate in a string parameter")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
