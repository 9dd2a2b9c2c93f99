"""The compositional generator: every base and operation compiles with the real OpenSCAD
and its mesh-measured spec holds on its own program; descriptions in all three styles state
every number; every parameter has a customizer slider and is used; records are
deterministic by seed and written by `data synth`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from random import Random

import pytest

from finetune.synth.compose import STYLES, Composition, compose_record, describe, sample
from finetune.synth.compose.numbers import Num, renderings, say
from finetune.synth.compose.ops import Holes
from finetune.synth.compose.part import slider
from finetune.synth.generate import SynthConfig, make_record, run
from finetune.synth.verify import verify_record
from finetune.synth.words import Words
from tools.params import customizer_params


def features(c: Composition) -> set[str]:
    """What a part exercises: its base kind and options, each operation and hole variant."""
    b = c.base
    out = {b.kind, f"{b.kind}:{getattr(b, 'corner', '')}", f"{b.kind}:{getattr(b, 'shape', '')}"}
    if getattr(b, "angle", 360) != 360:
        out.add(f"{b.kind}:partial")
    for attr in ("chamfer", "bore", "round", "hole_count"):
        if getattr(b, attr, None):
            out.add(f"{b.kind}:{attr}")
    for op in c.ops:
        out.add(type(op).__name__)
        if isinstance(op, Holes):
            out |= {op.place, op.kind}
    return out


def covering_parts() -> list[tuple[int, Composition]]:
    """A few seeds that together use every base, option and operation the sampler draws."""
    parts = {i: sample(Random(f"cover-{i}")) for i in range(400)}
    feats = {i: features(c) for i, c in parts.items()}
    wanted = set().union(*feats.values())
    have: set[str] = set()
    chosen = []
    while have != wanted:
        best = max(feats, key=lambda k: len(feats[k] - have))
        chosen.append(best)
        have |= feats[best]
    return [(i, parts[i]) for i in chosen]


def test_the_sampler_draws_every_operation() -> None:
    seen = set().union(*(features(c) for _, c in covering_parts()))
    for name in ("Holes", "Pocket", "Slot", "Boss", "Rib", "CrossHole", "corners", "ends",
                 "centre", "row", "grid", "circle", "through", "blind", "cbore", "csk",
                 "box:fillet", "box:chamfer", "disc:chamfer", "shell:round", "profile:L",
                 "profile:U", "profile:T", "revolve:partial", "torus:partial", "loft"):
        assert name in seen, name


def test_every_operation_compiles_and_meets_its_measured_spec() -> None:
    for i, part in covering_parts():
        rec = compose_record(Random(f"cover-{i}"), Random(i), "sentence", f"c{i}")
        assert rec["messages"][1]["content"] == part.program()
        spec = rec["spec"]
        assert spec["watertight"] is True and "size" in spec and "genus" in spec, spec
        # holes the part was built with are seen in the mesh, counted
        for hole in part.holes():
            entries = [e for e in spec.get("holes", []) if e["d"][0] <= hole.d <= e["d"][1]
                       and e["axis"] == hole.axis]
            assert entries and all("count" in e for e in entries), (hole, spec, part.program())
        ok, reason = verify_record(rec)
        assert ok, f"{reason}\n{part.program()}"


def test_a_spec_measured_from_one_part_fails_another() -> None:
    a = compose_record(Random("cover-5"), Random(0), "list", "a")
    b = compose_record(Random("cover-70"), Random(0), "list", "b")
    swapped = dict(a, messages=[a["messages"][0], b["messages"][1]])
    ok, _ = verify_record(swapped)
    assert not ok


@pytest.mark.parametrize("style", STYLES)
def test_descriptions_state_every_number(style: str) -> None:
    for i in range(150):
        part = sample(Random(f"numbers-{i}"))
        text = describe(part, Words(Random(f"{style}-{i}")), style).lower()
        for value in part.facts():
            forms = renderings(value)
            assert any(re.search(rf"(?<![\d.]){re.escape(f.lower())}(?!\d)", text)
                       for f in forms), (value, forms, text)


def test_styles_look_like_their_names() -> None:
    part = sample(Random("styles-1"))
    w = Words(Random(3))
    assert "\n" not in describe(part, w, "sentence")
    listing = describe(part, w, "list").splitlines()
    assert len(listing) >= 3 and all(line[:2] in ("- ", "* ", "• ") for line in listing[-2:])
    steps = describe(part, w, "steps")
    assert re.search(r"(^|\s)(1[.)]|Step 1:) ", steps) and re.search(r"(2[.)]|Step 2:) ", steps)


def test_steps_give_axes_positions_and_units() -> None:
    text = "\n".join(describe(sample(Random(f"words-{i}")), Words(Random(i)), "steps")
                     for i in range(300))
    for needle in ("(X)", "(Y)", "(Z)", "12 o'clock", "in each corner", "rows of",
                   "from the short", "inch", "cm", "radius", "clearance", "counterbored",
                   "countersunk", "deep", "Revolve", "Loft", "Extrude", "Shell", "used"):
        assert needle in text, needle


def test_numbers_in_other_units() -> None:
    w = Words(Random(0))
    inch = {say(w, Num(19.05, "in")) for _ in range(40)}
    assert {"3/4 inch", '3/4"', "3/4 in", "0.75 in"} >= inch and len(inch) >= 3
    assert {say(w, Num(40.0, "cm")) for _ in range(30)} >= {"4 cm"}
    assert {"M3", "3.4", "1.7"} <= renderings(3.4)


def test_every_parameter_has_a_slider_and_is_used() -> None:
    for i in range(150):
        program = sample(Random(f"params-{i}")).program()
        header, _, body = program.partition("\n\n")
        params = customizer_params(program)
        assert params and len(params) == len([ln for ln in header.splitlines()
                                              if re.match(r"^\w+ = ", ln)]), program
        for p in params:
            assert p.slider is not None, (p, program)
            s = p.slider
            assert s.minimum <= p.value <= s.maximum, (p, program)
            steps = (p.value - s.minimum) / s.step
            assert abs(steps - round(steps)) < 1e-6, (p, s)
            assert re.search(rf"\b{p.name}\b", body), (p.name, program)
        assert program.startswith("// ") and "\t" not in program


def test_sliders_keep_inch_values_on_their_grid() -> None:
    assert slider(19.05) == "[4.75:0.05:76.2]"
    assert slider(3.4) == "[0.8:0.1:13.6]"
    assert slider(40) == "[10:1:160]"
    assert slider(4, count=True) == "[2:1:12]"


def test_compositions_are_deterministic_by_seed(tmp_path: Path) -> None:
    config = SynthConfig(n=6, out=tmp_path, seed=2, families=["compose"], kinds=("create",))
    names, weights = config.family_names(), config.weights()
    first = [make_record(i, config, names, weights)[0] for i in range(6)]
    assert first == [make_record(i, config, names, weights)[0] for i in range(6)]
    # a block of three records is one part in the three styles
    assert first[0]["messages"][-1] == first[1]["messages"][-1] == first[2]["messages"][-1]
    assert [r["style"] for r in first[:3]] == list(STYLES)
    other = SynthConfig(n=6, out=tmp_path, seed=3, families=["compose"], kinds=("create",))
    assert first != [make_record(i, other, names, weights)[0] for i in range(6)]


def test_the_mix_holds_compositions_and_families(tmp_path: Path) -> None:
    config = SynthConfig(n=300, out=tmp_path, seed=1)
    from finetune.synth.generate import composed

    share = sum(composed(i, config) for i in range(300)) / 300
    assert 0.03 < share < 0.2, share
    assert not any(composed(i, SynthConfig(n=30, out=tmp_path, families=["plate"]))
                   for i in range(30))
    out = tmp_path / "data"
    both = SynthConfig(n=12, out=out, seed=4, families=["compose", "washer"],
                       kinds=("create",), verify="none", workers=1)
    stats = run(both).to_dict()
    rows = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    made = [r["family"].startswith("compose_") for r in rows]
    assert stats["written"] == 12 and made == [composed(i, both) for i in range(12)]
    assert {r["family"] for r, m in zip(rows, made, strict=True) if not m} <= {"washer"}
