"""Static check of every file an OpenSCAD program can read, done before OpenSCAD runs.

OpenSCAD reads files through `include <...>`, `use <...>`, `import()`, `surface()`, the
deprecated DXF readers (`dxf_linear_extrude`, `dxf_rotate_extrude`, `dxf_dim`, `dxf_cross`)
and the `file` parameter of `linear_extrude`/`rotate_extrude` -- which is also their FIRST
POSITIONAL parameter in 2021.01: `linear_extrude("/etc/passwd")` prints the file's first
line in a warning. This module tokenizes a program the way OpenSCAD's lexer does (tools.scad_text:
strings, comments, include/use states), finds those reads and:

* refuses any path that resolves outside the allowed roots (session dir, library dirs),
  including `../` climbs (refused lexically, even if they would land inside again),
  absolute paths elsewhere and symlinks pointing out;
* refuses a computed (non-literal) file argument;
* rewrites the program so OpenSCAD reads exactly what was checked: relative literal
  import/surface paths become absolute paths in the session dir (OpenSCAD would otherwise
  resolve them against the temp dir holding the program), and a computed first argument of
  `linear_extrude` becomes `height=` (what 2021.01 uses a number there for anyway).

Rewrites stay within a line, so OpenSCAD's line numbers are the user's line numbers.
Files in the session dir that the program includes or uses are checked the same way
(recursively); library dirs are trusted. Known gap: a user module named like a builtin
(`module import(f)`) is checked as if it were the builtin, which is stricter, never looser.

Bytes: OpenSCAD reads a file as bytes, and a path in it names the file with those bytes.
`read_source` decodes a file like OpenSCAD (UTF-8, else Latin-1: tools.grammar's
decode_source), and every path is turned back into those bytes before it is resolved
(`fs_path`), so a Latin-1 `"caf\xe9.stl"` is checked as the file OpenSCAD would open.
`program_bytes` gives the bytes to hand OpenSCAD: the user's own bytes, with the rewrites.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.grammar import decode_source
from tools.scad_text import Token, include_path, tokenize

# Functions/modules whose argument names a file; value: which positional index is the file.
_FILE_READERS: dict[str, int | None] = {
    "import": 0,
    "surface": 0,
    "dxf_linear_extrude": 0,
    "dxf_rotate_extrude": 0,
    "linear_extrude": 0,
    "rotate_extrude": 0,
    "dxf_dim": None,
    "dxf_cross": None,
}
_FILE_PARAMS = ("file", "filename")
MAX_SCANNED_FILES = 200
MAX_SCANNED_BYTES = 4 * 1024 * 1024
_BEYOND_LATIN1 = re.compile(r"([^\x00-\xff]+)")

Edit = tuple[int, int, str]  # (start, end, replacement) in a program's text


@dataclass(frozen=True)
class PathViolation:
    message: str
    line: int | None  # 1-based line in the checked program (None: in another file)


@dataclass
class PathCheck:
    program: str  # the program to hand to OpenSCAD (rewritten)
    violations: list[PathViolation] = field(default_factory=list)
    files_read: list[Path] = field(default_factory=list)  # session files that were scanned
    edits: list[Edit] = field(default_factory=list)  # checked text -> program (program_bytes)

    @property
    def ok(self) -> bool:
        return not self.violations


def read_source(data: bytes) -> tuple[str, str]:
    """(text, codec) of a source file as OpenSCAD reads it: codec "latin-1" when the bytes
    were no UTF-8 (one character per byte, not all ASCII), else "utf-8"."""
    text = decode_source(data)
    latin1 = len(text) == len(data) and not text.isascii()
    return text, "latin-1" if latin1 else "utf-8"


def encode_source(text: str, codec: str) -> bytes:
    """The bytes `text`, decoded with `codec`, came from. A character Latin-1 cannot hold
    (the U+FFFD put in place of a NUL) is written as UTF-8; nothing raises."""
    if codec == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    parts = _BEYOND_LATIN1.split(text)  # odd items: runs beyond Latin-1
    return b"".join(
        part.encode("utf-8", "surrogatepass") if i % 2 else part.encode("latin-1")
        for i, part in enumerate(parts)
    )


def fs_path(path: str, codec: str) -> str:
    """The file a path written in a source (decoded with `codec`) names for OpenSCAD."""
    return os.fsdecode(encode_source(path, codec))


def program_bytes(text: str, edits: Sequence[Edit], codec: str) -> bytes:
    """The checked program's bytes with the check's edits made: the user's own bytes where
    nothing was rewritten; rewritten paths in the file system's encoding."""
    out: list[bytes] = []
    at = 0
    for start, end, new in sorted(edits):
        out += [encode_source(text[at:start], codec), os.fsencode(new)]
        at = end
    out.append(encode_source(text[at:], codec))
    return b"".join(out)


