"""Hostile programs against compile_scad: each test asserts the safe outcome.

Tests that only exercise the static path check run in both sandbox modes; the ones that
need OpenSCAD to misbehave (timeouts, huge outputs, crashes) run in the mode in force.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import get_args

import pytest

from tools import openscad, sandbox
from tools.openscad import Limits, compile_scad
from tools.sandbox_paths import PathCheck, PathChecker

STATUSES = set(get_args(openscad.Status))  # the contract's statuses, one source


@pytest.fixture(params=["bwrap", "path-check"])
def mode(request, monkeypatch) -> Iterator[str]:
    """Run the test with bubblewrap and again with the path check alone."""
    if request.param == "path-check":
        monkeypatch.setenv("SCAD_AGENT_NO_BWRAP", "1")
    sandbox.bwrap_works.cache_clear()
    if request.param == "bwrap" and not sandbox.bwrap_works():
        pytest.skip("bubblewrap cannot start a sandbox here")
    yield request.param
    monkeypatch.delenv("SCAD_AGENT_NO_BWRAP", raising=False)
    sandbox.bwrap_works.cache_clear()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch) -> Path:
    """A fresh parent for compile_scad's private temp dirs, so leftovers can be seen."""
    parent = tmp_path / "scad-tmp"
    parent.mkdir()
    monkeypatch.setenv("SCAD_AGENT_TMPDIR", str(parent))
    return parent


def pids_mentioning(text: str) -> dict[int, list[str]]:
    """pid -> argv of the live processes whose command line contains `text` (our temp paths
    are unique)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and text in " ".join(argv):
            found[int(entry.name)] = argv
    return found


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that contain `text`."""
    return [" ".join(argv) for argv in pids_mentioning(text).values()]


def children_of_this_process() -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ")"
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            children.append(int(entry.name))
    return children


def assert_forbidden(result: openscad.CompileResult) -> None:
    assert result.status == "forbidden", result.summary()
    assert result.returncode is None  # OpenSCAD never started
    assert "root:" not in result.summary() + result.stderr


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """A session dir with a neighbour that holds secrets one level up."""
    (tmp_path / "secret.scad").write_text("cube(99);\n")
    (tmp_path / "secret.stl").write_bytes((tmp_path / "secret.scad").read_bytes())
    (tmp_path / "secret.dat").write_text("1 2\n3 4\n")
    session = tmp_path / "session"
    (session / "sub").mkdir(parents=True)
    (session / "ok.scad").write_text("module ok() cube(1);\n")
    return session


# ------------------------------------------------------------------ reading outside files


@pytest.mark.parametrize(
    "program",
    [
        "include </etc/passwd>\ncube(1);\n",
        "use </etc/passwd>\ncube(1);\n",
        'import("/etc/passwd");\n',
        'surface("/etc/passwd");\n',
    ],
    ids=["include", "use", "import", "surface"],
)
def test_etc_passwd_is_forbidden(mode: str, program: str) -> None:
    result = compile_scad(program)
    assert_forbidden(result)
    assert [e.line for e in result.errors] == [1]
    # The answer is the same for a file that does not exist: nothing is learned.
    missing = compile_scad(program.replace("/etc/passwd", "/etc/no-such-file"))
    assert missing.summary() == result.summary().replace("/etc/passwd", "/etc/no-such-file")


@pytest.mark.parametrize(
    "program",
    [
        'surface("/dev/zero");\n',
        'surface(file="/dev/zero", center=true);\n',
        'import("/proc/self/environ");\n',
        'import(convexity=3, "/etc/passwd");\n',  # positional after a named argument
        'import(filename="/etc/passwd");\n',
        'linear_extrude("/etc/passwd") square(1);\n',
        'linear_extrude(file="/etc/passwd") square(1);\n',
        'rotate_extrude(file="/etc/passwd");\n',
        'dxf_linear_extrude("/etc/passwd");\n',
        'echo(dxf_dim(file="/etc/passwd", name="x"));\n',
        'echo(dxf_cross(file="/etc/passwd"));\n',
    ],
)
def test_other_readers_of_outside_files(mode: str, program: str) -> None:
    assert_forbidden(compile_scad(program))


