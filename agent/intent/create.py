"""Checks for a new part, from a Reading (agent.intent.parse): what the user stated becomes a
spec key (tools.spec) or a named "not checked" note, never a guess.

    overall size   the main body's stated sizes -> size / dims (exact when nothing sticks
                   out of it; lower bounds when a boss, flange or rib does, unless the text
                   gives the overall size)
    holes          counts of through-holes -> genus; their diameters -> holes
    walls          a tube's, cup's or open box's wall -> wall
    bodies         one body unless separate pieces are asked for
    kind           what the part is -> kind (the program must not say it made something else)
    plain solids   a bare cube / sphere / cylinder / cone -> shape and volume
Positions, angles, depths of pockets, chamfers and fillets are reported as not checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from agent.intent.parse import SURFACES, Mention, Quantity, Reading
from agent.intent.words import normalize

BIG = 1e9  # "unbounded" in a [lo, hi] range; JSON has no infinity

BOXY = frozenset({"cube", "block", "plate", "box", "lid", "tag", "comb", "grill", "channel"})
ROUND = frozenset({"cylinder", "spacer", "washer", "ring", "tube", "pulley", "knob", "flange",
                   "cup", "nut"})
ANNULAR = frozenset({"washer", "ring", "tube", "torus", "funnel"})  # a bore is what they are
MAYBE_ANNULAR = frozenset({"spacer", "adapter", "nut"})  # a bore if one is mentioned
# spacer-kind nouns that are open by what they are for: a cable or a shaft passes through
OPEN_NOUNS = frozenset({"grommet", "grommets", "bushing", "bushings", "sleeve", "sleeves",
                        "collar", "collars", "bush"})
FLAT_NOUNS = frozenset({"plate", "tag", "tile", "panel", "sheet", "board", "slab", "lid",
                        "grill", "grille", "comb", "guard", "cover", "bar", "strip", "shim",
                        "coin", "disc", "disk", "washer", "puck", "nameplate", "sign"})
UPRIGHT = frozenset({"standing", "upright", "vertical", "vertically", "stands", "tall"})
OPEN_WORDS = frozenset({"open", "hollow", "shelled", "shell", "walls", "wall", "cup", "pot",
                        "mug", "tray", "box", "enclosure", "container", "bin"})
BLIND_WORDS = frozenset({"blind", "pilot", "socket", "recess", "recessed", "stays", "closed",
                         "not", "dimple", "partial", "counterbore", "insert"})
THROUGH_WORDS = frozenset({"through", "throughhole", "throughholes", "clearance", "passes",
                           "straight", "way", "countersunk", "counterbored", "drain"})
TAPPED = frozenset({"tapped", "threaded", "thread", "insert", "inserts", "heat", "heatset",
                    "self", "tapping", "pilot"})
CROSS = frozenset({"radial", "cross", "side", "sides", "both", "cheeks", "transverse"})


@dataclass
class Draft:
    """Checks being built: spec keys and the notes of what is not checked."""

    spec: dict = field(default_factory=lambda: {"watertight": True})
    unchecked: list[str] = field(default_factory=list)

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


# ------------------------------------------------------------------ the main body
@dataclass
class Dim:
    value: float
    axis: str | None
    round_: bool = False
    about: bool = False
    source: Quantity | None = None
    span: tuple[float, float] | None = None  # an explicit [lo, hi] (hexagons, brackets)


def body_kind(reading: Reading) -> str:
    """The main body's form: its kind, or the shape another noun gives it ("the lid is a
    disc"), or round when a plate or block is called round or given a diameter."""
    base = reading.base
    if base is None:
        return ""
    kind = base.kind or ""
    if base.shape and kind not in ("sphere", "cube", "cylinder", "cone", "torus"):
        kind = {"block": "block", "plate": "plate", "ring": "ring", "tube": "tube"}.get(
            base.shape, base.shape)
    boxy_sizes = any(q.role in ("triple", "pair", "width") for q in base.sizes)
    toks = reading.sentences[base.sentence].tokens
    before = {t.text for t in toks[max(0, base.pos - 4) : base.pos]}
    if kind in ("plate", "block", "lid", "tag", "box") and not boxy_sizes and (
            {"round", "circular"} & before or any(
                q.role in ("diameter", "od") for q in base.sizes)):
        kind = "cylinder"
    return kind


def _values(mention: Mention, *roles: str) -> list[Quantity]:
    return [q for q in mention.sizes if q.role in roles]


def _words(reading: Reading) -> set[str]:
    return reading.words()


def _axis_of_length(reading: Reading, q: Quantity) -> str | None:
    if q.axes and q.axes[0]:
        return q.axes[0]
    return None


def _own_words(reading: Reading) -> set[str]:
    """Words of the sentences whose subject is the main body."""
    base = reading.base
    out: set[str] = set()
    for sentence in reading.sentences:
        subject = next((m for m in reading.mentions if m.sentence == sentence.index and
                        m.role not in ("surface", "mate")), None)
        if subject is not None and base is not None and subject.root() is base:
            out |= {t.text for t in sentence.tokens if t.kind == "word"}
    return out


def _orientation(reading: Reading) -> str | None:
    """The axis of a round part when the text says it of the part itself: "standing",
    "its axis lying along X" (in a sentence about the main body, not about a boss)."""
    base = reading.base
    sentences = set()
    for sentence in reading.sentences:
        subject = next((m for m in reading.mentions if m.sentence == sentence.index and
                        m.role not in ("surface", "mate")), None)
        if subject is not None and base is not None and subject.root() is base:
            sentences.add(sentence.index)
    text = " ".join(s.text for s in reading.sentences if s.index in sentences)
    m = re.search(r"\b(?:lying|lies|axis|runs|standing|stands|oriented|pointing)\b[^.,;]{0,20}?"
                  r"\b(?:along|on|in|parallel to) (?:the )?(x|y|z)\b", text) or re.search(
        r"\b(?:along|parallel to) (?:the )?(x|y|z)(?: axis)?\b", text)
    if m:
        return m.group(1)
    if re.search(r"\b(standing|upright|vertical(ly)?|stands|on its end|axis vertical)\b", text):
        return "z"
    return None


def _sized(mention: Mention) -> list[Quantity]:
    return [q for q in mention.sizes if q.role not in ("position", "angle")]


def base_dims(reading: Reading, draft: Draft) -> list[Dim] | None:
    """The main body's stated extents (None when its size is not stated or unclear)."""
    base = reading.base
    if base is None:
        return None
    kind = body_kind(reading)
    words = _words(reading)
    sized = _sized(base)
    arms = [m for m in reading.mentions if m.noun in ("arms", "arm", "strips", "strip")]
    if kind == "bracket" or (kind == "plate" and arms):
        return _bracket_dims(reading, base, [], draft)
    if not sized:
        return None
    dims: list[Dim] = []
    triples = _values(base, "triple")
    pairs = _values(base, "pair")
    if len(triples) > 1 or len(pairs) > 1 or (triples and pairs):
        draft.skip("overall size", "several sizes are given for the " + base.noun)
        return None
    for q in triples + pairs:
        q.used = True
        for value, axis in zip(q.values, q.axes, strict=True):
            dims.append(Dim(value, axis, about=q.about, source=q))
    triangular = bool({"triangular", "triangle"} & words)
    if kind in ("sphere", "hemisphere", "cone", "torus", "funnel") or kind in ROUND or (
            kind == "prism" and not triangular) or (kind == "nut" and "hex" not in words):
        return _round_dims(reading, base, dims, draft)
    if kind == "bracket":
        return _bracket_dims(reading, base, dims, draft)
    flat = base.noun in FLAT_NOUNS or kind in ("plate", "tag", "comb", "grill", "lid")
    own = _own_words(reading)
    upright = bool(UPRIGHT & own) and not {"lying", "flat"} & own
    for q in sized:
        if q.role in ("triple", "pair"):
            continue
        axis = q.axes[0]
        value = q.values[0]
        if q.role in ("length", "width"):
            dims.append(Dim(value, axis, about=q.about, source=q))
        elif q.role == "height":
            dims.append(Dim(value, axis or "z", about=q.about, source=q))
        elif q.role == "thick" and re.search(r"\b(everywhere|all over|all round|all around|"
                                             r"throughout)\b", reading.sentences[q.sentence].text):
            continue  # "2 mm thick everywhere": the walls
        elif q.role == "thick":
            if kind in ("box", "cup") and "wall" not in words:
                dims.append(Dim(value, axis, about=q.about, source=q))
            elif kind in ("box",):
                continue  # a box's "thick" is its wall: handled with the walls
            else:
                dims.append(Dim(value, axis or ("z" if flat and not upright else None),
                                about=q.about, source=q))
        elif q.role == "depth":
            dims.append(Dim(value, axis or ("z" if kind in ("box", "cup") else None),
                            about=q.about, source=q))
        elif (q.role in ("side", "size") and kind == "cube") or q.role == "cube_side":
            dims.extend(Dim(value, None, about=q.about, source=q) for _ in range(3))
        elif q.role == "size" and flat and {"flat", "thin"} & words and value <= 12:
            dims.append(Dim(value, "z" if not upright else None, about=q.about, source=q))
        elif q.role in ("side", "size") and triangular and q.role == "side" or (
                triangular and q.role == "size" and "sides" in words):
            # an equilateral triangle is as wide as its side and 0.87 of it high
            span = (value * math.sqrt(3) / 2 - tolerance(value), value + tolerance(value))
            dims.extend(Dim(value, None, source=q, span=span) for _ in range(2))
        elif (q.role == "side" or (q.role == "size" and "square" in base.words)) and flat:
            dims.extend(Dim(value, None, about=q.about, source=q) for _ in range(2))
        elif q.role == "size" and axis:
            dims.append(Dim(value, axis, about=q.about, source=q))
        elif q.role in ("size", "across", "diameter") and kind in ("grill",):
            dims.extend(Dim(value, None, about=q.about, source=q) for _ in range(2))
        else:
            continue
        q.used = True
    return _consistent(base, dims, draft)


