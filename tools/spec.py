"""The eval spec format (../shared/evals/README.md), checked against MeshReports.

Every key present must hold. A key we do not know fails with a message saying so: a typo
in a spec must not turn into a silent pass. A malformed value fails the same way. A missing
or empty part fails every key, and fails even an empty spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from tools.mesh import MeshReport

AXES = {"x": 0, "y": 1, "z": 2}


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
        return {"passed": self.passed, "checks": [c.to_dict() for c in self.checks]}


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


def _check_watertight(expected: object, report: MeshReport, first: MeshReport | None) -> Verdict:
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


def _check_bodies(expected: object, report: MeshReport, first: MeshReport | None) -> Verdict:
    n = _int(expected, "bodies")
    msg = (
        f"expected {_plural(n, 'body', 'separate bodies')}, "
        f"found {_plural(report.bodies, 'body', 'bodies')}"
    )
    if report.bodies > n == 1:
        msg += " (parts that should be joined do not overlap)"
    return report.bodies, msg if report.bodies != n else None


def _check_genus(expected: object, report: MeshReport, first: MeshReport | None) -> Verdict:
    n = _int(expected, "genus")
    if report.genus is None:
        return None, (
            f"expected {_plural(n, 'through-hole', 'through-holes')}, but the hole count "
            "cannot be computed because the mesh is not closed"
        )
    msg = (
        f"expected {_plural(n, 'through-hole', 'through-holes')}, "
        f"found {report.genus}"
    )
    return report.genus, msg if report.genus != n else None


def _out_of_range(values: Sequence[float], ranges: Sequence[tuple[float, float]],
                  names: Sequence[str]) -> list[str]:
    return [
        f"{name} {_fmt(v)} not in [{_fmt(lo)}, {_fmt(hi)}]"
        for name, v, (lo, hi) in zip(names, values, ranges, strict=True)
        if not lo <= v <= hi
    ]


def _dims(values: Sequence[float]) -> str:
    return " x ".join(_fmt(v) for v in values) + " mm"


def _check_size(expected: object, report: MeshReport, first: MeshReport | None) -> Verdict:
    # ranges are meant largest first; sorting them too forgives a spec written in X, Y, Z order
    ranges = sorted(_ranges3(expected, "size"), key=lambda r: r[0] + r[1], reverse=True)
    actual = sorted(report.extents, reverse=True)
    bad = _out_of_range(actual, ranges, ("largest", "middle", "smallest"))
    if not bad:
        return actual, None
    want = " x ".join(f"{_fmt(lo)}-{_fmt(hi)}" for lo, hi in ranges)
    return actual, (
        f"expected overall size (largest first) {want} mm, found {_dims(actual)}: "
        + "; ".join(bad)
    )


def _check_size_xyz(expected: object, report: MeshReport, first: MeshReport | None) -> Verdict:
    ranges = _ranges3(expected, "size_xyz")
    actual = list(report.extents)
    bad = _out_of_range(actual, ranges, ("X", "Y", "Z"))
    if not bad:
        return actual, None
    want = " x ".join(f"{_fmt(lo)}-{_fmt(hi)}" for lo, hi in ranges)
    return actual, (
        f"expected X x Y x Z size {want} mm, found {_dims(actual)}: " + "; ".join(bad)
    )


def _check_volume(expected: object, report: MeshReport, first: MeshReport | None) -> Verdict:
    lo, hi = _range(expected, "volume")
    v = report.volume
    if lo <= v <= hi:
        return v, None
    return v, f"expected a volume of {_fmt(lo)}-{_fmt(hi)} mm^3, found {_fmt(v)} mm^3"


def _check_grow(expected: object, report: MeshReport, first: MeshReport | None) -> Verdict:
    if not isinstance(expected, Mapping):
        raise _Malformed(f"grow must be an object like {{'axis': 'z', 'min_ratio': 1.5}}, "
                         f"got {expected!r}")
    unknown = set(expected) - {"axis", "min_ratio", "max_ratio"}
    if unknown:
        raise _Malformed(f"grow has unknown field(s) {sorted(unknown)}")
    axis = expected.get("axis")
    if axis not in AXES:
        raise _Malformed(f"grow.axis must be 'x', 'y' or 'z', got {axis!r}")
    lo = expected.get("min_ratio")
    hi = expected.get("max_ratio")
    if lo is None and hi is None:
        raise _Malformed("grow needs min_ratio and/or max_ratio")
    for name, v in (("min_ratio", lo), ("max_ratio", hi)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise _Malformed(f"grow.{name} must be a number, got {v!r}")
    if first is None or first.empty:
        return None, "no part after the first prompt to compare with"
    before = first.extents[AXES[axis]]
    after = report.extents[AXES[axis]]
    if before <= 0:
        return None, f"the first part has no extent along {axis}"
    ratio = after / before
    bad = (lo is not None and ratio < lo) or (hi is not None and ratio > hi)
    if not bad:
        return ratio, None
    want = []
    if lo is not None:
        want.append(f"at least {_fmt(lo)}x")
    if hi is not None:
        want.append(f"at most {_fmt(hi)}x")
    return ratio, (
        f"expected the {axis.upper()} size to change by {' and '.join(want)} "
        f"(from {_fmt(before)} mm), found {_fmt(after)} mm ({_fmt(ratio)}x)"
    )


# (expected, report, first) -> Verdict
Checker = Callable[[object, MeshReport, MeshReport | None], Verdict]

CHECKERS: dict[str, Checker] = {
    "watertight": _check_watertight,
    "bodies": _check_bodies,
    "genus": _check_genus,
    "size": _check_size,
    "size_xyz": _check_size_xyz,
    "volume": _check_volume,
    "grow": _check_grow,
}


def check_spec(
    spec: Mapping, report: MeshReport | None, first: MeshReport | None = None
) -> SpecResult:
    """Check every key of `spec`; `first` is the part after the first prompt (for grow)."""
    no_part = report is None or report.empty
    checks: list[CheckResult] = []
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
        try:
            actual, message = checker(expected, report, first)
        except _Malformed as exc:
            checks.append(CheckResult(key, False, expected, None, f"malformed spec: {exc}"))
            continue
        checks.append(CheckResult(key, message is None, expected, actual, message or "ok"))
    if no_part and not checks:
        checks.append(CheckResult(
            "part", False, "a part", None,
            "no part: the program did not compile or produced nothing",
        ))
    return SpecResult(passed=all(c.passed for c in checks), checks=checks)
