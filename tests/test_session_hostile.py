"""What a careless or hostile user can do to a session, and what they get back: one line.

Prompts that are empty or too long, session.json files that are not sessions (or are
crafted to read or write elsewhere), output folders that are read-only or on a full disk,
and a process killed mid-turn. Real files, real OpenSCAD, real processes: the full disk is a
real 64 kB tmpfs where the machine lets us mount one.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from agent.backends.scripted import ScriptedBackend
from agent.check_cli import check_cmd
from agent.config import AgentConfig, ConfigError, PromptError
from agent.export import current_stl
from agent.run_cli import loading_line, run_cmd
from agent.session import (
    MAX_SESSION_BYTES,
    Session,
    SessionFileError,
    SessionWriteError,
)

ROOT = Path(__file__).resolve().parent.parent
GOOD = "cube([20, 20, 20]);"
TALL = "cube([20, 20, 45]);"


def fenced(program: str) -> str:
    return f"```openscad\n{program}\n```"


def replies(tmp_path: Path, *items: str, name: str = "replies.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(i) + "\n" for i in items))
    return path


def run(*args: str) -> Result:
    app = typer.Typer()
    app.command()(run_cmd)
    return CliRunner().invoke(app, list(args))


def error_line(result: Result) -> str:
    """The one `error:` line a failed run printed (and no traceback)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    return errors[0]


def json_error(result: Result, code: int) -> dict:
    """With --json: stdout holds exactly one JSON object, and stderr nothing."""
    data = json.loads(result.stdout)
    assert data["exit_code"] == code == result.exit_code and data["error"]
    assert "\n" not in data["error"]
    assert result.stderr == ""
    return data


def make_session(tmp_path: Path, *programs: str) -> Path:
    """A saved session (out/session) whose turns made `programs`; returns session.json."""
    out = tmp_path / "out"
    config = AgentConfig(backend="scripted", render=False)
    session = Session(out / "session", ScriptedBackend([fenced(p) for p in programs]), config,
                      out_dir=out)
    for text in ("a 20 mm cube", "make it taller")[:len(programs)]:
        assert list(session.send(text))[-1].data["status"] == "ok"
    return session.path


# ------------------------------------------------------------------ prompts


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t "])
def test_empty_prompt_exits_two_before_any_model(tmp_path: Path, prompt: str) -> None:
    # --model names no file: had the check come after the backend, this would be exit 3
    out = tmp_path / "out"
    result = run(prompt, "--backend", "scripted", "--model", str(tmp_path / "none.jsonl"),
                 "--out", str(out))
    assert result.exit_code == 2
    assert "empty" in error_line(result)
    assert "loading" not in result.stderr
    assert not out.exists()  # nothing made, nothing loaded
    data = json_error(run(prompt, "--backend", "scripted", "--out", str(out), "--json"), 2)
    assert data["status"] == "error" and "empty" in data["error"]


def test_long_prompt_says_its_length_and_the_limit(tmp_path: Path) -> None:
    script = replies(tmp_path, GOOD)
    out = tmp_path / "out"
    result = run("x" * 2001, "--backend", "scripted", "--model", str(script), "--out",
                 str(out))
    assert result.exit_code == 2
    line = error_line(result)
    assert "2001" in line and "2000" in line
    assert not out.exists()
    # the limit is AgentConfig.max_prompt_chars
    config = tmp_path / "agent.toml"
    config.write_text("max_prompt_chars = 30\n")
    prompt = "a 20 mm cube with rounded edges"  # 31 characters
    data = json_error(run(prompt, "--backend", "scripted", "--model", str(script), "--out",
                          str(out), "--config", str(config), "--json"), 2)
    assert "31" in data["error"] and "30" in data["error"]
    config.write_text("max_prompt_chars = 31\n")
    assert run(prompt, "--backend", "scripted", "--model", str(script), "--out", str(out),
               "--config", str(config)).exit_code == 0
    config.write_text("max_prompt_chars = 0\n")
    assert run(prompt, "--backend", "scripted", "--model", str(script), "--config",
               str(config)).exit_code == 2
    with pytest.raises(ConfigError):
        AgentConfig(max_prompt_chars=0)


