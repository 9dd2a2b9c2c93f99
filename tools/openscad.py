"""Compile OpenSCAD programs safely: the ONLY place in scad-agent that starts OpenSCAD
(with the modules it is split into: openscad_binary, scad_source, openscad_run).

`compile_scad` never raises for a bad program; every outcome is a status:

    ok              outputs written, no error and (hardwarnings) no failure warning
    syntax_error    the parser refused the program (diagnostic carries the user's line)
    runtime_error   ERROR lines (failed assert, recursion, non-closed mesh ...), or a warning
                    that means a wrong part (unknown variable/module/function, missing
                    include/import, undefined operation, non-manifold) when hardwarnings
    empty           the top level object is empty, or only 2D
    timeout         ran past Limits.timeout_s; the whole process group was killed
    resource_limit  CPU, memory or output-size limit hit, or the source is too large
    forbidden       the program reads (or may read) a file outside the session and
                    library directories; OpenSCAD was not started
    crash           OpenSCAD died from a signal we did not send
    invalid_params  a -D parameter is not a finite number, bool, string or vector of them
    not_installed   no openscad binary (apt-get install openscad, or `make demo`)

Defences, in order: source size cap and encoding clean-up; -D validation; the static path
check (tools/sandbox_paths.py, in every mode); a private 0700 temp dir that is always
removed (and, should this process be killed, removed by the next one: sandbox.private_dir);
a scrubbed environment; rlimits, a hard wall timeout and death with this process
(tools/sandbox.py); and bubblewrap when it works here (`CompileResult.sandbox` says "bwrap"
or "path-check").

Source text decisions: a file is read as OpenSCAD reads it, UTF-8 or else Latin-1, and
OpenSCAD gets its own bytes (sandbox_paths.program_bytes), so a Latin-1 comment or string
compiles as it does in OpenSCAD. What OpenSCAD silently stops reading at -- NUL and ETX,
and in a Latin-1 file a byte outside strings and comments that is no UTF-8 character --
becomes U+FFFD, which the parser then reports on the right line; a leading byte order mark
(a syntax error to OpenSCAD 2021.01) is dropped. None of these changes the line count, so
every diagnostic line is the user's line.

How a compile goes: `compile_scad` is a short sequence of `Compilation` stages -- load the
source (tools/scad_source.py), turn params into -D literals, find the binary
(tools/openscad_binary.py), lay out the private dir, check paths, run OpenSCAD and classify
each run (tools/openscad_run.py), then convert, size-check and move the outputs. A stage
that ends the compile early raises `_Stop` with its status.

Environment: SCAD_AGENT_OPENSCAD names the binary (default `openscad` on PATH);
SCAD_AGENT_TMPDIR the parent of the private temp dirs (default: the system temp dir);
SCAD_AGENT_NO_BWRAP=1 turns bubblewrap off.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tools.compile_result import CompileResult, Limits, Status
from tools.diagnostics import Diagnostic, is_empty_result
from tools.errors import ScadAgentError
from tools.openscad_binary import (
    BUILTIN_LIBRARY_DIR,
    DEFAULT_LIBRARY_DIRS,
    INSTALL_HINT,
    OPENSCAD_ENV,
    OpenSCADNotFound,
    openscad_binary,
    openscad_version,
    version_of,
)
from tools.openscad_run import Job, Run, png_problem, run_and_classify
from tools.sandbox import bwrap_works, private_dir
from tools.sandbox_paths import PathChecker, encode_source, program_bytes
from tools.scad_source import Source, load_source
from tools.scad_text import scad_literal

# The contract (docs/ARCHITECTURE.md) names these as tools.openscad's; they live in the
# modules this one is split into.
__all__ = [
    "DEFAULT_LIBRARY_DIRS",
    "FORMATS",
    "OPENSCAD_ENV",
    "TMPDIR_ENV",
    "CompileResult",
    "Limits",
    "OpenSCADNotFound",
    "Status",
    "compile_scad",
    "openscad_binary",
    "openscad_version",
    "validate_param",
]

TMPDIR_ENV = "SCAD_AGENT_TMPDIR"
PNG_SIZE = (640, 480)
# What OpenSCAD 2021.01 writes itself; obj is converted from the STL, png needs X (xvfb-run).
_OPENSCAD_FORMATS = ("stl", "off", "3mf", "amf", "csg", "ast")
FORMATS = (*_OPENSCAD_FORMATS, "obj", "png")
_MAX_DIAGNOSTICS = 200


def compile_scad(
    source: str | Path,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = ("stl",),
    params: Mapping[str, object] | None = None,
    limits: Limits | None = None,
    session_dir: Path | None = None,
    library_dirs: Sequence[Path] = DEFAULT_LIBRARY_DIRS,
    hardwarnings: bool = True,
) -> CompileResult:
    """Compile `source` (program text, or a Path to a .scad file) with the real OpenSCAD.

    A Path source without session_dir uses the file's own directory as the session dir, so
    its neighbouring includes work. Without out_dir, outputs go to a fresh temp dir that is
    removed when the process exits: pass out_dir to keep them. Never raises for a bad
    program (see the module doc); raises ScadAgentError only for caller bugs (unknown
    format, wrong source type).
    """
    compilation = Compilation(
        _check_formats(formats), limits or Limits(), hardwarnings=hardwarnings, out_dir=out_dir
    )
    tmp: Path | None = None
    try:
        compilation.load(source, session_dir)
        compilation.read_params(params or {})
        compilation.find_openscad()
        tmp = private_dir(_temp_parent())  # mode 0700, removed below whatever happens
        compilation.lay_out(tmp, library_dirs)
        compilation.check_paths()
        compilation.run_openscad()
        return compilation.collect_outputs()
    except _Stop as stop:
        return compilation.result(stop.status, stop.diagnostics)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


class _Stop(Exception):
    """A stage ended the compile early: the result's status and diagnostics."""

    def __init__(self, status: Status, diagnostics: list[Diagnostic]) -> None:
        super().__init__(status)
        self.status = status
        self.diagnostics = diagnostics