@pytest.mark.parametrize(
    "program",
    [
        "include <../secret.scad>\n",
        "use <../secret.scad>\nok();\n",
        "include <sub/../../secret.scad>\n",
        "include <./../secret.scad>\n",
        'import("../secret.stl");\n',
        'import("sub/../../secret.stl");\n',
        'surface("../secret.dat");\n',
    ],
)
def test_dot_dot_escapes(mode: str, session: Path, program: str) -> None:
    assert_forbidden(compile_scad(program, session_dir=session))


def test_absolute_paths(mode: str, session: Path) -> None:
    outside = session.parent / "secret.scad"
    assert_forbidden(compile_scad(f"include <{outside}>\n", session_dir=session))
    assert_forbidden(
        compile_scad(f'import("{session.parent / "secret.stl"}");\n', session_dir=session)
    )
    inside = compile_scad(f"use <{session / 'ok.scad'}>\nok();\n", session_dir=session)
    assert inside.status == "ok", inside.summary()


def test_symlink_in_session_pointing_out(mode: str, session: Path) -> None:
    (session / "link.scad").symlink_to("/etc/passwd")
    (session / "sub" / "up").symlink_to(session.parent)
    for program in [
        "include <link.scad>\n",
        'import("link.scad");\n',
        "include <sub/up/secret.scad>\n",
        'surface("sub/up/secret.dat");\n',
    ]:
        assert_forbidden(compile_scad(program, session_dir=session))


@pytest.mark.parametrize(
    "program",
    [
        'f = "/etc/passwd";\nimport(f);\n',
        'import(str("/etc/", "passwd"));\n',
        'import(file=str("/etc/", "passwd"));\n',
        'p = "/etc/passwd";\nsurface(p);\n',
        'p = "/etc/passwd";\nsurface(file = p, center = true);\n',
        'p = "/etc/passwd";\nlinear_extrude(file=p) square(1);\n',
        'p = "/etc/passwd";\nrotate_extrude(p) square(1);\n',
        'p = "/etc/passwd";\necho(dxf_dim(file=p, name="x"));\n',
        'module m(f) import(f);\nm("/etc/passwd");\n',
        'import(["/etc/passwd"][0]);\n',
        'import("/etc/" "passwd");\n',
        'import("\\x2fetc/passwd");\n',  # escapes are refused outright
    ],
)
def test_computed_paths_are_forbidden(mode: str, program: str) -> None:
    assert_forbidden(compile_scad(program))


@pytest.mark.parametrize(
    "program",
    [
        "include\n\t </etc/passwd>\ncube(1);\n",
        "include>></etc/passwd>\ncube(1);\n",
        "use\r\n</etc/passwd>\ncube(1);\n",
        "cube(1);include</etc/passwd>",
        "include </etc\n/passwd>\ncube(1);\n",  # OpenSCAD would read "/passwd"
        'import /* a */ ( /* b */ file /* c */ = // d\n "/etc/passwd");\n',
        '!import("/etc/passwd");\n',
        'x = 2; import("/etc/passwd");\n',
        'translate([0, 0, 1]) #surface("/etc/passwd");\n',
        "cube(1); /* comment */ include </etc/passwd>\n",
        'echo("a \\" quote"); include </etc/passwd>\n',
    ],
)
def test_whitespace_and_comment_tricks(mode: str, program: str) -> None:
    assert_forbidden(compile_scad(program))


@pytest.mark.parametrize(
    "program",
    [
        'echo("include </etc/passwd>");\ncube(1);\n',
        "// include </etc/passwd>\ncube(1);\n",
        '/* import("/etc/passwd"); */\ncube(1);\n',
        'echo("import(\\"/etc/passwd\\")");\ncube(1);\n',
        "h = 5;\nlinear_extrude(h) square(2);\n",
        "linear_extrude(3) square(2);\n",
        "myinclude = 1;\ncube(myinclude);\n",
    ],
)
def test_lookalikes_are_not_refused(mode: str, program: str) -> None:
    result = compile_scad(program)
    assert result.status == "ok", result.summary()