def _lex(text: str) -> tuple[list[Token], list[tuple[str, int]]]:
    """The program's tokens (tools.scad_text, OpenSCAD's own lexer rules) without the
    malformed include/use tokens, and a (message, line) violation for each of those."""
    tokens: list[Token] = []
    violations: list[tuple[str, int]] = []
    for token in tokenize(text):
        if token.kind in ("include", "use") and include_path(token.text) is None:
            path = token.text[token.text.index("<") + 1 :].removesuffix(">")
            violations.append((f"malformed {token.kind} <{path.strip()}>", token.line))
        else:
            tokens.append(token)
    return tokens, violations


# Bytes OpenSCAD 2021.01 skips as white space (a lone A0 or C2 as well as the pair).
_SPACE_BYTES = ("\xa0", "\xc2")


def mark_stray_bytes(text: str) -> str:
    """Latin-1 source text (read_source) with every byte OpenSCAD 2021.01 takes for the end
    of the input -- 0x80-0xFF outside strings and comments, but for the two it skips -- made
    U+FFFD: its parser reports that on the right line instead of silently dropping the rest
    of the program. Same length, same lines."""
    stray = [
        t.start
        for t in _lex(text)[0]
        if t.kind == "punct" and "\x80" <= t.text <= "\xff" and t.text not in _SPACE_BYTES
    ]
    if not stray:
        return text
    chars = list(text)
    for at in stray:
        chars[at] = "\ufffd"
    return "".join(chars)


def _split_args(tokens: list[Token], open_index: int) -> tuple[list[list[Token]], int]:
    """Arguments of the call whose "(" is tokens[open_index]; returns (args, index of ")")."""
    args: list[list[Token]] = [[]]
    depth = 0
    k = open_index + 1
    while k < len(tokens):
        t = tokens[k]
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif t.kind == "punct" and t.text == "," and depth == 0:
            args.append([])
            k += 1
            continue
        args[-1].append(t)
        k += 1
    if args == [[]]:
        args = []
    return args, k


def _named(arg: list[Token]) -> tuple[str | None, list[Token]]:
    """("name", value tokens) for `name = value`, (None, arg) for a positional argument."""
    if (
        len(arg) >= 2
        and arg[0].kind == "ident"
        and arg[1].kind == "punct"
        and arg[1].text == "="
        and not (len(arg) >= 3 and arg[2].kind == "punct" and arg[2].text == "=")
    ):
        return arg[0].text, arg[2:]
    return None, arg


def _string_value(token: Token) -> str | None:
    """The value of a string literal without escapes; None if it has any (refused)."""
    body = token.text[1:-1] if token.text.endswith('"') and len(token.text) >= 2 else None
    if body is None or "\\" in body:
        return None
    return body


