"""Filter stage: license, "is it OpenSCAD", size and data checks (cheap, first), then a
real compile with tools.openscad and a mesh check with tools.mesh (kept as metadata).

Drop reasons (counted in stats): license_unknown, license_not_allowed, not_openscad,
too_long, mostly_data, compile:<status> (e.g. compile:syntax_error, compile:empty).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrape.licenses import LicensePolicy
from scrape.schema import Record
from scrape.text import data_fraction, looks_like_openscad, reads_files, strip_comments, tokens

_DEFINES = re.compile(r"^\s*(?:module|function)\s+\w+", re.M)


@dataclass
class FilterConfig:
    policy: LicensePolicy = field(default_factory=LicensePolicy)
    max_bytes: int = 256 * 1024
    max_lines: int = 8000
    max_data_fraction: float = 0.6  # share of number/list tokens: point clouds score ~0.9
    data_min_tokens: int = 2000  # small files full of numbers (a polygon) are fine
    compile: bool = True
    compile_timeout_s: float = 60.0
    # Warnings that mean a wrong part (unknown variable, undefined operation) fail the
    # compile, as they do in the agent: the corpus teaches programs that are right.
    hardwarnings: bool = True
    keep_statuses: frozenset[str] = frozenset({"ok"})
    keep_libraries: bool = False  # keep programs that only define modules (status empty)
    mesh: bool = True

    def fingerprint(self) -> str:
        """What a stored compile verdict depends on (timeouts are never stored: they depend
        on the machine's load, so the timeout is not part of it)."""
        return json.dumps([self.hardwarnings, self.mesh, 1])


def cheap_check(record: Record, config: FilterConfig) -> str | None:
    """The drop reason found without compiling, or None."""
    if record.license is None:
        return "license_unknown"
    if not config.policy.allows(record.license):
        return "license_not_allowed"
    if record.n_bytes > config.max_bytes or record.n_lines > config.max_lines:
        return "too_long"
    if not looks_like_openscad(record.program):
        return "not_openscad"
    toks = tokens(strip_comments(record.program))
    if len(toks) >= config.data_min_tokens and data_fraction(toks) > config.max_data_fraction:
        return "mostly_data"
    return None


def verdict_key(record: Record, config: FilterConfig) -> str:
    """Programs that read no other file compile the same anywhere: key on text alone, so
    exact copies compile once. Others depend on their folder: key on the record too."""
    context = record.id if reads_files(record.program) else ""
    payload = f"{record.sha256}\0{context}\0{config.fingerprint()}"
    return hashlib.sha256(payload.encode()).hexdigest()


def compile_record(record: Record, config: FilterConfig) -> dict[str, Any]:
    """Compile (and mesh-check) one record; returns {"compile": {...}, "mesh": {...}|None}."""
    from tools.mesh import analyze_mesh
    from tools.openscad import Limits, compile_scad

    with tempfile.TemporaryDirectory(prefix="scrape-compile-") as out:
        result = compile_scad(
            record.program,
            out_dir=Path(out),
            formats=("stl",),
            limits=Limits(timeout_s=config.compile_timeout_s),
            session_dir=Path(record.session_dir) if record.session_dir else None,
            hardwarnings=config.hardwarnings,
        )
        mesh = None
        if config.mesh and result.ok and result.stl is not None:
            report = analyze_mesh(result.stl)
            mesh = {**report.to_dict(), "problems": report.problems()}
    return {
        "compile": {
            "status": result.status,
            "wall_time_s": round(result.wall_time_s, 3),
            "n_errors": len(result.errors),
            "n_warnings": len(result.warnings),
            "errors": [d.message[:300] for d in result.errors[:5]],
            "warnings": [d.message[:300] for d in result.warnings[:5]],
            "openscad_version": result.openscad_version,
            "library": result.status == "empty" and bool(_DEFINES.search(record.program)),
        },
        "mesh": mesh,
    }


def compile_drop_reason(verdict: dict[str, Any], config: FilterConfig) -> str | None:
    info = verdict["compile"]
    if info["status"] in config.keep_statuses:
        return None
    if config.keep_libraries and info.get("library"):
        return None
    return f"compile:{info['status']}"