@dataclass
class Compilation:
    """One compile_scad call. The stages run in the order compile_scad calls them; each
    reads what the ones before it set, and either sets what the next one needs or raises
    _Stop with the status that ends the compile."""

    formats: list[str]
    limits: Limits
    hardwarnings: bool = True
    out_dir: Path | None = None
    started: float = field(default_factory=time.monotonic)
    use_bwrap: bool = field(default_factory=bwrap_works)
    version: str = ""  # known once find_openscad ran
    notes: list[Diagnostic] = field(default_factory=list)  # ours, listed before OpenSCAD's
    # set by the stages, in order
    source: Source = field(init=False)
    session_dir: Path | None = field(init=False)
    defines: list[str] = field(init=False)  # -D name=literal
    binary: str = field(init=False)
    libraries: list[Path] = field(init=False)
    search_path: list[Path] = field(init=False)  # OPENSCADPATH: session dir, then libraries
    job: Job = field(init=False)
    main: Run = field(init=False)  # the run that decides the status

    # ------------------------------------------------------------------ stages
    def load(self, source: str | Path, session_dir: Path | None) -> None:
        loaded = load_source(source, self.limits.max_source_kb * 1024)
        if isinstance(loaded, Diagnostic):
            unreadable = loaded.message.startswith("cannot")
            raise _Stop("runtime_error" if unreadable else "resource_limit", [loaded])
        self.source = loaded
        self.notes = list(loaded.notes)
        if session_dir is None:
            session_dir = loaded.base_dir  # a file's neighbours may be included
        self.session_dir = Path(session_dir).absolute() if session_dir is not None else None

    def read_params(self, params: Mapping[str, object]) -> None:
        defines: list[str] = []
        try:
            for name, value in params.items():
                defines.append(f"{name}={validate_param(name, value)}")
        except ValueError as exc:
            raise _Stop("invalid_params", [*self.notes, Diagnostic("error", str(exc))]) from None
        self.defines = defines

    def find_openscad(self) -> None:
        binary = openscad_binary()
        if binary is None:
            message = f"openscad is not installed; {INSTALL_HINT}"
            raise _Stop("not_installed", [Diagnostic("error", message)])
        try:
            self.version = version_of(binary)
        except OpenSCADNotFound as exc:
            raise _Stop("not_installed", [Diagnostic("error", str(exc))]) from None
        self.binary = binary

    def lay_out(self, tmp: Path, library_dirs: Sequence[Path]) -> None:
        """The private dir: src/ holds the program, out/ what OpenSCAD writes, and the dir
        itself doubles as HOME and TMPDIR (every rmdir costs ~4 ms on this disk). Builds the
        Job that every OpenSCAD run of this compile shares."""
        src_dir, out_tmp = tmp / "src", tmp / "out"
        for d in (src_dir, out_tmp):
            d.mkdir()
        src_file = src_dir / self.source.name
        # the path check looks at the real dir, program file included
        src_file.write_bytes(encode_source(self.source.text, self.source.codec))
        self.libraries = [Path(d).absolute() for d in library_dirs if Path(d).is_dir()]
        self.search_path = ([self.session_dir] if self.session_dir else []) + self.libraries
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp),
            "TMPDIR": str(tmp),
            "LANG": "C.UTF-8",
            "XDG_CONFIG_HOME": str(tmp / ".config"),
            "XDG_CACHE_HOME": str(tmp / ".cache"),
            "XDG_DATA_HOME": str(tmp / ".local/share"),
            "OPENSCADPATH": os.pathsep.join(str(p) for p in self.search_path),
        }
        ro_paths = [*self.search_path]
        if not self.binary.startswith("/usr/"):
            ro_paths.append(Path(self.binary))
        self.job = Job(self.binary, tmp, src_file, out_tmp, self.defines, env, ro_paths,
                       self.use_bwrap, self.limits)

    def check_paths(self) -> None:
        """Refuse a program that reads (or may read) outside the session and library dirs,
        then write the program OpenSCAD will run (with the checker's edits)."""
        src, home = self.source, self.job.tmp
        search = [*self.search_path, home / ".local/share/OpenSCAD/libraries",
                  BUILTIN_LIBRARY_DIR]
        checker = PathChecker(self.session_dir, self.libraries, search_dirs=search,
                              confined=self.use_bwrap)
        check = checker.check_program(src.text, self.job.src_file.parent, src.codec)
        if not check.ok:
            violations = [Diagnostic("error", v.message, v.line) for v in check.violations]
            raise _Stop("forbidden", [*self.notes, *violations])
        self.job.src_file.write_bytes(program_bytes(src.text, check.edits, src.codec))

    def run_openscad(self) -> None:
        """The mesh formats in one run, then the PNG preview in a second one; or the PNG
        alone when it is all that was asked."""
        try:
            if self._mesh_formats:
                self.main = self._run_meshes()
                if "png" in self.formats and self.main.status == "ok":
                    self._add_preview()
            else:
                problem = png_problem(self.limits.timeout_s)
                if problem is not None:
                    raise _Stop("not_installed", [*self.notes, Diagnostic("error", problem)])
                self.main = self._run(self._png_args(), png=True, timeout_s=self.limits.timeout_s)
        except OSError as exc:  # the binary (or bwrap, xvfb-run) could not be started at all
            message = f"cannot start OpenSCAD: {exc}; {INSTALL_HINT}"
            raise _Stop("not_installed", [*self.notes, Diagnostic("error", message)]) from None

    def collect_outputs(self) -> CompileResult:
        """Convert, size-check and move what OpenSCAD wrote; the final status."""
        status, diagnostics = self.main.status, self.main.diagnostics
        # A failed preview image was reported as a warning; it is not required.
        required = [f for f in self.formats if f != "png" or not self._mesh_formats]
        outputs: dict[str, Path] = {}
        if status not in ("timeout", "resource_limit", "crash"):  # else possibly truncated
            for problem in self._convert_meshes():
                self.notes.append(Diagnostic("warning", problem))
            outputs, size_notes = self._move_outputs()
            if size_notes:
                status = "resource_limit"
                self.notes += size_notes
                for path in outputs.values():
                    path.unlink(missing_ok=True)
                outputs = {}
            elif status == "ok" and any(f not in outputs for f in required):
                missing = ", ".join(f for f in required if f not in outputs)
                is_2d = any(is_empty_result(d) for d in diagnostics)
                status = "empty" if is_2d else "runtime_error"
                self.notes.append(Diagnostic("error", f"OpenSCAD wrote no {missing} output"))
        return self.result(status, [*self.notes, *diagnostics], outputs=outputs, run=self.main)

    def result(self, status: Status, diagnostics: list[Diagnostic], *,
               outputs: dict[str, Path] | None = None, run: Run | None = None) -> CompileResult:
        unique = list(dict.fromkeys(diagnostics))  # first of each, in order
        return CompileResult(
            status=status,
            diagnostics=unique[:_MAX_DIAGNOSTICS],
            outputs=outputs or {},
            wall_time_s=time.monotonic() - self.started,
            openscad_version=self.version,
            sandbox="bwrap" if self.use_bwrap else "path-check",
            returncode=run.outcome.returncode if run else None,
            stderr=run.stderr if run else "",
            openscad_time_s=run.outcome.wall_time_s if run else 0.0,
        )

    # ------------------------------------------------------------------ helpers
    @property
    def _mesh_formats(self) -> list[str]:
        return [f for f in self.formats if f != "png"]

    @property
    def _direct_formats(self) -> list[str]:
        """What OpenSCAD itself writes: obj is converted from the STL, so it needs one."""
        direct = [f for f in self.formats if f in _OPENSCAD_FORMATS]
        if "obj" in self.formats and "stl" not in direct:
            direct.insert(0, "stl")
        return direct

    def _output(self, fmt: str) -> Path:
        return self.job.out_tmp / f"{self.source.stem}.{fmt}"

    def _run(self, args: list[str], *, png: bool, timeout_s: float) -> Run:
        return run_and_classify(self.job, self.source, args, png=png, timeout_s=timeout_s,
                                hardwarnings=self.hardwarnings)

    def _run_meshes(self) -> Run:
        direct = self._direct_formats
        args = [a for fmt in direct for a in ("-o", str(self._output(fmt)))]
        if direct == ["stl"]:
            args += ["--export-format", "binstl"]
        return self._run(args, png=False, timeout_s=self.limits.timeout_s)

    def _png_args(self) -> list[str]:
        size = f"--imgsize={PNG_SIZE[0]},{PNG_SIZE[1]}"
        return ["-o", str(self._output("png")), size, "--viewall", "--autocenter"]

    def _add_preview(self) -> None:
        """A preview image is a bonus: its failure leaves an ok part ok (with a warning). It
        gets what is left of the wall-clock budget."""
        left = self.limits.timeout_s - self.main.outcome.wall_time_s
        problem = png_problem(left)
        if problem is None:
            png = self._run(self._png_args(), png=True, timeout_s=left)
            spent = self.main.outcome.wall_time_s + png.outcome.wall_time_s
            self.main.outcome = replace(self.main.outcome, wall_time_s=spent)
            if png.status != "ok" or not self._output("png").exists():
                errors = [d.message for d in png.diagnostics if d.severity == "error"]
                problem = "; ".join(errors)[:300] or png.status
        if problem is not None:
            self.notes.append(Diagnostic("warning", f"png preview failed: {problem}"))
            self._output("png").unlink(missing_ok=True)

    def _convert_meshes(self) -> list[str]:
        """Write obj (and binary STL, when OpenSCAD wrote ASCII) from the STL; problems."""
        stl = self._output("stl")
        binary_stl = self._direct_formats == ["stl"]
        if not stl.exists() or ("obj" not in self.formats and binary_stl):
            return []
        import trimesh  # core dependency; only needed for these conversions

        try:
            mesh = trimesh.load(stl, file_type="stl", process=False, force="mesh")
            if not binary_stl:
                mesh.export(stl, file_type="stl")  # trimesh writes binary STL
            if "obj" in self.formats:
                mesh.merge_vertices()  # STL repeats each vertex per triangle; OBJ shares them
                mesh.export(self._output("obj"), file_type="obj")
        except Exception as exc:  # noqa: BLE001 -- a converter bug must not lose the STL
            return [f"mesh conversion failed: {exc}"]
        return []

    def _move_outputs(self) -> tuple[dict[str, Path], list[Diagnostic]]:
        """Check sizes and move the files to out_dir (a fresh temp dir when None)."""
        notes: list[Diagnostic] = []
        cap = self.limits.max_output_mb * 1024 * 1024
        produced: dict[str, Path] = {}
        for fmt in self.formats:
            path = self._output(fmt)
            if not path.exists():
                continue
            if path.stat().st_size >= cap:  # RLIMIT_FSIZE stops writes AT the cap: truncated
                path.unlink()
                notes.append(Diagnostic("error", f"{fmt} output reached the {cap >> 20} MB cap"))
                continue
            produced[fmt] = path
        if not produced:
            return {}, notes
        out_dir = self.out_dir
        if out_dir is None:
            out_dir = Path(tempfile.mkdtemp(dir=_default_out_parent()))
        out_dir.mkdir(parents=True, exist_ok=True)
        final: dict[str, Path] = {}
        for fmt, path in produced.items():
            target = out_dir / path.name
            shutil.move(str(path), target)
            final[fmt] = target
        return final, notes