def _consistent(base: Mention, dims: list[Dim], draft: Draft) -> list[Dim] | None:
    if not dims:
        return None
    if len(dims) > 3:
        for d in dims:
            if d.source is not None:
                d.source.used = False
        draft.skip("overall size", f"more than three sizes are given for the {base.noun}")
        return None
    axes = [d.axis for d in dims if d.axis]
    if len(axes) != len(set(axes)):
        for d in dims:
            if d.source is not None:
                d.source.used = False
        draft.skip("overall size", "two sizes are given for one axis")
        return None
    return dims


def _round_dims(reading: Reading, base: Mention, dims: list[Dim], draft: Draft
                ) -> list[Dim] | None:
    kind = body_kind(reading)
    words = _words(reading)
    diameters: list[tuple[float, Quantity]] = []
    lengths: list[tuple[float, Quantity]] = []
    ambiguous = kind in ("cup", "lid", "cap") or base.kind == "lid"
    for q in _sized(base):
        value = q.values[0]
        walls = _values(base, "wall") or [w for m in reading.mentions if m.noun in (
            "wall", "walls") for w in m.sizes]
        if q.role == "size" and ambiguous and walls:
            draft.skip(f"'{q.text}'", "inside or outside size of the walls?")
            q.used = True
            continue
        if q.role in ("diameter", "od", "across"):
            diameters.append((value, q))
        elif q.role in ("radius", "outer_radius"):
            diameters.append((2 * value, q))
        elif q.role == "size" and kind in ("sphere", "hemisphere", "cylinder", "spacer",
                                           "washer", "ring", "tube", "pulley", "knob", "cup",
                                           "flange", "torus", "cone"):
            diameters.append((value, q))
        elif q.role in ("length", "height", "thick", "width", "depth", "rise") and \
                kind != "torus":
            lengths.append((value, q))
    if kind == "prism" or (kind == "nut" and "hex" in words):
        return _hex_dims(reading, base, draft)
    if kind == "torus":
        return _torus_dims(reading, base, draft)
    if kind in ("cone", "funnel"):
        if diameters:
            diameters = [max(diameters, key=lambda pair: pair[0])]
    distinct = {round(v, 3) for v, _ in diameters}
    if len(distinct) > 1:
        draft.skip("overall diameter", "several outer diameters are given")
        return None
    ods = [v for v, _ in diameters]
    # a wall and an inner diameter give the outer one
    if not ods:
        inner = _inner_diameter(base)
        walls = _values(base, "wall")
        if inner is not None and walls:
            ods = [inner + 2 * walls[0].values[0]]
    dims = []
    about = any(q.about for _, q in diameters + lengths)
    for _, q in diameters:
        q.used = True
    axis = _orientation(reading)
    if kind in ("sphere",):
        if not ods:
            return None
        return [Dim(ods[0], None, round_=True, about=about) for _ in range(3)]
    if kind == "hemisphere":
        if not ods:
            return None
        for _, q in lengths:
            q.used = False
        return [Dim(ods[0], None, round_=True, about=about),
                Dim(ods[0], None, round_=True, about=about),
                Dim(ods[0] / 2, "z" if "down" in words or "flat" in words else None,
                    round_=True, about=about)]
    distinct_lengths = {round(v, 3) for v, _ in lengths}
    axial_roles = ("width", "height", "length", "depth")
    if not ods and kind not in ("ring", "washer") and any(q.role == "width" for _, q in lengths) \
            and any(q.role in ("height", "length", "depth") for _, q in lengths):
        # "a 120 mm wide pot ... a height of 110 mm": how wide a round part is, is its diameter
        wide = [(v, q) for v, q in lengths if q.role == "width"]
        ods = [wide[0][0]]
        wide[0][1].used = True
        lengths = [(v, q) for v, q in lengths if q.role != "width"]
        distinct_lengths = {round(v, 3) for v, _ in lengths}
    if len(distinct_lengths) > 1:
        # "a ring 4 mm wide, 3 mm thick", "band thickness 2.5, 9 mm tall": the band's width
        # or height is axial, its thickness radial
        radial = [(v, q) for v, q in lengths if q.role == "thick"]
        axial = [(v, q) for v, q in lengths if q.role in axial_roles]
        if kind in ("ring", "washer", "tube", "spacer") and radial and axial:
            inner = _inner_diameter(base)
            if inner is not None and not ods:
                ods = [inner + 2 * radial[0][0]]
            radial[0][1].used = True
            lengths = axial[:1]
        else:
            for _, q in lengths:
                q.used = False
            draft.skip("length along the axis", "several lengths are given")
            lengths = []
    if ods:
        dims.append(Dim(ods[0], _cross(axis, 0), round_=True, about=about))
        dims.append(Dim(ods[0], _cross(axis, 1), round_=True, about=about))
    if lengths:
        value, q = lengths[0]
        q.used = True
        length_axis = q.axes[0] or axis or ("z" if q.role == "height" else None)
        if length_axis and axis and length_axis != axis:
            length_axis = axis
        dims.append(Dim(value, length_axis, about=about, source=q))
        if length_axis and not axis and ods:
            dims[0].axis, dims[1].axis = _cross(length_axis, 0), _cross(length_axis, 1)
    return dims or None


def _cross(axis: str | None, k: int) -> str | None:
    """The k-th axis across a round part's axis."""
    if axis is None:
        return None
    return [a for a in "xyz" if a != axis][k]


def _inner_diameter(base: Mention) -> float | None:
    for q in base.sizes:
        if q.role in ("id", "bore"):
            return q.values[0]
        if q.role == "inner_radius":
            return 2 * q.values[0]
    return None


def _hex_dims(reading: Reading, base: Mention, draft: Draft) -> list[Dim] | None:
    flats = _values(base, "flats")
    corners = _values(base, "corners")
    across = _values(base, "across", "size", "diameter")
    dims: list[Dim] = []
    if flats or corners:
        draft.spec["shape"] = "hexagon"
    if flats:
        f = flats[0].values[0]
        flats[0].used = True
        span = (f - tolerance(f), f * 2 / math.sqrt(3) + tolerance(f))
        dims += [Dim(f, None, span=span), Dim(f, None, span=span)]
    elif corners:
        c = corners[0].values[0]
        corners[0].used = True
        span = (c * math.sqrt(3) / 2 - tolerance(c), c + tolerance(c))
        dims += [Dim(c, None, span=span), Dim(c, None, span=span)]
    elif across:
        draft.skip(f"'{across[0].text}'", "hexagon: across the corners or the flats?")
        across[0].used = True
    lengths = _values(base, "length", "height", "thick")
    if lengths and len({q.values[0] for q in lengths}) == 1:
        axis = _orientation(reading) or ("z" if lengths[0].role == "height" else None)
        dims.append(Dim(lengths[0].values[0], axis, about=lengths[0].about))
        for q in lengths:
            q.used = True
        if axis and len(dims) == 3:
            dims[0].axis, dims[1].axis = _cross(axis, 0), _cross(axis, 1)
    return dims or None


