"""The maker families (fan grill, PCB mounting plate, cable clip, pencil cup, parts tray,
spool holder) hold their real-world numbers, and the synth package keeps its shape: no
import circle, no module over 500 lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from random import Random

from finetune.synth.families import FAMILIES
from finetune.synth.families.mounts import FAN_HOLES
from finetune.synth.records import create_record
from finetune.synth.verify import verify_record

ROOT = Path(__file__).resolve().parents[1]


def test_a_fan_grill_takes_its_hole_pattern_from_the_fan_size() -> None:
    family = FAMILIES["fan_grill"]
    sizes = set()
    for i in range(80):
        v, _ = family.design(Random(f"fan-{i}"))
        spacing, screw = FAN_HOLES[v["fan"]]
        assert (v["spacing"], v["screw"]) == (spacing, screw)
        assert f"spacing = {spacing:g};" in family.program(v)
        sizes.add(v["fan"])
    assert sizes == set(FAN_HOLES)
    # four mounting holes plus the openings of the guard
    v = dict(family.defaults(), style="bars", bars=5, rings=0, spokes=0)
    assert family.spec(v)["genus"] == 4 + 6


def test_a_parts_tray_has_the_compartments_it_names() -> None:
    family = FAMILIES["parts_tray"]
    v = dict(family.defaults(), cols=3, rows=2)
    rec = create_record(family, Random("tray"), "t")
    rec["messages"][1]["content"] = family.program(v)
    rec["spec"] = family.spec(v)
    assert rec["spec"]["openings"][0]["count"] == 6
    assert verify_record(rec) == (True, "ok")
    rec["spec"]["openings"][0]["count"] = 5  # the check can fail
    assert verify_record(rec)[0] is False


def test_maker_descriptions_name_what_they_are_for() -> None:
    prompts = {name: [FAMILIES[name].part(Random(f"m-{name}-{i}")).prompt.lower()
                      for i in range(60)]
               for name in ("fan_grill", "standoff_grid", "cable_clip", "pencil_cup",
                            "parts_tray", "spool_holder")}
    assert all("fan" in p for p in prompts["fan_grill"])
    assert any("hex" in p or "six-sided" in p for p in prompts["pencil_cup"])
    assert any("raspberry pi" in p for p in prompts["standoff_grid"])
    # (a typo may drop a letter of a long word now and then)
    assert sum("compartment" in p for p in prompts["parts_tray"]) >= 55
    assert all("spool" in p for p in prompts["spool_holder"])
    assert all("tab" in p or "screw" in p or "m3" in p or "m4" in p
               for p in prompts["cable_clip"])


def test_edits_and_family_do_not_import_each_other() -> None:
    code = ("import sys, finetune.synth.edits; "
            "assert 'finetune.synth.family' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_synth_modules_stay_under_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "finetune" / "synth").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) >= 500}
    assert not long, long
