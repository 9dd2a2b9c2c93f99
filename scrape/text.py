"""Text handling shared by every stage: decoding, normalising, comments, tokens, customizer
parameters and the cheap "is this OpenSCAD / is this mostly data" checks.

Comments and tokens come from tools.scad_text, the project's one OpenSCAD lexer, so that
`"http://x"` inside a string is never taken for a comment.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from tools.dedup import tokens_hash
from tools.params import customizer_params, group_header
from tools.scad_text import code_tokens, split_comments, strip_comments

# ---------------------------------------------------------------- decoding

# Tried in order after the BOM check; cp1252 covers the usual Windows-edited files and
# latin-1 never fails, so a text file always decodes (possibly with odd characters).
FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")


def decode(data: bytes) -> tuple[str, str] | None:
    """Bytes -> (text, encoding name), or None for binary data (NUL bytes outside UTF-16)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    for name in FALLBACK_ENCODINGS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "utf-8":
            return text, name
        # A single-byte guess: prefer charset_normalizer's opinion when it is installed.
        guessed = _guess_encoding(data)
        if guessed is not None:
            return guessed
        return text, name
    return None  # unreachable: latin-1 decodes every byte string


def _guess_encoding(data: bytes) -> tuple[str, str] | None:
    try:
        import charset_normalizer
    except ImportError:
        return None
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    return str(best), best.encoding


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def normalise(text: str) -> str:
    """Unix newlines, no BOM or control characters, no trailing blanks, one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _CONTROL.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text + "\n")
    return text.strip("\n") + "\n" if text.strip() else ""


# ---------------------------------------------------------------- comments and tokens

# The lexer is tools.scad_text's (OpenSCAD's own rules); scrape's stages read it from here.
tokens = code_tokens  # OpenSCAD token texts, comments left out: what dedup compares
_NUMBER = re.compile(r"\.?\d")


def normalised_hash(text: str) -> str:
    """Hash that ignores comments and layout: files that differ only there collide."""
    return tokens_hash(code_tokens(text))


def _clean_comment(body: str) -> str:
    """Comment body -> plain text: drop decoration (*, =, -) lines and leading stars."""
    lines = []
    for raw in body.split("\n"):
        s = raw.strip()
        s = re.sub(r"^\*+\s?", "", s).strip()
        if re.fullmatch(r"[*=\-_#/~+. ]*", s):
            s = ""
        lines.append(s)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def leading_comment(text: str) -> str:
    """The comments before any code, as plain text with blank lines between paragraphs.
    It ends at code or at a customizer group header (`/* [Size] */`: parameters start
    there); a last paragraph sitting right on the first code line describes that line and
    is left out when other paragraphs precede it."""
    code, comments = split_comments(text)
    first_code = next((i + 1 for i, ln in enumerate(code.split("\n")) if ln.strip()), None)
    paragraphs: list[list[str]] = [[]]
    next_line = None  # the line right after the previous comment
    last_end = 0
    for c in comments:
        if first_code is not None and c.line >= first_code:
            break
        if c.block and group_header(c.text) is not None:
            first_code = c.line  # parameters start here
            break
        cleaned = _clean_comment(c.text)
        if (next_line is not None and c.line > next_line) or not cleaned:
            paragraphs.append([])  # a blank line or an empty `//` line
        if cleaned:
            paragraphs[-1].append(cleaned)
        last_end = c.line + c.text.count("\n")
        next_line = last_end + 1
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) > 1 and first_code is not None and last_end == first_code - 1:
        paragraphs.pop()
    return "\n\n".join("\n".join(p) for p in paragraphs)


# ---------------------------------------------------------------- customizer parameters


@dataclass(frozen=True)
class Parameter:
    name: str
    default: str  # the literal as written
    spec: str | None  # what the customizer reads from `// [...]`: range or choices
    description: str | None  # the comment line right above (else a trailing comment)
    group: str | None  # the `/* [Group] */` it belongs to

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "default": self.default, "spec": self.spec,
                "description": self.description, "group": self.group}


def customizer_parameters(text: str) -> list[Parameter]:
    """The customizer parameters (tools.params, OpenSCAD's rules) in the record's shape: the
    literal as written, and a trailing non-annotation comment as the description when no
    line above gives one (`height = 3; // plate height`)."""
    return [Parameter(p.name, p.literal, p.annotation, p.description or p.comment, p.group)
            for p in customizer_params(text)]


# ---------------------------------------------------------------- cheap content checks

_OPENSCAD_WORDS = frozenset(
    "cube sphere cylinder polyhedron polygon circle square translate rotate "
    "scale mirror multmatrix union difference intersection linear_extrude rotate_extrude "
    "hull minkowski offset projection color resize import surface text children".split()
)
# Signatures of other formats people save with a .scad name (or that a search turns up).
_NOT_OPENSCAD = re.compile(
    r"\A\s*(?:solid\s+\S*\s*\n\s*facet|<\?xml|<!doctype|<html|#include\s*[<\"]|"
    r"import\s+\w+\s*\n|def\s+\w+\(|\{\s*\")",
    re.I,
)


def looks_like_openscad(text: str) -> bool:
    """True when the code calls an OpenSCAD module or defines one, and no other format's
    signature opens the file."""
    if _NOT_OPENSCAD.match(text):
        return False
    toks = code_tokens(text)
    if any(tok.startswith(("include <", "use <")) for tok in toks):
        return True
    for i, tok in enumerate(toks[:-1]):
        calls = tok in _OPENSCAD_WORDS and toks[i + 1] in ("(", "{")
        defines = tok in ("module", "function") and toks[i + 1][:1].isalpha()
        if calls or defines:
            return True
    return False


def data_fraction(toks: list[str]) -> float:
    """Share of tokens that are numbers or list punctuation: near 1 for point clouds."""
    if not toks:
        return 0.0
    data = sum(1 for t in toks if t in ",[]-" or _NUMBER.match(t))
    return data / len(toks)


_READS = re.compile(r"\b(?:include|use)\s*<|\b(?:import|surface)\s*\(")


def reads_files(text: str) -> bool:
    """Whether the program includes/uses/imports other files (compile needs its folder)."""
    return bool(_READS.search(strip_comments(text)))