def test_latin1_names_are_checked_as_the_bytes_openscad_opens(mode: str, session: Path) -> None:
    """In a Latin-1 session file, "caf\xe9.stl" is the file named by that byte (a link out
    here); decoding the name any other way would check a file that does not exist."""
    link = os.path.join(os.fsencode(session), b"caf\xe9.stl")
    os.symlink(session.parent / "secret.stl", link)
    (session / "leak.scad").write_bytes(b'// \xe9\nimport("caf\xe9.stl");\n')
    assert_forbidden(compile_scad("include <leak.scad>\n", session_dir=session))
    main = session / "main.scad"
    main.write_bytes(b'// \xe9\nimport("caf\xe9.stl");\n')
    assert_forbidden(compile_scad(main))


def test_computed_linear_extrude_in_an_included_file(mode: str, session: Path) -> None:
    """OpenSCAD reads an included file as it is, so its computed linear_extrude argument
    cannot be made the height: refused without bubblewrap, harmless with it."""
    (session / "inc.scad").write_text('h = "/etc/passwd";\nlinear_extrude(h) square(1);\n')
    result = compile_scad("include <inc.scad>\ncube(1);\n", session_dir=session)
    assert "root:" not in result.summary() + result.stderr
    if mode == "path-check":
        assert_forbidden(result)
        assert "inc.scad, line 2" in result.errors[0].message
    else:
        assert result.status != "forbidden", result.summary()


def test_computed_linear_extrude_argument_is_the_height(tmp_path: Path) -> None:
    """2021.01 reads a string first argument as a DXF file; we make it the height."""
    result = compile_scad('h = "/etc/passwd";\nlinear_extrude(h) square(2);\n')
    assert result.status in ("ok", "runtime_error", "empty")
    assert "root:" not in result.stderr
    assert "Illegal ID" not in result.stderr


def test_bwrap_hides_whether_outside_files_exist(monkeypatch) -> None:
    """With the static check switched off, bubblewrap alone still hides /etc/passwd.

    linear_extrude(file=...) prints the first line of a file it cannot parse as DXF, and a
    different warning for a missing file; inside the sandbox both paths look missing.
    """
    sandbox.bwrap_works.cache_clear()
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap cannot start a sandbox here")
    program = 'linear_extrude(file="{}") square(1);\ncube(1);\n'

    monkeypatch.setattr(
        PathChecker,
        "check_program",
        lambda self, text, program_dir, codec="utf-8": PathCheck(program=text),
    )

    def run(path: str) -> str:
        result = compile_scad(program.format(path))
        lines = [ln for ln in result.stderr.splitlines() if ln.startswith(("WARNING", "ERROR"))]
        return "\n".join([result.status, *lines]).replace(path, "PATH")

    existing, missing = run("/etc/passwd"), run("/etc/no-such-file")
    assert "root:" not in existing
    assert existing == missing
    # The same probe without bubblewrap tells the two apart: the test can fail.
    monkeypatch.setenv("SCAD_AGENT_NO_BWRAP", "1")
    sandbox.bwrap_works.cache_clear()
    try:
        leaked = run("/etc/passwd")
        assert "root:" in leaked and leaked != run("/etc/no-such-file")
    finally:
        monkeypatch.delenv("SCAD_AGENT_NO_BWRAP")
        sandbox.bwrap_works.cache_clear()


# ------------------------------------------------------------------ denial of service


@pytest.mark.parametrize("fmt", ["stl", "png"])
def test_million_cubes_time_out_and_leave_nothing(mode: str, fmt: str, private_tmp: Path) -> None:
    """Killed on time in both modes; for PNG that includes xvfb-run and its X server."""
    program = "for (i = [0:99], j = [0:99], k = [0:99]) translate([i, j, k] * 2) cube(1);\n"
    result = compile_scad(program, formats=(fmt,), limits=Limits(timeout_s=2))
    assert result.status == "timeout", result.summary()
    assert result.outputs == {} and result.returncode is None
    assert result.summary().splitlines()[1].startswith("error: stopped after 2 s")
    assert os.listdir(private_tmp) == []
    assert processes_mentioning(str(private_tmp)) == []
    assert children_of_this_process() == []


