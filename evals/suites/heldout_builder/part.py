"""One held-out case as written by hand: the prompt, a reference program, and what the prompt
states (sizes, holes, kind, ...), from which build.py derives the spec.

The stated numbers are the prompt's, not the mesh's: the spec checks what the person asked
for, and the builder proves the reference program meets it (so every spec is satisfiable)."""

from __future__ import annotations

from dataclasses import dataclass, field

FN = "$fn = 64;\n"


@dataclass(frozen=True)
class Hole:
    d: float | tuple[float, float]  # the stated diameter, or an explicit [lo, hi] range
    count: int | None = None  # None: the prompt does not pin the count (or holes are coaxial)
    axis: str | None = None  # only where the prompt names the direction
    what: str | None = None


def hole(d: float, count: int | None = None, axis: str | None = None) -> Hole:
    return Hole(d, count, axis)


def metric(size: int, count: int | None = None, axis: str | None = None) -> Hole:
    """An "M3 hole": tapping size to loose clearance, all of which a maker would accept."""
    return Hole((size * 0.95, round(size * 1.22 + 0.1, 2)), count, axis, f"M{size} hole")


def pilot(size: int, count: int | None = None, axis: str | None = None) -> Hole:
    """A hole an "M4 screw from behind" threads into: a pilot, or a clearance hole."""
    return Hole((size * 0.75, round(size * 1.22 + 0.1, 2)), count, axis, f"M{size} screw hole")


def any_hole(lo: float, hi: float, count: int | None = None) -> Hole:
    """A hole whose size the prompt leaves open ("a hole for the key ring")."""
    return Hole((lo, hi), count)


@dataclass(frozen=True)
class Part:
    id: str
    subset: str  # "oneliner" | "maker" | "engineering"
    prompt: str
    scad: str
    # stated overall size (any order; "mesh": take the reference's, for sizes the prompt
    # implies but never says, like a notched disc's width); None: not all three are stated
    size: tuple[float, float, float] | str | None = None
    xyz: bool = False  # the prompt names the axes of `size`: check X, Y, Z as given
    dims: tuple[float, ...] = ()  # one or two stated sizes when not all three are
    holes: tuple[Hole, ...] = ()
    genus: int | None = None  # through-holes the prompt implies (None: it does not say)
    kind: tuple[str, str] | None = None  # (words asked, tools.kinds kind)
    shape: str | None = None
    wall: float | None = None
    openings: tuple[int, float] | None = None  # (count, least width)
    volume: bool = False  # pockets and grooves: the outside alone would not show them
    loose: bool = False  # sizes the prompt gives as "about"
    notes: dict = field(default_factory=dict)
