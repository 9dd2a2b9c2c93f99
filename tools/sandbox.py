"""Run one untrusted command: private dir, resource limits, hard timeout, optional bubblewrap.

What this module guarantees for every run (tools/openscad.py is the only caller):
* the child gets a scrubbed environment (nothing inherited) and its own session/process group;
* RLIMIT_CPU, RLIMIT_AS and RLIMIT_FSIZE are set by `prlimit` before exec (no preexec_fn:
  that is unsafe when the caller has threads, and the soak test compiles from 4 threads);
* after `timeout_s` of wall time the whole process group is SIGKILLed, and so it is when the
  caller is interrupted (KeyboardInterrupt) or anything else goes wrong while waiting;
* nothing outlives the caller, even a `kill -9` of it: the group leader is a small shell
  watchdog whose parent-death signal (`setpriv --pdeathsig`, again exec-based, not a
  preexec_fn) makes it SIGKILL its whole process group -- OpenSCAD, xvfb-run's X server,
  bwrap (whose sandbox then dies with it, --die-with-parent);
* private dirs are named after their owner process (`private_dir`), so the next process
  can remove the ones a killed owner left behind (`sweep_stale_dirs`);
* stderr goes to a file, never a pipe, so 60 MB of `echo` costs disk (capped by
  RLIMIT_FSIZE), not memory; `read_capped` keeps its head and tail;
* with bubblewrap, the child sees only /usr (+ the /lib, /bin links), fonts, the directories
  the caller binds read-only, and its private work dir read-write; no network, no other
  processes, fresh /proc, /dev and /tmp, and it dies with its parent.
"""

from __future__ import annotations

import functools
import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# System paths the sandboxed OpenSCAD (and xvfb-run for PNG) needs, bound read-only.
_SYSTEM_RO_BINDS = (
    "/usr",
    "/etc/fonts",
    "/etc/alternatives",  # /usr/bin/awk and friends are links through here (xvfb-run)
    "/etc/ld.so.cache",
    "/var/cache/fontconfig",
)
_USR_LINKS = ("lib", "lib32", "lib64", "libx32", "bin", "sbin")


@dataclass(frozen=True)
class RunLimits:
    timeout_s: float
    cpu_s: int
    memory_mb: int
    max_file_mb: int


@dataclass(frozen=True)
class RunOutcome:
    returncode: int | None  # None when killed by us before it exited
    signal: int | None  # the signal that ended the command itself, if any
    timed_out: bool
    wall_time_s: float
    cpu_time_s: float  # user + system time of the whole process tree


def _usr_links() -> list[str]:
    """bwrap args recreating /lib, /bin ... as they are on this machine (links into /usr)."""
    args: list[str] = []
    for name in _USR_LINKS:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def bwrap_argv(
    command: Sequence[str],
    *,
    work_dir: Path,
    ro_paths: Sequence[Path] = (),
    env: Mapping[str, str],
    chdir: Path,
) -> list[str]:
    """The bubblewrap command line running `command` with only the given paths visible.

    Every path is bound at its own location, so file names in messages and the paths the
    static check rewrote mean the same inside and outside.
    """
    bwrap = shutil.which("bwrap") or "bwrap"
    argv = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    for path in _SYSTEM_RO_BINDS:
        if os.path.exists(path):
            argv += ["--ro-bind", path, path]
    argv += _usr_links()
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    seen: set[str] = set()
    for path in ro_paths:
        p = os.path.abspath(path)
        if p in seen or not os.path.exists(p):
            continue
        seen.add(p)
        argv += ["--ro-bind", p, p]
    argv += ["--bind", str(work_dir), str(work_dir), "--chdir", str(chdir)]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--", *command]