def test_huge_fn_hits_the_memory_limit() -> None:
    result = compile_scad("sphere(10, $fn=1e9);\n")
    assert result.status == "resource_limit", result.summary()
    assert "memory limit" in result.errors[0].message


def test_fn_one_million_is_bounded() -> None:
    result = compile_scad("sphere(10, $fn=1e6);\n")
    assert result.status in ("resource_limit", "timeout"), result.summary()
    assert result.outputs == {}


def test_user_text_cannot_fake_a_memory_error() -> None:
    result = compile_scad('assert(false, "std::bad_alloc: out of memory");\n')
    assert result.status == "runtime_error"


def test_sixty_megabytes_of_echo_are_cut(private_tmp: Path) -> None:
    program = 's = "' + "x" * 100 + '";\nfor (i = [0:999], j = [0:599]) echo(s);\ncube(1);\n'
    result = compile_scad(program)
    assert result.status == "resource_limit", result.summary()
    assert len(result.stderr) <= Limits().max_stderr_kb * 1024
    assert "bytes of output cut" in result.stderr
    assert os.listdir(private_tmp) == []


def test_output_over_the_cap_is_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = compile_scad("sphere(10, $fn=300);\n", out_dir=out, limits=Limits(max_output_mb=1))
    assert result.status == "resource_limit", result.summary()
    assert result.outputs == {}
    assert not out.exists() or list(out.iterdir()) == []


def test_fifty_megabyte_stl_is_stopped_by_the_default_cap(tmp_path: Path) -> None:
    """About 60 MB of binary STL (1.2M facets) against the default 50 MB output cap."""
    out = tmp_path / "out"
    result = compile_scad("sphere(10, $fn=1100);\n", out_dir=out)
    assert Limits().max_output_mb == 50
    assert result.status == "resource_limit", result.summary()
    assert result.outputs == {}
    assert not out.exists() or list(out.iterdir()) == []


def test_file_without_trailing_newline(tmp_path: Path) -> None:
    source = tmp_path / "part.scad"
    source.write_text("cube(10);")
    assert compile_scad(source).status == "ok"
    source.write_text("cube(10);\nsphere(5")
    result = compile_scad(source)
    assert result.status == "syntax_error"
    assert result.errors[0].line == 2


def test_ten_megabyte_source_is_refused_without_running(tmp_path: Path) -> None:
    text = "cube(1);\n" * (10 * 1024 * 1024 // 9)
    result = compile_scad(text)
    assert result.status == "resource_limit" and result.returncode is None
    big = tmp_path / "big.scad"
    big.write_text(text)
    assert compile_scad(big).status == "resource_limit"


def test_string_doubling_is_stopped() -> None:
    program = 'function d(s, n) = n == 0 ? s : d(str(s, s), n - 1);\necho(len(d("ab", 40)));\n'
    result = compile_scad(program, limits=Limits(timeout_s=3, memory_mb=1024))
    assert result.status in ("timeout", "resource_limit"), result.summary()


# ------------------------------------------------------------------ odd sources


def test_non_utf8_bytes(tmp_path: Path) -> None:
    in_comment = tmp_path / "comment.scad"
    in_comment.write_bytes(b"cube(1); // caf\xe9\n")
    result = compile_scad(in_comment)
    assert result.status == "ok"
    assert result.diagnostics == []  # read as Latin-1, as OpenSCAD does: nothing to say
    in_code = tmp_path / "code.scad"
    in_code.write_bytes(b"cube(1);\n\xff\xfe x;\n")
    result = compile_scad(in_code)
    assert result.status == "syntax_error"
    assert [e.line for e in result.errors] == [2]
    assert compile_scad("cube(1);\n\udcff\n").status == "syntax_error"  # lone surrogate


def test_nul_does_not_hide_the_rest_of_the_program() -> None:
    # OpenSCAD stops reading at a NUL; the rest must not silently vanish.
    result = compile_scad("cube(1);\n\x00\nsphere(2)\n")
    assert result.status == "syntax_error"
    assert [e.line for e in result.errors] == [2]


def test_param_injection_is_rejected() -> None:
    result = compile_scad("cube(1);\n", params={"w=1; include </etc/passwd>": 1})
    assert result.status == "invalid_params"
    result = compile_scad("cube(1);\n", params={"w": float("nan")})
    assert result.status == "invalid_params"


# ------------------------------------------------------------------ crashes and interrupts


def test_crash_by_signal(mode: str, tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "bin" / "openscad"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\ncase "$1" in --version) echo "OpenSCAD version 2021.01" >&2; exit 0;; esac\n'
        "kill -SEGV $$\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("SCAD_AGENT_OPENSCAD", str(fake))
    result = compile_scad("cube(1);\n")
    assert result.status == "crash", result.summary()
    assert "SIGSEGV" in result.summary()
    assert result.sandbox == mode


def test_keyboard_interrupt_kills_and_cleans_up(private_tmp: Path) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.5)
    try:
        with pytest.raises(KeyboardInterrupt):
            compile_scad("for (i = [0:99], j = [0:99], k = [0:99]) translate([i,j,k]) cube(1);\n")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert os.listdir(private_tmp) == []
    assert processes_mentioning(str(private_tmp)) == []


