"""Compile OpenSCAD programs safely: the ONLY place in scad-agent that starts OpenSCAD.

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

Environment: SCAD_AGENT_OPENSCAD names the binary (default `openscad` on PATH);
SCAD_AGENT_TMPDIR the parent of the private temp dirs (default: the system temp dir);
SCAD_AGENT_NO_BWRAP=1 turns bubblewrap off.
"""

from __future__ import annotations

import atexit
import functools
import math
import numbers
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from tools.diagnostics import (
    Diagnostic,
    clamp_lines,
    classify,
    is_empty_result,
    mentions_memory,
    parse_stderr,
)
from tools.errors import ScadAgentError
from tools.sandbox import (
    RunLimits,
    RunOutcome,
    bwrap_argv,
    bwrap_works,
    private_dir,
    read_capped,
    run_limited,
)
from tools.sandbox_paths import (
    PathChecker,
    encode_source,
    mark_stray_bytes,
    program_bytes,
    read_source,
)

OPENSCAD_ENV = "SCAD_AGENT_OPENSCAD"
TMPDIR_ENV = "SCAD_AGENT_TMPDIR"
BUILTIN_LIBRARY_DIR = Path("/usr/share/openscad/libraries")
DEFAULT_LIBRARY_DIRS: tuple[Path, ...] = (
    (BUILTIN_LIBRARY_DIR,) if BUILTIN_LIBRARY_DIR.is_dir() else ()
)
INSTALL_HINT = "install it with `apt-get install openscad` (or run `make demo`)"
PNG_SIZE = (640, 480)

Status = Literal[
    "ok",
    "syntax_error",
    "runtime_error",
    "empty",
    "timeout",
    "resource_limit",
    "forbidden",
    "crash",
    "invalid_params",
    "not_installed",
]
# What OpenSCAD 2021.01 writes itself; obj is converted from the STL, png needs X (xvfb-run).
_OPENSCAD_FORMATS = ("stl", "off", "3mf", "amf", "csg", "ast")
FORMATS = (*_OPENSCAD_FORMATS, "obj", "png")
_MAX_DIAGNOSTICS = 200
_USER_TEXT = re.compile(r"^(ECHO|ERROR|WARNING|TRACE|DEPRECATED):")
_SUMMARY_LINES = 12


class OpenSCADNotFound(ScadAgentError):
    """No usable openscad binary."""


@dataclass
class Limits:
    timeout_s: float = 60.0  # wall clock for the compile (PNG included), process group killed
    cpu_s: int = 120  # RLIMIT_CPU
    memory_mb: int = 3072  # RLIMIT_AS
    max_output_mb: int = 50  # RLIMIT_FSIZE + checked after; truncated files deleted
    max_stderr_kb: int = 64  # captured stderr kept (head + tail)
    max_source_kb: int = 1024  # larger sources are refused (status resource_limit)


@dataclass
class CompileResult:
    status: Status
    diagnostics: list[Diagnostic]
    outputs: dict[str, Path]  # format -> file
    wall_time_s: float
    openscad_version: str
    sandbox: Literal["bwrap", "path-check"]
    returncode: int | None
    stderr: str  # capped
    openscad_time_s: float = 0.0  # wall time spent inside OpenSCAD runs (benchmarks)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def stl(self) -> Path | None:
        return self.outputs.get("stl")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def summary(self) -> str:
        """Short plain text for a model or a screen: the status, then what went wrong."""
        head = f"status: {self.status}"
        if self.ok:
            head += f" ({', '.join(sorted(self.outputs)) or 'no outputs'})"
        lines = [head]
        shown = self.errors + self.warnings
        traces = [d for d in self.diagnostics if d.severity == "trace"][:3]
        if self.errors:
            shown += traces
        seen: set[str] = set()
        body: list[str] = []
        for d in shown:
            text = d.render()
            if text in seen:
                continue
            seen.add(text)
            body.append(text if len(text) <= 300 else text[:297] + "...")
        lines += body[:_SUMMARY_LINES]
        if len(body) > _SUMMARY_LINES:
            lines.append(f"... and {len(body) - _SUMMARY_LINES} more")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "ok": self.ok,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "outputs": {fmt: str(path) for fmt, path in self.outputs.items()},
            "wall_time_s": round(self.wall_time_s, 4),
            "openscad_time_s": round(self.openscad_time_s, 4),
            "openscad_version": self.openscad_version,
            "sandbox": self.sandbox,
            "returncode": self.returncode,
            "stderr": self.stderr,
        }


