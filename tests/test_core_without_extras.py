"""The core (agent, tools) works with none of the extras installed: a whole turn, from the
prompt to the checked STL, in a process where every extra's package fails to import."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what only an extra installs: [hf]/[train], [vllm], [web], [tui], [scrape], [openai], [eval]
EXTRAS = ("torch", "transformers", "peft", "xgrammar", "bitsandbytes", "accelerate",
          "datasets", "vllm", "gradio", "textual", "textual_image", "datasketch", "httpx",
          "tenacity", "tqdm", "openai", "scipy", "pygltflib")

SCRIPT = textwrap.dedent("""
    import importlib.abc, sys
    BLOCKED = set(sys.argv[1].split(","))

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked: an extra")
            return None

    sys.meta_path.insert(0, Block())
    import json, tempfile
    from pathlib import Path
    from agent.backends.scripted import ScriptedBackend
    from agent.config import AgentConfig
    from agent.session import Session
    import agent.cli  # every verb wired

    program = "difference() { cube([60, 40, 5]); translate([30, 20, -1]) cylinder(d=5, h=7); }"
    out = Path(tempfile.mkdtemp())
    session = Session(out / "s", ScriptedBackend([program]),
                      AgentConfig(backend="scripted", render=True))
    done = list(session.send("a 60 x 40 x 5 mm plate with a 5 mm hole"))[-1].data
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
    print(json.dumps({"status": done["status"], "genus": done["report"]["genus"],
                      "png": Path(done["files"]["png"]).is_file(), "loaded": loaded}))
""")


def test_a_whole_turn_runs_without_any_extra() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT, ",".join(EXTRAS)], cwd=ROOT,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    report = result.stdout.strip().splitlines()[-1]
    assert report == ('{"status": "ok", "genus": 1, "png": true, "loaded": []}'), report
