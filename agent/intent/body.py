"""The main body's stated extents: a box's length, width and thickness, a round part's
diameter and length along its axis, a hexagon's flats or corners, a torus's sizes."""

from __future__ import annotations

import math
import re

from agent.intent.bracket import bracket_dims
from agent.intent.draft import Dim, Draft, sizes_of, tolerance
from agent.intent.reading import Mention, Quantity, Reading
from agent.intent.vocab import FLAT_NOUNS, ROUND, UPRIGHT


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


def orientation(reading: Reading) -> str | None:
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
    words = reading.words()
    sized = _sized(base)
    arms = [m for m in reading.mentions if m.noun in ("arms", "arm", "strips", "strip")]
    if kind == "bracket" or (kind == "plate" and arms):
        return bracket_dims(reading, base, [], draft)
    if not sized:
        return None
    dims: list[Dim] = []
    triples = sizes_of(base, "triple")
    pairs = sizes_of(base, "pair")
    if len(triples) > 1 or len(pairs) > 1 or (triples and pairs):
        draft.skip("overall size", "several sizes are given for the " + base.noun)
        return None
    for q in triples + pairs:
        q.used = True
        for value, axis in zip(q.values, q.axes, strict=True):
            dims.append(Dim(value, axis, about=q.about, source=q))
    triangular = bool({"triangular", "triangle"} & words)
    if (kind in ("sphere", "hemisphere", "cone", "torus", "funnel") or kind in ROUND or (
            kind == "prism" and not triangular) or (kind == "nut" and "hex" not in words)) \
            and not (triples and kind in ("cup", "spacer", "knob")):
        # ("pen cup 80 x 80 x 60": three extents, whatever its outline)
        return _round_dims(reading, base, dims, draft)
    if kind == "bracket":
        return bracket_dims(reading, base, dims, draft)
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
    words = reading.words()
    diameters: list[tuple[float, Quantity]] = []
    lengths: list[tuple[float, Quantity]] = []
    ambiguous = kind in ("cup", "lid", "cap") or base.kind == "lid"
    for q in _sized(base):
        value = q.values[0]
        walls = sizes_of(base, "wall") or [w for m in reading.mentions if m.noun in (
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
        inner = inner_diameter(base)
        walls = sizes_of(base, "wall")
        if inner is not None and walls:
            ods = [inner + 2 * walls[0].values[0]]
    dims = []
    about = any(q.about for _, q in diameters + lengths)
    for _, q in diameters:
        q.used = True
    axis = orientation(reading)
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
            inner = inner_diameter(base)
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
        dims.append(Dim(ods[0], cross_axis(axis, 0), round_=True, about=about))
        dims.append(Dim(ods[0], cross_axis(axis, 1), round_=True, about=about))
    if lengths:
        value, q = lengths[0]
        q.used = True
        length_axis = q.axes[0] or axis or ("z" if q.role == "height" else None)
        if length_axis and axis and length_axis != axis:
            length_axis = axis
        dims.append(Dim(value, length_axis, about=about, source=q))
        if length_axis and not axis and ods:
            dims[0].axis, dims[1].axis = cross_axis(length_axis, 0), cross_axis(length_axis, 1)
    return dims or None


def cross_axis(axis: str | None, k: int) -> str | None:
    """The k-th axis across a round part's axis."""
    if axis is None:
        return None
    return [a for a in "xyz" if a != axis][k]


def inner_diameter(base: Mention) -> float | None:
    for q in base.sizes:
        if q.role in ("id", "bore"):
            return q.values[0]
        if q.role == "inner_radius":
            return 2 * q.values[0]
    return None


def _hex_dims(reading: Reading, base: Mention, draft: Draft) -> list[Dim] | None:
    flats = sizes_of(base, "flats")
    corners = sizes_of(base, "corners")
    across = sizes_of(base, "across", "size", "diameter")
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
    lengths = sizes_of(base, "length", "height", "thick")
    if lengths and len({q.values[0] for q in lengths}) == 1:
        axis = orientation(reading) or ("z" if lengths[0].role == "height" else None)
        dims.append(Dim(lengths[0].values[0], axis, about=lengths[0].about))
        for q in lengths:
            q.used = True
        if axis and len(dims) == 3:
            dims[0].axis, dims[1].axis = cross_axis(axis, 0), cross_axis(axis, 1)
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
