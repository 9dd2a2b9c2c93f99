"""Synthetic training data: every family compiles with the real OpenSCAD and meets its own
spec; descriptions vary and agree with the part; edits change the part; repairs carry real
diagnostics; generation is deterministic; the CLI writes its files."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from random import Random

import pytest
from typer.testing import CliRunner

from agent.prompts import check_failures, system_message
from finetune.data_cli import app
from finetune.synth.families import FAMILIES
from finetune.synth.family import Shape
from finetune.synth.generate import SynthConfig, make_record, run
from finetune.synth.records import create_record, edit_record
from finetune.synth.repair import BREAKERS, repair_record
from finetune.synth.scad import revolve
from finetune.synth.verify import assistant_programs, compile_and_check, verify_record
from finetune.synth.words import Words, article, fix_articles, fmt

PARAM_LINE = re.compile(
    r'^[a-z_][a-z0-9_]* = (-?[0-9.]+; // \[[0-9.]+:[0-9.]+:[0-9.]+\]|"[^"]*";)$')


def test_there_are_many_families() -> None:
    assert len(FAMILIES) >= 25


@pytest.mark.parametrize("name", list(FAMILIES))
def test_family_parts_compile_and_meet_their_spec(name: str) -> None:
    family = FAMILIES[name]
    for seed in (1, 2):
        rec = create_record(family, Random(f"test-{name}-{seed}"), f"{name}-{seed}")
        ok, reason = verify_record(rec)
        assert ok, f"{name} seed {seed}: {reason}\n{rec['messages'][0]['content']}\n" \
                   f"{rec['messages'][1]['content']}"
        assert rec["spec"]["watertight"] is True and "genus" in rec["spec"]


@pytest.mark.parametrize("name", list(FAMILIES))
def test_programs_keep_the_house_style(name: str) -> None:
    family = FAMILIES[name]
    for i in range(40):
        program = family.part(Random(f"style-{name}-{i}")).program
        header, _, body = program.partition("\n\n")
        lines = header.splitlines()
        assert lines[0].startswith("// "), program
        # parameters, each with a customizer range; a note about one sits on the line above
        params = [ln for ln in lines[1:] if not ln.startswith(("$fn", "// "))]
        assert params and all(PARAM_LINE.match(ln) for ln in params), program
        assert "\t" not in program and "```" not in program
        assert body.strip() and program.endswith("\n")
        # the small model has a ~1k-token context: programs stay well under ~350 tokens
        assert len(program) < 1000, (name, len(program))
        # every named parameter is used by the geometry
        for ln in params:
            assert re.search(rf"\b{ln.split(' ')[0]}\b", body), (ln, program)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_descriptions_vary(name: str) -> None:
    family = FAMILIES[name]
    prompts = [family.part(Random(f"vary-{name}-{i}")).prompt for i in range(200)]
    # wording alone (numbers masked) must still vary a lot
    shapes = {re.sub(r"\d+(\.\d+)?", "#", p) for p in prompts}
    assert len(shapes) >= 120, (name, len(shapes))
    starts = Counter(p.split()[0].lower() for p in prompts)
    assert len(starts) >= 8, (name, starts)
    assert starts.most_common(1)[0][1] < 120, (name, starts.most_common(3))


def test_wording_covers_units_counts_and_openers() -> None:
    prompts = [FAMILIES[name].part(Random(f"cover-{name}-{i}")).prompt
               for name in ("plate", "bar", "l_bracket", "spacer", "washer", "tube", "block")
               for i in range(150)]
    text = "\n".join(prompts)
    for needle in ("mm", "millimetres", "millimeters", " cm", " x ", "x", " by ", "two",
                   "2 ", "M3", "holes for", "I need", "?", "with"):
        assert needle in text, needle


COUNT_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
HOLE_COUNT = re.compile(
    r"\b(a pair of|a couple of|a single|an?|\d+(?![\d.]|\s*(?:mm|millimet|cm|centimet))|"
    + "|".join(COUNT_WORDS) + r")\s+"
    r"((?:(?:M\d+(?:\.\d+)?|clearance|mounting|screw|evenly|equally|spaced|[\d.]+\s?mm|"
    r"[\d.]+|millimet(?:er|re)s?)\s+){0,3})"
    r"(?:holes?|through-holes?)\b(?! strip)", re.I)
CLAUSE_END = re.compile(r"[,;]|\.(?!\d)|$")


def holes_said(prompt: str) -> int | None:
    """Holes a prompt asks for, or None when it gives no count."""
    total, found = 0, False
    for m in HOLE_COUNT.finditer(prompt):
        word = m.group(1).lower()
        if word in ("a", "an", "a single"):
            n = 1
        elif word in ("a pair of", "a couple of"):
            n = 2
        else:
            n = int(word) if word.isdigit() else COUNT_WORDS[word]
        rest = prompt[m.end():]
        tail = rest[:CLAUSE_END.search(rest).start()].lower()  # type: ignore[union-attr]
        if n == 1 and re.search(r"(each|every) corner", tail):  # "a hole in each corner"
            n = 4
        elif re.search(r"(each|per) (leg|side|arm)", tail):
            n *= 2
        total += n
        found = True
    return total if found else None


@pytest.mark.parametrize("name", ["plate", "bar", "l_bracket", "shelf_bracket", "wall_hook",
                                  "t_bracket"])
def test_hole_counts_in_descriptions_match_the_spec(name: str) -> None:
    family = FAMILIES[name]
    checked = 0
    for i in range(300):
        part = family.part(Random(f"holes-{name}-{i}"))
        said = holes_said(part.prompt)
        if said is None or "grid" in part.prompt:
            continue
        checked += 1
        assert said == part.spec["genus"], (part.prompt, part.spec["genus"])
    assert checked >= 150, checked


def test_unsaid_values_fall_back_to_defaults() -> None:
    family = FAMILIES["l_bracket"]
    defaults = family.defaults()
    seen = 0
    for i in range(300):
        v, said = family.design(Random(f"defaults-{i}"))
        if "size" not in said:
            seen += 1
            assert all(v[k] == defaults[k] for k in ("length", "height", "width", "thickness"))
    assert seen > 30


def test_every_family_offers_follow_ups() -> None:
    for name, family in FAMILIES.items():
        made = [edit_record(family, Random(f"follow-{name}-{i}"), "e") for i in range(10)]
        made = [r for r in made if r]
        assert len(made) >= 5, name
        for rec in made:
            programs = assistant_programs(rec)  # parameter patches applied
            assert len(set(programs)) == len(programs), (name, rec["messages"])


@pytest.mark.parametrize("name,seed", [("block", 3), ("plate", 5), ("l_bracket", 1),
                                       ("cylinder", 4), ("open_box", 2)])
def test_edit_records_change_the_part_as_the_spec_says(name: str, seed: int) -> None:
    family = FAMILIES[name]
    rec = None
    for k in range(20):  # the first seed whose follow-up implies a size change
        rec = edit_record(family, Random(f"edit-{name}-{seed}-{k}"), "e", turns=1)
        if rec and "grow" in rec["spec"]:
            break
    assert rec is not None and "grow" in rec["spec"]
    programs = assistant_programs(rec)
    assert len(programs) == 2 and programs[0] != programs[1] == rec["program"]
    # same parameter names before and after: an edit changes values, not the naming
    names = [set(re.findall(r"^(\w+) =", p, re.M)) for p in programs]
    assert names[0] <= names[1]
    ok, reason = verify_record(rec)
    assert ok, reason
    # the grow check can fail: held against the first program instead, it does
    swapped = {k: v for k, v in rec.items() if k != "program"}
    swapped["messages"] = [rec["messages"][0], {"role": "assistant", "content": programs[1]},
                           rec["messages"][2], {"role": "assistant", "content": programs[0]}]
    ok, reason = verify_record(swapped)
    assert not ok and "grow" in reason, reason


def test_relative_edits_write_arithmetic_on_the_old_value(tmp_path: Path) -> None:
    """'twice as tall' becomes `height = 20 * 2;`: the model copies, OpenSCAD multiplies."""
    from finetune.synth.edits import HEIGHT, resize

    family = FAMILIES["block"]
    v = dict(family.defaults(), length=30.0, width=20.0, height=20.0, corner_r=0.0)
    lines = {}
    for k in range(60):
        edit = resize(v, HEIGHT, Words(Random(k)), 3, 160)
        line = re.search(r"^height = (.+);", family.program(edit.values), re.M).group(1)
        lines[line] = edit
    assert {"20 * 1.5", "20 * 2", "20 / 2"} <= set(lines), sorted(lines)
    # the rest: exact values, or a percentage as a factor ("20 % taller" -> 20 * 1.2)
    assert all(re.fullmatch(r"\d+|20 \* (1\.1|1\.2|1\.25|0\.9|0\.8|0\.75)", line)
               for line in set(lines) - {"20 * 1.5", "20 * 2", "20 / 2"}), sorted(lines)
    doubled = lines["20 * 2"]
    _, report, checks = compile_and_check(family.program(doubled.values),
                                          family.spec(doubled.values, xyz=True), tmp_path)
    assert report is not None and report.extents[2] == pytest.approx(40)
    assert checks is not None and checks.passed
    # a second relative edit extends the arithmetic; an exact value replaces it
    again = [resize(lines["20 / 2"].values, HEIGHT, Words(Random(k)), 3, 160) for k in range(40)]
    texts = {re.search(r"^height = (.+);", family.program(e.values), re.M).group(1)
             for e in again}
    assert "20 / 2 * 2" in texts and any(re.fullmatch(r"\d+", t) for t in texts)


def test_exact_resizes_stay_inside_the_allowed_range() -> None:
    from finetune.synth.edits import THICKNESS, resize

    v = dict(FAMILIES["washer"].defaults(), thickness=1.5)
    values = {float(resize(v, THICKNESS, Words(Random(k)), 0.5, 6).values["thickness"])
              for k in range(200)}
    assert min(values) >= 0.5, sorted(values)


def test_edit_adding_corner_holes_raises_the_genus() -> None:
    family = FAMILIES["plate"]
    w = Words(Random(0))
    v = dict(family.defaults(), length=50.0, width=50.0, thickness=4.0)
    options = [e for e in family.edits(v, w) if e.values["pattern"] == "corners"]
    assert options, "a plain plate offers 'add four holes in the corners'"
    assert family.spec(options[0].values)["genus"] == 4 and family.spec(v)["genus"] == 0


@pytest.mark.parametrize("kind", list(BREAKERS))
def test_each_breakage_is_caught_by_openscad_or_the_spec(kind: str, tmp_path: Path) -> None:
    family = FAMILIES["plate"]
    v = dict(family.defaults(), pattern="corners")
    program, spec = family.program(v), family.spec(v)
    broken = None
    for seed in range(10):
        broken = BREAKERS[kind](program, Random(seed), spec)
        if broken and broken != program:
            break
    assert broken and broken != program
    result, report, checked = compile_and_check(broken, spec, tmp_path)
    assert checked is None or check_failures(checked, report), broken


@pytest.mark.parametrize("name,seed", [("plate", 0), ("spacer", 1), ("wall_hook", 2)])
def test_repair_records_carry_a_real_diagnostic(name: str, seed: int) -> None:
    rec = repair_record(FAMILIES[name], Random(f"repair-{name}-{seed}"), "r")
    assert rec is not None and rec["kind"] == "repair"
    roles = [m["role"] for m in rec["messages"]]
    assert roles == ["user", "assistant", "user", "assistant"]
    broken, message, fixed = (rec["messages"][i]["content"] for i in (1, 2, 3))
    assert broken != fixed
    assert message.startswith(("OpenSCAD: ", "Failed checks:")), message
    assert message.rstrip().endswith("program only.")
    assert verify_record(rec) == (True, "ok")


def test_records_are_deterministic_per_seed() -> None:
    config = SynthConfig(n=40, out=Path("unused"), seed=3, kinds=("create", "edit"))
    names, weights = config.family_names(), config.weights()
    first = [make_record(i, config, names, weights)[0] for i in range(40)]
    again = [make_record(i, config, names, weights)[0] for i in range(40)]
    assert first == again
    other = SynthConfig(n=40, out=Path("unused"), seed=4, kinds=("create", "edit"))
    assert first != [make_record(i, other, names, weights)[0] for i in range(40)]


def test_worker_count_does_not_change_the_output(tmp_path: Path) -> None:
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        run(SynthConfig(n=30, out=out, seed=9, kinds=("create", "edit"), verify="none",
                        workers=workers))
        outs.append((out / "records.jsonl").read_text())
    assert outs[0] == outs[1] and outs[0].count("\n") == 30


def test_cli_writes_records_and_stats(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = CliRunner().invoke(app, ["synth", "--n", "6", "--out", str(out), "--seed", "5",
                                      "--families", "washer,plate,block",
                                      "--kinds", "create,edit,repair", "--mix", "1,1,1",
                                      "--verify", "all", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "pass rate 100.0%" in result.output
    rows = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len(rows) == 6
    for row in rows:
        assert row["messages"][0] == system_message()
        assert row["source"] == "synth" and row["license"] == "CC0-1.0"
        assert row["family"] in ("washer", "plate", "block")
        assert row["kind"] in ("create", "edit", "repair")
        assert row["messages"][-1]["role"] == "assistant"
        assert not row["messages"][-1]["content"].startswith("```")
    stats = json.loads((out / "stats.json").read_text())
    assert stats["written"] == 6 and stats["verification"]["checked"] == 6
    assert sum(stats["by_kind"].values()) == 6


def test_cli_shards_and_rejects_bad_options(tmp_path: Path) -> None:
    out = tmp_path / "shards"
    result = CliRunner().invoke(app, ["synth", "--n", "5", "--out", str(out), "--verify", "none",
                                      "--kinds", "create", "--shard-size", "2", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("records-*.jsonl")) == [
        "records-00000.jsonl", "records-00001.jsonl", "records-00002.jsonl"]
    result = CliRunner().invoke(app, ["synth", "--n", "2", "--out", str(out), "--verify", "none",
                                      "--kinds", "create", "--no-system", "--workers", "1"])
    first = json.loads((out / "records.jsonl").read_text().splitlines()[0])
    assert result.exit_code == 0 and first["messages"][0]["role"] == "user"
    assert not list(out.glob("records-*.jsonl"))  # a rerun leaves no stale shards
    bad = CliRunner().invoke(app, ["synth", "--n", "5", "--out", str(out), "--families", "nope"])
    assert bad.exit_code == 2 and "unknown part family" in bad.output
    bad = CliRunner().invoke(app, ["synth", "--n", "5", "--out", str(out), "--mix", "1,2"])
    assert bad.exit_code == 2 and "--mix" in bad.output


def test_sorted_size_ranges_that_overlap_are_merged() -> None:
    # a knob 31 mm across and 30 mm tall: greedy sorted matching must not pair 31 with 30 +- 0.3
    knob = FAMILIES["knob"]
    v = dict(knob.defaults(), knob_d=31.0, height=30.0, grips=6)
    size = knob.spec(v)["size"]
    assert size[0] == size[1] == size[2]
    plate = FAMILIES["plate"].spec(FAMILIES["plate"].defaults())["size"]
    assert plate == [[78.8, 81.2], [49.25, 50.75], [2.6, 3.4]]


def test_revolve_writes_the_profile_a_line_of_points_at_a_time() -> None:
    text = revolve("[1, 0], [5, 0]", "[5, 2], [1, 2]")
    assert text == ("rotate_extrude()\n"
                    "    polygon([[1, 0], [5, 0],\n"
                    "             [5, 2], [1, 2]]);")


def test_upright_shapes_are_as_wide_as_deep() -> None:
    shape = Shape.upright(30.0, 8.0, genus=1, volume=100.0)
    assert shape == Shape((30.0, 30.0, 8.0), genus=1, volume=100.0)
    assert FAMILIES["pulley"].shape(FAMILIES["pulley"].defaults()).extents == (30.0, 30.0, 10.0)


def test_words_helpers() -> None:
    assert fmt(20.0) == "20" and fmt(3.4) == "3.4" and fmt(2.50) == "2.5"
    assert article("8 mm hole") == "an" and article("18 mm ring") == "an"
    assert article("M3 screw") == "an" and article("L bracket") == "an"
    assert article("20 mm cube") == "a" and article("open-top box") == "an"
    assert article("U-shaped clip") == "a"
    assert fix_articles("a M3 hole and an 20 mm cube") == "an M3 hole and a 20 mm cube"
    w = Words(Random(1))
    lengths = {w.mm(20) for _ in range(300)}
    assert {"20 mm", "20mm", "2 cm"} <= lengths