def test_session_send_refuses_bad_prompts_and_saves_nothing(tmp_path: Path) -> None:
    # the TUI and the web demo send through Session: they get the same rule, as an error
    # raised while reading the steps (where both faces catch ScadAgentError)
    config = AgentConfig(backend="scripted", render=False, max_prompt_chars=20)
    backend = ScriptedBackend([fenced(GOOD)])
    session = Session(tmp_path / "s", backend, config)
    for text, words in ((" \n ", "empty"), ("a cube " * 4, "28 characters long")):
        with pytest.raises(PromptError, match=words):
            list(session.send(text))
    assert session.turns == [] and backend.calls == []
    assert not session.path.exists() and not session.trajectory_path.exists()
    assert list(session.send("a 20 mm cube"))[-1].data["status"] == "ok"


def test_check_applies_the_same_prompt_rule(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(check_cmd)
    part = tmp_path / "part.scad"
    part.write_text(GOOD)
    result = CliRunner().invoke(app, [str(part), "--prompt", "y" * 2001])
    assert result.exit_code == 2 and "2001" in result.output and "2000" in result.output
    result = CliRunner().invoke(app, [str(part), "--prompt", "a 20 mm cube"])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ the first line


def test_a_line_before_the_model_loads(tmp_path: Path) -> None:
    script = replies(tmp_path, GOOD)
    command = [sys.executable, "-m", "agent.cli", "a 20 mm cube", "--backend", "scripted",
               "--model", str(script), "--out", str(tmp_path / "out")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == "loading model replies.jsonl (scripted)..."
    quiet = subprocess.run([*command, "--json"], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["status"] == "ok"  # the whole of stdout is the object


def test_loading_line_names_the_model_folder_and_its_weights(tmp_path: Path) -> None:
    folder = tmp_path / "scad-small"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"\0" * 3_000_000)
    (folder / "extra.bin").write_bytes(b"\0" * 1_200_000)
    (folder / "tokenizer.json").write_text("{}" * 500_000)  # not weights: not counted
    config = AgentConfig(backend="hf", backend_config={"model": str(folder)})
    assert loading_line(config) == "loading model scad-small (4 MB)..."
    (folder / "model.safetensors").unlink()
    (folder / "extra.bin").unlink()
    assert loading_line(config) == "loading model scad-small..."
    hub = AgentConfig(backend="hf", backend_config={"model": "org/some-model"})
    assert loading_line(hub) == "loading model org/some-model (hf)..."
    assert loading_line(AgentConfig(backend="openai")) == "loading the openai backend..."


# ------------------------------------------------------------------ session.json as input

VALID_TURN = {"index": 1, "text": "a cube", "status": "ok"}


def session_json(**fields: object) -> str:
    return json.dumps({"version": 1, "turns": [VALID_TURN]} | fields)


def nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


HOSTILE_FILES: dict[str, str | bytes] = {
    "not JSON": "{not json",
    "not an object": "[1, 2, 3]",
    "no version": json.dumps({"turns": []}),
    "wrong version": session_json(version=2),
    "version as text": session_json(version="1"),
    "turns not a list": session_json(turns={"1": VALID_TURN}),
    "turn not an object": session_json(turns=["a cube"]),
    "turn missing its text": session_json(turns=[{"index": 1, "status": "ok"}]),
    "turn missing its status": session_json(turns=[{"index": 1, "text": "a cube"}]),
    "index as text": session_json(turns=[VALID_TURN | {"index": "1"}]),
    "index out of order": session_json(turns=[VALID_TURN | {"index": 4}]),
    "unknown status": session_json(turns=[VALID_TURN | {"status": "done"}]),
    "unknown turn key": session_json(turns=[VALID_TURN | {"shell": "rm -rf /"}]),
    "checks not objects": session_json(turns=[VALID_TURN | {"checks": [1, 2]}]),
    "files not text": session_json(turns=[VALID_TURN | {"files": {"stl": 3}}]),
    "bool for a number": session_json(turns=[VALID_TURN | {"repairs_used": True}]),
    "report not a mesh report": session_json(turns=[VALID_TURN | {"report": {"faces": 1}}]),
    "spec a list": session_json(spec=[1, 2]),
    "turn spec text": session_json(turns=[VALID_TURN | {"spec": "tall"}]),
    "config with a bad type": session_json(config={"max_repairs": "3"}),
    "config with an unknown key": session_json(config={"shell": "sh"}),
    "nested deep": session_json(spec=nested(40)),
    "nested past the parser": "[" * 100_000 + "]" * 100_000,
    "huge integer": '{"version": 1, "turns": [], "spec": {"a": ' + "9" * 5000 + "}}",
    "invalid UTF-8": b'{"version": 1, "turns": [{"index": 1, "text": "\xff\xfe", '
                     b'"status": "ok"}]}',
    "out_dir not text": session_json(out_dir=["/etc"]),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_load_refuses_what_is_not_a_session_in_one_line(tmp_path: Path, name: str) -> None:
    file = tmp_path / "s" / "session.json"
    file.parent.mkdir()
    content = HOSTILE_FILES[name]
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content)
    with pytest.raises(SessionFileError) as refused:
        Session.load(file)
    message = str(refused.value)
    assert message.startswith(f"cannot load session {file}: ") and "\n" not in message
    assert len(message) < 400


@pytest.mark.parametrize("name", ["turns not a list", "invalid UTF-8", "nested deep"])
def test_cli_refuses_a_hostile_session_with_exit_two(tmp_path: Path, name: str) -> None:
    file = tmp_path / "s" / "session.json"
    file.parent.mkdir()
    content = HOSTILE_FILES[name]
    file.write_bytes(content if isinstance(content, bytes) else content.encode())
    script = replies(tmp_path, GOOD)
    args = ["make it taller", "--backend", "scripted", "--model", str(script),
            "--session", str(file)]
    result = run(*args)
    assert result.exit_code == 2
    assert error_line(result).startswith(f"error: cannot load session {file}")
    assert json_error(run(*args, "--json"), 2)["status"] == "error"
    assert file.read_bytes() == (content if isinstance(content, bytes) else content.encode())


def test_session_paths_that_are_no_session(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    os.mkfifo(tmp_path / "fifo")
    huge = tmp_path / "huge" / "session.json"
    huge.parent.mkdir()
    with huge.open("wb") as handle:  # sparse: 50 MB of nothing, on no disk
        handle.truncate(MAX_SESSION_BYTES + 1)
    for path, words in ((Path("/etc/passwd"), "not JSON"), (empty, "no such file"),
                        (tmp_path / "missing.json", "no such file"),
                        (Path("/dev/zero"), "not a regular file"),
                        (tmp_path / "fifo", "not a regular file"), (huge, "larger than 50 MB")):
        with pytest.raises(SessionFileError, match=words):
            Session.load(path)
    script = replies(tmp_path, GOOD)
    for path in (Path("/etc/passwd"), empty):
        result = run("make it taller", "--backend", "scripted", "--model", str(script),
                     "--session", str(path), "--out", str(tmp_path / "out"))
        assert result.exit_code == 2 and "cannot load session" in error_line(result)
    assert not (tmp_path / "out").exists()


def test_stored_out_dir_is_never_written(tmp_path: Path) -> None:
    file = make_session(tmp_path, GOOD)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "part.stl").write_text("precious")
    data = json.loads(file.read_text())
    data["out_dir"] = str(victim)
    file.write_text(json.dumps(data))

    loaded = Session.load(file, ScriptedBackend([fenced(TALL)]),
                          AgentConfig(backend="scripted", render=False))
    assert loaded.out_dir == file.parent.parent  # the session folder's parent: out/
    loaded.undo()  # would delete part.* in the output folder
    assert list(loaded.send("make it taller"))[-1].data["status"] == "ok"
    assert (victim / "part.stl").read_text() == "precious"
    assert sorted(p.name for p in victim.iterdir()) == ["part.stl"]
    assert (file.parent.parent / "part.scad").read_text() == TALL
    # --out on the command line wins, and is trusted: the user typed it
    chosen = tmp_path / "chosen"
    again = Session.load(file, out_dir=chosen)
    assert again.out_dir == chosen


def test_turn_files_outside_the_session_are_dropped(tmp_path: Path) -> None:
    file = make_session(tmp_path, GOOD)
    secret = tmp_path / "secret.stl"
    secret.write_text("solid secret")
    data = json.loads(file.read_text())
    data["turns"][0]["files"] = {"stl": str(secret), "scad": "/etc/passwd",
                                 "png": "../../turn-1/part.png"}
    file.write_text(json.dumps(data))
    loaded = Session.load(file)
    assert loaded.turns[0].files == {}  # no png was made (render off), the rest is outside
    assert current_stl(loaded) is None

    # a link planted inside the turn folder does not lead out either
    stl = file.parent / "turn-1" / "part.stl"
    stl.unlink()
    stl.symlink_to(secret)
    data["turns"][0]["files"] = {"stl": str(stl)}
    file.write_text(json.dumps(data))
    assert Session.load(file).turns[0].files == {}


def test_a_moved_session_keeps_its_own_files(tmp_path: Path) -> None:
    file = make_session(tmp_path, GOOD)
    moved = tmp_path / "elsewhere" / "kept"
    shutil.copytree(file.parent, moved)
    shutil.rmtree(file.parent)
    loaded = Session.load(moved)
    assert loaded.turns[0].files == {"scad": str(moved / "turn-1" / "part.scad"),
                                     "stl": str(moved / "turn-1" / "part.stl")}
    assert current_stl(loaded) == moved / "turn-1" / "part.stl"


def test_links_planted_in_the_session_folder_are_not_followed(tmp_path: Path) -> None:
    file = make_session(tmp_path, GOOD)
    folder = file.parent
    outside = tmp_path / "outside"
    outside.mkdir()
    bashrc = outside / "bashrc"
    bashrc.write_text("export PATH\n")
    (folder / "trajectory.jsonl").unlink()
    (folder / "trajectory.jsonl").symlink_to(bashrc)
    config = AgentConfig(backend="scripted", render=False)
    loaded = Session.load(file, ScriptedBackend([fenced(TALL)]), config)
    with pytest.raises(SessionWriteError, match="cannot write the session"):
        list(loaded.send("make it taller"))
    assert bashrc.read_text() == "export PATH\n"

    (folder / "trajectory.jsonl").unlink()
    (folder / "turn-2").symlink_to(outside, target_is_directory=True)
    loaded = Session.load(file, ScriptedBackend([fenced(TALL)]), config)
    with pytest.raises(SessionWriteError, match="turn-2 leads outside"):
        list(loaded.send("make it taller"))
    assert sorted(p.name for p in outside.iterdir()) == ["bashrc"]


# ------------------------------------------------------------------ disks that refuse


def no_writes_possible(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_text("x")
    except OSError:
        return True
    finally:
        try:
            probe.unlink(missing_ok=True)  # a full disk still makes the empty file
        except OSError:
            pass  # read-only: it was never made
    return False


@pytest.fixture()
def mounted_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A fresh 64 kB tmpfs, unmounted afterwards; skipped where mounting is not allowed."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command: the full-disk tests need a tiny tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): the full-disk "
                    "tests need root or CAP_SYS_ADMIN")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def fill(folder: Path) -> None:
    """Write until the disk says ENOSPC: the disk is then really full."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert no_writes_possible(folder)


@pytest.fixture()
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder holding an old part.scad that cannot be written: chmod 0o555, or (for
    root, whom chmod does not stop) a tmpfs remounted read-only."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    (folder / "part.scad").write_text("OLD")
    folder.chmod(0o555)
    if not os.access(folder, os.W_OK):
        yield folder
        folder.chmod(0o755)
        return
    folder.chmod(0o755)
    shutil.rmtree(folder)
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip("running as root, where chmod 0o555 does not stop writes, and no tmpfs "
                    "can be mounted read-only: the folder-is-a-file test covers this path")
    try:
        (folder / "part.scad").write_text("OLD")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        assert no_writes_possible(folder)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def resume_into(tmp_path: Path, out: Path, *extra: str) -> Result:
    """Turn 2 of a saved session (on a good disk), copying the part to `out`."""
    file = make_session(tmp_path, GOOD)
    script = replies(tmp_path, TALL, name="tall.jsonl")
    return run("make it taller", "--backend", "scripted", "--model", str(script),
               "--session", str(file), "--out", str(out), *extra)


def assert_turn_two_kept(tmp_path: Path) -> None:
    session = tmp_path / "out" / "session"
    saved = json.loads((session / "session.json").read_text())
    assert [t["status"] for t in saved["turns"]] == ["ok", "ok"]
    assert (session / "turn-2" / "part.scad").read_text() == TALL
    assert not list(session.rglob("*.tmp"))


def test_out_that_cannot_be_made_keeps_the_part_and_exits_one(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = resume_into(tmp_path, blocker / "out")
    assert result.exit_code == 1
    line = error_line(result)
    assert line.startswith(f"error: cannot copy the part to {blocker / 'out'}: ")
    assert "turn-2" in line  # where the part is
    assert "current part in" not in result.stdout
    assert_turn_two_kept(tmp_path)
    assert blocker.read_text() == "not a folder"


def test_out_that_cannot_be_made_with_json(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    data = json_error(resume_into(tmp_path, blocker / "out", "--json"), 1)
    assert data["status"] == "ok" and "cannot copy the part" in data["error"]
    assert data["files"] == {} and data["turn_files"]["scad"].endswith("part.scad")
    assert_turn_two_kept(tmp_path)


def test_read_only_out_leaves_the_old_part_whole(tmp_path: Path, read_only_dir: Path) -> None:
    result = resume_into(tmp_path, read_only_dir)
    assert result.exit_code == 1
    assert "cannot copy the part" in error_line(result)
    assert (read_only_dir / "part.scad").read_text() == "OLD"
    assert sorted(p.name for p in read_only_dir.iterdir()) == ["part.scad"]
    assert_turn_two_kept(tmp_path)


def test_full_out_disk_leaves_the_old_part_whole(tmp_path: Path,
                                                 mounted_tmpfs: Path) -> None:
    (mounted_tmpfs / "part.scad").write_text("OLD")
    (mounted_tmpfs / "part.stl").write_text("solid old")
    fill(mounted_tmpfs)
    result = resume_into(tmp_path, mounted_tmpfs)
    assert result.exit_code == 1
    assert "No space left on device" in error_line(result)
    assert (mounted_tmpfs / "part.scad").read_text() == "OLD"
    assert (mounted_tmpfs / "part.stl").read_text() == "solid old"
    assert sorted(p.name for p in mounted_tmpfs.iterdir()) == ["filler", "part.scad",
                                                               "part.stl"]
    assert_turn_two_kept(tmp_path)


def test_full_session_disk_exits_two_and_leaves_nothing_half_written(
        tmp_path: Path, mounted_tmpfs: Path) -> None:
    fill(mounted_tmpfs)
    script = replies(tmp_path, GOOD)
    args = ["a 20 mm cube", "--backend", "scripted", "--model", str(script), "--out",
            str(mounted_tmpfs)]
    result = run(*args)
    assert result.exit_code == 2
    line = error_line(result)
    assert "cannot write the session" in line and "No space left on device" in line
    data = json_error(run(*args, "--json"), 2)
    assert data["status"] == "error" and "No space left on device" in data["error"]
    for path in mounted_tmpfs.rglob("*"):
        assert not path.name.endswith(".tmp")
        if path.name == "session.json":
            json.loads(path.read_text())  # whole, if it is there at all


def test_session_folder_that_is_a_file_exits_two(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("a 20 mm cube", "--backend", "scripted", "--model",
                 str(replies(tmp_path, GOOD)), "--out", str(blocker))
    assert result.exit_code == 2
    assert error_line(result).startswith(f"error: cannot write the session in {blocker}")
    with pytest.raises(SessionWriteError):
        Session(blocker / "session")


def test_publish_failure_is_not_a_failed_turn(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    session = Session(tmp_path / "s", ScriptedBackend([fenced(GOOD)]),
                      AgentConfig(backend="scripted", render=False), out_dir=blocker / "out")
    done = list(session.send("a 20 mm cube"))[-1].data
    assert done["status"] == "ok" and "cannot copy the part" in done["publish_error"]
    assert session.publish_error == done["publish_error"]
    saved = json.loads(session.path.read_text())["turns"][0]
    assert saved["status"] == "ok" and saved["error"] is None
    assert Path(saved["files"]["stl"]).is_file()
    # a later publish that works clears the error
    session.out_dir = tmp_path / "out"
    session.undo()
    assert session.publish_error is None


# ------------------------------------------------------------------ kill -9

KILLED_TURN = """
import sys, time
from pathlib import Path
from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.session import Session

folder, marker = Path(sys.argv[1]), Path(sys.argv[2])
calls = []

def reply(messages, n):
    calls.append(n)
    if len(calls) == 2:  # in the repair: the first attempt's steps are all saved
        marker.write_text("waiting")
        time.sleep(600)
    return ["```openscad\\ncube([20, 20, 20]\\n```"]

config = AgentConfig(backend="scripted", render=False)
for step in Session(folder, ScriptedBackend(reply), config).send("a 20 mm cube"):
    pass
"""


def test_kill_nine_mid_turn_leaves_a_session_that_resumes(tmp_path: Path) -> None:
    script = tmp_path / "turn.py"
    script.write_text(KILLED_TURN)
    folder, marker = tmp_path / "s", tmp_path / "marker"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), str(folder), str(marker)],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300  # a safety net for a hung child, not a measure
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the turn never reached its repair"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    for line in (folder / "trajectory.jsonl").read_text().splitlines():
        json.loads(line)  # every line whole
    loaded = Session.load(folder, ScriptedBackend([fenced(GOOD)]),
                          AgentConfig(backend="scripted", render=False))
    assert loaded.turns[0].status == "interrupted" and loaded.current is None
    assert list(loaded.send("a 20 mm cube"))[-1].data["status"] == "ok"
    assert [t.index for t in loaded.turns] == [1, 2]
    assert Session.load(folder).program == GOOD
