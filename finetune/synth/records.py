"""Training records (the JSONL format of docs/ARCHITECTURE.md) for create and edit kinds.

Repair records need real compiles and live in repair.py.
"""

from __future__ import annotations

from random import Random
from typing import Any

from finetune.synth import edits, patches
from finetune.synth.family import Edit, Family, Part, Values
from finetune.synth.words import Words

LICENSE = "CC0-1.0"
SOURCE = "synth"
AXES = {"x": 0, "y": 1, "z": 2}


def record(rec_id: str, family: str, kind: str, messages: list[dict[str, str]],
           spec: dict) -> dict[str, Any]:
    return {"id": rec_id, "source": SOURCE, "messages": messages, "spec": spec,
            "family": family, "kind": kind, "license": LICENSE}


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def assistant(program: str) -> dict[str, str]:
    return {"role": "assistant", "content": program}


def create_record(family: Family, rng: Random, rec_id: str) -> dict[str, Any]:
    part = family.part(rng)
    return record(rec_id, family.name, "create",
                  [user(part.prompt), assistant(part.program)], part.spec)


def pick_edit(family: Family, v: Values, w: Words, seen: set[str]) -> Edit | None:
    """One applicable follow-up that gives a program not seen yet in the conversation."""
    options = [e for e in family.edits(v, w) if _fits(family, e, seen)]
    return w.rng.choice(options) if options else None


def _target(family: Family, edit: Edit) -> Family:
    from finetune.synth.families import FAMILIES

    return FAMILIES[edit.family] if edit.family else family


def _fits(family: Family, edit: Edit, seen: set[str]) -> bool:
    target = _target(family, edit)
    return target.valid(edit.values) and target.program(edit.values) not in seen


def restore_edit(family: Family, v: Values, done: list[Edit], first: Values, w: Words,
                 seen: set[str]) -> Edit | None:
    """'back to 40 mm': undo an earlier resize of this same part, when one is undoable."""
    for age, (edit, before) in enumerate(reversed(list(zip(done, [first] + [
            e.values for e in done], strict=False)))):
        if edit.family:
            return None  # the part changed kind: earlier values belong to another part
        if edit.dim is None:
            continue
        key = edit.dim.key
        if float(v[key]) == float(before[key]):
            return None  # already back where it was
        original = before[key] == first.get(key) and not any(e.family for e in done)
        undo = edits.restore(v, edit.dim, before[key], w, original=original,
                             just_changed=age == 0)
        return undo if _fits(family, undo, seen) else None
    return None


def edit_grow(first_family: Family, first: Values, family: Family, last: Values,
              edits_done: list[Edit]) -> dict | None:
    """The spec's grow entry for the whole conversation, from the nominal extents."""
    axes = [e.grow["axis"] for e in edits_done if e.grow]
    if not axes:
        return None
    axis = axes[-1]
    i = AXES[axis]
    before = first_family.shape(first).extents[i]
    after = family.shape(last).extents[i]
    ratio = after / before
    if abs(ratio - 1) < 0.05:
        return None
    if ratio > 1:
        return {"axis": axis, "min_ratio": round(1 + (ratio - 1) * 0.9, 3)}
    return {"axis": axis, "max_ratio": round(1 - (1 - ratio) * 0.9, 3)}


def edit_record(family: Family, rng: Random, rec_id: str, turns: int | None = None) -> (
        dict[str, Any] | None):
    """A part, then one to four follow-ups, each applied to the part as it is by then.

    A follow-up that changes only values is answered with a parameter patch (the changed
    assignment lines); anything else with the whole updated program. `program` holds the
    final whole program (the last patch applied), what the spec describes."""
    part: Part = family.part(rng)
    w = Words(rng)
    turns = turns or rng.choice([1, 1, 2, 2, 3, 4])
    messages = [user(part.prompt), assistant(part.program)]
    v, current, program = part.values, family, part.program
    done: list[Edit] = []
    seen = {part.program}
    for _ in range(turns):
        edit = None
        if done and w.chance(0.25):
            edit = restore_edit(current, v, done, part.values, w, seen)
        edit = edit or pick_edit(current, v, w, seen)
        if edit is None:
            break
        done.append(edit)
        current = _target(current, edit)
        v = edit.values
        new = current.program(v)
        seen.add(new)
        patch = None if edit.family else patches.make_patch(program, new)
        reply, program = patch if patch else (new, new)
        messages += [user(edit.request), assistant(reply)]
    if not done:
        return None
    spec = current.spec(v, xyz=True)
    grow = edit_grow(family, part.values, current, v, done)
    if grow:
        spec["grow"] = grow
    rec = record(rec_id, family.name, "edit", messages, spec)
    rec["program"] = program
    return rec
