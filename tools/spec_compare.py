"""Spec checks that compare with the part before an edit or read the programs: grow
(relative size, volume, wall or hole), kind (what the program says it made), param (a named
parameter moved) and keep_holes (the holes an edit does not name are still there)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tools.kinds import KINDS, compatible, declared_kind
from tools.mesh import MeshReport
from tools.params import top_level_values
from tools.spec_values import (
    AXES,
    Malformed,
    Skip,
    Subject,
    Verdict,
    fmt,
    parse_range,
    round_openings,
    wall_thickness,
)

_MEASURES = ("volume", "wall", "hole")


def _measure(report: MeshReport, measure: str) -> float | None:
    if measure == "volume":
        return report.volume
    if measure == "wall":
        return wall_thickness(report)
    holes = [o["d"] for o in round_openings(report)]
    return max(holes) if holes else None


def _one_grow(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping):
        raise Malformed(f"grow must be an object like {{'axis': 'z', 'min_ratio': 1.5}}, "
                         f"got {expected!r}")
    unknown = set(expected) - {"axis", "measure", "min_ratio", "max_ratio"}
    if unknown:
        raise Malformed(f"grow has unknown field(s) {sorted(unknown)}")
    axis, measure = expected.get("axis"), expected.get("measure")
    if (axis is None) == (measure is None):
        raise Malformed(f"grow needs an axis ('x', 'y', 'z') or a measure {_MEASURES}, "
                         f"got {dict(expected)!r}")
    if axis is not None and axis not in AXES:
        raise Malformed(f"grow.axis must be 'x', 'y' or 'z', got {axis!r}")
    if measure is not None and measure not in _MEASURES:
        raise Malformed(f"grow.measure must be one of {_MEASURES}, got {measure!r}")
    lo = expected.get("min_ratio")
    hi = expected.get("max_ratio")
    if lo is None and hi is None:
        raise Malformed("grow needs min_ratio and/or max_ratio")
    for name, v in (("min_ratio", lo), ("max_ratio", hi)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise Malformed(f"grow.{name} must be a number, got {v!r}")
    first = subject.first
    if first is None or first.empty:
        return None, "no part after the first prompt to compare with"
    if axis is not None:
        what = f"the {axis.upper()} size"
        before, after = first.extents[AXES[axis]], subject.report.extents[AXES[axis]]
    else:
        what = {"volume": "the volume", "wall": "the wall thickness",
                "hole": "the largest hole"}[measure]
        before, after = _measure(first, measure), _measure(subject.report, measure)
        if before is None or after is None:
            part = "the part before" if before is None else "this part"
            return None, f"cannot compare {what}: {part} has none to measure"
    if before <= 0:
        return None, f"the part before has no {what[4:]} to compare with"
    ratio = after / before
    bad = (lo is not None and ratio < lo) or (hi is not None and ratio > hi)
    if not bad:
        return round(ratio, 4), None
    want = []
    if lo is not None:
        want.append(f"at least {fmt(lo)}x")
    if hi is not None:
        want.append(f"at most {fmt(hi)}x")
    unit = " mm^3" if measure == "volume" else " mm"
    return round(ratio, 4), (
        f"expected {what} to change by {' and '.join(want)} "
        f"(from {fmt(before)}{unit}), found {fmt(after)}{unit} ({fmt(ratio)}x)"
    )


def check_grow(expected: object, subject: Subject) -> Verdict:
    items = expected if isinstance(expected, list) else [expected]
    if not items:
        raise Malformed("grow must not be an empty list")
    actual, problems = [], []
    for item in items:
        value, problem = _one_grow(item, subject)
        actual.append(value)
        if problem:
            problems.append(problem)
    shown = actual[0] if len(actual) == 1 else actual
    return shown, "; ".join(problems) or None


def check_kind(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping) or expected.get("kind") not in KINDS:
        raise Malformed(f"kind must be like {{'asked': 'fan grill', 'kind': 'grill'}}, "
                         f"got {expected!r}")
    if subject.program is None:
        raise Skip("no program to read what the part is")
    asked = str(expected.get("asked") or expected["kind"])
    declared = declared_kind(subject.program)
    if declared is None:
        raise Skip("the program does not say what it makes")
    made, where = declared
    asked_kinds = [expected["kind"], *expected.get("also", [])]
    if any(compatible(a, kind) for a in asked_kinds for kind in made):
        return made[0], None
    return made[0], (f"asked for a {asked}, but the program makes a {made[0]} ({where}); "
                     f"make a {asked}")


def param_words(name: str) -> list[str]:
    """The words of a parameter name: post_h -> [post, h], lipHeight -> [lip, height]."""
    return re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower())


def _names_like(names: list[str], words: list[str], also: list[str] | None) -> list[str]:
    """Parameters named like one of `words` (a part of the name); with `also`, named by a
    word of each list (post_h for ["post"] and ["h", "height"])."""
    if also is None:
        return [n for n in names if any(w in n.lower() for w in words)]
    return [n for n in names if set(param_words(n)) & set(words) and
            set(param_words(n)) & set(also)]


def check_param(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping) or not isinstance(expected.get("names"), list) \
            or expected.get("change") not in ("grow", "shrink", "set"):
        raise Malformed(f"param must be like {{'names': ['wall'], 'change': 'grow'}}, "
                         f"got {expected!r}")
    target = parse_range(expected["value"], "param.value") if expected["change"] == "set" else None
    if subject.program is None or subject.previous_program is None:
        raise Skip("no programs to compare")
    words = [str(n).lower() for n in expected["names"]]
    also = expected.get("also")
    if also is not None and not isinstance(also, list):
        raise Malformed(f"param.also must be a list of words, got {also!r}")
    before = top_level_values(subject.previous_program)
    after = top_level_values(subject.program)
    named = _names_like(list(before), words, [str(w).lower() for w in also]
                        if also is not None else None)
    if not named:
        raise Skip(f"the previous program has no parameter named like {', '.join(words)}")
    grow = expected["change"] == "grow"
    if target is not None:
        moved = {n: (before[n], after[n]) for n in named
                 if n in after and target[0] <= after[n] <= target[1]}
    else:
        moved = {n: (before[n], after[n]) for n in named if n in after and (
            after[n] > before[n] * 1.001 if grow else after[n] < before[n] * 0.999)}
    if moved:
        return {n: v[1] for n, v in moved.items()}, None
    was = ", ".join(f"{n} = {fmt(before[n])}" for n in named)
    now = ", ".join(f"{n} = {fmt(after[n])}" if n in after else f"{n} removed" for n in named)
    direction = ("larger" if grow else "smaller") if target is None else \
        f"{fmt(target[0])}-{fmt(target[1])}"
    return {n: after.get(n) for n in named}, (
        f"expected {' or '.join(named)} to get {direction} (was {was}), found {now}")


def check_keep_holes(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping) or not isinstance(expected.get("except", []), list):
        raise Malformed(f"keep_holes must be like {{'except': [[lo, hi]]}}, got {expected!r}")
    excepted = [parse_range(r, "keep_holes.except") for r in expected.get("except", [])]
    if subject.first is None or subject.first.empty:
        return None, "no previous part to compare the holes with"
    now = round_openings(subject.report)
    lost = []
    for before in round_openings(subject.first):
        d = before["d"]
        if any(lo <= d <= hi for lo, hi in excepted):
            continue
        if not any(o["axis"] == before["axis"] and abs(o["d"] - d) <= max(0.1, 0.02 * d)
                   for o in now):
            lost.append(f"{fmt(d)} mm along {before['axis'].upper()}")
    lost = sorted(set(lost))
    if not lost:
        return len(round_openings(subject.first)), None
    return len(now), ("expected the holes this edit does not name to stay as they were, but "
                      f"these changed or went: {', '.join(lost[:6])}")


def _fingerprint(report: MeshReport) -> tuple:
    """What tells two meshes apart: their boxes, volumes, topology, triangle counts and where
    their openings are. A moved hole changes it; a reworded program that makes the same
    mesh does not."""
    openings = sorted((o.get("axis"), round(float(o.get("d", 0)), 2),
                       tuple(round(float(v), 2) for v in o.get("at", ())))
                      for o in report.openings)
    return (tuple(round(v, 3) for v in (*report.bounds[0], *report.bounds[1])),
            round(report.volume, 1), report.genus, report.bodies, report.faces,
            report.vertices, tuple(openings))


def check_changed(expected: object, subject: Subject) -> Verdict:
    """changed: true -- the part differs from the compared one. A follow-up asks for a
    change: the same part back answers nothing, whatever else the checks can read."""
    if expected is not True:
        raise Malformed(f"changed must be true, got {expected!r}")
    if subject.first is None or subject.first.empty:
        return None, "no previous part to compare with"
    if _fingerprint(subject.report) != _fingerprint(subject.first):
        return True, None
    return False, ("expected a different part, but this is the part from before, unchanged: "
                   "make the change the request asks for")
