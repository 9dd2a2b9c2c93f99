"""Training records (the JSONL format of docs/ARCHITECTURE.md) for create and edit kinds.

Repair records need real compiles and live in repair.py.
"""

from __future__ import annotations

from random import Random
from typing import Any

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
    options = [e for e in family.edits(v, w)
               if family.valid(e.values) and family.program(e.values) not in seen]
    return w.rng.choice(options) if options else None


def edit_grow(family: Family, first: Values, last: Values, edits: list[Edit]) -> dict | None:
    """The spec's grow entry for the whole conversation, from the nominal extents."""
    axes = [e.grow["axis"] for e in edits if e.grow]
    if not axes:
        return None
    axis = axes[-1]
    i = AXES[axis]
    before = family.shape(first).extents[i]
    after = family.shape(last).extents[i]
    ratio = after / before
    if abs(ratio - 1) < 0.05:
        return None
    if ratio > 1:
        return {"axis": axis, "min_ratio": round(1 + (ratio - 1) * 0.9, 3)}
    return {"axis": axis, "max_ratio": round(1 - (1 - ratio) * 0.9, 3)}


def edit_record(family: Family, rng: Random, rec_id: str, turns: int | None = None) -> (
        dict[str, Any] | None):
    """A part, then one or two follow-ups, each answered with the whole updated program."""
    part: Part = family.part(rng)
    w = Words(rng)
    turns = turns or rng.choice([1, 1, 1, 2])
    messages = [user(part.prompt), assistant(part.program)]
    v = part.values
    done: list[Edit] = []
    seen = {part.program}
    for _ in range(turns):
        edit = pick_edit(family, v, w, seen)
        if edit is None:
            break
        done.append(edit)
        v = edit.values
        seen.add(family.program(v))
        messages += [user(edit.request), assistant(family.program(v))]
    if not done:
        return None
    spec = family.spec(v, xyz=True)
    grow = edit_grow(family, part.values, v, done)
    if grow:
        spec["grow"] = grow
    return record(rec_id, family.name, "edit", messages, spec)