# ------------------------------------------------------------------ soak


def _soak_programs(session: Path) -> list[tuple[str, str, dict]]:
    """(program, expected status, compile kwargs) of 200 mixed small jobs."""
    short = {"limits": Limits(timeout_s=1.5)}
    kinds: list[tuple[str, str, dict]] = [
        ("cube([{n}, 2, 3]);\n", "ok", {}),
        ("difference() {{ cube({n}); translate([1,1,-1]) cylinder(r=0.4, h={n}+2); }}\n", "ok", {}),
        ("cube({n})\ncube(1)", "syntax_error", {}),
        ("cube({n});\nx = y{n};\n", "runtime_error", {}),
        ('assert({n} < 0, "neg");\n', "runtime_error", {}),
        ("function f(n) = f(n + {n});\necho(f(1));\n", "runtime_error", {}),
        ('echo("{n}");\n', "empty", {}),
        ("include </etc/passwd>\ncube({n});\n", "forbidden", {}),
        ('import(str("/etc/", "passwd{n}"));\n', "forbidden", {}),
        ("include <../secret.scad>\ncube({n});\n", "forbidden", {"session_dir": session}),
        ("cube({n});\n", "invalid_params", {"params": {"bad name": 1}}),
        (
            'for (i = [0:99], j = [0:999]) echo("{n}' + "x" * 28 + '");\n',
            "resource_limit",
            {"limits": Limits(max_output_mb=1)},
        ),
    ]
    rng = random.Random(7)
    jobs = [
        (src.format(n=i % 9 + 2), status, kw)
        for i in range(190)
        for src, status, kw in [rng.choice(kinds)]
    ]
    loop = "for (i = [0:99], j = [0:99], k = [0:99]) translate([i, j, k]) cube(1);\n"
    jobs += [(loop, "timeout", short)] * 10
    rng.shuffle(jobs)
    return jobs


@pytest.mark.slow
def test_soak_200_mixed_programs_in_4_threads(private_tmp: Path, session: Path) -> None:
    jobs = _soak_programs(session)
    assert len(jobs) == 200

    def run(job: tuple[str, str, dict]) -> tuple[str, str]:
        program, expected, kwargs = job
        return expected, compile_scad(program, **kwargs).status

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(run, jobs, timeout=240))
    assert all(actual in STATUSES for _, actual in outcomes)
    wrong = [(e, a) for e, a in outcomes if e != a]
    assert wrong == []
    assert os.listdir(private_tmp) == []
    assert processes_mentioning(str(private_tmp)) == []
    assert children_of_this_process() == []


# ------------------------------------------------------------------ the agent killed with -9

