"""The checks being built (Draft) and the tolerance every stated size gets: how far a
printed part may be from a stated length, wall, hole or screw size and still be right."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.intent.reading import Mention, Quantity

BIG = 1e9  # "unbounded" in a [lo, hi] range; JSON has no infinity


@dataclass
class Draft:
    """Checks being built: spec keys and the notes of what is not checked."""

    spec: dict = field(default_factory=lambda: {"watertight": True})
    unchecked: list[str] = field(default_factory=list)
    # what a follow-up's checks only keep of the part before ("genus", "bodies", "x", "y",
    # "z"), not what the text asks: agent.intent.carry puts an earlier request back there
    kept: set[str] = field(default_factory=set)
    # a count a follow-up moves by a number ("two more holes": {"genus": 2})
    shift: dict[str, int] = field(default_factory=dict)

    def skip(self, what: str, why: str = "") -> None:
        note = f"{what} ({why})" if why else what
        if note not in self.unchecked:
            self.unchecked.append(note)


def tolerance(value: float, about: bool = False) -> float:
    return max(1.0, 0.1 * value) if about else max(0.3, 0.025 * value)


def length_range(value: float, *, about: bool = False, round_: bool = False,
                 lower_only: bool = False) -> list[float]:
    """[lo, hi] for a stated length. A faceted circle (as few as 6 sides) spans only
    cos(30 deg) = 0.866 of its diameter across the flats, so round extents reach lower."""
    tol = tolerance(value, about)
    lo = min(value * 0.86, value - tol) if round_ else value - tol
    hi = BIG if lower_only else value + tol
    return [round(max(0.0, lo), 3), round(hi, 3)]


def wall_range(w: float) -> list[float]:
    """A stated wall thickness, measured across a cross-section: a sloped wall (a funnel,
    a tapered pot) cuts wider than it is thick, so the range reaches further up."""
    return [round(w - max(0.2, 0.05 * w), 3), round(w * 1.25 + 0.3, 3)]


def hole_range(d: float) -> list[float]:
    """A stated hole diameter: makers add a little clearance, never much less."""
    return [round(d - max(0.15, 0.02 * d), 3), round(d + max(0.6, 0.05 * d), 3)]


def screw_range(m: float) -> list[float]:
    """A hole for an M-size screw: from the nominal size to a loose clearance."""
    return [round(m * 0.95, 3), round(m * 1.25 + 0.1, 3)]


def tap_range(m: float) -> list[float]:
    """A hole to be tapped for an M-size thread: the tap drill (0.8 M), a little either way."""
    return [round(m * 0.75, 3), round(m + 0.1, 3)]


def standoff_range(m: float) -> list[float]:
    """A standoff's hole for an M-size screw: tapped, clearance or for a heat-set insert."""
    return [round(m * 0.75, 3), round(m * 1.55, 3)]


# ------------------------------------------------------------------ the main body
@dataclass
class Dim:
    value: float
    axis: str | None
    round_: bool = False
    about: bool = False
    source: Quantity | None = None
    span: tuple[float, float] | None = None  # an explicit [lo, hi] (hexagons, brackets)


def sizes_of(mention: Mention, *roles: str) -> list[Quantity]:
    return [q for q in mention.sizes if q.role in roles]


def fit_range(size: float, about: bool = False) -> list[float]:
    """A hole for something of this size to go in: not smaller, at most a loose fit."""
    return [round(size - max(0.2, 0.03 * size), 3),
            round(size + max(1.5 if about else 1.0, 0.08 * size), 3)]


# ------------------------------------------------------------------ holes
@dataclass
class HoleSet:
    count: int | None
    through: bool | None  # None: cannot tell
    diameter: list[float] | None  # [lo, hi]
    what: str
    note: str | None = None  # why the count or the through-ness is not clear
    axis: str | None = None  # the axis it runs along, when stated