# --------------------------------------------------------------------------- binary, version


def openscad_binary() -> str | None:
    """The openscad executable to run: $SCAD_AGENT_OPENSCAD, else `openscad` on PATH."""
    configured = os.environ.get(OPENSCAD_ENV)
    if configured:
        found = shutil.which(configured)
        return os.path.abspath(found) if found else None
    found = shutil.which("openscad")
    return os.path.realpath(found) if found else None


@functools.cache
def _version_of(binary: str) -> str:
    try:
        done = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin", "HOME": tempfile.gettempdir()},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OpenSCADNotFound(f"cannot run {binary}: {exc}; {INSTALL_HINT}") from exc
    text = (done.stderr + done.stdout).decode("utf-8", "replace")
    match = re.search(r"OpenSCAD version (\S+)", text)
    return match.group(1) if match else text.strip()[:80]


def openscad_version() -> str:
    """ "2021.01" for Debian 12's package. Raises OpenSCADNotFound when there is no binary."""
    binary = openscad_binary()
    if binary is None:
        raise OpenSCADNotFound(f"openscad is not installed; {INSTALL_HINT}")
    return _version_of(binary)


# --------------------------------------------------------------------------- parameters

_NAME_RE = re.compile(r"^\$?[A-Za-z_][A-Za-z0-9_]*$")
_KEYWORDS = frozenset(
    "module function include use if else for let assert echo each true false undef "
    "intersection_for".split()
)
_MAX_PARAM_DEPTH = 16
_MAX_PARAM_CHARS = 64 * 1024