def _check_formats(formats: Sequence[str]) -> list[str]:
    if isinstance(formats, str):
        formats = [formats]
    out: list[str] = []
    for fmt in formats:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ScadAgentError(f"unknown output format {fmt!r}; known: {', '.join(FORMATS)}")
        if fmt not in out:
            out.append(fmt)
    if not out:
        raise ScadAgentError("no output format requested")
    return out


_out_parent_lock = threading.Lock()
_out_parent: list[Path] = []  # at most one: this process's parent of default out dirs


def _default_out_parent() -> Path:
    """One dir per process for outputs nobody asked to keep; removed when the process exits
    (a caller that compiles thousands of programs only to read `.ok` must not fill /tmp)."""
    with _out_parent_lock:
        if not _out_parent or not _out_parent[0].is_dir():
            parent = private_dir(Path(tempfile.gettempdir()), "out")
            atexit.register(shutil.rmtree, parent, ignore_errors=True)
            _out_parent[:] = [parent]
        return _out_parent[0]


def _temp_parent() -> Path:
    return Path(os.environ.get(TMPDIR_ENV) or tempfile.gettempdir())


# --------------------------------------------------------------------------- parameters

_NAME_RE = re.compile(r"^\$?[A-Za-z_][A-Za-z0-9_]*$")
_KEYWORDS = frozenset(
    "module function include use if else for let assert echo each true false undef "
    "intersection_for".split()
)
_MAX_PARAM_CHARS = 64 * 1024


def validate_param(name: str, value: object) -> str:
    """The OpenSCAD literal for a -D parameter, or ValueError.

    OpenSCAD parses -D values as code (`-D 'w=1; include </etc/passwd>'` includes the file),
    so only data goes through: finite numbers, booleans, strings (escaped), and vectors of
    those. Names must be identifiers (a leading `$` is allowed), not keywords.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name) or name in _KEYWORDS:
        raise ValueError(f"invalid parameter name {name!r}")
    try:
        literal = scad_literal(value)
    except (ValueError, OverflowError, RecursionError) as exc:
        raise ValueError(f"invalid value for {name}: {exc}") from exc
    if len(literal) > _MAX_PARAM_CHARS:
        raise ValueError(f"value for {name} is too long")
    return literal

