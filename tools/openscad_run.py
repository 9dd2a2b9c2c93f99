"""One OpenSCAD process under the compile's limits, and what its end means (a Status).

tools/openscad.py lays out the private dir and builds the Job; this module starts the
process (through tools/sandbox.py: rlimits, wall timeout, bubblewrap, xvfb-run for PNG) and
reads its stderr into diagnostics and a status.
"""

from __future__ import annotations

import re
import shutil
import signal
from dataclasses import dataclass, replace
from pathlib import Path

from tools.compile_result import Limits, Status
from tools.diagnostics import (
    Diagnostic,
    clamp_lines,
    classify,
    mentions_memory,
    parse_stderr,
)
from tools.sandbox import RunLimits, RunOutcome, bwrap_argv, read_capped, run_limited
from tools.scad_source import Source

# Lines OpenSCAD writes for the program (echo, assert messages...), not for itself.
_USER_TEXT = re.compile(r"^(ECHO|ERROR|WARNING|TRACE|DEPRECATED):")


@dataclass
class Job:
    """Everything about one compile that its OpenSCAD runs share."""

    binary: str
    tmp: Path  # the private dir: HOME, TMPDIR and bubblewrap's only writable place
    src_file: Path
    out_tmp: Path
    defines: list[str]  # -D name=literal
    env: dict[str, str]
    ro_paths: list[Path]  # what bubblewrap shows read-only besides the system
    use_bwrap: bool
    limits: Limits


@dataclass
class Run:
    """One OpenSCAD process and what it meant."""

    outcome: RunOutcome
    stderr: str
    status: Status
    diagnostics: list[Diagnostic]


def run_and_classify(
    job: Job, src: Source, args: list[str], *, png: bool, timeout_s: float, hardwarnings: bool
) -> Run:
    """Run OpenSCAD once with `args` (outputs) and classify the outcome. OSError when the
    binary (or bwrap, xvfb-run) cannot be started at all."""
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
    return Run(outcome, stderr, status, diagnostics)


def png_problem(time_left_s: float) -> str | None:
    """Why a PNG cannot be made now, or None."""
    if shutil.which("xvfb-run") is None:
        return "PNG export needs an X display: apt-get install xvfb xauth"
    if time_left_s < 1.0:
        return "no time left in the wall-clock budget"
    return None


def _run(job: Job, args: list[str], *, png: bool, timeout_s: float) -> tuple[RunOutcome, str]:
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
