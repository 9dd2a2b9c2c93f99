"""The eval spec format (../shared/evals/README.md), checked against MeshReports.

Every key present must hold. A key we do not know fails with a message saying so: a typo
in a spec must not turn into a silent pass. A malformed value fails the same way. A missing
or empty part fails every key, and fails even an empty spec.

Beyond the shared format's keys (watertight, bodies, genus, size, size_xyz, volume, grow)
the agent's own expectations use:
  dims      [[lo, hi], ...]: one to three stated sizes, each one of the part's overall
            extents, on any axis (a plate "3 mm thick, 50 mm wide" whose length is unknown)
  holes     [{"d": [lo, hi], "what": "M3 hole", "count": 4}, ...]: an opening of each
            diameter is seen in a cross-section (tools.sections); with "count", exactly that
            many distinct ones (entries with overlapping ranges add up)
  openings  [{"count": n, "min": mm, "what": "compartments"}]: exactly n distinct openings
            at least `min` wide (compartments, slots, pockets: any shape)
  wall      [lo, hi]: the wall around the part's largest opening (a tube, cup or open box)
  shape     "sphere" | "hemisphere" | "cube" | "box" | "cylinder" | "cone" | "round" |
            "hexagon": the overall form, from extents and how much of its bounding box the
            part fills
  grow      also {"measure": "volume" | "wall" | "hole", "min_ratio"/"max_ratio"}, and a
            list of such dicts: relative changes against the compared part
  kind      {"asked": "fan grill", "kind": "grill"}: what the program says it makes
            (tools.kinds) must not contradict the kind asked for
  keep_holes {"except": [[lo, hi], ...]}: every round opening of the compared part (an
            edit's previous part) is still there, same axis and diameter, unless its
            diameter is in an excepted range (the holes the edit changes)
  param     {"names": ["wall"], "change": "grow"|"shrink"}: a named program parameter moved
            that way against the previous program (walls, which the outside does not show)
Checks that need what the subject lacks (a program for kind and param) are skipped and
named in SpecResult.skipped, never passed silently.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from tools.kinds import KINDS, compatible, declared_kind
from tools.mesh import MeshReport
from tools.params import top_level_values

AXES = {"x": 0, "y": 1, "z": 2}
BIG = 1e9  # "unbounded" in a [lo, hi] range; JSON has no infinity


@dataclass
class CheckResult:
    key: str
    passed: bool
    expected: object
    actual: object
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SpecResult:
    passed: bool
    checks: list[CheckResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "key: why it could not be checked"

    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def failed_keys(self) -> list[str]:
        return [c.key for c in self.failures()]

    def summary(self) -> str:
        """Plain text for the model (or a person): one line per failed check."""
        failed = self.failures()
        if self.passed:
            return "all spec checks passed"
        return "\n".join(f"- {c.key}: {c.message}" for c in failed)

    def to_dict(self) -> dict:
        return {"passed": self.passed, "checks": [c.to_dict() for c in self.checks],
                "skipped": list(self.skipped)}


@dataclass(frozen=True)
class Subject:
    """What a spec is checked against: the part's mesh report, the part it is compared with
    (grow, keep), and the programs where checks read them (kind, param)."""

    report: MeshReport
    first: MeshReport | None = None
    program: str | None = None
    previous_program: str | None = None


class _Skip(Exception):
    """A check that cannot run on this subject (no program to read): named, not passed."""


class _Malformed(ValueError):
    """A spec value of the wrong shape; becomes a failed check, never an exception."""


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _range(value: object, what: str) -> tuple[float, float]:
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise _Malformed(f"{what} must be a [lo, hi] pair of numbers, got {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if lo > hi:
        raise _Malformed(f"{what} has lo > hi: {value!r}")
    return lo, hi


def _ranges3(value: object, key: str) -> list[tuple[float, float]]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 3:
        raise _Malformed(f"{key} must be three [lo, hi] pairs, got {value!r}")
    return [_range(v, f"{key}[{i}]") for i, v in enumerate(value)]


def _int(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Malformed(f"{key} must be an integer, got {value!r}")
    return value


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# (actual value, None when the check holds or why it fails)
Verdict = tuple[object, str | None]


def _check_watertight(expected: object, subject: Subject) -> Verdict:
    report = subject.report
    if not isinstance(expected, bool):
        raise _Malformed(f"watertight must be true or false, got {expected!r}")
    actual = report.watertight and report.winding_consistent
    if actual == expected:
        return actual, None
    if expected:
        why = "it has open or non-manifold edges" if not report.watertight else (
            "its faces are inconsistently wound"
        )
        return actual, f"expected a closed, watertight solid, but {why}"
    return actual, "expected an open (non-watertight) mesh, but it is closed"


def _check_bodies(expected: object, subject: Subject) -> Verdict:
    n = _int(expected, "bodies")
    found = subject.report.bodies
    msg = (
        f"expected {_plural(n, 'body', 'separate bodies')}, "
        f"found {_plural(found, 'body', 'bodies')}"
    )
    if found > n == 1:
        msg += " (parts that should be joined do not overlap)"
    return found, msg if found != n else None


def _check_genus(expected: object, subject: Subject) -> Verdict:
    n = _int(expected, "genus")
    genus = subject.report.genus
    if genus is None:
        return None, (
            f"expected {_plural(n, 'through-hole', 'through-holes')}, but the hole count "
            "cannot be computed because the mesh is not closed"
        )
    msg = f"expected {_plural(n, 'through-hole', 'through-holes')}, found {genus}"
    return genus, msg if genus != n else None


def _out_of_range(values: Sequence[float], ranges: Sequence[tuple[float, float]],
                  names: Sequence[str]) -> list[str]:
    return [
        f"{name} {_fmt(v)} not in [{_fmt(lo)}, {_fmt(hi)}]"
        for name, v, (lo, hi) in zip(names, values, ranges, strict=True)
        if not lo <= v <= hi
    ]


def _dims(values: Sequence[float]) -> str:
    return " x ".join(_fmt(v) for v in values) + " mm"


def _span(lo: float, hi: float) -> str:
    if hi >= 1e8:
        return f"at least {_fmt(lo)}"
    if lo <= 0:
        return f"at most {_fmt(hi)}"
    return f"{_fmt(lo)}-{_fmt(hi)}"


def _check_size(expected: object, subject: Subject) -> Verdict:
    # ranges are meant largest first; sorting them too forgives a spec written in X, Y, Z order
    ranges = sorted(_ranges3(expected, "size"), key=lambda r: r[0] + r[1], reverse=True)
    actual = sorted(subject.report.extents, reverse=True)
    bad = _out_of_range(actual, ranges, ("largest", "middle", "smallest"))
    if not bad:
        return actual, None
    want = " x ".join(_span(lo, hi) for lo, hi in ranges)
    return actual, (
        f"expected overall size (largest first) {want} mm, found {_dims(actual)}: "
        + "; ".join(bad)
    )


def _check_size_xyz(expected: object, subject: Subject) -> Verdict:
    ranges = _ranges3(expected, "size_xyz")
    actual = list(subject.report.extents)
    bad = _out_of_range(actual, ranges, ("X", "Y", "Z"))
    if not bad:
        return actual, None
    want = " x ".join(_span(lo, hi) if (lo, hi) != (0, BIG) else "any"
                      for lo, hi in ranges)
    return actual, (
        f"expected X x Y x Z size {want} mm, found {_dims(actual)}: " + "; ".join(bad)
    )


def _check_dims(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Sequence) or isinstance(expected, str) \
            or not 1 <= len(expected) <= 3:
        raise _Malformed(f"dims must be one to three [lo, hi] pairs, got {expected!r}")
    ranges = [_range(v, f"dims[{i}]") for i, v in enumerate(expected)]
    actual = list(subject.report.extents)
    for axes in itertools.permutations(range(3), len(ranges)):
        if all(lo <= actual[a] <= hi for a, (lo, hi) in zip(axes, ranges, strict=True)):
            return sorted(actual, reverse=True), None
    want = ", ".join(_span(lo, hi) + " mm" for lo, hi in ranges)
    return sorted(actual, reverse=True), (
        f"expected the part to measure {want} (on any axes), found {_dims(actual)}"
    )


def _check_volume(expected: object, subject: Subject) -> Verdict:
    lo, hi = _range(expected, "volume")
    v = subject.report.volume
    if lo <= v <= hi:
        return v, None
    return v, f"expected a volume of {_fmt(lo)}-{_fmt(hi)} mm^3, found {_fmt(v)} mm^3"


def _round_openings(report: MeshReport) -> list[dict]:
    return [o for o in report.openings if o.get("round")]


def _check_holes(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Sequence) or isinstance(expected, str) or not expected:
        raise _Malformed(f"holes must be a list of {{'d': [lo, hi]}}, got {expected!r}")
    openings = _round_openings(subject.report)
    seen = sorted({round(o["d"], 2) for o in openings}, reverse=True)
    missing = []
    ranges: list[tuple[float, float]] = []
    for k, item in enumerate(expected):
        if not isinstance(item, Mapping) or "d" not in item:
            raise _Malformed(f"holes[{k}] must be like {{'d': [lo, hi]}}, got {item!r}")
        lo, hi = _range(item["d"], f"holes[{k}].d")
        ranges.append((lo, hi))
        axis = item.get("axis")
        if axis is not None and axis not in AXES:
            raise _Malformed(f"holes[{k}].axis must be 'x', 'y' or 'z', got {axis!r}")
        pool = [o["d"] for o in openings if axis is None or o["axis"] == axis]
        if not any(lo <= d <= hi for d in pool):
            what = item.get("what") or "hole"
            along = f" along {axis.upper()}" if axis else ""
            missing.append(f"{what} of {_fmt(lo)}-{_fmt(hi)} mm diameter{along}")
    counted = _hole_counts(expected, ranges, openings)
    if not missing and not counted:
        return seen, None
    found = ", ".join(_fmt(d) for d in seen[:8]) + " mm" if seen else "none"
    problems = []
    if missing:
        problems.append(f"expected a {'; a '.join(missing)}; round openings found: {found}")
    problems.extend(counted)
    return seen, "; ".join(problems)


def _hole_counts(expected: Sequence, ranges: list[tuple[float, float]],
                 openings: list[dict]) -> list[str]:
    """Entries with a count: the openings in their (overlapping) diameter ranges, counted
    once each, must number the sum of their counts."""
    problems = []
    groups: list[tuple[float, float, int, list[str]]] = []
    for item, (lo, hi) in zip(expected, ranges, strict=True):
        count = item.get("count")
        if count is None:
            continue
        if isinstance(count, bool) or not isinstance(count, int):
            raise _Malformed(f"holes count must be an integer, got {count!r}")
        for g, (glo, ghi, gn, names) in enumerate(groups):
            if lo <= ghi and glo <= hi:
                groups[g] = (min(lo, glo), max(hi, ghi), gn + count, names + [item.get("what")
                                                                          or "hole"])
                break
        else:
            groups.append((lo, hi, count, [item.get("what") or "hole"]))
    for lo, hi, want, names in groups:
        # one hole per place: a countersink's cone shows several diameters at one centre
        found = len({(o["axis"], round(o["at"][0], 1), round(o["at"][1], 1))
                     for o in openings if lo <= o["d"] <= hi})
        if found != want:
            problems.append(f"expected {want} {' + '.join(names)} of {_fmt(lo)}-{_fmt(hi)} mm, "
                            f"found {found}")
    return problems


def _check_openings(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Sequence) or isinstance(expected, str) or not expected:
        raise _Malformed(f"openings must be a list of {{'count': n, 'min': mm}}, got "
                         f"{expected!r}")
    problems = []
    found_counts = []
    for k, item in enumerate(expected):
        if not isinstance(item, Mapping) or not isinstance(item.get("count"), int):
            raise _Malformed(f"openings[{k}] must be like {{'count': 3, 'min': 10}}, got "
                             f"{item!r}")
        least = float(item.get("min", 1.0))
        # a container's own cavity (most of its cross-section) is not one of these
        found = sum(1 for o in subject.report.openings if min(o["size"]) >= least and not (
            o.get("outer") and min(s / max(1e-9, t) for s, t in zip(o["size"], o["outer"],
                                                                    strict=True)) >= 0.6))
        found_counts.append(found)
        if found != item["count"]:
            problems.append(f"expected {item['count']} {item.get('what') or 'openings'} at "
                            f"least {_fmt(least)} mm wide, found {found}")
    return found_counts, "; ".join(problems) or None


def wall_thickness(report: MeshReport) -> float | None:
    """The thinnest wall around the part's largest opening (a tube's or cup's bore, an open
    box's cavity), from its cross-section: (outside - inside) / 2 on each side. None when the
    part has no opening that fills most of its cross-section."""
    best = None
    for opening in report.openings:
        others = [k for k in range(3) if AXES[opening["axis"]] != k]
        outside = opening.get("outer") or [report.extents[k] for k in others]
        if any(o <= 0 for o in outside):
            continue
        fill = min(s / o for s, o in zip(opening["size"], outside, strict=True))
        if fill < 0.5:
            continue
        wall = min((o - s) / 2 for s, o in zip(opening["size"], outside, strict=True))
        area = opening["size"][0] * opening["size"][1]
        if best is None or area > best[0]:
            best = (area, wall)
    return None if best is None else round(best[1], 3)


def _check_wall(expected: object, subject: Subject) -> Verdict:
    lo, hi = _range(expected, "wall")
    wall = wall_thickness(subject.report)
    if wall is None:
        return None, (f"expected walls {_fmt(lo)}-{_fmt(hi)} mm thick around a bore or cavity,"
                      " but the part has no opening that fills its cross-section")
    if lo <= wall <= hi:
        return wall, None
    return wall, f"expected walls {_fmt(lo)}-{_fmt(hi)} mm thick, found {_fmt(wall)} mm"


# overall form -> (how many extents must be equal, the fill of the bounding box [lo, hi])
SHAPES: dict[str, tuple[int, tuple[float, float]]] = {
    "cube": (3, (0.97, 1.001)),
    "box": (0, (0.97, 1.001)),
    "cylinder": (2, (0.62, 0.80)),
    "sphere": (3, (0.42, 0.54)),
    "hemisphere": (2, (0.40, 0.54)),
    "cone": (2, (0.18, 0.30)),
    "round": (2, (0.0, 1.01)),  # a round cross-section, hollow or solid
}


def _check_shape(expected: object, subject: Subject) -> Verdict:
    if expected == "hexagon":
        # a hexagonal prism spans its flats one way and its corners (2/sqrt(3) wider) the
        # other, however it is turned by a multiple of 30 degrees
        extents = subject.report.extents
        ratios = [max(a, b) / min(a, b) for a, b in itertools.combinations(extents, 2)
                  if min(a, b) > 0]
        if any(1.08 <= r <= 1.22 for r in ratios):
            return "hexagon", None
        return None, (f"expected a hexagonal prism (one side about 1.15x another), found "
                      f"{_dims(sorted(extents, reverse=True))}")
    if expected not in SHAPES:
        raise _Malformed(f"shape must be one of {', '.join(SHAPES)}, got {expected!r}")
    equal, (lo, hi) = SHAPES[str(expected)]
    extents = sorted(subject.report.extents, reverse=True)
    box = math.prod(extents)
    fill = subject.report.volume / box if box > 0 else 0.0
    problems = []
    if equal == 3 and extents[2] < 0.94 * extents[0]:
        problems.append(f"its sides differ ({_dims(extents)})")
    if equal == 2 and not any(
        abs(a - b) <= 0.06 * max(a, b) for a, b in itertools.combinations(extents, 2)
    ):
        problems.append(f"no two of its extents are equal ({_dims(extents)})")
    if not lo <= fill <= hi:
        problems.append(f"it fills {fill:.0%} of its bounding box, a {expected} fills "
                        f"{lo:.0%}-{hi:.0%}")
    return round(fill, 3), (f"expected a {expected}, but " + " and ".join(problems)
                            if problems else None)


_MEASURES = ("volume", "wall", "hole")


def _measure(report: MeshReport, measure: str) -> float | None:
    if measure == "volume":
        return report.volume
    if measure == "wall":
        return wall_thickness(report)
    holes = [o["d"] for o in _round_openings(report)]
    return max(holes) if holes else None


def _one_grow(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping):
        raise _Malformed(f"grow must be an object like {{'axis': 'z', 'min_ratio': 1.5}}, "
                         f"got {expected!r}")
    unknown = set(expected) - {"axis", "measure", "min_ratio", "max_ratio"}
    if unknown:
        raise _Malformed(f"grow has unknown field(s) {sorted(unknown)}")
    axis, measure = expected.get("axis"), expected.get("measure")
    if (axis is None) == (measure is None):
        raise _Malformed(f"grow needs an axis ('x', 'y', 'z') or a measure {_MEASURES}, "
                         f"got {dict(expected)!r}")
    if axis is not None and axis not in AXES:
        raise _Malformed(f"grow.axis must be 'x', 'y' or 'z', got {axis!r}")
    if measure is not None and measure not in _MEASURES:
        raise _Malformed(f"grow.measure must be one of {_MEASURES}, got {measure!r}")
    lo = expected.get("min_ratio")
    hi = expected.get("max_ratio")
    if lo is None and hi is None:
        raise _Malformed("grow needs min_ratio and/or max_ratio")
    for name, v in (("min_ratio", lo), ("max_ratio", hi)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise _Malformed(f"grow.{name} must be a number, got {v!r}")
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
        want.append(f"at least {_fmt(lo)}x")
    if hi is not None:
        want.append(f"at most {_fmt(hi)}x")
    unit = " mm^3" if measure == "volume" else " mm"
    return round(ratio, 4), (
        f"expected {what} to change by {' and '.join(want)} "
        f"(from {_fmt(before)}{unit}), found {_fmt(after)}{unit} ({_fmt(ratio)}x)"
    )


def _check_grow(expected: object, subject: Subject) -> Verdict:
    items = expected if isinstance(expected, list) else [expected]
    if not items:
        raise _Malformed("grow must not be an empty list")
    actual, problems = [], []
    for item in items:
        value, problem = _one_grow(item, subject)
        actual.append(value)
        if problem:
            problems.append(problem)
    shown = actual[0] if len(actual) == 1 else actual
    return shown, "; ".join(problems) or None


def _check_kind(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping) or expected.get("kind") not in KINDS:
        raise _Malformed(f"kind must be like {{'asked': 'fan grill', 'kind': 'grill'}}, "
                         f"got {expected!r}")
    if subject.program is None:
        raise _Skip("no program to read what the part is")
    asked = str(expected.get("asked") or expected["kind"])
    declared = declared_kind(subject.program)
    if declared is None:
        raise _Skip("the program does not say what it makes")
    made, where = declared
    asked_kinds = [expected["kind"], *expected.get("also", [])]
    if any(compatible(a, kind) for a in asked_kinds for kind in made):
        return made[0], None
    return made[0], (f"asked for a {asked}, but the program makes a {made[0]} ({where}); "
                     f"make a {asked}")


def _check_param(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping) or not isinstance(expected.get("names"), list) \
            or expected.get("change") not in ("grow", "shrink", "set"):
        raise _Malformed(f"param must be like {{'names': ['wall'], 'change': 'grow'}}, "
                         f"got {expected!r}")
    target = _range(expected["value"], "param.value") if expected["change"] == "set" else None
    if subject.program is None or subject.previous_program is None:
        raise _Skip("no programs to compare")
    words = [str(n).lower() for n in expected["names"]]
    before = top_level_values(subject.previous_program)
    after = top_level_values(subject.program)
    named = [n for n in before if any(w in n.lower() for w in words)]
    if not named:
        raise _Skip(f"the previous program has no parameter named like {', '.join(words)}")
    grow = expected["change"] == "grow"
    if target is not None:
        moved = {n: (before[n], after[n]) for n in named
                 if n in after and target[0] <= after[n] <= target[1]}
    else:
        moved = {n: (before[n], after[n]) for n in named if n in after and (
            after[n] > before[n] * 1.001 if grow else after[n] < before[n] * 0.999)}
    if moved:
        return {n: v[1] for n, v in moved.items()}, None
    was = ", ".join(f"{n} = {_fmt(before[n])}" for n in named)
    now = ", ".join(f"{n} = {_fmt(after[n])}" if n in after else f"{n} removed" for n in named)
    direction = ("larger" if grow else "smaller") if target is None else \
        f"{_fmt(target[0])}-{_fmt(target[1])}"
    return {n: after.get(n) for n in named}, (
        f"expected {' or '.join(named)} to get {direction} (was {was}), found {now}")


def _check_keep_holes(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Mapping) or not isinstance(expected.get("except", []), list):
        raise _Malformed(f"keep_holes must be like {{'except': [[lo, hi]]}}, got {expected!r}")
    excepted = [_range(r, "keep_holes.except") for r in expected.get("except", [])]
    if subject.first is None or subject.first.empty:
        return None, "no previous part to compare the holes with"
    now = _round_openings(subject.report)
    lost = []
    for before in _round_openings(subject.first):
        d = before["d"]
        if any(lo <= d <= hi for lo, hi in excepted):
            continue
        if not any(o["axis"] == before["axis"] and abs(o["d"] - d) <= max(0.1, 0.02 * d)
                   for o in now):
            lost.append(f"{_fmt(d)} mm along {before['axis'].upper()}")
    lost = sorted(set(lost))
    if not lost:
        return len(_round_openings(subject.first)), None
    return len(now), ("expected the holes this edit does not name to stay as they were, but "
                      f"these changed or went: {', '.join(lost[:6])}")


# (expected, subject) -> Verdict
Checker = Callable[[object, Subject], Verdict]

CHECKERS: dict[str, Checker] = {
    "watertight": _check_watertight,
    "bodies": _check_bodies,
    "genus": _check_genus,
    "size": _check_size,
    "size_xyz": _check_size_xyz,
    "volume": _check_volume,
    "grow": _check_grow,
    "dims": _check_dims,
    "holes": _check_holes,
    "wall": _check_wall,
    "shape": _check_shape,
    "kind": _check_kind,
    "param": _check_param,
    "keep_holes": _check_keep_holes,
    "openings": _check_openings,
}
# the keys of the shared eval format (../shared/evals/README.md); the rest are the agent's
SHARED_KEYS = ("watertight", "bodies", "genus", "size", "size_xyz", "volume", "grow")


def check_spec(
    spec: Mapping, report: MeshReport | None, first: MeshReport | None = None, *,
    program: str | None = None, previous_program: str | None = None,
) -> SpecResult:
    """Check every key of `spec`; `first` is the part compared with (grow), `program` and
    `previous_program` the sources that kind and param read."""
    no_part = report is None or report.empty
    checks: list[CheckResult] = []
    skipped: list[str] = []
    for key, expected in spec.items():
        checker = CHECKERS.get(key)
        if checker is None:
            checks.append(CheckResult(
                key, False, expected, None,
                f"unknown spec key {key!r} (known: {', '.join(CHECKERS)})",
            ))
            continue
        if no_part:
            checks.append(CheckResult(
                key, False, expected, None,
                "no part to check: the program did not compile or produced nothing",
            ))
            continue
        subject = Subject(report, first, program, previous_program)
        try:
            actual, message = checker(expected, subject)
        except _Malformed as exc:
            checks.append(CheckResult(key, False, expected, None, f"malformed spec: {exc}"))
            continue
        except _Skip as exc:
            skipped.append(f"{key}: {exc}")
            continue
        checks.append(CheckResult(key, message is None, expected, actual, message or "ok"))
    if no_part and not checks:
        checks.append(CheckResult(
            "part", False, "a part", None,
            "no part: the program did not compile or produced nothing",
        ))
    return SpecResult(passed=all(c.passed for c in checks), checks=checks, skipped=skipped)
