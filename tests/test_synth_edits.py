"""Synthetic follow-ups: customizer ranges on every parameter, parameter patches for edits
that only change values, whole programs for structural ones, and the kinds of edit that
issue 15 lists (exact size on an axis, scaling, walls, hole sizes and counts, hollowing,
another kind of part, putting a value back, chains of several turns)."""

from __future__ import annotations

import re
from collections import Counter
from random import Random

import pytest

from finetune.synth import edits, patches
from finetune.synth.families import FAMILIES
from finetune.synth.records import edit_record
from finetune.synth.scad import slider_range
from finetune.synth.verify import assistant_programs, verify_record
from finetune.synth.words import Words
from tools.params import customizer_params


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_number_parameter_has_a_slider_around_its_value(name: str) -> None:
    family = FAMILIES[name]
    for i in range(25):
        program = family.part(Random(f"ranges-{name}-{i}")).program
        params = customizer_params(program)
        assert params, program
        for p in params:
            if isinstance(p.value, str):
                continue  # a text box, not a slider
            slider = p.slider
            assert slider is not None, (p.name, p.literal, program)
            assert slider.minimum <= p.value < slider.maximum, (p, slider)
            # the value sits on the slider's grid
            steps = (p.value - slider.minimum) / slider.step
            assert abs(steps - round(steps)) < 1e-6, (p, slider)


def test_slider_ranges() -> None:
    assert slider_range(20.0) == (5.0, 1.0, 80.0)
    assert slider_range(3.4) == (0.8, 0.1, 13.6)
    assert slider_range(2.5) == (0.5, 0.5, 10.0)
    assert slider_range(4, count=True) == (2.0, 1.0, 12.0)
    assert slider_range(1, count=True)[0] == 1.0


def test_value_only_changes_become_patches_and_others_do_not() -> None:
    plate = FAMILIES["plate"]
    v = dict(plate.defaults(), pattern="corners")
    before = plate.program(v)
    made = patches.make_patch(before, plate.program(dict(v, thickness=5.0, length=90.0)))
    assert made is not None
    text, patched = made
    assert text == "length = 90;\nthickness = 5;\n"
    # the patched lines keep their customizer range; nothing else moves
    assert "length = 90; // [20:1:320]" in patched
    assert patches.apply(before, text) == patched
    assert patches.resolve([before, text]) == [before, patched]
    # new parameters (rounded corners) or another hole pattern: whole programs
    assert patches.make_patch(before, plate.program(dict(v, corner_r=2.0))) is None
    assert patches.make_patch(before, plate.program(dict(v, pattern="none"))) is None
    assert patches.make_patch(before, before) is None
    assert patches.is_patch("height = 40 * 1.5;\n") and not patches.is_patch(before)
    assert not patches.is_patch("cube(10);")


def test_a_patch_of_an_unknown_variable_fails_verification() -> None:
    rec = edit_record(FAMILIES["block"], Random("unknown"), "e", turns=1)
    assert rec is not None
    bad = dict(rec, messages=rec["messages"][:-1] + [{"role": "assistant",
                                                       "content": "depth = 7;\n"}])
    del bad["program"]
    ok, reason = verify_record(bad)
    assert not ok and "depth" in reason


def test_most_edits_are_patches_and_every_record_adds_up() -> None:
    replies: Counter[str] = Counter()
    for name, family in FAMILIES.items():
        for i in range(12):
            rec = edit_record(family, Random(f"share-{name}-{i}"), "e")
            if rec is None:
                continue
            said = [m["content"] for m in rec["messages"] if m["role"] == "assistant"]
            assert assistant_programs(rec)[-1] == rec["program"]
            assert not patches.is_patch(said[0])  # the part itself is a whole program
            replies.update("patch" if patches.is_patch(r) else "program" for r in said[1:])
    share = replies["patch"] / sum(replies.values())
    assert 0.5 < share < 0.97, replies  # both kinds of reply are trained


def edits_of(name: str, values: dict, seeds: int = 80) -> list:
    family = FAMILIES[name]
    return [e for k in range(seeds) for e in family.edits(values, Words(Random(k)))]


def test_structural_edits_answer_whole_programs() -> None:
    block = FAMILIES["block"]
    v = dict(block.defaults())
    found = {e.request: e for e in edits_of("block", v)}
    hollow = [e for e in found.values() if e.values.get("wall")]
    kinds = {e.family for e in found.values() if e.family}
    assert hollow and kinds == {"sphere", "cylinder"}
    h = hollow[0]
    assert patches.make_patch(block.program(v), block.program(h.values)) is None
    shape = block.shape(h.values)
    assert shape.extents == block.shape(v).extents and shape.volume < block.shape(v).volume
    sphere = next(e for e in found.values() if e.family == "sphere")
    assert sphere.values == {"diameter": v["width"]}


