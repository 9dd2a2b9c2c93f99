"""A bracket's extents: a bent one (an L, a shelf bracket) by its legs and width, a
flat one (a corner brace, a mending plate) by its arms and thickness."""

from __future__ import annotations

from agent.intent.draft import Dim, Draft, sizes_of, tolerance
from agent.intent.reading import Mention, Quantity, Reading
from agent.intent.vocab import STIFFENERS


def bracket_dims(reading: Reading, base: Mention, dims: list[Dim], draft: Draft
                  ) -> list[Dim] | None:
    """A bent bracket (an L or a shelf bracket): its legs (measured inside or outside: up
    to one material thickness more) and its width; the material's thickness is not an
    extent. A flat one (a corner brace, a T or mending plate) lies flat: its arms' lengths
    and its thickness are extents, the arms' width is not."""
    # "a 60 mm base leg and a 40 mm vertical leg", "a 50 mm tall upright and a 15 mm long
    # base": a leg named again with its own size is the other leg
    legs = [m for m in reading.mentions if m is not base and singular_noun(m.noun) in (
        "leg", "arm", "strip", "upright", "base") and (m.refers is None or m.sizes)]
    words = reading.words()
    flat = "flat" in words or (bool({"brace", "mending", "t", "tee"} & words | {"plate"} & {
        base.noun}) and not {"shelf", "gusseted", "braced", "gusset", "gussets"} & words)
    thick = sizes_of(base, "thick") + [q for m in legs for q in m.sizes if q.role == "thick"]
    t = thick[0].values[0] if thick else 0.0
    if flat:
        return _flat_bracket(reading, base, legs, thick, draft)
    pairs = sizes_of(base, "pair")
    triples = sizes_of(base, "triple")
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
        length = sizes_of(base, "length", "long")
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
    two_legs = len({q.values[0] for q in lengths}) >= 2  # then the bracket's own are others'
    if not dims and not two_legs and (legs or {"height", "rise"} & {q.role for q in own} and {
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
    axes = {q.values[0]: q.axes[0] for q in lengths}  # "runs 60 mm along X"
    for value in values[:2]:
        out.append(Dim(value, axes.get(value), span=(value - tolerance(value),
                                                     value + t + tolerance(value))))
    for q in lengths:
        q.used = True
    widths = sizes_of(base, "width") + [q for m in legs for q in m.sizes if q.role == "width"] + [
        q for m in reading.mentions if m.noun in ("plate", "strip", "bar") and m.root() is m
        for q in m.sizes if q.role == "width"]
    for q in widths[:1]:
        q.used = True
        out.append(Dim(q.values[0], q.axes[0], about=q.about))
    thick += [q for m in legs for q in m.sizes if q.role == "thick" and q not in thick]
    if not _material_volume(reading, legs, thick, out, draft):
        for q in thick:
            if not q.used:
                draft.skip(f"'{q.text}'", "material thickness")
                q.used = True
    if len(out) == 3:
        return out
    for d in out:
        if d.source is not None:
            d.source.used = False
    return out or None


def _material_volume(reading: Reading, legs: list[Mention], thick: list[Quantity],
                     out: list[Dim], draft: Draft) -> bool:
    """A plain L bracket's thickness does not show in its box but in its volume: two legs
    of stock width x thickness (legs measured inside or outside), less up to 40 % for its
    holes or slots, plus a little for a fillet. Anything else added (a gusset, a rib) or an
    approximate size leaves it unchecked."""
    leg_dims = [d for d in out if d.span is not None]
    width = [d for d in out if d.span is None]
    if len(leg_dims) == 1 and "legs" in reading.words():
        leg_dims *= 2  # "legs 40 mm": both of them
    if len(leg_dims) != 2 or len(width) != 1 or \
            len({q.values[0] for q in thick}) != 1 or any(q.about for q in thick) or \
            any(d.about for d in out) or not {"l", "angle"} & reading.words():
        return False
    if reading.words() & STIFFENERS or [
            m for m in reading.features("add") if m not in legs and m is not reading.base]:
        return False
    t, w = thick[0].values[0], width[0].value
    run = sum(d.value for d in leg_dims)
    draft.spec["volume"] = [round(0.6 * w * t * (run - t), 1), round(1.15 * w * t * (run + t), 1)]
    for q in thick:
        q.used = True
    return True


def _flat_bracket(reading: Reading, base: Mention, legs: list[Mention], thick: list[Quantity],
                  draft: Draft) -> list[Dim] | None:
    """A bracket cut from flat stock: overall size (a pair, or its arms' lengths) and its
    thickness; how wide each arm is does not show in the box."""
    out: list[Dim] = []
    pairs = sizes_of(base, "pair") + sizes_of(base, "triple")
    if pairs:
        pairs[0].used = True
        out += [Dim(v, None, about=pairs[0].about, source=pairs[0]) for v in pairs[0].values]
    else:
        spans = sizes_of(base, "across", "height", "length", "size")
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
    for q in sizes_of(base, "width"):
        draft.skip(f"'{q.text}'", "width of each arm")
        q.used = True
    if thick and len(out) < 3:
        thick[0].used = True
        out.append(Dim(thick[0].values[0], None, about=thick[0].about))
    return out or None


def singular_noun(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") else noun
