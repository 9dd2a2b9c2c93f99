"""The program to compile, read as OpenSCAD reads it (the "Source text decisions" in
tools/openscad.py's doc): its text, the file name OpenSCAD sees, and notes on what was
cleaned up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tools.diagnostics import Diagnostic
from tools.errors import ScadAgentError
from tools.sandbox_paths import mark_stray_bytes, read_source


@dataclass
class Source:
    text: str
    name: str  # file name OpenSCAD sees (and names in messages)
    stem: str  # output file stem
    base_dir: Path | None  # where a source file lives (its relative paths)
    notes: list[Diagnostic]
    codec: str = "utf-8"  # how the text was decoded (sandbox_paths.read_source)


def load_source(source: str | Path, cap: int) -> Source | Diagnostic:
    """The program text or .scad file as a Source, or the one error that refuses it (a
    message starting "cannot" when unreadable, else it is over `cap` bytes). Raises
    ScadAgentError only for a source that is neither text nor a Path (a caller bug)."""
    notes: list[Diagnostic] = []
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
            if size > cap:
                return Diagnostic("error", f"source is {size} bytes; the limit is {cap}")
            data = source.read_bytes()[: cap + 1]
        except OSError as exc:
            return Diagnostic("error", f"cannot read {source}: {exc.strerror or exc}")
        if len(data) > cap:
            return Diagnostic("error", f"source is larger than the limit of {cap} bytes")
        text, codec = read_source(data)
        safe = re.fullmatch(r"[\w.-]+", source.name) is not None
        name = source.name if safe and source.suffix == ".scad" else "main.scad"
        stem = source.stem or "model"
        text = _clean_text(text, notes, codec)
        return Source(text, name, stem, source.parent, notes, codec)
    if not isinstance(source, str):
        raise ScadAgentError(f"source must be program text or a Path, not {type(source).__name__}")
    if len(source) > cap:
        return Diagnostic("error", f"source is {len(source)} characters; the limit is {cap} bytes")
    data = source.encode("utf-8", "replace")  # lone surrogates become "?"
    if len(data) > cap:
        return Diagnostic("error", f"source is {len(data)} bytes; the limit is {cap}")
    text = data.decode("utf-8")
    return Source(_clean_text(text, notes), "main.scad", "model", None, notes)


def _clean_text(text: str, notes: list[Diagnostic], codec: str = "utf-8") -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text or "\x03" in text:
        notes.append(Diagnostic("warning", "NUL/ETX characters replaced by U+FFFD"))
        text = text.replace("\x00", "\ufffd").replace("\x03", "\ufffd")
    if codec == "latin-1":
        marked = mark_stray_bytes(text)
        if marked != text:
            notes.append(Diagnostic("warning", "non-UTF-8 bytes outside strings and comments "
                                    "replaced by U+FFFD (OpenSCAD stops reading at them)"))
            text = marked
    return text
