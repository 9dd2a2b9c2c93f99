"""What every spec check works with: the subject (the part, the part it is compared
with, their programs), how a check says skipped or malformed, and reading and writing
[lo, hi] ranges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tools.mesh import MeshReport

AXES = {"x": 0, "y": 1, "z": 2}


BIG = 1e9  # "unbounded" in a [lo, hi] range; JSON has no infinity


@dataclass(frozen=True)
class Subject:
    """What a spec is checked against: the part's mesh report, the part it is compared with
    (grow, keep), and the programs where checks read them (kind, param)."""

    report: MeshReport
    first: MeshReport | None = None
    program: str | None = None
    previous_program: str | None = None


class Skip(Exception):
    """A check that cannot run on this subject (no program to read): named, not passed."""


class Malformed(ValueError):
    """A spec value of the wrong shape; becomes a failed check, never an exception."""


def fmt(v: float) -> str:
    return f"{v:.4g}"


def parse_range(value: object, what: str) -> tuple[float, float]:
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise Malformed(f"{what} must be a [lo, hi] pair of numbers, got {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if lo > hi:
        raise Malformed(f"{what} has lo > hi: {value!r}")
    return lo, hi


def parse_ranges3(value: object, key: str) -> list[tuple[float, float]]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 3:
        raise Malformed(f"{key} must be three [lo, hi] pairs, got {value!r}")
    return [parse_range(v, f"{key}[{i}]") for i, v in enumerate(value)]


def parse_int(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed(f"{key} must be an integer, got {value!r}")
    return value


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# (actual value, None when the check holds or why it fails)
Verdict = tuple[object, str | None]


def round_openings(report: MeshReport) -> list[dict]:
    return [o for o in report.openings if o.get("round")]


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