def _literal(value: object, depth: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        if abs(int(value)) < 2**53:
            return str(int(value))
        value = float(value)  # may raise OverflowError: caught by validate_param
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(number)
    if isinstance(value, str):
        return _string_literal(value)
    if isinstance(value, list | tuple):
        if depth >= _MAX_PARAM_DEPTH:
            raise ValueError("vector nested too deeply")
        return "[" + ", ".join(_literal(v, depth + 1) for v in value) + "]"
    raise ValueError(f"unsupported parameter type {type(value).__name__}")


def _string_literal(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
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


def validate_param(name: str, value: object) -> str:
    """The OpenSCAD literal for a -D parameter, or ValueError.

    OpenSCAD parses -D values as code (`-D 'w=1; include </etc/passwd>'` includes the file),
    so only data goes through: finite numbers, booleans, strings (escaped), and vectors of
    those. Names must be identifiers (a leading `$` is allowed), not keywords.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name) or name in _KEYWORDS:
        raise ValueError(f"invalid parameter name {name!r}")
    try:
        literal = _literal(value, 0)
    except (OverflowError, RecursionError) as exc:
        raise ValueError(f"invalid value for {name}: {exc}") from exc
    if len(literal) > _MAX_PARAM_CHARS:
        raise ValueError(f"value for {name} is too long")
    return literal


# --------------------------------------------------------------------------- compile


@dataclass
class _Source:
    text: str
    name: str  # file name OpenSCAD sees (and names in messages)
    stem: str  # output file stem
    base_dir: Path | None  # where a source file lives (its relative paths)
    notes: list[Diagnostic]
    codec: str = "utf-8"  # how the text was decoded (sandbox_paths.read_source)


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


def _load_source(source: str | Path, cap: int) -> _Source | Diagnostic:
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
        return _Source(text, name, stem, source.parent, notes, codec)
    if not isinstance(source, str):
        raise ScadAgentError(f"source must be program text or a Path, not {type(source).__name__}")
    if len(source) > cap:
        return Diagnostic("error", f"source is {len(source)} characters; the limit is {cap} bytes")
    data = source.encode("utf-8", "replace")  # lone surrogates become "?"
    if len(data) > cap:
        return Diagnostic("error", f"source is {len(data)} bytes; the limit is {cap}")
    text = data.decode("utf-8")
    return _Source(_clean_text(text, notes), "main.scad", "model", None, notes)


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


@dataclass
class _Job:
    """Everything about one compile that the OpenSCAD runs share."""

    binary: str
    tmp: Path
    src_file: Path
    out_tmp: Path
    defines: list[str]
    env: dict[str, str]
    ro_paths: list[Path]
    use_bwrap: bool
    limits: Limits


@dataclass
class _Run:
    """One OpenSCAD process and what it meant."""

    outcome: RunOutcome
    stderr: str
    status: Status
    diagnostics: list[Diagnostic]


def _run(job: _Job, args: list[str], *, png: bool, timeout_s: float) -> tuple[RunOutcome, str]:
    command = [job.binary, *args, *(a for d in job.defines for a in ("-D", d)), job.src_file.name]
    if png:
        # xvfb-run starts a private X server; inside bwrap it lives in the sandbox's own /tmp.
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 -nolisten tcp", *command]
    if job.use_bwrap:
        command = bwrap_argv(
            command,
            work_dir=job.tmp,
            ro_paths=job.ro_paths,
            env=job.env,
            chdir=job.src_file.parent,
        )
    limits = RunLimits(
        timeout_s=timeout_s,
        cpu_s=job.limits.cpu_s,
        memory_mb=job.limits.memory_mb,
        max_file_mb=job.limits.max_output_mb,
    )
    stderr_path = job.tmp / "stderr.txt"
    outcome = run_limited(
        command,
        cwd=job.src_file.parent,
        env=job.env,
        limits=limits,
        stdout_path=job.tmp / "stdout.txt",
        stderr_path=stderr_path,
    )
    stderr, _ = read_capped(stderr_path, job.limits.max_stderr_kb * 1024)
    return outcome, stderr


def _signal_of(outcome: RunOutcome, wrapped: bool) -> int | None:
    if outcome.signal is not None:
        return outcome.signal
    rc = outcome.returncode
    # bwrap and xvfb-run report a child killed by signal N as exit code 128 + N.
    if wrapped and rc is not None and 128 < rc < 128 + 65:
        return rc - 128
    return None


def _classify(
    outcome: RunOutcome,
    stderr: str,
    diagnostics: list[Diagnostic],
    *,
    limits: Limits,
    hardwarnings: bool,
    wrapped: bool,
) -> tuple[Status, Diagnostic | None]:
    """(status, an explaining diagnostic to add or None)."""
    if outcome.timed_out:
        return "timeout", Diagnostic(
            "error",
            f"stopped after {limits.timeout_s:g} s of wall time (the whole process group "
            "was killed); simplify the model: lower $fn, fewer minkowski/hull/loop iterations",
        )
    sig = _signal_of(outcome, wrapped)
    failed = sig is not None or outcome.returncode not in (0, None)
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and outcome.cpu_time_s >= limits.cpu_s):
        return "resource_limit", Diagnostic(
            "error", f"CPU time limit of {limits.cpu_s} s exceeded; simplify the model"
        )
    if sig == signal.SIGXFSZ:
        return "resource_limit", Diagnostic(
            "error", f"output larger than {limits.max_output_mb} MB (files or echo output)"
        )
    # Lines without a message prefix come from the runtime, not from the user's strings
    # (an assert message saying "out of memory" is no memory limit).
    runtime_lines = "\n".join(ln for ln in stderr.splitlines() if not _USER_TEXT.match(ln))
    if failed and mentions_memory(runtime_lines):
        return "resource_limit", Diagnostic(
            "error", f"memory limit of {limits.memory_mb} MB exceeded (is $fn huge?)"
        )
    if sig is not None:
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return "crash", Diagnostic("error", f"OpenSCAD crashed (killed by {name})")
    status = classify(diagnostics, hardwarnings=hardwarnings)
    if status == "empty" and any("not a 3D object" in d.message for d in diagnostics):
        return "empty", Diagnostic(
            "error", "the top level object is 2D: extrude it (linear_extrude/rotate_extrude)"
        )
    if status is not None:
        return status, None  # type: ignore[return-value]
    if outcome.returncode != 0:
        tail = " | ".join(runtime_lines.strip().splitlines()[-3:])[:300]
        return "runtime_error", Diagnostic(
            "error", f"OpenSCAD exited with code {outcome.returncode}: {tail}"
        )
    return "ok", None


def _finish_outputs(
    job: _Job, formats: list[str], stem: str, out_dir: Path | None
) -> tuple[dict[str, Path], list[Diagnostic]]:
    """Check sizes, convert what OpenSCAD cannot write, and move files to out_dir."""
    notes: list[Diagnostic] = []
    cap = job.limits.max_output_mb * 1024 * 1024
    produced: dict[str, Path] = {}
    for fmt in formats:
        path = job.out_tmp / f"{stem}.{fmt}"
        if not path.exists():
            continue
        if path.stat().st_size >= cap:  # RLIMIT_FSIZE stops writes AT the cap: truncated
            path.unlink()
            notes.append(Diagnostic("error", f"{fmt} output reached the {cap >> 20} MB cap"))
            continue
        produced[fmt] = path
    if not produced:
        return {}, notes
    if out_dir is None:
        out_dir = Path(tempfile.mkdtemp(dir=_default_out_parent()))
    out_dir.mkdir(parents=True, exist_ok=True)
    final: dict[str, Path] = {}
    for fmt, path in produced.items():
        target = out_dir / path.name
        shutil.move(str(path), target)
        final[fmt] = target
    return final, notes


def _convert_meshes(job: _Job, formats: list[str], stem: str, *, binary_stl: bool) -> list[str]:
    """Write obj (and binary STL, when OpenSCAD wrote ASCII) from the STL; return problems."""
    stl = job.out_tmp / f"{stem}.stl"
    if not stl.exists() or ("obj" not in formats and binary_stl):
        return []
    import trimesh  # core dependency; only needed for these conversions

    try:
        mesh = trimesh.load(stl, file_type="stl", process=False, force="mesh")
        if not binary_stl:
            mesh.export(stl, file_type="stl")  # trimesh writes binary STL
        if "obj" in formats:
            mesh.merge_vertices()  # STL repeats each vertex per triangle; OBJ shares them
            mesh.export(job.out_tmp / f"{stem}.obj", file_type="obj")
    except Exception as exc:  # noqa: BLE001 -- a converter bug must not lose the STL
        return [f"mesh conversion failed: {exc}"]
    return []


def _run_and_classify(
    job: _Job, src: _Source, args: list[str], *, png: bool, timeout_s: float, hardwarnings: bool
) -> _Run:
    outcome, stderr = _run(job, args, png=png, timeout_s=timeout_s)
    diagnostics = clamp_lines(parse_stderr(stderr, src.name), src.text)
    limits = replace(job.limits, timeout_s=timeout_s)
    status, extra = _classify(
        outcome,
        stderr,
        diagnostics,
        limits=limits,
        hardwarnings=hardwarnings,
        wrapped=job.use_bwrap or png,
    )
    if extra is not None:
        diagnostics.insert(0, extra)  # the line that explains the status comes first
    return _Run(outcome, stderr, status, diagnostics)


def _png_problem(time_left_s: float) -> str | None:
    """Why a PNG cannot be made now, or None."""
    if shutil.which("xvfb-run") is None:
        return "PNG export needs an X display: apt-get install xvfb xauth"
    if time_left_s < 1.0:
        return "no time left in the wall-clock budget"
    return None


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
    started = time.monotonic()
    fmts = _check_formats(formats)
    limits = limits or Limits()
    use_bwrap = bwrap_works()
    version = ""

    def result(
        status: Status,
        diagnostics: list[Diagnostic],
        *,
        outputs: dict[str, Path] | None = None,
        returncode: int | None = None,
        stderr: str = "",
        openscad_time_s: float = 0.0,
    ) -> CompileResult:
        unique: list[Diagnostic] = []
        seen: set[Diagnostic] = set()
        for d in diagnostics:
            if d not in seen:
                seen.add(d)
                unique.append(d)
        return CompileResult(
            status=status,
            diagnostics=unique[:_MAX_DIAGNOSTICS],
            outputs=outputs or {},
            wall_time_s=time.monotonic() - started,
            openscad_version=version,
            sandbox="bwrap" if use_bwrap else "path-check",
            returncode=returncode,
            stderr=stderr,
            openscad_time_s=openscad_time_s,
        )

    loaded = _load_source(source, limits.max_source_kb * 1024)
    if isinstance(loaded, Diagnostic):
        unreadable = loaded.message.startswith("cannot")
        return result("runtime_error" if unreadable else "resource_limit", [loaded])
    src = loaded
    if session_dir is None and src.base_dir is not None:
        session_dir = src.base_dir

    defines: list[str] = []
    try:
        for name, value in (params or {}).items():
            defines.append(f"{name}={validate_param(name, value)}")
    except ValueError as exc:
        return result("invalid_params", [*src.notes, Diagnostic("error", str(exc))])

    binary = openscad_binary()
    if binary is None:
        return result(
            "not_installed", [Diagnostic("error", f"openscad is not installed; {INSTALL_HINT}")]
        )
    try:
        version = _version_of(binary)
    except OpenSCADNotFound as exc:
        return result("not_installed", [Diagnostic("error", str(exc))])

    session = Path(session_dir).absolute() if session_dir is not None else None
    libraries = [Path(d).absolute() for d in library_dirs if Path(d).is_dir()]
    tmp = private_dir(_temp_parent())  # mode 0700
    try:
        return _compile_in(
            src,
            tmp,
            binary,
            defines,
            fmts,
            limits,
            session,
            libraries,
            use_bwrap,
            hardwarnings,
            out_dir,
            result,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _compile_in(
    src: _Source,
    tmp: Path,
    binary: str,
    defines: list[str],
    fmts: list[str],
    limits: Limits,
    session: Path | None,
    libraries: list[Path],
    use_bwrap: bool,
    hardwarnings: bool,
    out_dir: Path | None,
    result: Callable[..., CompileResult],
) -> CompileResult:
    # The private dir doubles as HOME and TMPDIR (every rmdir costs ~4 ms on this disk).
    home, src_dir, out_tmp = tmp, tmp / "src", tmp / "out"
    for d in (src_dir, out_tmp):
        d.mkdir()
    src_file = src_dir / src.name
    src_file.write_bytes(encode_source(src.text, src.codec))  # the check sees the real dir

    openscadpath = ([session] if session else []) + libraries
    search = [*openscadpath, home / ".local/share/OpenSCAD/libraries", BUILTIN_LIBRARY_DIR]
    checker = PathChecker(session, libraries, search_dirs=search, confined=use_bwrap)
    check = checker.check_program(src.text, src_dir, src.codec)
    if not check.ok:
        return result(
            "forbidden",
            [*src.notes, *(Diagnostic("error", v.message, v.line) for v in check.violations)],
        )
    src_file.write_bytes(program_bytes(src.text, check.edits, src.codec))

    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "OPENSCADPATH": os.pathsep.join(str(p) for p in openscadpath),
    }
    ro_paths = [*openscadpath]
    if not binary.startswith("/usr/"):
        ro_paths.append(Path(binary))
    job = _Job(binary, tmp, src_file, out_tmp, defines, env, ro_paths, use_bwrap, limits)

    notes = list(src.notes)
    mesh_like = [f for f in fmts if f != "png"]
    direct = [f for f in fmts if f in _OPENSCAD_FORMATS]
    if "obj" in fmts and "stl" not in direct:
        direct.insert(0, "stl")  # obj is converted from the STL
    binary_stl = direct == ["stl"]
    png_file = out_tmp / f"{src.stem}.png"
    png_args = ["-o", str(png_file), f"--imgsize={PNG_SIZE[0]},{PNG_SIZE[1]}"]
    png_args += ["--viewall", "--autocenter"]
    try:
        if mesh_like:
            args = [a for fmt in direct for a in ("-o", str(out_tmp / f"{src.stem}.{fmt}"))]
            if binary_stl:
                args += ["--export-format", "binstl"]
            main = _run_and_classify(
                job, src, args, png=False, timeout_s=limits.timeout_s, hardwarnings=hardwarnings
            )
            if "png" in fmts and main.status == "ok":
                # A preview image is a bonus: its failure leaves an ok part ok. It gets what
                # is left of the wall-clock budget.
                left = limits.timeout_s - main.outcome.wall_time_s
                problem = _png_problem(left)
                if problem is None:
                    png = _run_and_classify(
                        job, src, png_args, png=True, timeout_s=left, hardwarnings=hardwarnings
                    )
                    main.outcome = replace(
                        main.outcome, wall_time_s=main.outcome.wall_time_s + png.outcome.wall_time_s
                    )
                    if png.status != "ok" or not png_file.exists():
                        errors = [d.message for d in png.diagnostics if d.severity == "error"]
                        problem = "; ".join(errors)[:300] or png.status
                if problem is not None:
                    notes.append(Diagnostic("warning", f"png preview failed: {problem}"))
                    png_file.unlink(missing_ok=True)
        else:
            problem = _png_problem(limits.timeout_s)
            if problem is not None:
                return result("not_installed", [*notes, Diagnostic("error", problem)])
            main = _run_and_classify(
                job, src, png_args, png=True, timeout_s=limits.timeout_s, hardwarnings=hardwarnings
            )
    except OSError as exc:  # the binary (or bwrap, xvfb-run) could not be started at all
        message = f"cannot start OpenSCAD: {exc}; {INSTALL_HINT}"
        return result("not_installed", [*notes, Diagnostic("error", message)])

    status, diagnostics, outcome, stderr = main.status, main.diagnostics, main.outcome, main.stderr
    # A failed preview image was reported as a warning above; it is not required.
    required = [f for f in fmts if f != "png" or not mesh_like]
    if status in ("timeout", "resource_limit", "crash"):
        outputs: dict[str, Path] = {}  # possibly truncated: never returned
    else:
        for problem in _convert_meshes(job, fmts, src.stem, binary_stl=binary_stl):
            notes.append(Diagnostic("warning", problem))
        outputs, size_notes = _finish_outputs(job, fmts, src.stem, out_dir)
        if size_notes:
            status = "resource_limit"
            notes += size_notes
            for path in outputs.values():
                path.unlink(missing_ok=True)
            outputs = {}
        elif status == "ok" and any(f not in outputs for f in required):
            missing = ", ".join(f for f in required if f not in outputs)
            is_2d = any(is_empty_result(d) for d in diagnostics)
            status = "empty" if is_2d else "runtime_error"
            notes.append(Diagnostic("error", f"OpenSCAD wrote no {missing} output"))
    return result(
        status,
        [*notes, *diagnostics],
        outputs=outputs,
        returncode=outcome.returncode,
        stderr=stderr,
        openscad_time_s=outcome.wall_time_s,
    )
