"""An earlier request still stands: a follow-up on a part that failed a check is not "OK"
while that check still fails (agent/intent/carry.py), through the reader and the real loop."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from scad_parts import CUSTOMIZER_PLATE, PROGRAMS, part_stl

from agent.backends.scripted import ScriptedBackend
from agent.config import AgentConfig
from agent.intent import read_request
from agent.intent.carry import failed_checks, still_standing
from agent.session import Session
from tools.mesh import MeshReport, analyze_mesh

# what the plate of the session test should have been: two holes (after "width 80")
TWO_HOLES = CUSTOMIZER_PLATE.replace("y = [8, depth - 8]", "y = [depth / 2]").replace(
    "width = 60;", "width = 80;")


@functools.cache
def plate() -> MeshReport:
    """60 x 40 x 5 mm, four 3.2 mm holes."""
    return analyze_mesh(part_stl("plate4"))


def standing(failed: dict, follow_up: str) -> dict:
    asked = read_request(follow_up, plate(), follow_up=True, previous_program=PROGRAMS["plate4"])
    return still_standing(failed, asked.spec, asked.kept, plate(), asked.shift)


def test_a_hole_count_the_follow_up_only_keeps_goes_back_to_the_one_asked() -> None:
    assert standing({"genus": 2}, "make it 8 mm thick") == {"genus": 2}
    assert standing({"genus": 2}, "make it a bit wider") == {"genus": 2}


def test_a_body_count_the_follow_up_only_keeps_goes_back_to_the_one_asked() -> None:
    assert standing({"bodies": 1}, "make it 8 mm thick") == {"bodies": 1}
    assert standing({"bodies": 2}, "make it a sphere instead") == {}  # a new part: one body


def test_a_count_the_follow_up_moves_moves_from_the_one_asked() -> None:
    # the plate has 4 holes where 2 were asked: "two more" means 4, "one fewer" 1
    assert standing({"genus": 2}, "add two more holes") == {"genus": 4}
    assert standing({"genus": 2}, "remove one of the holes") == {"genus": 1}
    assert standing({"genus": 6}, "add a third hole") == {"genus": 7}


def test_a_follow_up_that_changes_the_count_or_the_holes_replaces_it() -> None:
    assert standing({"genus": 2}, "take out all the holes") == {}
    assert standing({"genus": 2}, "use six holes instead") == {}
    holes = [{"d": [3.8, 4.6], "count": 2}]
    assert standing({"holes": holes}, "make it 8 mm thick") == {"holes": holes}
    assert standing({"holes": holes}, "make the holes 6 mm") == {}


def test_sizes_go_back_only_on_the_axes_the_follow_up_keeps() -> None:
    wanted = [[58.8, 61.2], [39.2, 40.8], [9.7, 10.3]]  # asked 10 mm thick; it is 5
    back = standing({"size_xyz": wanted}, "make it 80 mm long")
    assert back["size_xyz"][2] == [9.7, 10.3]  # still asked
    assert back["size_xyz"][1] == [39.2, 40.8]  # kept and right: as the follow-up keeps it
    assert 78 <= back["size_xyz"][0][0] < 80 < back["size_xyz"][0][1] <= 82  # the new length
    # the follow-up states the thickness: the new one wins, nothing else was missed
    assert standing({"size_xyz": wanted}, "make it 12 mm thick") == {}
    # a follow-up that keeps every size carries an earlier overall size as it was
    overall = [[69.0, 71.0], [39.0, 41.0], [4.5, 5.5]]
    assert standing({"size": overall}, "add a 6 mm hole in the middle") == {"size": overall}
    assert standing({"size": overall}, "make it 80 mm long") == {}


def test_checks_against_an_earlier_part_never_come_along() -> None:
    relative = {"grow": [{"measure": "volume", "min_ratio": 1.1}], "keep_holes": {"except": []},
                "changed": True, "param": {"names": ["wall"], "change": "grow"}}
    assert standing(relative, "make it 8 mm thick") == {}
    assert standing({"shape": "round", "kind": {"asked": "ring", "kind": "ring"}},
                    "make it 8 mm thick") == {"shape": "round",
                                             "kind": {"asked": "ring", "kind": "ring"}}
    assert standing({"shape": "round"}, "make it square instead") == {}


def test_a_failed_growth_comes_along_as_the_size_it_asked_for() -> None:
    checks = [{"key": "bodies", "passed": True, "expected": 1},
              {"key": "grow", "passed": False,
               "expected": [{"axis": "z", "min_ratio": 1.94, "max_ratio": 2.06},
                            {"measure": "volume", "min_ratio": 1.5}]}]
    # "twice as thick" on the 5 mm plate: 9.7-10.3 mm from now on; the volume has no size
    wanted = failed_checks(checks, plate())
    assert wanted == {"size_xyz": [[0.0, 1e9], [0.0, 1e9], [9.7, 10.3]]}
    assert failed_checks(checks, None) == {}  # nothing to measure it on: dropped
    # a size the same turn also missed narrows it
    checks.append({"key": "size_xyz", "passed": False,
                   "expected": [[58.8, 61.2], [0.0, 1e9], [0.0, 9.9]]})
    assert failed_checks(checks, plate())["size_xyz"] == [[58.8, 61.2], [0.0, 1e9], [9.7, 9.9]]
    # and a later follow-up that keeps the thickness is held to it
    assert standing(wanted, "make it 80 mm long")["size_xyz"][2] == [9.7, 10.3]


def _session(tmp_path: Path, replies: list[str],
             direct_edits: bool = True) -> tuple[Session, ScriptedBackend]:
    backend = ScriptedBackend(replies)
    config = AgentConfig(backend="scripted", render=False, max_repairs=0, samples=1,
                         direct_edits=direct_edits)
    return Session(tmp_path / "s", backend, config), backend


def _turn(session: Session, text: str) -> dict:
    steps = list(session.send(text))
    assert steps[-1].kind == "done", steps[-1]
    return steps[-1].data


def _failed(done: dict) -> list[str]:
    return sorted(c["key"] for c in done["checks"] if not c["passed"])


def test_a_follow_up_on_a_wrong_part_is_not_ok_until_the_earlier_request_is_met(
        tmp_path: Path) -> None:
    session, backend = _session(tmp_path, [CUSTOMIZER_PLATE, "thickness = 8;", TWO_HOLES])
    first = _turn(session, "a 60 x 40 plate, 5 mm thick, with two 5 mm holes")
    assert first["status"] == "failed_checks" and _failed(first) == ["genus", "holes"]

    # a direct edit does what it was asked and says the earlier request still fails
    done = _turn(session, "width 80")
    assert (done["status"], done["stop"]) == ("failed_checks", "direct")
    assert len(backend.calls) == 1  # no model for a one-value edit
    assert _failed(done) == _failed(first) and done["spec"]["genus"] == 2
    assert done["note"].startswith("edited width directly: 60 -> 80")
    assert "the earlier request still stands and this part misses it" in done["note"]

    # the model's change keeps the four holes: not OK either (it was before this check)
    done = _turn(session, "make the plate thicker")
    assert len(backend.calls) == 2 and "thickness = 8;" in session.program
    assert done["status"] == "failed_checks" and _failed(done) == _failed(first)
    assert "earlier request still stands" in done["note"]

    # a part that finally meets it is OK, and no note says otherwise
    done = _turn(session, "make it thinner again, 5 mm")
    assert done["status"] == "ok", done["checks"]
    assert done["spec"]["genus"] == 2 and done["note"] is None


@pytest.mark.parametrize("text", ["width 80", "make the plate thicker"])
def test_a_follow_up_on_a_right_part_carries_nothing(tmp_path: Path, text: str) -> None:
    session, _ = _session(tmp_path, [CUSTOMIZER_PLATE, "thickness = 8;"])
    assert _turn(session, "a 60 x 40 plate, 5 mm thick, with four 5 mm holes")["status"] == "ok"
    done = _turn(session, text)
    assert done["status"] == "ok" and not (done["note"] or "").count("earlier request")
    assert session.previous_failures == {}


def test_a_change_the_model_did_not_make_is_still_asked_after_the_next_edit(
        tmp_path: Path) -> None:
    session, backend = _session(tmp_path, [CUSTOMIZER_PLATE, "thickness = 6;", "width = 80;"],
                                direct_edits=False)
    assert _turn(session, "a 60 x 40 plate, 5 mm thick, with four 5 mm holes")["status"] == "ok"
    assert _failed(_turn(session, "make it twice as thick")) == ["grow"]  # 6 mm, not 10
    done = _turn(session, "now make it 80 mm long")  # done, and the plate is still not 10 mm
    assert "width = 80;" in session.program and len(backend.calls) == 3
    assert _failed(done) == ["size_xyz"] and done["spec"]["size_xyz"][2] == [9.7, 10.3]
    assert "earlier request still stands" in done["note"]


def test_holes_added_to_a_wrong_count_are_counted_from_the_one_asked(tmp_path: Path) -> None:
    five = CUSTOMIZER_PLATE.replace(
        "    for (x", "    translate([width / 2, depth / 2, -1]) cylinder(d = hole_d, h = 20);\n"
        "    for (x")
    session, _ = _session(tmp_path, [CUSTOMIZER_PLATE, five])
    first = _turn(session, "a 60 x 40 plate, 5 mm thick, with two 5 mm holes")
    assert first["status"] == "failed_checks"  # four holes
    done = _turn(session, "add one more 5 mm hole in the middle")
    assert done["report"]["genus"] == 5 and done["spec"]["genus"] == 3  # two asked, plus one
    assert done["status"] == "failed_checks" and "genus" in _failed(done)