REPO = Path(__file__).resolve().parent.parent
# About 1e10 loop steps in constant memory: minutes of work, so only a kill ends it early.
ENDLESS = "x = [for (i = [0:1e5], j = [0:1e5]) if (i < 0) 1];\necho(len(x));\ncube(1);\n"
COMPILE_IN_A_CHILD = (
    "import sys\n"
    "from tools.openscad import Limits, compile_scad\n"
    "compile_scad(sys.argv[1], formats=(sys.argv[2],), limits=Limits(timeout_s=900, cpu_s=900))\n"
)


def wait_for(what: str, probe: Callable[[], object], deadline_s: float = 60.0) -> object:
    """Poll `probe` until it returns something true; fail after a generous deadline."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def openscad_running_in(parent: Path) -> dict[int, list[str]]:
    return {
        pid: argv
        for pid, argv in pids_mentioning(str(parent)).items()
        if argv and os.path.basename(argv[0]) == "openscad"
    }


def kill_mid_compile(parent: Path, fmt: str = "stl") -> None:
    """A separate Python process compiles ENDLESS with its temp dirs in `parent`; once
    OpenSCAD runs, the process is SIGKILLed (no finally, no atexit)."""
    child = subprocess.Popen(
        [sys.executable, "-c", COMPILE_IN_A_CHILD, ENDLESS, fmt],
        cwd=REPO, env={**os.environ, "SCAD_AGENT_TMPDIR": str(parent)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for("OpenSCAD to start", lambda: openscad_running_in(parent))
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize("fmt", ["stl", "png"])
def test_openscad_dies_with_the_agent(mode: str, fmt: str, private_tmp: Path) -> None:
    """kill -9 of the compiling process takes OpenSCAD (and for PNG xvfb-run and its X
    server) with it, with bubblewrap and without: nothing is left to run for minutes."""
    kill_mid_compile(private_tmp, fmt)
    try:
        wait_for("the orphans to die", lambda: not pids_mentioning(str(private_tmp)))
    finally:
        for pid in pids_mentioning(str(private_tmp)):  # a failed run must not leak them
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_the_next_process_removes_temp_dirs_a_killed_one_left(private_tmp: Path) -> None:
    """The killed process's private dir stays behind; the next process's first compile
    removes it, and only it: dirs of live owners and names we did not make are kept."""
    live = sandbox.private_dir(private_tmp)  # owned by this (live) test process
    pid, start, ns, rand = live.name.split("-")[1:]
    reused = private_tmp / f"scad-{pid}-{int(start) + 1}-{ns}-{rand}"  # our pid, not us
    reused.mkdir()
    kept = [
        private_tmp / "scad-keepme",
        private_tmp / "scad-compile-abcd1234",  # the old, ownerless naming
        private_tmp / f"scad-1-1-{int(ns) + 1}-abcd1234",  # another pid namespace
    ]
    for path in kept:
        path.mkdir()
    outside = private_tmp.parent / "not-ours"
    outside.mkdir()
    link = private_tmp / f"scad-2-2-{ns}-abcd1234"
    link.symlink_to(outside)
    not_a_dir = private_tmp / f"scad-3-3-{ns}-abcd1234"
    not_a_dir.write_text("a file\n")
    planted = {live, reused, *kept, link, not_a_dir}

    kill_mid_compile(private_tmp)
    wait_for("OpenSCAD to die", lambda: not openscad_running_in(private_tmp))
    stale = set(private_tmp.iterdir()) - planted
    assert len(stale) == 1 and next(iter(stale)).is_dir()  # the killed child's

    done = subprocess.run(
        [sys.executable, "-c", "from tools.openscad import compile_scad\n"
         "print(compile_scad('cube(1);').status)"],
        cwd=REPO, env={**os.environ, "SCAD_AGENT_TMPDIR": str(private_tmp)},
        capture_output=True, text=True, check=True,
    )
    assert done.stdout.strip() == "ok"
    assert set(private_tmp.iterdir()) == planted - {reused}
    assert link.is_symlink() and outside.is_dir() and not_a_dir.is_file()
    live.rmdir()