def _torus_dims(reading: Reading, base: Mention, draft: Draft) -> list[Dim] | None:
    od = next((q for q in base.sizes if q.role in ("od",)), None)
    inner = next((q for q in base.sizes if q.role in ("id",)), None)
    cord = next((q for q in base.sizes if q.role in ("diameter", "thick", "size")), None)
    flat = _orientation_flat(reading)
    axes = ("x", "y", "z") if flat else (None, None, None)
    if od and inner:
        od.used = inner.used = True
        thickness = (od.values[0] - inner.values[0]) / 2
        return [Dim(od.values[0], axes[0], round_=True), Dim(od.values[0], axes[1], round_=True),
                Dim(thickness, axes[2], round_=True)]
    if od and cord:
        od.used = cord.used = True
        return [Dim(od.values[0], axes[0], round_=True), Dim(od.values[0], axes[1], round_=True),
                Dim(cord.values[0], axes[2], round_=True)]
    return None


def _orientation_flat(reading: Reading) -> bool:
    text = " ".join(s.text for s in reading.sentences)
    return bool(re.search(r"\b(lies|lying|laid) flat\b|\bin the xy plane\b|\bflat on the "
                          r"(bed|table|plate)\b", text))


def _bracket_dims(reading: Reading, base: Mention, dims: list[Dim], draft: Draft
                  ) -> list[Dim] | None:
    """A bent bracket (an L or a shelf bracket): its legs (measured inside or outside: up
    to one material thickness more) and its width; the material's thickness is not an
    extent. A flat one (a corner brace, a T or mending plate) lies flat: its arms' lengths
    and its thickness are extents, the arms' width is not."""
    # "a 60 mm base leg and a 40 mm vertical leg", "a 50 mm tall upright and a 15 mm long
    # base": a leg named again with its own size is the other leg
    legs = [m for m in reading.mentions if m is not base and _singular_noun(m.noun) in (
        "leg", "arm", "strip", "upright", "base") and (m.refers is None or m.sizes)]
    words = _words(reading)
    flat = "flat" in words or (bool({"brace", "mending", "t", "tee"} & words | {"plate"} & {
        base.noun}) and not {"shelf", "gusseted", "braced", "gusset", "gussets"} & words)
    thick = _values(base, "thick") + [q for m in legs for q in m.sizes if q.role == "thick"]
    t = thick[0].values[0] if thick else 0.0
    if flat:
        return _flat_bracket(reading, base, legs, thick, draft)
    for q in thick:
        draft.skip(f"'{q.text}'", "material thickness")
        q.used = True
    pairs = _values(base, "pair")
    triples = _values(base, "triple")
    if triples and not thick:
        # "alu angle 30 x 30 x 3, 100 mm long": the legs, then the thickness
        triples[0].used = True
        t = min(triples[0].values)
        legs = [q for q in triples[0].values]
        values = sorted(triples[0].values, reverse=True)[:2]
        draft.skip(f"'{triples[0].text}' thickness", "material thickness")
        pairs = []
        dims = [Dim(v, None, span=(v - tolerance(v), v + tolerance(v))) for v in values]
        legs = []
        length = _values(base, "length", "long")
        if length:
            length[0].used = True
            dims.append(Dim(length[0].values[0], None, about=length[0].about))
            return dims
    elif pairs:
        # "a 120 x 120 mm shelf bracket, 40 mm wide": the legs, then the width
        pairs[0].used = True
        legs = []
        dims = [Dim(v, None, span=(v - tolerance(v), v + t + tolerance(v)))
                for v in pairs[0].values]
    else:
        dims = []
    out: list[Dim] = list(dims)
    lengths = [q for m in legs for q in m.sizes if q.role in ("size", "length", "height",
                                                              "long", "rise")]
    own = [q for q in base.sizes if q.role in ("size", "length", "height", "long", "rise")
           and not q.used]
    if not dims and (legs or {"height", "rise"} & {q.role for q in own} and {
            "length", "long"} & {q.role for q in own}):
        # "has a 60 mm base leg and a 40 mm vertical leg", "a 50 mm tall upright and a 15 mm
        # long base": sizes said of the bracket that are its legs
        lengths += own
    plural = any(m.plural or (m.count or 1) >= 2 for m in legs)
    values = sorted({q.values[0] for q in lengths}, reverse=True)
    if len(values) > 2:
        values, lengths = [], []  # more sizes than legs: which is which is not clear
    if len(values) == 1 and plural:
        values = values * 2  # "legs 40 mm": both of them
    for value in values[:2]:
        out.append(Dim(value, None, span=(value - tolerance(value),
                                          value + t + tolerance(value))))
    for q in lengths:
        q.used = True
    widths = _values(base, "width") + [q for m in legs for q in m.sizes if q.role == "width"] + [
        q for m in reading.mentions if m.noun in ("plate", "strip", "bar") and m.root() is m
        for q in m.sizes if q.role == "width"]
    for q in widths[:1]:
        q.used = True
        out.append(Dim(q.values[0], q.axes[0], about=q.about))
    for m in legs:
        for q in m.sizes:
            if q.role == "thick" and not q.used:
                draft.skip(f"'{q.text}'", "material thickness")
                q.used = True
    if len(out) == 3:
        return out
    for d in out:
        if d.source is not None:
            d.source.used = False
    return out or None


def _flat_bracket(reading: Reading, base: Mention, legs: list[Mention], thick: list[Quantity],
                  draft: Draft) -> list[Dim] | None:
    """A bracket cut from flat stock: overall size (a pair, or its arms' lengths) and its
    thickness; how wide each arm is does not show in the box."""
    out: list[Dim] = []
    pairs = _values(base, "pair") + _values(base, "triple")
    if pairs:
        pairs[0].used = True
        out += [Dim(v, None, about=pairs[0].about, source=pairs[0]) for v in pairs[0].values]
    else:
        spans = _values(base, "across", "height", "length", "size")
        lengths = [q for m in legs for q in m.sizes if q.role in ("size", "length", "long")]
        values = [q.values[0] for q in spans] + [q.values[0] for q in lengths]
        if len(values) == 1 and any(m.plural for m in legs):
            values *= 2  # "80 mm long arms": both arms
        for q in spans + lengths:
            q.used = True
        out += [Dim(v, None) for v in values[:2]]
    for m in legs:
        for q in m.sizes:
            if q.role == "width":
                draft.skip(f"'{q.text}'", "width of each arm")
                q.used = True
    for q in _values(base, "width"):
        draft.skip(f"'{q.text}'", "width of each arm")
        q.used = True
    if thick and len(out) < 3:
        thick[0].used = True
        out.append(Dim(thick[0].values[0], None, about=thick[0].about))
    return out or None