@functools.cache
def bwrap_works() -> bool:
    """Probe once per process: can bubblewrap start a sandbox here (user namespaces, root)?"""
    if shutil.which("bwrap") is None or os.environ.get("SCAD_AGENT_NO_BWRAP") == "1":
        return False
    probe_dir = Path("/")
    argv = bwrap_argv(["/bin/true"], work_dir=Path("/tmp"), env={}, chdir=probe_dir)
    try:
        done = subprocess.run(argv, capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _prlimit_prefix(limits: RunLimits) -> list[str]:
    prlimit = shutil.which("prlimit")
    if prlimit is None:  # util-linux is essential on Debian; this is only a guard
        return []
    mb = 1024 * 1024
    cpu = max(1, int(limits.cpu_s))
    return [
        prlimit,
        # soft limit sends SIGXCPU; the hard one a second later sends SIGKILL
        f"--cpu={cpu}:{cpu + 1}",
        f"--as={limits.memory_mb * mb}",
        f"--fsize={limits.max_file_mb * mb}",
        "--core=0",
        "--",
    ]


# The group leader of every run. Armed by `setpriv --pdeathsig TERM`: when the caller dies,
# the TERM trap SIGKILLs the whole group. "$1" is the caller's pid: if it died before the
# death signal was armed, the parent is already someone else and nothing is started. A
# command killed by signal N is re-raised on the shell, so the caller sees signal N as if
# there were no shell in between (and its rusage, reaped here, is counted).
_WATCHDOG = (
    'trap "kill -KILL 0" TERM; [ "$PPID" = "$1" ] || exit 125; shift; '
    '"$@" & wait $!; s=$?; trap - TERM; '
    '[ "$s" -gt 128 ] && [ "$s" -lt 193 ] && kill -$((s - 128)) $$; exit "$s"'
)


def _watchdog_prefix() -> list[str]:
    setpriv = shutil.which("setpriv")
    if setpriv is None:  # util-linux, like prlimit; without it only the caller's kill remains
        return []
    return [setpriv, "--pdeathsig", "TERM", "--", "/bin/sh", "-c", _WATCHDOG, "scad-watchdog",
            str(os.getpid())]


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _live_group_members(pgid: int) -> list[int]:
    """Pids in process group `pgid` that are not zombies (from /proc/PID/stat)."""
    live = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # fields after the parenthesised command: state ppid pgrp ...
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != b"Z":
            live.append(int(entry.name))
    return live


def _wait_group_gone(pgid: int, timeout_s: float = 5.0) -> None:
    """SIGKILL is delivered at once but a process takes a moment to die (an X server frees
    its memory first); callers that clean up temp dirs or count processes must not race it."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return  # the common case: nothing left in the group, no /proc scan needed
    except PermissionError:
        pass
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _live_group_members(pgid):
        time.sleep(0.01)


def _sandbox_pidfd(info_fd: int, timeout_s: float) -> int | None:
    """A pidfd for the sandbox's pid 1, from bwrap's --info-fd JSON ({"child-pid": N})."""
    data = b""
    deadline = time.monotonic() + timeout_s
    while b"}" not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([info_fd], [], [], left)[0]:
            return None
        chunk = os.read(info_fd, 4096)
        if not chunk:
            break
        data += chunk
    try:
        pid = int(json.loads(data)["child-pid"])
        return os.pidfd_open(pid)
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _wait_readable(fd: int, timeout_s: float | None) -> bool:
    with select.epoll() as poller:
        poller.register(fd, select.EPOLLIN)
        return bool(poller.poll(timeout_s if timeout_s is not None else -1))


def run_limited(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    limits: RunLimits,
    stdout_path: Path,
    stderr_path: Path,
) -> RunOutcome:
    """Run `command` under the limits; never leaves a process behind, whatever happens.

    A bwrap command (from bwrap_argv) is watched through its --info-fd: the sandboxed
    program runs in another session inside a pid namespace, out of reach of killpg. Killing
    bwrap kills the namespace's pid 1 (--die-with-parent), and the kernel lets pid 1 finish
    exiting only once every process in the namespace is gone, so waiting for it is waiting
    for them all.
    """
    command = list(command)
    info_r, info_w = -1, -1
    if command and os.path.basename(command[0]) == "bwrap":
        info_r, info_w = os.pipe()
        command[1:1] = ["--info-fd", str(info_w)]
    argv = _prlimit_prefix(limits) + _watchdog_prefix() + command
    started = time.monotonic()
    try:
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group, killed as a whole
                close_fds=True,
                pass_fds=(info_w,) if info_w >= 0 else (),
            )
    finally:
        if info_w >= 0:
            os.close(info_w)
    timed_out = False
    inner_pidfd: int | None = None
    try:
        if info_r >= 0:
            inner_pidfd = _sandbox_pidfd(info_r, min(limits.timeout_s, 30.0))
        # A pidfd wakes us the moment the child exits (Popen.wait(timeout) polls and sleeps).
        pidfd = os.pidfd_open(proc.pid)
        try:
            left = limits.timeout_s - (time.monotonic() - started)
            timed_out = not _wait_readable(pidfd, max(left, 0.0))
        finally:
            os.close(pidfd)
    finally:
        # Always: on timeout, on KeyboardInterrupt, and after a normal exit too (xvfb-run or a
        # forked helper may have left children in the group). Killed before it is reaped, so
        # the group id cannot have been reused.
        _kill_group(proc)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        _wait_group_gone(proc.pid)
        if inner_pidfd is not None:
            _wait_readable(inner_pidfd, 30.0)
            os.close(inner_pidfd)
        if info_r >= 0:
            os.close(info_r)
    rc = proc.returncode
    return RunOutcome(
        returncode=None if timed_out else rc,
        signal=None if timed_out or rc >= 0 else -rc,
        timed_out=timed_out,
        wall_time_s=time.monotonic() - started,
        cpu_time_s=usage.ru_utime + usage.ru_stime,
    )


# --------------------------------------------------------------------------- private dirs

# scad-[KIND-]PID-START-NS-XXXXXXXX: the owner process (pid, its start time, its pid
# namespace) and mkdtemp's eight random characters. Nothing else is ever swept.
_OWNED_RE = re.compile(r"scad-(?:[a-z]+-)?(\d+)-(\d+)-(\d+)-[a-z0-9_]{8}")
_swept_lock = threading.Lock()
_swept: set[tuple[int, str]] = set()  # (pid, parent) already swept by this process


def _start_time(pid: int) -> int | None:
    """When process `pid` started (clock ticks after boot); None when there is no such
    process. Pid and start time name one process for good: a pid alone is soon reused."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
        return int(data[data.rfind(b")") + 2 :].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _pid_namespace() -> int | None:
    """Pids of another namespace (a container sharing the temp dir) say nothing here."""
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return None


def owner_tag() -> str | None:
    """"PID-START-NS" of this process, None without /proc (then nothing is swept)."""
    pid = os.getpid()
    start, ns = _start_time(pid), _pid_namespace()
    return None if start is None or ns is None else f"{pid}-{start}-{ns}"


def sweep_stale_dirs(parent: Path) -> list[Path]:
    """Remove our private dirs in `parent` whose owner process is gone (killed with -9, say,
    so it never cleaned up); returns them. A dir whose owner still runs, another user's, a
    link, or any name not made by `private_dir` is left alone."""
    ns = _pid_namespace()
    if ns is None:
        return []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    uid = os.getuid()
    removed: list[Path] = []
    for entry in entries:
        match = _OWNED_RE.fullmatch(entry.name)
        if match is None or int(match[3]) != ns:
            continue
        if _start_time(int(match[1])) == int(match[2]):
            continue  # the owner is alive (or a zombie not yet reaped): its dir is in use
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == uid:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def private_dir(parent: Path, kind: str = "") -> Path:
    """A new 0700 dir in `parent` named after this process (see _OWNED_RE). The first one a
    process makes in a parent sweeps that parent of dirs whose owners died."""
    parent.mkdir(parents=True, exist_ok=True)
    key = (os.getpid(), os.path.realpath(parent))
    with _swept_lock:
        first = key not in _swept
        _swept.add(key)
    if first:
        sweep_stale_dirs(parent)
    tag = owner_tag()
    label = f"{kind}-" if kind else ""
    prefix = f"scad-{label}{tag}-" if tag else f"scad-{label}"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def read_capped(path: Path, max_bytes: int) -> tuple[str, bool]:
    """The text of `path`, or its head and tail when it is longer than max_bytes."""
    try:
        size = path.stat().st_size
    except OSError:
        return "", False
    with open(path, "rb") as f:
        if size <= max_bytes:
            return f.read().decode("utf-8", "replace"), False
        half = max_bytes // 2
        head = f.read(half)
        f.seek(size - half)
        tail = f.read(half)
    head_text = head.decode("utf-8", "replace").rsplit("\n", 1)[0]
    tail_text = tail.decode("utf-8", "replace").split("\n", 1)[-1]
    cut = size - len(head) - len(tail)
    return f"{head_text}\n[... {cut} bytes of output cut ...]\n{tail_text}", True
