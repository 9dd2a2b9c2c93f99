"""Parse OpenSCAD's stderr into diagnostics and decide which of them mean failure.

OpenSCAD 2021.01's exit code is not enough (see shared/FIELD-NOTES.md): it returns 0 for
unknown variables, missing includes and non-manifold results. Every `ERROR:`, `WARNING:`,
`DEPRECATED:` and `TRACE:` line is turned into a Diagnostic here, with the 1-based line of
the user's program when the message points into it, and `classify` names the status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Literal

Severity = Literal["error", "warning", "trace"]


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    message: str
    line: int | None = None  # 1-based line in the USER's program

    def to_dict(self) -> dict:
        return asdict(self)

    def render(self) -> str:
        """One line for a model or a screen: `line 7: error: syntax error`."""
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.severity}: {self.message}"


# "ERROR: Parser error: syntax error in file main.scad, line 7"
# "WARNING: Ignoring unknown variable 'y' in file main.scad, line 2"
# "WARNING: Can't open import file '/s/x.stl', import() at line 1"
_LOCATION_RE = re.compile(r",? in file (?P<file>.+?), line (?P<line>\d+)\s*\.?$")
_AT_LINE_RE = re.compile(r", (?P<what>\w+\(\)) at line (?P<line>\d+)\s*$")
_PREFIXES: tuple[tuple[str, Severity], ...] = (
    ("ERROR:", "error"),
    ("WARNING:", "warning"),
    ("DEPRECATED:", "warning"),
    ("TRACE:", "trace"),
)
# Lines without a prefix that still report a failure.
_BARE_ERRORS = (
    "Current top level object is empty.",
    "Current top level object is not a 3D object.",
    "terminate called after throwing",
)


def _locate(text: str, source_name: str) -> tuple[str, int | None]:
    """Split `text` into (message, line in the user's program or None)."""
    match = _LOCATION_RE.search(text)
    if match:
        if _same_file(match["file"], source_name):
            return text[: match.start()].rstrip(" ,"), int(match["line"])
        return text, None  # a line in another file (an include) stays in the message
    match = _AT_LINE_RE.search(text)
    if match:  # import()/surface() name no file; the line is in the file that called them
        return text[: match.start()] + f" ({match['what']})", int(match["line"])
    return text, None


def _same_file(reported: str, source_name: str) -> bool:
    reported = reported.strip().strip('"')
    return reported == source_name or PurePath(reported).name == PurePath(source_name).name


def parse_stderr(stderr: str, source_name: str) -> list[Diagnostic]:
    """Every ERROR/WARNING/DEPRECATED/TRACE line (and the bare failure lines) as a Diagnostic.

    `source_name` is the file name OpenSCAD was given for the user's program; locations in
    other files (includes, libraries) keep their "in file F, line N" text and get line None.
    """
    diagnostics: list[Diagnostic] = []
    for raw in stderr.splitlines():
        text = raw.strip()
        if not text:
            continue
        for prefix, severity in _PREFIXES:
            if text.startswith(prefix):
                message, line = _locate(text[len(prefix) :].strip(), source_name)
                if prefix == "DEPRECATED:":
                    message = "deprecated: " + message
                diagnostics.append(Diagnostic(severity, message, line))
                break
        else:
            if text.startswith(_BARE_ERRORS):
                diagnostics.append(Diagnostic("error", text))
    return diagnostics


# Warnings after which the part is not what the program says, although OpenSCAD exits 0.
_FAILURE_WARNINGS = re.compile(
    "|".join(
        [
            r"Ignoring unknown (variable|module|function|parameter)",
            r"undefined operation",
            r"Can't open (include file|library|import file|DXF file)",
            r"couldn't be opened",
            r"Object may not be a valid 2-manifold",
            r"The given mesh is not closed",
            r"not specified as parameter",
            r"Unable to convert",
            r"Problem converting",
            r"Bad range parameter",
            r"Too many unnamed arguments",
            r"supplied more than once",
        ]
    )
)
_SYNTAX_RE = re.compile(r"^Parser error\b|^Can't parse file")
_EMPTY_RE = re.compile(r"^Current top level object is (empty|not a 3D object)")
_MEMORY_RE = re.compile(r"std::bad_alloc|out of memory|Cannot allocate memory", re.IGNORECASE)


def is_failure_warning(diagnostic: Diagnostic) -> bool:
    return diagnostic.severity == "warning" and bool(_FAILURE_WARNINGS.search(diagnostic.message))


def is_syntax_error(diagnostic: Diagnostic) -> bool:
    return diagnostic.severity == "error" and bool(_SYNTAX_RE.search(diagnostic.message))


def is_empty_result(diagnostic: Diagnostic) -> bool:
    return bool(_EMPTY_RE.search(diagnostic.message))


def mentions_memory(stderr: str) -> bool:
    return bool(_MEMORY_RE.search(stderr))


def classify(diagnostics: Iterable[Diagnostic], *, hardwarnings: bool) -> str | None:
    """The failure status the diagnostics imply, or None when they allow "ok".

    Order matters: a parser error hides everything else, then real errors, then an empty top
    level (which OpenSCAD also reports after a failed assert), then failure warnings.
    """
    diagnostics = list(diagnostics)
    if any(is_syntax_error(d) for d in diagnostics):
        return "syntax_error"
    if any(d.severity == "error" and not is_empty_result(d) for d in diagnostics):
        return "runtime_error"
    if hardwarnings and any(is_failure_warning(d) for d in diagnostics):
        return "runtime_error"
    if any(is_empty_result(d) for d in diagnostics):
        return "empty"
    return None


def clamp_lines(diagnostics: Iterable[Diagnostic], source: str) -> list[Diagnostic]:
    """Map lines past the user's program back into it.

    OpenSCAD appends "\\n\\x03\\n" plus the -D assignments to the program before parsing, so
    an error found at the end of the input (a missing `;` on the last statement, an
    unterminated comment) is reported one or two lines past the last line. Those point at
    the last non-blank line of the user's program instead.
    """
    lines = source.split("\n")  # OpenSCAD counts "\n" only (a lone "\r" is no line break)
    last = len(lines)
    while last > 1 and not lines[last - 1].strip():
        last -= 1
    last = max(last, 1)
    out = []
    for d in diagnostics:
        if d.line is not None and d.line > last:
            d = Diagnostic(d.severity, d.message, last)
        out.append(d)
    return out