def _singular_noun(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") else noun


# ------------------------------------------------------------------ holes
@dataclass
class HoleSet:
    count: int | None
    through: bool | None  # None: cannot tell
    diameter: list[float] | None  # [lo, hi]
    what: str
    note: str | None = None  # why the count or the through-ness is not clear
    axis: str | None = None  # the axis it runs along, when stated


def _clause(reading: Reading, mention: Mention) -> str:
    """The words after the mention up to the end of its clause."""
    toks = reading.sentences[mention.sentence].tokens
    words = []
    for t in toks[mention.pos + 1 :]:
        if t.text in (",", ";", ":") or t.text == "plus":
            break
        words.append(t.text)
    return " ".join(words)


def _corners_or_ends(reading: Reading, mention: Mention) -> tuple[int, str] | None:
    """The multiplier of "in each corner", "at both ends", "on each leg", and which."""
    text = _clause(reading, mention) + " " + " ".join(
        t.text for t in reading.sentences[mention.sentence].tokens[: mention.pos])
    if re.search(r"\b(each|every|all four|the four|four|all) (\w+ )?corners?\b|\bcorners each\b",
                 text):
        return 4, "corner"
    if re.search(r"\b(each|both|either) (\w+ )?ends?\b", text):
        return 2, "end"
    if re.search(r"\b(either side|both sides|each side of the \w+|either end)\b", text):
        return 2, "side"
    if re.search(r"\b(each|both|per|either) (\w+ )?(leg|legs|arm|arms)\b", text):
        return 2, "leg"
    return None


def _plus_one(reading: Reading, mention: Mention) -> int:
    """"... in each arm plus one in the corner": one more of the same."""
    toks = reading.sentences[mention.sentence].tokens
    text = " ".join(t.text for t in toks[mention.pos + 1 :])
    m = re.search(r"\b(plus|and|with) (one|two|three|1|2|3)( more)? (in|at|near|through) ", text)
    if m is None:
        return 0
    return {"one": 1, "two": 2, "three": 3}.get(m.group(2)) or int(m.group(2))


def _count_from_context(reading: Reading, m: Mention) -> int | None:
    """How many of a plural feature whose count is not written next to it:
    "a rack for 5 screwdrivers - 10 mm holes", "two ears with screw holes",
    "4x M3 mounting plate ... holes on the usual pattern", "four screws pass through slots"."""
    before = [p for p in reading.mentions if p.sentence == m.sentence and p.pos < m.pos and
              p.count is not None and p.count >= 2 and p.refers is None]
    held = [p for p in before if p.role == "mate" and p.noun not in FASTENERS]
    if held:
        return held[-1].count
    carriers = [p for p in before if p.role == "add" and p.noun in (
        "ears", "tabs", "lugs", "flanges", "legs", "arms", "feet", "bosses")]
    if carriers and {"with", "each", "for"} & m.words:
        return carriers[-1].count
    screws = [p for p in before if p.role in ("mate", "add") and p.noun in FASTENERS]
    if screws and m.role == "cut":
        return screws[-1].count
    base = reading.base
    if base is not None and base.count is not None and base.count >= 2 and base.screw and \
            m.role == "hole":
        return base.count  # "4x M3 mounting plate"
    return None


def read_holes(reading: Reading, draft: Draft) -> list[HoleSet]:
    holes: list[HoleSet] = []
    base = reading.base
    thickness = None
    if base is not None:
        thick = [q for q in base.sizes if q.role in ("thick", "height")]
        thickness = thick[0].values[0] if len(thick) == 1 else None
    text = " ".join(sentence.text for sentence in reading.sentences)
    keyed = bool({"keyway", "keyways", "keyed", "spline", "splined"} & reading.words()) or \
        bool(re.search(r"\b(d shaped|d shape|flat on the (bore|shaft|hole))\b", text))
    for m in reading.features("hole"):
        count = m.count
        note = None
        if count is None and m.plural and not m.unclear and not m.negated:
            count = _count_from_context(reading, m)
        if m.negated:
            holes.append(HoleSet(0, True, None, m.phrase))
            continue
        if m.unclear:
            note = f"how many holes: {m.unclear}"
            count = None
        found = _corners_or_ends(reading, m)
        multiplier = found[0] if found else None
        multiplied = False
        if multiplier:
            corners = found[1] == "corner"
            spread = re.search(r"\bone (in|at|on|near|per) (each|every|both|either)\b",
                               _clause(reading, m))
            if count in (None, 1):
                count, multiplied = multiplier, True  # "a hole in each corner"
            elif spread or (corners and count == multiplier):
                pass  # "four holes, one in each corner"
            else:
                count, multiplied = count * multiplier, True  # "each leg carries two holes"
        if count is not None and multiplied:
            count += _plus_one(reading, m)  # "... in each arm plus one in the corner"
        elif count is None and not m.plural:
            count = 1
        elif count is None:
            note = note or f"how many holes: '{m.phrase}'"
        if m.ordinal and count is None:
            count = 1

        if m.words & {"each", "every", "per"} and not multiplier and not (
                "one" in m.words and m.count not in (None, 1)):
            note = note or f"how many holes: '{m.phrase} ... each'"
            count = None
        through = _through(m, thickness)
        annular_base = base is not None and (base.kind in ANNULAR | MAYBE_ANNULAR)
        if m.words & CROSS and (m.words & {"radial", "cross", "cheeks", "transverse"} or
                                "both" in m.words or m.noun.startswith("side") or (
                                    annular_base and m.words & {"side", "sides", "wall"})):
            note = note or f"through-hole count: '{m.phrase}' crosses another opening"
            through = None
        # what a later sentence says of the same holes counts: "... M4 pilot holes in the feet"
        restated = set().union(*(r.words for r in reading.mentions if r.refers is m or (
            r.role == "hole" and m.screw is not None and r.screw == m.screw)))
        diameter = _hole_diameter(m, draft, restated)
        if diameter is not None and keyed:
            draft.skip(f"diameter of '{m.phrase}'", "a keyway or flat makes it not round")
            diameter = None
        holes.append(HoleSet(count, through, diameter, m.phrase, note, m.axis))
    return holes


def _through(m: Mention, thickness: float | None) -> bool | None:
    words = m.words
    depth = [q for q in m.sizes if q.role == "depth"]
    if words & {"blind", "socket", "recess", "recessed", "dimple"} or "not" in words and \
            ({"break", "through"} & words):
        return False
    if depth:
        d = depth[0].values[0]
        if thickness is not None:
            return d >= thickness - 0.01
        return None
    toks = reading_words_before(m)
    if "pilot" in toks or "insert" in words:
        return None
    return True


def reading_words_before(m: Mention) -> set[str]:
    """The words of the mention's own phrase ("a 2.5 mm pilot hole" -> pilot)."""
    return set(m.phrase.split()) | {w for w in m.words if w in ("pilot", "tapped")} & set(
        m.phrase.split())


def _hole_diameter(m: Mention, draft: Draft, restated: set[str] = frozenset()
                   ) -> list[float] | None:
    sizes = [q for q in m.sizes if q.role in ("diameter", "size", "hole_size", "bore", "id")]
    radii = [q for q in m.sizes if q.role == "radius"]
    if sizes:
        values = {q.values[0] for q in sizes}
        if len(values) == 1:
            for q in sizes:
                q.used = True
            return hole_range(sizes[0].values[0])
        draft.skip(f"hole diameter of '{m.phrase}'", "several sizes given")
        return None
    if radii:
        radii[0].used = True
        return hole_range(2 * radii[0].values[0])
    if m.screw:
        if (m.words | restated) & TAPPED or m.words & {"blind", "back"}:
            draft.skip(f"hole size for M{m.screw:g}", "tapped, blind or for an insert")
            return None
        return screw_range(m.screw)
    return None


# ------------------------------------------------------------------ bodies
def infer_bodies(text: str) -> int | None:
    norm = normalize(text)
    m = re.search(r"\b(two|three|four|five|six|2|3|4|5|6) (separate |loose |individual )?"
                  r"(parts|pieces|objects|bodies)\b|\b(2|3|4|two|three|four) piece\b", norm)
    if m:
        word = m.group(1) or m.group(4)
        return {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}.get(word) or int(word)
    if re.search(r"\b(separate|separately|removable|loose|detachable|lift off)\b(\s\S+){0,4}"
                 r"\s(lid|cap|cover|part|piece|leaves|leaf)\b|\b(lid|cap|cover|leaves|leaf)\b"
                 r"(\s\S+){0,5}\s(separate|separately|as a second part|its own part)\b", norm):
        return 2
    m = re.search(r"\bset of (two|three|four|five|six|eight|\d+)\b", norm)
    if m:
        word = m.group(1)
        return {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8}.get(
            word) or int(word)
    container = r"(box|case|enclosure|jar|container|bottle|tin|can)"
    fitted = re.search(r"\b(for|fits|fit|onto|on|over) (a |an |the )?(\w+ ){0,2}" + container,
                       norm)
    if re.search(r"\b(lid|cap|cover)\b", norm) and re.search(rf"\b{container}\b", norm) \
            and not fitted:
        return None  # may be printed as one part or two
    if re.search(r"\b(kit|pair of \w+s|pieces)\b|\bparts\b(?! (tray|bin|box|organi[sz]er|"
                 r"holder|drawer|rack))", norm):
        return None
    return 1


# ------------------------------------------------------------------ everything
def expectations(reading: Reading, text: str) -> Draft:
    """The checks and the not-checked notes for a new part."""
    draft = Draft()
    base = reading.base
    bodies = infer_bodies(text)
    if bodies is not None:
        draft.spec["bodies"] = bodies
    else:
        draft.skip("number of separate pieces", "the text does not make it clear")
    dims = _size(reading, draft, bodies)
    _genus_and_holes(reading, draft)
    _counted_openings(reading, draft)
    _walls(reading, draft)
    if base is not None and base.kind is not None and _is_head(reading, base):
        from tools.kinds import kinds_named

        named = kinds_named(base.phrase)
        draft.spec["kind"] = {"asked": base.phrase.strip(), "kind": base.kind}
        if len(set(named)) > 1:
            draft.spec["kind"]["also"] = sorted(set(named) - {base.kind})
    _plain_solid(reading, draft, dims)
    _notes(reading, draft)
    return draft


def _is_head(reading: Reading, base: Mention) -> bool:
    """Does the request open by naming this kind ("a fan grill ...", "This is a bracket")?
    A kind named later ("Base for a post. The foot is a plate") is not what it asks for."""
    first = [m for m in reading.mentions if m.sentence == base.sentence and
             m.role not in ("ref", "surface")]
    return base.sentence == 0 and bool(first) and first[0] is base


def _protrusions(reading: Reading) -> list[Mention]:
    # "4 mm below the rim": a definite feature never introduced is part of the body
    bracket = reading.base is not None and reading.base.kind in ("bracket", "plate")
    return [m for m in reading.features("add") if (m.noun not in SURFACES or m.noun in (
        "face", "faces")) and not (m.definite and m.count is None and m.refers is None and
                                   m.noun in ("rim", "lip", "collar", "skirt", "top", "face"))
            and not (bracket and m.noun in ("leg", "legs", "arm", "arms", "plate", "strip",
                                            "strips"))]


@dataclass
class Stack:
    """How added features (bosses, flanges, fins) change the main body's box: along one
    axis they add at most their own heights; across it the widest piece sets the size."""

    axis: str | None  # the axis they stack along ("z" for on top / underneath)
    extra: float | None  # the most they add along it (None: unknown)
    across: float = 0.0  # the widest of them across that axis (0: none wider than stated)
    known: bool = True  # False: a feature's place or size is not clear
    # side -> (height, exact): "projects 6 mm" adds exactly 6; "a hub 37 mm high" may be
    # measured from the body's far face, so it adds between 37 - body and 37
    pieces: dict[str, list[tuple[float, bool]]] = field(default_factory=dict)

    def span(self, body: float) -> tuple[float, float] | None:
        """(least, most) height along the stacking axis for a body this long."""
        if self.extra is None:
            return None
        least = body + sum(max(h if exact else max(0.0, h - body) for h, exact in side)
                           for side in self.pieces.values())
        most = body + sum(max(h for h, _ in side) for side in self.pieces.values())
        return least, most


TOP_WORDS = frozenset({"top", "above", "upper", "projects", "protrudes", "rises", "sits",
                       "raised", "proud", "on", "rise", "project", "protrude", "rising"})
BOTTOM_WORDS = frozenset({"bottom", "underside", "under", "below", "beneath", "hangs",
                          "underneath", "lower", "foot"})
INSIDE_WORDS = frozenset({"inside", "within", "interior", "inner", "merged", "between"})
BRACES = frozenset({"rib", "ribs", "gusset", "gussets", "web", "webs", "fillet", "ridges",
                    "ridge", "knurl", "knurling", "flutes", "grip"})


def _stack(reading: Reading, adds: list[Mention], dims: list[Dim]) -> Stack:
    kind = body_kind(reading)
    round_axis = next((d.axis for d in dims if not d.round_ and kind in ROUND | {"cylinder"}),
                      None)
    axis: str | None = None
    extra: float | None = 0.0
    across = 0.0
    sides: dict[str, float] = {}  # the tallest feature on each side (top, bottom, end)
    pieces: dict[str, list[tuple[float, bool]]] = {}
    for m in adds:
        words = m.words | {t.text for t in reading.sentences[m.sentence].tokens}
        if m.noun in BRACES or (m.words & INSIDE_WORDS and not m.words & {"outside"}):
            continue  # a rib braces what is there; an inside boss stays inside the walls
        if {"end", "ends"} & words and round_axis:
            place, side = round_axis, ("bottom" if words & BOTTOM_WORDS else "end")
        elif words & BOTTOM_WORDS and not m.words & TOP_WORDS:
            place, side = "z", "bottom"
        elif words & TOP_WORDS or words & BOTTOM_WORDS:
            place, side = "z", "top"
        else:
            return Stack(None, None, known=False)
        if axis not in (None, place):
            return Stack(None, None, known=False)
        axis = place
        heights = [q.values[0] for q in m.sizes if q.role in ("height", "thick", "rise",
                                                             "length", "depth")]
        widths = [q.values[0] for q in m.sizes if q.role in ("diameter", "od", "width",
                                                            "across", "size", "pair", "side")]
        if {"axis", "along"} & m.words or re.search(r"\baxis (along|parallel|on) ", " ".join(
                t.text for t in reading.sentences[m.sentence].tokens)):
            return Stack(None, None, known=False)  # a lying boss: its sides are not known
        rises = [q.values[0] for q in m.sizes if q.role == "rise"]
        if m.words & {"forms", "form", "included", "including", "within"}:
            heights, rises = [0.0], [0.0]  # "forms the bottom 5 mm of the hub's length"
        sentence = " ".join(t.text for t in reading.sentences[m.sentence].tokens)
        on_top = bool(re.search(r"\b(on top|stands on|sits on|on the top|above the|mounted on|"
                                r"rises from|hangs below|under(neath)? the)\b", sentence))
        if heights and extra is not None:
            sides[side] = max(sides.get(side, 0.0), max(heights))
            extra = sum(sides.values())
            # "a hub 6 mm tall stands on top": above the body; "a raised hub 37 mm high"
            # may be measured from the body's far face
            pieces.setdefault(side, []).append(
                (max(rises), True) if rises else (max(heights), on_top))
        else:
            extra = None
        if widths:
            across = max(across, max(widths))
    for m in adds:
        for q in m.sizes:
            if q.role in ("height", "thick", "rise", "length", "depth", "diameter", "od",
                          "width", "across", "size", "side"):
                q.used = True
    return Stack(axis, extra, across, pieces=pieces)


def _component_bounds(reading: Reading, adds: list[Mention]) -> list[list[float]]:
    """Each added piece fits inside the whole: its sizes are lower bounds on the part's
    extents (largest first), whatever its place."""
    lows = [0.0, 0.0, 0.0]
    for m in adds:
        sizes: list[float] = []
        by_role: dict[str, float] = {}
        for q in m.sizes:
            # one size per role: "the pieces" may have been named as one feature
            if q.role in ("diameter", "od", "across", "height", "thick", "rise", "length",
                          "width", "depth"):
                by_role[q.role] = min(by_role.get(q.role, q.values[0]), q.values[0])
            elif q.role in ("pair", "triple"):
                sizes += [v - tolerance(v) for v in q.values]
        for role, value in by_role.items():
            if role in ("diameter", "od", "across"):
                sizes += [value * 0.86] * 2
            else:
                sizes.append(value - tolerance(value))
        sizes = sorted(sizes, reverse=True)[:3]
        for k, value in enumerate(sizes):
            lows[k] = max(lows[k], value)
    return [[round(v, 3), BIG] for v in lows if v > 0]


def _steps(reading: Reading) -> list[Dim] | None:
    """"a 20 mm diameter journal 30 mm long, then a 14 mm section 40 mm long, then ...":
    round pieces in a row along one axis make the part as long as all of them together."""
    text = " ".join(s.text for s in reading.sentences)
    if not re.search(r"\bthen\b|\bfollowed by\b|\bnext\b", text):
        return None
    pieces = []
    for m in reading.features("add"):
        d = [q.values[0] for q in m.sizes if q.role in ("diameter", "od")]
        length = [q.values[0] for q in m.sizes if q.role in ("length", "long")]
        if d and length:
            pieces.append((max(d), max(length), m))
    if len(pieces) < 2:
        return None
    for _, _, m in pieces:
        for q in m.sizes:
            q.used = True
    widest = max(p[0] for p in pieces)
    axis = _orientation(reading)
    total = sum(p[1] for p in pieces)
    return [Dim(widest, _cross(axis, 0), round_=True), Dim(widest, _cross(axis, 1), round_=True),
            Dim(total, axis)]


EXACT = BOXY | ROUND | frozenset({"sphere", "hemisphere", "cone", "torus", "prism", "bracket",
                                  "cylinder", "block", "plate", "tube", "funnel", "spool",
                                  "pyramid", "star", "heart"})


def _size(reading: Reading, draft: Draft, bodies: int | None) -> list[Dim] | None:
    """size / size_xyz / dims from the main body's sizes; returns those sizes."""
    dims = base_dims(reading, draft)
    stepped = _steps(reading) if dims is None else None
    if stepped is not None:
        dims = stepped
    overall = [q for q in reading.quantities if q.overall and q.role in (
        "length", "height", "width", "thick", "diameter", "od")]
    overall += _top_above_underside(reading)
    adds = [] if stepped is not None else _protrusions(reading)
    if stepped is not None:
        pieces = [m for m in reading.features("add") if any(q.role in ("diameter", "od")
                                                             for q in m.sizes)]
        volume = sum(math.pi / 4 * max(q.values[0] for q in m.sizes if q.role in (
            "diameter", "od")) ** 2 * max(q.values[0] for q in m.sizes if q.role in (
                "length", "long")) for m in pieces if any(q.role in ("length", "long")
                                                          for q in m.sizes))
        draft.spec["volume"] = [round(volume * 0.8, 1), round(volume * 1.04, 1)]
    if dims is None and not overall:
        bounds = _component_bounds(reading, adds + ([reading.base] if reading.base else []))
        if bounds and bodies == 1 and (adds or any(q.role == "rise" for q in (
                reading.base.sizes if reading.base else []))):
            draft.spec["dims"] = bounds
        return None
    if bodies != 1:
        if dims:
            draft.skip("overall size", "several separate pieces: their layout is not stated")
            for d in dims:
                if d.source is not None:
                    d.source.used = False
        return None
    # an overall size replaces the main body's size of the same kind ("the overall length,
    # flange included, is 20 mm"), and holds exactly whatever sticks out
    groups = {"length": "length", "width": "width", "height": "z", "thick": "z", "depth": "z",
              "diameter": "round", "od": "round", "across": "round"}
    replaced = {groups.get(q.role) for q in overall}
    if dims:
        dims = [d for d in dims if d.source is None or groups.get(d.source.role) not in replaced]
    stack = _stack(reading, adds, dims or []) if adds else Stack(None, 0.0)
    if dims and body_kind(reading) not in EXACT:
        # a hook, a clip, a stand: what is stated is a piece of it, the rest reaches further
        stack = Stack(None, None, known=False)
        draft.skip("overall size", f"a {reading.base.noun if reading.base else 'part'} reaches "
                                   "beyond the sizes stated")
    if _raised_text(reading) and stack.known:
        # raised letters stand on the face: the height grows by an amount not stated
        stack = Stack("z" if stack.axis in (None, "z") else None, None, stack.across,
                      known=stack.axis in (None, "z"))
    if adds and not stack.known and dims:
        names = ", ".join(sorted({m.noun for m in adds}))
        draft.skip("overall size beyond the main body", f"the {names} adds to it")
    if adds and not stack.known:
        bounds = _component_bounds(reading, adds)
        if bounds and not dims:
            draft.spec["dims"] = bounds
    free: list[list[float]] = []
    pinned: dict[str, list[float]] = {}
    if stack.known and stack.axis == "z" and dims and len(dims) == 3 and \
            all(d.axis is None for d in dims) and sum(d.round_ for d in dims) == 2:
        for d, axis in zip(sorted(dims, key=lambda d: not d.round_), "xyz", strict=True):
            d.axis = axis  # a round body with things on top: its axis is Z
    for d in dims or []:
        lower_only = not stack.known
        if d.span is not None:
            rng = [round(d.span[0], 3), BIG if lower_only else round(d.span[1], 3)]
        else:
            rng = length_range(d.value, about=d.about, round_=d.round_, lower_only=lower_only)
        if stack.known and stack.axis is not None:
            span = stack.span(d.value)
            if d.axis == stack.axis:
                # pieces on top and underneath add their heights to the body's
                rng = [rng[0], BIG] if span is None else [
                    length_range(span[0], about=d.about)[0],
                    length_range(span[1], about=d.about)[1]]
            elif d.axis is None and len(dims or []) == 3:
                # the stacking axis is not pinned: the added height may land on any side
                rng = [rng[0], BIG]
            elif stack.across > d.value:
                rng = length_range(stack.across, round_=True)
        if d.axis:
            pinned[d.axis] = rng
        else:
            free.append(rng)
    for q in overall:
        q.used = True
        rng = length_range(q.values[0], about=q.about)
        axis = q.axes[0] or ("z" if q.role in ("height", "thick") and (
            stack.axis == "z" or q.role == "height") else None)
        if q.role in ("diameter", "od"):
            free.extend([length_range(q.values[0], round_=True)] * 2)
            continue
        if axis:
            pinned[axis] = rng
        else:
            free.append(rng)
    if len(pinned) + len(free) > 3:
        free = free[: max(0, 3 - len(pinned))]
    if not pinned and len(free) == 3:
        draft.spec["size"] = sorted(free, key=lambda r: -(r[0] + min(r[1], 1e6)))
    else:
        if pinned:
            draft.spec["size_xyz"] = [pinned.get(a, [0.0, BIG]) for a in "xyz"]
        if free:
            draft.spec["dims"] = free
    return dims


def _raised_text(reading: Reading) -> bool:
    text = " ".join(s.text for s in reading.sentences)
    return bool(re.search(r"\b(says|saying|reading|reads|lettering|letters|embossed|logo|"
                          r"with the text|with text|raised text|name on it)\b", text)) and \
        not re.search(r"\b(engraved|debossed|cut into|sunk|recessed|carved)\b", text)


def _top_above_underside(reading: Reading) -> list[Quantity]:
    """"its top is 40 mm above the underside", "stands 22 mm tall overall": the part's
    height, whatever stacks up to it."""
    out = []
    for q in reading.quantities:
        if q.role != "position" or q.used:
            continue
        sentence = reading.sentences[q.sentence]
        text = sentence.text
        if re.search(r"\btop (?:\w+ )?(?:is|sits|lies|stands) " + re.escape(q.text.split()[0])
                     + r"\s*mm above the (?:underside|bottom|base|floor)", text):
            out.append(Quantity("height", q.values, ("z",), q.text, q.sentence, q.pos,
                                overall=True))
            q.used = True
    return out


def _genus_and_holes(reading: Reading, draft: Draft) -> None:
    base = reading.base
    holes = read_holes(reading, draft)
    kind = base.kind if base else None
    words = _words(reading)
    hollow_round = ("hollow" in words or (base is not None and any(
        q.role in ("id", "bore", "inner_radius") for q in base.sizes))) and (body_kind(
            reading) in ROUND | {"cylinder", "tube", "spacer", "cone", "spool"}) and \
        kind not in ("lid", "cup")
    annular = hollow_round or (kind in ANNULAR or (base is not None and base.noun in OPEN_NOUNS)
                               ) and not ({"solid", "closed", "blind"} & words) or (
        kind in MAYBE_ANNULAR and (holes or (base is not None and (
            _inner_diameter(base) is not None or base.screw or any(
                q.role in ("wall",) for q in base.sizes)))))
    if kind in ("spacer", "adapter") and not holes and base is not None and \
            re.search(r"\bfor m\d", normalize(" ".join(s.text for s in reading.sentences))):
        annular = True
    simple = (kind in SIMPLE or body_kind(reading) in SIMPLE) and not (
        base is not None and base.noun in ("mug", "mugs"))  # a mug has a handle
    mates = [m for m in reading.features("mate") if m.noun in (
        "screw", "screws", "bolt", "bolts", "shaft", "rod", "axle", "pin", "dowel", "bearing")]
    if not holes and not annular and (not simple or mates or base is None or
                                      base.screw is not None):
        _fits(reading, holes, annular, draft)
        _cut_notes(reading, draft)
        return
    text = " ".join(s.text for s in reading.sentences)
    if not holes and re.search(r"\bopen (at )?both ends\b|\bopen at the (top|bottom) and "
                               r"(the )?(top|bottom)\b", text):
        annular = True  # "a reducer cone, open both ends": a tube of a kind
    genus: int | None = 1 if annular else 0
    notes = []
    if not holes and not annular and "through" in words:
        draft.skip("how many through-holes", "something goes through, but no hole is counted")
        _cut_notes(reading, draft)
        return
    inner = _inner_diameter(base) if annular and base is not None else None
    if annular and base is not None and inner is None:
        walls = _values(base, "wall")
        od = next((q.values[0] for q in base.sizes if q.role in ("od", "diameter")), None)
        if walls and od is not None:
            inner = od - 2 * walls[0].values[0]
            walls[0].used = True
    if inner is not None and base is not None:
        for q in base.sizes:
            if q.role in ("id", "bore", "inner_radius"):
                q.used = True
        draft.spec.setdefault("holes", []).append({"d": hole_range(inner), "what": "bore",
                                                   "count": 1})
    if annular and holes:
        # the first single hole of an annular part is its bore, not another hole
        first = holes[0]
        if first.count == 1 and first.note is None:
            holes = holes[1:]
            if inner is None:
                _bore_check(first, draft)
    elif annular and base is not None and inner is None and base.screw:
        draft.spec.setdefault("holes", []).append(
            {"d": screw_range(base.screw), "what": f"M{base.screw:g} hole"})
    if annular:
        # "a radial hole drilled through to the bore": one more way through
        radial = [h for h in holes if h.note and "crosses" in h.note and h.count == 1 and
                  re.search(r"\bthrough to the bore\b|\binto the bore\b|\bto the bore\b",
                            " ".join(s.text for s in reading.sentences))]
        for h in radial:
            h.note = None
            h.through = True
    for h in holes:
        if h.note or h.count is None:
            notes.append(h.note or f"how many holes: '{h.what}'")
            genus = None
            if h.diameter is not None:
                draft.spec.setdefault("holes", []).append({"d": h.diameter, "what": h.what})
            continue
        if h.through is None:
            genus = None
            notes.append(f"whether '{h.what}' goes through")
        elif h.through and genus is not None:
            genus += h.count
        if h.diameter is not None and h.count != 0:
            entry: dict = {"d": h.diameter, "what": h.what}
            if h.axis:
                entry["axis"] = h.axis
            if h.through:
                entry["count"] = h.count  # through-holes are cut by every slice across them
            draft.spec.setdefault("holes", []).append(entry)
    for m in reading.features("cut"):
        noun = m.noun
        if noun in ("slot", "slots", "window", "windows", "cutout", "cutouts", "opening",
                    "openings", "vent", "vents", "perforation", "perforations"):
            count = m.count if m.count is not None or not m.plural else \
                _count_from_context(reading, m)
            if m.words & {"through", "throughhole"} or {"cut", "pierced"} & m.words:
                if count is not None and genus is not None and not m.unclear:
                    genus += count
                else:
                    genus = None
                    notes.append(f"how many openings: '{m.phrase}'")
            elif not m.words & {"blind", "deep"}:
                genus = None
                notes.append(f"whether '{m.phrase}' goes through")
    _fits(reading, holes, annular, draft)
    _ring_bores(reading, draft)
    if base is not None and not annular and kind in ("lid", "cup"):
        inside = _inner_diameter(base)
        if inside is not None:
            draft.spec.setdefault("holes", []).append({"d": hole_range(inside),
                                                       "what": "inside"})
    _cut_notes(reading, draft)
    if words & {"spoke", "spokes", "arms", "loop", "loops", "lattice", "mesh", "web"} and \
            genus is not None:
        genus = None
        notes.append("how many through-holes the spokes or loops make")
    if kind in ("grill",) and genus == 0:
        genus = None
        notes.append("how many openings the grill has")
    if {"gear", "teeth"} & words and genus is not None and not annular and not holes:
        pass
    if genus is not None:
        draft.spec["genus"] = genus
    else:
        for note in notes:
            draft.skip(note)


SIMPLE = frozenset({"cube", "block", "plate", "box", "cylinder", "sphere", "hemisphere",
                    "cone", "pyramid", "prism", "tag", "cup", "lid", "washer", "ring", "tube",
                    "spacer", "torus", "channel", "comb", "grill"})


def _cut_notes(reading: Reading, draft: Draft) -> None:
    for m in reading.features("mate"):
        for q in m.sizes:
            if not q.used:
                draft.skip(f"'{q.text}'", f"the {m.noun} it fits")
                q.used = True


def _ring_bores(reading: Reading, draft: Draft) -> None:
    """A ring, sleeve or tube that is a piece of the part ("a lip ring 74 mm outside
    diameter with a 2 mm wall") shows its bore in a cross-section."""
    for m in reading.features("add"):
        if m.kind not in ("ring", "tube", "spacer"):
            continue
        od = next((q.values[0] for q in m.sizes if q.role in ("od", "diameter")), None)
        inner = next((q.values[0] for q in m.sizes if q.role in ("id", "bore")), None)
        wall = next((q.values[0] for q in m.sizes if q.role == "wall"), None)
        if inner is None and od is not None and wall is not None:
            inner = od - 2 * wall
        if inner is not None and inner > 0:
            for q in m.sizes:
                if q.role in ("wall", "id", "bore"):
                    q.used = True
            draft.spec.setdefault("holes", []).append(
                {"d": hole_range(inner), "what": f"inside of the {m.noun}"})


FASTENERS = frozenset({"screw", "screws", "bolt", "bolts"})
SHAFTS = frozenset({"shaft", "rod", "axle", "pin", "dowel", "bearing", "pipe", "tube", "hose",
                    "cable", "cables", "wire", "post", "peg", "bit", "bits", "magnet"})
HUBS = frozenset({"knob", "pulley", "gear", "spacer", "washer", "collar", "hub", "bushing",
                  "wheel", "ring", "tube", "adapter", "holder", "cap"})


def fit_range(size: float, about: bool = False) -> list[float]:
    """A hole for something of this size to go in: not smaller, at most a loose fit."""
    return [round(size - max(0.2, 0.03 * size), 3),
            round(size + max(1.5 if about else 1.0, 0.08 * size), 3)]


def _fits(reading: Reading, holes: list[HoleSet], annular: bool, draft: Draft) -> None:
    """"holes for 4 mm screws", "a knob for a 6 mm shaft", "a washer for a 1/4 inch bolt":
    the hole or bore is at least that size and not much more."""
    base = reading.base
    keyed = {"keyway", "keyways", "keyed", "spline", "splined", "d"} & reading.words()
    for m in reading.features("mate"):
        if keyed and m.noun not in FASTENERS:
            continue  # a keyed bore is not round
        sizes = [q for q in m.sizes if q.role in ("size", "diameter", "od")]
        noun = m.noun
        if m.screw and not sizes and noun in FASTENERS:
            carried = [p for p in reading.mentions if p.sentence == m.sentence and
                       p.pos < m.pos and m.pos - p.pos <= 4 and p.role in ("add", "hole")]
            if not (carried or annular) or not ({"for"} & {
                    t.text for t in reading.sentences[m.sentence].tokens[m.pos - 3 : m.pos]}):
                continue  # "M4 screws go in from the back": they may thread into plastic
            if any(c.words & TAPPED or c.words & {"blind"} for c in carried):
                continue  # "a pilot hole for an M4 screw": smaller than the screw, on purpose
            if not any(f.get("what") == m.phrase for f in draft.spec.get("holes", [])):
                entry: dict = {"d": screw_range(m.screw), "what": f"hole for the M{m.screw:g} "
                                                                  f"{noun}"}
                carriers = [p for p in reading.mentions if p.sentence == m.sentence and
                            p.pos < m.pos and p.role == "add" and p.count and p.noun in (
                                "ears", "tabs", "lugs", "feet", "flanges") and
                            m.pos - p.pos <= 4]
                if carriers and not reading.features("hole"):
                    entry["count"] = carriers[-1].count  # "2 ears for M5 screws"
                draft.spec.setdefault("holes", []).append(entry)
            continue
        toks = reading.sentences[m.sentence].tokens
        before = {t.text for t in toks[max(0, m.pos - 3) : m.pos]}
        if not sizes or len({q.values[0] for q in sizes}) != 1 or \
                {"hex", "hexagonal", "square", "flat", "snap"} & before:
            continue
        q = sizes[0]
        hole_features = reading.features("hole")
        near_holes = [h for h in hole_features
                      if (h.sentence == m.sentence and abs(h.pos - m.pos) <= 8) or
                      (m.count is not None and m.count >= 2 and h.count == m.count) or (
                          len(hole_features) == 1 and noun in FASTENERS)]
        kind = base.kind if base else None
        base_noun = base.noun if base else ""
        if noun in FASTENERS and near_holes and all(
                h.words & {"blind", "pilot"} or "back" in h.words for h in near_holes):
            continue  # "a blind hole for an M4 screw": a pilot, smaller than the screw
        if noun in FASTENERS and (near_holes or annular):
            pass
        elif noun in SHAFTS and (near_holes or annular or kind in HUBS or base_noun in HUBS):
            pass
        else:
            continue
        if any(f.get("what") == m.phrase for f in draft.spec.get("holes", [])):
            continue
        q.used = True
        draft.spec.setdefault("holes", []).append(
            {"d": fit_range(q.values[0], about=q.about), "what": f"hole for the {m.phrase}"})


OPENING_NOUNS = frozenset({"compartment", "compartments", "slot", "slots", "pocket", "pockets",
                           "window", "windows", "cutout", "cutouts", "recess", "recesses",
                           "cavity", "cavities", "socket", "sockets", "cell", "cells",
                           "bay", "bays", "opening", "openings"})


def _counted_openings(reading: Reading, draft: Draft) -> None:
    """"a tray with 3 compartments", "8 slots", "2 rows of 6 pockets": with no holes named,
    every opening the slices find is one of these, and there are that many."""
    if reading.features("hole") or "holes" in draft.spec:
        return
    base = reading.base
    holder = base is not None and (base.kind in ("stand", "box", "block") or base.noun in (
        "holder", "rack", "organizer", "organiser", "block", "stand", "caddy"))
    for m in reading.features("mate"):
        if holder and m.plural and m.count is not None and m.count >= 2 and not m.unclear:
            sizes = [q.values[0] for q in m.sizes if q.role in ("size", "diameter", "width")]
            least = 0.9 * min(sizes) if sizes else 1.0
            draft.spec.setdefault("openings", []).append(
                {"count": m.count, "min": round(least, 3), "what": f"places for {m.noun}"})
            return
    for m in reading.features("cut"):
        if m.noun not in OPENING_NOUNS or m.count is None or m.count < 2 or m.unclear:
            continue
        widths = [q.values[0] for q in m.sizes if q.role in ("width", "diameter", "size")]
        least = 0.5 * min(widths) if widths else 1.0
        draft.spec.setdefault("openings", []).append(
            {"count": m.count, "min": round(least, 3), "what": m.noun})


def _bore_check(bore: HoleSet, draft: Draft) -> None:
    if bore.diameter is not None:
        entry = {"d": bore.diameter, "what": "bore", "count": 1}
        if bore.axis:
            entry["axis"] = bore.axis
        draft.spec.setdefault("holes", []).append(entry)


def _walls(reading: Reading, draft: Draft) -> None:
    base = reading.base
    if base is None:
        return
    everywhere = [q for q in base.sizes if q.role == "thick" and re.search(
        r"\b(everywhere|all over|all round|all around|throughout)\b",
        reading.sentences[q.sentence].text)]
    walls = [q for q in base.sizes if q.role == "wall"] + everywhere + [
        q for m in reading.mentions if m.noun in ("wall", "walls") and m.root() is m
        for q in m.sizes if q.role in ("thick", "size", "wall")]
    if not walls or all(q.used for q in walls):
        return
    words = _words(reading)
    dividers = {"compartment", "compartments", "divider", "dividers", "slots", "grid"} & words
    values = {q.values[0] for q in walls}
    if len(values) != 1 or dividers or base.kind in ("bracket", "channel"):
        return
    w = walls[0].values[0]
    for q in walls:
        q.used = True
    draft.spec["wall"] = wall_range(w)


PLAIN = {"cube": "cube", "sphere": "sphere", "hemisphere": "hemisphere", "cylinder": "cylinder",
         "cone": "cone", "block": "box", "plate": "box"}
ROUNDING = frozenset({"rounded", "round", "chamfered", "chamfer", "fillet", "filleted",
                      "radius", "radiused", "text", "tapered", "star", "knurled", "slot"})


def _plain_solid(reading: Reading, draft: Draft, dims: list[Dim] | None) -> None:
    """A bare body (nothing cut or added but its own bore): its form and, with every size
    known, its volume, which tells a cone from a frustum, a torus from a washer, a tube
    from a rod, and a part a quarter too big from the right one."""
    base = reading.base
    if base is None:
        return
    kind = body_kind(reading)
    others = [m for m in reading.mentions if m.root() is not base and m.role not in (
        "ref", "surface", "mate")]
    words = _words(reading)
    annular = kind in ANNULAR | MAYBE_ANNULAR and "genus" in draft.spec and \
        draft.spec["genus"] == 1
    bores = [m for m in others if m.role == "hole"]
    if annular and len(bores) <= 1:
        others = [m for m in others if m.role != "hole"]
    passes = [m for m in reading.features("mate") if m.noun in FASTENERS | SHAFTS]
    if not annular and any(q.role in ("id", "bore", "wall", "inner_radius") for q in base.sizes):
        return  # "an end cap, 1.25 in OD, 1 in ID": there is a cavity
    if others or passes or (base.screw and not annular) or words & ROUNDING or words & {
            "hollow", "open", "half", "wall", "walls", "bored", "bore"} - (
            {"wall", "hollow", "bored", "bore"} if annular else set()):
        return
    if kind in PLAIN and not annular and not words & {"hex", "hexagonal", "truncated",
                                                      "frustum", "triangular", "octagonal"}:
        draft.spec["shape"] = PLAIN[kind]
        draft.spec.setdefault("genus", 0)
    nominal = _nominal_volume(reading, kind, dims, annular)
    if nominal is None:
        return
    value, straight = nominal
    lo, hi = (0.97, 1.03) if straight else (0.80, 1.04)
    draft.spec["volume"] = [round(value * lo, 1), round(value * hi, 1)]


def _nominal_volume(reading: Reading, kind: str, dims: list[Dim] | None, annular: bool
                    ) -> tuple[float, bool] | None:
    """(the volume the stated sizes give, True for straight-sided solids) or None."""
    if not dims or any(d.about for d in dims):
        return None
    base = reading.base
    words = _words(reading)
    if kind in ("cube", "block", "plate", "box") and len(dims) == 3 and \
            all(d.span is None for d in dims) and not annular and not words & {"hex"}:
        return math.prod(d.value for d in dims), True
    round_values = [d.value for d in dims if d.round_]
    axial = [d.value for d in dims if not d.round_ and d.span is None]
    if kind == "sphere" and round_values:
        return math.pi / 6 * max(round_values) ** 3, False
    if kind == "hemisphere" and round_values:
        return math.pi / 12 * max(round_values) ** 3, False
    if kind == "torus" and len(round_values) == 3:
        outer, cord = max(round_values), min(round_values)
        centre = (outer - cord) / 2
        return 2 * math.pi**2 * centre * (cord / 2) ** 2, False
    if {"triangular", "triangle"} & words and len(dims) == 3 and base is not None:
        sides = [d.value for d in dims if d.span is not None]
        axial = [d.value for d in dims if d.span is None]
        if len(sides) == 2 and axial:
            return math.sqrt(3) / 4 * sides[0] ** 2 * axial[0], True
        return None
    if kind == "prism" and len(dims) == 3 and base is not None:
        spans = [d for d in dims if d.span is not None]
        if len(spans) == 2 and axial:
            flats = [q for q in base.sizes if q.role == "flats"]
            corners = [q for q in base.sizes if q.role == "corners"]
            if flats:
                area = math.sqrt(3) / 2 * flats[0].values[0] ** 2
            elif corners:
                area = 3 * math.sqrt(3) / 8 * corners[0].values[0] ** 2
            else:
                return None
            return area * axial[0], True
        return None
    if len(round_values) != 2 or len(axial) != 1:
        return None
    outer = round_values[0]
    if kind == "cone" and base is not None:
        diameters = sorted({q.values[0] * (2 if q.role == "radius" else 1) for q in base.sizes
                            if q.role in ("diameter", "od", "size", "radius", "across")})
        small = diameters[0] if len(diameters) == 2 else 0.0
        if len(diameters) > 2 or (not small and words & {"truncated", "frustum", "flat"}):
            return None
        return math.pi * axial[0] / 12 * (outer**2 + outer * small + small**2), False
    if kind in ("cylinder", "spacer", "washer", "ring", "tube", "nut") or kind in ROUND:
        inner = 0.0
        if annular:
            inner_q = _inner_diameter(base) if base is not None else None
            walls = _values(base, "wall") if base is not None else []
            if inner_q is None and walls:
                inner_q = outer - 2 * walls[0].values[0]
            if inner_q is None:
                return None
            inner = inner_q
        return math.pi / 4 * (outer**2 - inner**2) * axial[0], False
    return None


def _notes(reading: Reading, draft: Draft) -> None:
    """Every stated quantity that did not become a check, named."""
    owner: dict[int, Mention] = {}
    for m in reading.mentions:
        for q in m.sizes:
            owner[id(q)] = m
    for q in reading.quantities:
        if q.used:
            continue
        m = owner.get(id(q))
        what = f"'{q.text}'"
        if q.role == "position":
            why = f"position of the {m.noun}" if m and m.role != "base" else "a position"
        elif q.role == "angle":
            why = "an angle"
        elif m is None:
            why = "not tied to a feature"
        elif m.role == "cut":
            why = f"size of the {m.noun}"
        elif m.role == "add":
            why = f"size of the {m.noun}"
        elif m.role == "hole" and q.role == "depth":
            why = "hole depth"
        elif m.role == "mate":
            why = f"the {m.noun} it fits"
        else:
            why = f"{q.role} of the {m.noun}"
        draft.skip(what, why)
