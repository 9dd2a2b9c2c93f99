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
            "square" | "hexagon": the overall form, from extents and how much of its
            bounding box the part fills
  grow      also {"measure": "volume" | "wall" | "hole", "min_ratio"/"max_ratio"}, and a
            list of such dicts: relative changes against the compared part
  kind      {"asked": "fan grill", "kind": "grill"}: what the program says it makes
            (tools.kinds) must not contradict the kind asked for
  keep_holes {"except": [[lo, hi], ...]}: every round opening of the compared part (an
            edit's previous part) is still there, same axis and diameter, unless its
            diameter is in an excepted range (the holes the edit changes)
  param     {"names": ["wall"], "change": "grow"|"shrink"}: a named program parameter moved
            that way against the previous program (walls, which the outside does not show);
            "change": "set" with "value": [lo, hi] lands it in that range; "also":
            ["h", "height"] names it by a word of each list (post_h: a feature's size)
  changed   true: the part differs from the compared one (a follow-up the model answered
            must not hand back the same part)
  profiles  [{"d": [lo, hi], "what": "flange"}]: a round outline of that diameter (a hub,
            flange or shaft section) is seen in some cross-section (tools.sections)
Checks that need what the subject lacks (a program for kind and param) are skipped and
named in SpecResult.skipped, never passed silently.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from tools.mesh import MeshReport
from tools.spec_compare import (
    check_changed,
    check_grow,
    check_keep_holes,
    check_kind,
    check_param,
)
from tools.spec_values import (
    AXES,
    BIG,
    Malformed,
    Skip,
    Subject,
    Verdict,
    fmt,
    parse_int,
    parse_range,
    parse_ranges3,
    plural,
    round_openings,
    wall_thickness,
)


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


def _check_watertight(expected: object, subject: Subject) -> Verdict:
    report = subject.report
    if not isinstance(expected, bool):
        raise Malformed(f"watertight must be true or false, got {expected!r}")
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
    n = parse_int(expected, "bodies")
    found = subject.report.bodies
    msg = (
        f"expected {plural(n, 'body', 'separate bodies')}, "
        f"found {plural(found, 'body', 'bodies')}"
    )
    if found > n == 1:
        msg += " (parts that should be joined do not overlap)"
    return found, msg if found != n else None


def _check_genus(expected: object, subject: Subject) -> Verdict:
    n = parse_int(expected, "genus")
    genus = subject.report.genus
    if genus is None:
        return None, (
            f"expected {plural(n, 'through-hole', 'through-holes')}, but the hole count "
            "cannot be computed because the mesh is not closed"
        )
    msg = f"expected {plural(n, 'through-hole', 'through-holes')}, found {genus}"
    return genus, msg if genus != n else None


def _out_of_range(values: Sequence[float], ranges: Sequence[tuple[float, float]],
                  names: Sequence[str]) -> list[str]:
    return [
        f"{name} {fmt(v)} not in [{fmt(lo)}, {fmt(hi)}]"
        for name, v, (lo, hi) in zip(names, values, ranges, strict=True)
        if not lo <= v <= hi
    ]


def _dims(values: Sequence[float]) -> str:
    return " x ".join(fmt(v) for v in values) + " mm"


def _span(lo: float, hi: float) -> str:
    if hi >= 1e8:
        return f"at least {fmt(lo)}"
    if lo <= 0:
        return f"at most {fmt(hi)}"
    return f"{fmt(lo)}-{fmt(hi)}"


def _check_size(expected: object, subject: Subject) -> Verdict:
    # ranges are meant largest first; sorting them too forgives a spec written in X, Y, Z order
    ranges = sorted(parse_ranges3(expected, "size"), key=lambda r: r[0] + r[1], reverse=True)
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
    ranges = parse_ranges3(expected, "size_xyz")
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
        raise Malformed(f"dims must be one to three [lo, hi] pairs, got {expected!r}")
    ranges = [parse_range(v, f"dims[{i}]") for i, v in enumerate(expected)]
    actual = list(subject.report.extents)
    for axes in itertools.permutations(range(3), len(ranges)):
        if all(lo <= actual[a] <= hi for a, (lo, hi) in zip(axes, ranges, strict=True)):
            return sorted(actual, reverse=True), None
    want = ", ".join(_span(lo, hi) + " mm" for lo, hi in ranges)
    return sorted(actual, reverse=True), (
        f"expected the part to measure {want} (on any axes), found {_dims(actual)}"
    )


def _check_volume(expected: object, subject: Subject) -> Verdict:
    lo, hi = parse_range(expected, "volume")
    v = subject.report.volume
    if lo <= v <= hi:
        return v, None
    return v, f"expected a volume of {fmt(lo)}-{fmt(hi)} mm^3, found {fmt(v)} mm^3"


def _check_holes(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Sequence) or isinstance(expected, str) or not expected:
        raise Malformed(f"holes must be a list of {{'d': [lo, hi]}}, got {expected!r}")
    openings = round_openings(subject.report)
    seen = sorted({round(o["d"], 2) for o in openings}, reverse=True)
    missing = []
    ranges: list[tuple[float, float]] = []
    for k, item in enumerate(expected):
        if not isinstance(item, Mapping) or "d" not in item:
            raise Malformed(f"holes[{k}] must be like {{'d': [lo, hi]}}, got {item!r}")
        lo, hi = parse_range(item["d"], f"holes[{k}].d")
        ranges.append((lo, hi))
        axis = item.get("axis")
        if axis is not None and axis not in AXES:
            raise Malformed(f"holes[{k}].axis must be 'x', 'y' or 'z', got {axis!r}")
        pool = [o["d"] for o in openings if axis is None or o["axis"] == axis]
        if not any(lo <= d <= hi for d in pool):
            what = item.get("what") or "hole"
            along = f" along {axis.upper()}" if axis else ""
            missing.append(f"{what} of {fmt(lo)}-{fmt(hi)} mm diameter{along}")
    counted = _hole_counts(expected, ranges, openings)
    if not missing and not counted:
        return seen, None
    found = ", ".join(fmt(d) for d in seen[:8]) + " mm" if seen else "none"
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
            raise Malformed(f"holes count must be an integer, got {count!r}")
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
            problems.append(f"expected {want} {' + '.join(names)} of {fmt(lo)}-{fmt(hi)} mm, "
                            f"found {found}")
    return problems


def _check_openings(expected: object, subject: Subject) -> Verdict:
    if not isinstance(expected, Sequence) or isinstance(expected, str) or not expected:
        raise Malformed(f"openings must be a list of {{'count': n, 'min': mm}}, got "
                         f"{expected!r}")
    problems = []
    found_counts = []
    for k, item in enumerate(expected):
        if not isinstance(item, Mapping) or not isinstance(item.get("count"), int):
            raise Malformed(f"openings[{k}] must be like {{'count': 3, 'min': 10}}, got "
                             f"{item!r}")
        least = float(item.get("min", 1.0))
        # a container's own cavity (most of its cross-section) is not one of these
        found = sum(1 for o in subject.report.openings if min(o["size"]) >= least and not (
            o.get("outer") and min(s / max(1e-9, t) for s, t in zip(o["size"], o["outer"],
                                                                    strict=True)) >= 0.6))
        found_counts.append(found)
        if found != item["count"]:
            problems.append(f"expected {item['count']} {item.get('what') or 'openings'} at "
                            f"least {fmt(least)} mm wide, found {found}")
    return found_counts, "; ".join(problems) or None


def _check_profiles(expected: object, subject: Subject) -> Verdict:
    """Each stated diameter of a round feature (a hub, a flange, a shaft's section) is a
    round outline in some cross-section."""
    if not isinstance(expected, Sequence) or isinstance(expected, str) or not expected:
        raise Malformed(f"profiles must be a list of {{'d': [lo, hi]}}, got {expected!r}")
    seen = sorted({round(p["d"], 1) for p in subject.report.profiles}, reverse=True)
    problems = []
    for k, item in enumerate(expected):
        if not isinstance(item, Mapping):
            raise Malformed(f"profiles[{k}] must be like {{'d': [9.7, 10.5]}}, got {item!r}")
        lo, hi = parse_range(item.get("d"), f"profiles[{k}].d")
        if not any(lo <= p["d"] <= hi for p in subject.report.profiles):
            what = item.get("what") or "a round feature"
            problems.append(f"no round outline of {_span(lo, hi)} mm ({what}) in any "
                            "cross-section")
    if problems and seen:
        problems.append("round outlines seen: " + ", ".join(f"{d:g}" for d in seen[:8]) + " mm")
    return seen[:8], "; ".join(problems) or None


def _check_wall(expected: object, subject: Subject) -> Verdict:
    lo, hi = parse_range(expected, "wall")
    wall = wall_thickness(subject.report)
    if wall is None:
        return None, (f"expected walls {fmt(lo)}-{fmt(hi)} mm thick around a bore or cavity,"
                      " but the part has no opening that fills its cross-section")
    if lo <= wall <= hi:
        return wall, None
    return wall, f"expected walls {fmt(lo)}-{fmt(hi)} mm thick, found {fmt(wall)} mm"


# overall form -> (how many extents must be equal, the fill of the bounding box [lo, hi])
SHAPES: dict[str, tuple[int, tuple[float, float]]] = {
    "cube": (3, (0.97, 1.001)),
    "box": (0, (0.97, 1.001)),
    "cylinder": (2, (0.62, 0.80)),
    "sphere": (3, (0.42, 0.54)),
    "hemisphere": (2, (0.40, 0.54)),
    "cone": (2, (0.18, 0.30)),
    "round": (2, (0.0, 1.01)),  # a round cross-section, hollow or solid
    "square": (2, (0.80, 1.001)),  # fuller than a round (pi/4) or hexagonal (3/4) outline
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
        raise Malformed(f"shape must be one of {', '.join(SHAPES)}, got {expected!r}")
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


# (expected, subject) -> Verdict
Checker = Callable[[object, Subject], Verdict]


CHECKERS: dict[str, Checker] = {
    "watertight": _check_watertight,
    "bodies": _check_bodies,
    "genus": _check_genus,
    "size": _check_size,
    "size_xyz": _check_size_xyz,
    "volume": _check_volume,
    "grow": check_grow,
    "dims": _check_dims,
    "holes": _check_holes,
    "wall": _check_wall,
    "shape": _check_shape,
    "kind": check_kind,
    "param": check_param,
    "keep_holes": check_keep_holes,
    "changed": check_changed,
    "openings": _check_openings,
    "profiles": _check_profiles,
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
        except Malformed as exc:
            checks.append(CheckResult(key, False, expected, None, f"malformed spec: {exc}"))
            continue
        except Skip as exc:
            skipped.append(f"{key}: {exc}")
            continue
        checks.append(CheckResult(key, message is None, expected, actual, message or "ok"))
    if no_part and not checks:
        checks.append(CheckResult(
            "part", False, "a part", None,
            "no part: the program did not compile or produced nothing",
        ))
    return SpecResult(passed=all(c.passed for c in checks), checks=checks, skipped=skipped)
