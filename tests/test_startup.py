"""The first second of a command: `scad-agent` wires every verb without loading the heavy
libraries (trimesh, scipy, torch...), and `scad-agent "PROMPT"` writes its loading line
before any of them is imported. Real subprocesses; what is checked is which modules are
loaded (sys.modules), never how long anything took (benchmarks/startup.py measures that)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# what takes seconds to import, or drags in what does (agent.loop -> agent.intent -> trimesh)
HEAVY = ("trimesh", "scipy", "numpy", "torch", "transformers", "gradio", "textual",
         "agent.loop", "agent.session", "agent.intent", "agent.present", "tools.mesh")
# what a part does not need before its first line: the other verbs (wiring them all took a
# few hundred milliseconds) and the sandbox with its lexer (tools.openscad)
OTHER_VERBS = ("tools.cli", "tools.openscad", "agent.check_cli", "finetune.cli",
               "finetune.data_cli", "scrape.cli", "evals.cli", "tui.cli", "web.cli")
VERBS = ("run", "compile", "check", "tools", "data", "finetune", "scrape", "eval", "tui",
         "web")


def python(code: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_wiring_every_verb_imports_no_heavy_library() -> None:
    done = python(
        "import json, sys\n"
        "import agent.cli\n"
        "agent.cli._register()  # every sub-app, as `scad-agent --help` needs them\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


# Replaces sys.stderr; on the first text written, prints that text and the heavy modules
# loaded by then, and ends the process (the model load that follows is not wanted here).
FIRST_LINE_PROBE = """
import json, os, runpy, sys

class FirstWrite:
    def __init__(self, real):
        self.real = real
    def write(self, text):
        if text.strip():
            loaded = [m for m in HEAVY if m in sys.modules]
            sys.__stdout__.write(json.dumps({"line": text.strip(), "loaded": loaded}))
            sys.__stdout__.flush()
            os._exit(0)
        return len(text)
    def __getattr__(self, name):
        return getattr(self.real, name)

HEAVY = json.loads(sys.argv[1])
sys.argv = ["scad-agent", *sys.argv[2:]]
sys.stderr = FirstWrite(sys.stderr)
runpy.run_module("agent.cli", run_name="__main__")
print(json.dumps({"line": None, "loaded": []}))
"""


def test_the_loading_line_comes_before_any_heavy_import(tmp_path: Path) -> None:
    if not (ROOT / "models" / "scad-tiny" / "config.json").is_file():
        pytest.skip("the bundled model is not built")
    done = python(FIRST_LINE_PROBE, json.dumps(HEAVY + OTHER_VERBS), "bracket with two M3 holes",
                  "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)
    assert first["line"] == "loading model scad-tiny (11 MB)..."
    assert first["loaded"] == []


def test_the_web_demo_says_what_loads_before_importing_gradio(tmp_path: Path) -> None:
    replies = tmp_path / "replies.jsonl"
    replies.write_text("x" * 1234)
    done = python(FIRST_LINE_PROBE, json.dumps(HEAVY), "web", "--backend", "scripted",
                  "--model", str(replies), "--work-dir", str(tmp_path / "work"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)
    assert first["line"] == "loading the model (replies.jsonl, 1.2 KB)..."  # the page's words
    assert first["loaded"] == []


def test_a_usage_error_is_also_said_before_any_heavy_import(tmp_path: Path) -> None:
    done = python(FIRST_LINE_PROBE, json.dumps(HEAVY), "  ", cwd=tmp_path)
    first = json.loads(done.stdout)
    assert first["line"].startswith("error:") and "empty" in first["line"]
    assert first["loaded"] == []


def test_help_still_lists_every_verb_and_the_verbs_their_options() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    top = subprocess.run([sys.executable, "-m", "agent.cli", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert top.returncode == 0, top.stderr
    listed = {line.split()[1] for line in top.stdout.splitlines()
              if line.startswith("│ ") and len(line.split()) > 2}
    assert set(VERBS) <= listed, top.stdout
    compile_help = subprocess.run([sys.executable, "-m", "agent.cli", "compile", "--help"],
                                  cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=120)
    assert compile_help.returncode == 0 and "--timeout" in compile_help.stdout
    check_help = subprocess.run([sys.executable, "-m", "agent.cli", "check", "--help"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert check_help.returncode == 0 and "--prompt" in check_help.stdout
