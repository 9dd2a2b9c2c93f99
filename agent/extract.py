"""The program out of a model reply: fenced blocks, chatter around them, truncation, bare code.

Preference order when a reply holds several candidates: complete before truncated, blocks
tagged openscad/scad before untagged ones that look like OpenSCAD, and the last of equals
(models put the final version last). A block tagged as another language is never taken, and
prose is never handed to OpenSCAD: no program comes back with a reason instead."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tools.scad_text import bracket_depth, open_construct

SCAD_TAGS = frozenset({"openscad", "scad", "open-scad", "open_scad"})

# Calls and keywords that only OpenSCAD programs are made of.
_SCAD_WORDS = re.compile(
    r"\b(cube|cylinder|sphere|polyhedron|square|circle|polygon|text|translate|rotate|scale|"
    r"mirror|resize|color|offset|hull|minkowski|difference|union|intersection|"
    r"linear_extrude|rotate_extrude|projection|surface|import|multmatrix)\s*\("
    r"|\bmodule\s+\w+\s*\(|\$fn\b|\$fa\b|\$fs\b"
)
_FOREIGN = re.compile(
    r"^\s*(def |class |import \w|from \w+ import|#include|print\(|console\.log|public |"
    r"fn |let mut |package |<\?php|<html|\$ )",
    re.MULTILINE,
)
_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,})\s*([\w+#.-]*)[^`]*$")
_CODE_START = re.compile(
    r"^\s*(//|/\*|\*|\}|\{|\$|[a-z_]\w*\s*(\(|=|\[)|module\b|function\b|for\b|if\b|else\b|"
    r"include\b|use\b|let\b|%|#|!)"
)
_CODE_END = re.compile(r"[;{}),\]]\s*(//.*)?$|\*/\s*$")


@dataclass(frozen=True)
class Extraction:
    """program None means the reply held no program; `reason` says how it was found or why
    nothing was (e.g. "fenced openscad", "bare", "no program: prose only")."""

    program: str | None
    reason: str
    truncated: bool = False
    patch: str | None = None  # a follow-up's reply of changed assignments, as it was written

    @property
    def ok(self) -> bool:
        return self.program is not None


@dataclass
class _Block:
    tag: str
    body: str
    closed: bool


def looks_like_openscad(text: str) -> bool:
    """A cheap judgement: OpenSCAD geometry calls present, no marks of another language."""
    if not _SCAD_WORDS.search(text):
        return False
    return not _FOREIGN.search(text)


def _blocks(reply: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines = reply.splitlines()
    i = 0
    while i < len(lines):
        opened = _FENCE.match(lines[i])
        if not opened:
            i += 1
            continue
        ticks, tag = opened.group(1), opened.group(2).lower()
        body: list[str] = []
        inside: Literal["string", "comment"] | None = None  # a ``` in there closes nothing
        closed = False
        i += 1
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if (
                inside is None
                and stripped.startswith(ticks)
                and not stripped.strip("`")
            ):
                closed = True
                i += 1
                break
            body.append(line)
            inside = open_construct(line, inside)
            i += 1
        blocks.append(_Block(tag=tag, body="\n".join(body).strip("\n"), closed=closed))
    return blocks


def _braces_open(program: str) -> bool:
    """True when brackets, a string or a comment are left open: a cut-off program."""
    return bracket_depth(program) > 0 or open_construct(program) is not None


def _is_code_line(line: str) -> bool:
    return bool(_CODE_START.match(line) or _CODE_END.search(line))


def _bare(reply: str) -> str | None:
    """Trim prose lines before and after the code of an unfenced reply."""
    lines = reply.splitlines()
    start = next((i for i, line in enumerate(lines) if _is_code_line(line)), None)
    if start is None:
        return None
    end = max(i for i, line in enumerate(lines) if _is_code_line(line))
    program = "\n".join(lines[start : end + 1]).strip()
    return program if looks_like_openscad(program) else None


def extract_program(reply: str) -> Extraction:
    """Find the OpenSCAD program in a model reply."""
    text = _THINK.sub("", reply or "").strip()
    if not text:
        return Extraction(None, "no program: empty reply")
    blocks = [b for b in _blocks(text) if b.body.strip()]
    if blocks:
        candidates: list[tuple[tuple[int, int, int], _Block]] = []
        for index, block in enumerate(blocks):
            if block.tag in SCAD_TAGS:
                rank = 1
            elif not block.tag and looks_like_openscad(block.body):
                rank = 0
            else:
                continue  # tagged as another language, or untagged prose/other code
            candidates.append(((int(block.closed), rank, index), block))
        if not candidates:
            tags = sorted({b.tag or "untagged" for b in blocks})
            return Extraction(None, f"no program: only non-OpenSCAD blocks ({', '.join(tags)})")
        _, best = max(candidates, key=lambda c: c[0])
        label = f"fenced {best.tag}" if best.tag else "fenced untagged"
        if not best.closed:
            return Extraction(best.body, f"{label}, unclosed fence", truncated=True)
        # a closed fence means the reply ended normally: open brackets are a syntax error
        # for OpenSCAD to report, not a cut-off reply
        return Extraction(best.body, label)
    program = _bare(text)
    if program is None:
        return Extraction(None, "no program: prose only")
    return Extraction(program, "bare", truncated=_braces_open(program))
