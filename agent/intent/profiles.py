"""Round features the overall box does not show: "a Ø40 hub", "flange Ø24 x 3", "a 6 mm OD
standoff", "then a Ø12 section". A stated diameter of a free-standing round piece is a round
outline in some cross-section of the part (tools.sections), so it is checked as a profile;
so is a round body's own diameter (a square tile is not the round coaster asked for).

Left out (not guessed): pieces merged into walls or corners (their outline is not a circle),
pieces that are not round (hex, square, knurled, tapered, threaded), and a piece given
several different diameters (a taper).
"""

from __future__ import annotations

from agent.intent.body import body_kind
from agent.intent.draft import Dim, Draft, length_range
from agent.intent.reading import Mention, Quantity, Reading

ROUND_PIECES = frozenset({
    "hub", "hubs", "boss", "bosses", "flange", "flanges", "collar", "collars", "sleeve",
    "sleeves", "shaft", "shafts", "section", "sections", "journal", "journals", "neck", "spigot",
    "peg", "pegs", "pin", "pins", "post", "posts", "standoff", "standoffs", "stem", "lip", "rim",
    "head", "disc", "discs", "disk", "disks", "cylinder", "cylinders", "foot", "feet",
    "step", "steps", "shoulder", "barb", "nozzle", "spindle", "axle", "rod", "stud", "studs",
    "pillar", "pillars", "column", "columns", "base", "body", "ring", "rings", "tube"})
# words that say the outline is not a plain circle, or that the piece merges into others
NOT_ROUND = frozenset({
    "hex", "hexagonal", "square", "rectangular", "knurled", "knurl", "knurling", "tapered",
    "taper", "tapering", "cone", "conical", "chamfered", "threaded", "thread", "threads",
    "splined", "spline", "keyed", "keyway", "teeth", "toothed", "gear", "flat", "flats", "d",
    "half", "slotted", "split", "octagonal", "fluted", "ribbed", "grooved", "groove", "ridges",
    "ridge", "ridged", "grip", "grips", "notch", "notches", "notched", "scalloped", "lobes",
    "lobed", "star", "serrated", "bumps", "textured", "polygon", "polygonal", "octagon",
    "pentagon", "flutes", "spokes", "spoked"})
# a ring's or tube's "wall" is its own, not one it merges into
WALLED = frozenset({"ring", "rings", "tube", "sleeve", "sleeves", "collar", "collars"})
MERGED = frozenset({"corner", "corners", "inside", "inner", "interior", "within", "wall",
                    "walls", "merged", "between", "against", "along", "edge", "edges"})


def _sizes(reading: Reading, m: Mention) -> list[Quantity]:
    """The mention's sizes and those of later mentions of the same piece."""
    return [q for r in reading.mentions if r is m or r.root() is m for q in r.sizes]


def round_features(reading: Reading, draft: Draft) -> None:
    """A profile check for each stated diameter of a free-standing round added piece."""
    base = reading.base
    for m in reading.features("add"):
        if m is base or m.noun not in ROUND_PIECES:
            continue
        toks = reading.sentences[m.sentence].tokens
        near = {t.text for t in toks[max(0, m.pos - 4) : m.pos + 1]}
        merged = MERGED - ({"wall", "walls"} if m.noun in WALLED else set())
        if (m.words | near) & (NOT_ROUND | merged):
            continue
        sizes = [q for q in _sizes(reading, m) if q.role in ("diameter", "od")]
        values = {q.values[0] for q in sizes}
        if len(values) != 1:
            continue  # none stated, or a taper: which end is which is not checked
        for s in sizes:
            s.used = True
        _add_profile(draft, sizes[0].values[0], f"the {m.noun}", about=sizes[0].about)


# round bodies drawn as a prism of a circle: every slice across the axis shows the diameter.
# Not knobs: a grip is domed, fluted or knurled more often than said, so its outline is
# left out rather than guessed.
PRISMATIC = frozenset({"cylinder", "spacer", "washer", "ring", "tube", "pulley", "flange", "cup"})


def round_body(reading: Reading, draft: Draft, dims: list[Dim] | None) -> None:
    """A round body's stated diameter is a round outline too: a square tile is not the
    round coaster asked for, even when its box matches."""
    base = reading.base
    if base is None or not dims or body_kind(reading) not in PRISMATIC:
        return
    if reading.words() & NOT_ROUND:
        return
    diameters = {d.value for d in dims if d.round_}
    if len(diameters) != 1 or sum(d.round_ for d in dims) != 2 or any(d.about for d in dims):
        return
    _add_profile(draft, diameters.pop(), f"the {base.noun}")


def torus_cord(reading: Reading, draft: Draft) -> None:
    """A torus given by its outside and inside diameters: a cut through its axis shows the
    round cord, (OD - ID) / 2 across, which a flat washer of the same box does not."""
    base = reading.base
    if base is None or body_kind(reading) != "torus":
        return
    od = {q.values[0] for q in base.sizes if q.role == "od"}
    inner = {q.values[0] for q in base.sizes if q.role == "id"}
    if len(od) != 1 or len(inner) != 1 or any(q.about for q in base.sizes):
        return
    cord = (od.pop() - inner.pop()) / 2
    if cord > 0:
        _add_profile(draft, cord, "the cord")


def adapter_ends(reading: Reading, draft: Draft) -> None:
    """"a hose adapter 20 to 15 mm": the two ends are round at those sizes, each an outline
    in some cross-section (outside for a spigot, inside for a socket: either shows)."""
    base = reading.base
    if base is None or base.kind != "adapter" or reading.words() & (NOT_ROUND | {"barb",
                                                                              "barbed"}):
        return
    toks = reading.sentences[base.sentence].tokens
    ends = [q for q in base.sizes if q.role == "size" and q.sentence == base.sentence]
    if len(ends) != 2 or ends[0].values[0] == ends[1].values[0] or \
            [t.text for t in toks[ends[0].pos + 1 : ends[0].pos + 2]] != ["to"]:
        return
    for q in ends:
        q.used = True
        _add_profile(draft, q.values[0], f"the {q.values[0]:g} mm end", about=q.about)


def _add_profile(draft: Draft, diameter: float, what: str, *, about: bool = False) -> None:
    """A round outline of a stated diameter, once."""
    entry = {"d": length_range(diameter, about=about), "what": what}
    if entry not in draft.spec.get("profiles", []):
        draft.spec.setdefault("profiles", []).append(entry)