@pytest.mark.parametrize("name,seed", [("block", "kind"), ("cylinder", "hollow")])
def test_structural_edit_records_compile_and_meet_their_spec(name: str, seed: str) -> None:
    family = FAMILIES[name]
    want = "sphere" if seed == "kind" else "wall ="
    for k in range(200):
        rec = edit_record(family, Random(f"{seed}-{k}"), "e", turns=1)
        if rec and want in rec["program"].lower():
            break
    else:
        pytest.fail(f"no {seed} edit for {name}")
    assert not patches.is_patch(rec["messages"][-1]["content"])
    assert verify_record(rec) == (True, "ok")
    if seed == "kind":
        assert rec["spec"]["genus"] == 0 and "sphere(" in rec["program"]


def test_exact_sizes_name_axes_and_scaling_writes_a_factor() -> None:
    texts = [edits.resize({"height": 20.0}, edits.HEIGHT, Words(Random(k)), 3, 160)
             for k in range(400)]
    requests = " | ".join(e.request for e in texts)
    assert re.search(r"along Z|in Z|Z size|Z dimension|\(Z\)", requests)
    assert "set height to" in requests and "%" in requests
    factors = {str(e.values["height"].text) for e in texts if hasattr(e.values["height"], "text")}
    assert {"20 * 1.25", "20 * 0.8"} <= factors, factors


def test_hole_counts_use_ordinals_and_patch_the_count() -> None:
    bar = FAMILIES["bar"]
    v = dict(bar.defaults(), holes=2)
    counts = [edits.hole_count(v, Words(Random(k)), low=2) for k in range(200)]
    third = [e for e in counts if "third" in e.request]
    assert third and all(e.values["holes"] == 3 for e in third)
    assert all(e.values["holes"] >= 2 for e in counts)
    made = patches.make_patch(bar.program(v), bar.program(third[0].values))
    assert made is not None and made[0] == "holes = 3;\n"


def test_walls_and_smaller_holes() -> None:
    box = FAMILIES["open_box"]
    v = dict(box.defaults(), bottom=2.0)
    walls = [edits.walls(v, Words(Random(k))) for k in range(100)]
    values = {float(e.values["wall"]) for e in walls if e}
    assert min(values) < 2.0 < max(values)
    assert any("thicker" in e.request for e in walls if e)
    plate = FAMILIES["plate"]
    p = dict(plate.defaults(), pattern="corners", screw="M4", hole_d=4.5)
    smaller = [edits.smaller_holes(p, Words(Random(k))) for k in range(60)]
    assert {e.values["hole_d"] for e in smaller if e} >= {3.4}
    assert all(e.values["hole_d"] < 4.5 for e in smaller if e)


def test_chains_restore_earlier_values_and_verify() -> None:
    family = FAMILIES["plate"]
    restored = long = None
    for k in range(300):
        rec = edit_record(family, Random(f"chain-{k}"), "e", turns=4)
        if rec is None:
            continue
        turns = [m["content"] for m in rec["messages"] if m["role"] == "user"]
        if long is None and len(turns) == 5:
            long = rec
        if restored is None and any(re.search(r"\bback to\b|revert|return the", t)
                                    for t in turns[1:]):
            restored = rec
        if long and restored:
            break
    assert long is not None and restored is not None
    for rec in (long, restored):
        assert verify_record(rec) == (True, "ok"), rec["messages"]
    # the undo sets the value it names
    programs = assistant_programs(restored)
    said = [m["content"] for m in restored["messages"] if m["role"] == "user"]
    i = next(i for i, t in enumerate(said) if re.search(r"\bback to\b|revert|return the", t))
    number = re.findall(r"\d+(?:\.\d+)?", said[i])
    reply = [m["content"] for m in restored["messages"] if m["role"] == "assistant"][i]
    assert patches.is_patch(reply) and programs[i] != programs[i - 1]
    if number:
        assert re.search(rf"= {re.escape(number[-1])};", reply), (said[i], reply)


def test_records_ending_in_a_patch_split_by_their_whole_program() -> None:
    from finetune.data import group_key

    block, plate = FAMILIES["block"], FAMILIES["plate"]
    recs = []
    for family in (block, plate):
        before = family.program(family.defaults())
        text, after = patches.make_patch(before, family.program(
            dict(family.defaults(), length=90.0)))  # type: ignore[misc]
        assert text == "length = 90;\n"
        recs.append({"messages": [{"role": "user", "content": "a part"},
                                  {"role": "assistant", "content": before},
                                  {"role": "user", "content": "90 long"},
                                  {"role": "assistant", "content": text}],
                     "program": after})
    assert group_key(recs[0]) != group_key(recs[1])
    assert group_key(recs[0]) == group_key({"messages": [
        {"role": "assistant", "content": recs[0]["program"]}]})