def _escape(path: str) -> str:
    """A path as a string literal. Not tools.scad_text.string_literal: a path may hold lone
    surrogates (bytes os.fsdecode could not decode) that program_bytes turns back into its
    bytes, and string_literal refuses them."""
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _within(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _climbs(rel: str) -> bool:
    """True if a relative path leaves its base directory at any point (`a/../../x`)."""
    depth = 0
    for part in rel.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


@dataclass(frozen=True)
class _File:
    """The text being checked: the user's program (name None) or a session file."""

    base: Path  # the dir its relative paths start from
    name: str | None  # a session file's name as the model knows it
    codec: str  # how its bytes were decoded (read_source)

    @property
    def top_level(self) -> bool:
        return self.name is None


class PathChecker:
    """Checks one program (and the session files it pulls in) against the allowed roots.

    confined: OpenSCAD will run where only the roots are visible (bubblewrap). A read this
    check cannot pin down in a session file, which OpenSCAD reads as it is (a computed
    `linear_extrude` argument), is refused unless confined.
    """

    def __init__(
        self,
        session_dir: Path | None,
        library_dirs: Sequence[Path],
        search_dirs: Sequence[Path] = (),
        *,
        confined: bool = False,
    ) -> None:
        # Real paths, so a symlink inside a root that points out is caught by _within.
        self.session_dir = Path(os.path.realpath(session_dir)) if session_dir else None
        self.library_dirs = [Path(os.path.realpath(d)) for d in library_dirs]
        self.roots = ([self.session_dir] if self.session_dir else []) + self.library_dirs
        # Where OpenSCAD looks for a relative include after the including file's own dir:
        # OPENSCADPATH (session dir, library dirs), then its built-in library dir.
        self.search_dirs = [Path(d) for d in search_dirs]
        self.confined = confined
        self._seen: set[Path] = set()
        self._scanned_bytes = 0

    def check_program(self, text: str, program_dir: Path, codec: str = "utf-8") -> PathCheck:
        """Check the user's program, which OpenSCAD will read from `program_dir`; `codec` is
        how its bytes were decoded (read_source), so paths name the files OpenSCAD opens."""
        result = PathCheck(program=text)
        result.edits = self._check_text(text, _File(program_dir, None, codec), result)
        for start, end, new in sorted(result.edits, reverse=True):
            result.program = result.program[:start] + new + result.program[end:]
        return result

    # -- internals ---------------------------------------------------------------------------

    def _display(self, file: Path) -> str:
        """A session file's name relative to the session dir (what the model knows)."""
        if self.session_dir and _within(file, [self.session_dir]):
            return str(file.relative_to(self.session_dir))
        return str(file)

    def _violation(self, result: PathCheck, message: str, line: int, src: _File) -> None:
        if src.top_level:
            result.violations.append(PathViolation(message, line))
        else:
            message = f"{message} (in file {src.name}, line {line})"
            result.violations.append(PathViolation(message, None))

    def _check_text(self, text: str, src: _File, result: PathCheck) -> list[Edit]:
        """Check `text`; the edits that make OpenSCAD read exactly what was checked."""
        tokens, violations = _lex(text)
        for message, line in violations:
            self._violation(result, message, line, src)
        edits: list[Edit] = []
        for k, tok in enumerate(tokens):
            if tok.kind in ("include", "use"):
                self._check_include(tok, src, result)
            elif (
                tok.kind == "ident"
                and tok.text in _FILE_READERS
                and k + 1 < len(tokens)
                and tokens[k + 1].kind == "punct"
                and tokens[k + 1].text == "("
            ):
                edits += self._check_call(tokens, k, src, result)
        return edits

    def _check_include(self, tok: Token, src: _File, result: PathCheck) -> None:
        path = (include_path(tok.text) or "").strip()
        if not path:
            return
        on_disk = fs_path(path, src.codec)
        outside = f"{tok.kind} <{path}> reads outside the session and library directories"
        if os.path.isabs(path):
            candidates = [Path(on_disk)]
        elif _climbs(path):
            message = f"{tok.kind} <{path}>: '..' leaves the directory"
            self._violation(result, message, tok.line, src)
            return
        else:
            candidates = [src.base / on_disk] + [d / on_disk for d in self.search_dirs]
        for candidate in candidates:
            if not os.path.lexists(candidate):
                continue
            real = Path(os.path.realpath(candidate))
            if not _within(real, self.roots):
                self._violation(result, outside, tok.line, src)
                return
            if real.is_dir():
                continue  # OpenSCAD skips directories and keeps searching
            if self.session_dir and _within(real, [self.session_dir]):
                self._scan_file(real, result)
            return
        if os.path.isabs(path) and not _within(Path(os.path.realpath(on_disk)), self.roots):
            # Refused whether it exists or not, so the answer says nothing about the file.
            self._violation(result, outside, tok.line, src)

    def _scan_file(self, real: Path, result: PathCheck) -> None:
        if real in self._seen:
            return
        self._seen.add(real)
        if len(self._seen) > MAX_SCANNED_FILES:
            result.violations.append(PathViolation("too many included files", None))
            return
        try:
            data = real.read_bytes()[: MAX_SCANNED_BYTES + 1]
        except OSError:
            return  # unreadable: OpenSCAD will not read it either
        self._scanned_bytes += len(data)
        if self._scanned_bytes > MAX_SCANNED_BYTES:
            result.violations.append(PathViolation("included files are too large", None))
            return
        result.files_read.append(real)
        text, codec = read_source(data)
        # Included files are read by OpenSCAD as they are: their edits cannot be applied.
        self._check_text(text, _File(real.parent, self._display(real), codec), result)

    def _check_call(
        self, tokens: list[Token], k: int, src: _File, result: PathCheck
    ) -> list[Edit]:
        name = tokens[k].text
        line = tokens[k].line
        args, _ = _split_args(tokens, k + 1)
        edits: list[Edit] = []
        file_args: list[list[Token]] = []
        position = 0  # OpenSCAD matches positional arguments in order, skipping named ones
        for arg in args:
            arg_name, value = _named(arg)
            if arg_name in _FILE_PARAMS:
                file_args.append(value)
                continue
            if arg_name is not None:
                continue
            position += 1
            if position - 1 != _FILE_READERS[name] or not value:
                continue
            if len(value) == 1 and value[0].kind == "number":
                continue  # a number is no file (linear_extrude(10) means height 10)
            if name == "linear_extrude" and not (len(value) == 1 and value[0].kind == "string"):
                # A computed first argument: 2021.01 reads a string there as a DXF file and
                # takes a number as the height. Make it the height, always -- in the user's
                # program, the one file we hand OpenSCAD rewritten.
                if any(_named(a)[0] == "height" for a in args):
                    self._violation(
                        result, f"{name}(): a computed first argument and height=", line, src
                    )
                elif src.top_level:
                    edits.append((value[0].start, value[0].start, "height="))
                elif not self.confined:
                    self._violation(
                        result,
                        f"{name}(): a computed first argument may name a file; write height=",
                        line,
                        src,
                    )
                continue
            file_args.append(value)
        for value in file_args:
            edit = self._check_file_arg(name, value, src, result, line)
            if edit:
                edits.append(edit)
        return edits

    def _check_file_arg(
        self, name: str, value: list[Token], src: _File, result: PathCheck, line: int
    ) -> Edit | None:
        if not (len(value) == 1 and value[0].kind == "string"):
            if len(value) == 1 and value[0].kind == "ident" and value[0].text == "undef":
                return None
            self._violation(
                result,
                f"{name}(): the file must be a string literal, not a computed value",
                line,
                src,
            )
            return None
        tok = value[0]
        path = _string_value(tok)
        if path is None:
            self._violation(result, f"{name}(): escapes are not allowed in file names", line, src)
            return None
        if not path:
            return None
        on_disk = fs_path(path, src.codec)
        if os.path.isabs(path):
            target = Path(on_disk)
        elif _climbs(path):
            self._violation(result, f"{name}(\"{path}\"): '..' leaves the directory", line, src)
            return None
        elif src.top_level:
            if self.session_dir is None:
                self._violation(
                    result,
                    f'{name}("{path}"): a relative file needs a session directory',
                    line,
                    src,
                )
                return None
            target = self.session_dir / on_disk
        else:
            target = src.base / on_disk
        real = Path(os.path.realpath(target))
        if not _within(real, self.roots):
            self._violation(
                result,
                f'{name}("{path}") reads outside the session and library directories',
                line,
                src,
            )
            return None
        if src.top_level and not os.path.isabs(path):
            return tok.start, tok.end, _escape(str(target))
        return None
