"""The part's overall size: the main body's extents, what added features (bosses,
flanges, hubs) stack onto them, stated overall sizes, and shafts made of steps."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from agent.intent.body import base_dims, body_kind, cross_axis, orientation
from agent.intent.draft import BIG, Dim, Draft, length_range, tolerance
from agent.intent.lexicon import SURFACES
from agent.intent.mentions import singular
from agent.intent.reading import Mention, Quantity, Reading
from agent.intent.vocab import (
    BOTTOM_WORDS,
    BRACES,
    EXACT,
    GRILL_PATTERN,
    INSIDE_WORDS,
    ROUND,
    STANDING,
    TOP_WORDS,
)


def _protrusions(reading: Reading) -> list[Mention]:
    # "4 mm below the rim": a definite feature never introduced is part of the body
    bracket = reading.base is not None and reading.base.kind in ("bracket", "plate")
    grill = reading.base is not None and reading.base.kind == "grill"
    return [m for m in reading.features("add") if not (grill and m.noun in GRILL_PATTERN) and (
        m.noun not in SURFACES or m.noun in (
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


def _stack(reading: Reading, adds: list[Mention], dims: list[Dim]) -> Stack:
    kind = body_kind(reading)
    round_axis = next((d.axis for d in dims if not d.round_ and kind in ROUND | {"cylinder"}),
                      None)
    axis: str | None = None
    extra: float | None = 0.0
    across = 0.0
    sides: dict[str, float] = {}  # the tallest feature on each side (top, bottom, end)
    pieces: dict[str, list[tuple[float, bool]]] = {}
    mates = {m.noun for m in reading.features("mate")}
    for m in adds:
        words = m.words | {t.text for t in reading.sentences[m.sentence].tokens}
        into_mate = any(re.search(rf"\binside (?:the |a |an )?{re.escape(noun)}\b",
                                  reading.sentences[m.sentence].text) for noun in mates)
        if m.noun in BRACES or (m.words & INSIDE_WORDS and not m.words & {"outside"} and
                                not into_mate):
            continue  # a rib braces what is there; an inside boss stays inside the walls
            # (a lid's lip "inside the box" reaches out of the lid, into the box)
        if {"end", "ends"} & words and round_axis:
            place, side = round_axis, ("bottom" if words & BOTTOM_WORDS else "end")
        elif words & BOTTOM_WORDS and not m.words & TOP_WORDS:
            place, side = "z", "bottom"
        elif words & TOP_WORDS or words & BOTTOM_WORDS or (
                singular(m.noun) in STANDING and reading.base is not None and
                reading.base.kind in ("plate", "tag")):
            place, side = "z", "top"  # "a plate with 4 standoffs": they stand on it
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
            if q.inside:
                continue  # a cavity's size: the walls around it are what the part measures
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
    axis = orientation(reading)
    total = sum(p[1] for p in pieces)
    return [Dim(widest, cross_axis(axis, 0), round_=True),
            Dim(widest, cross_axis(axis, 1), round_=True), Dim(total, axis)]


def overall_size(reading: Reading, draft: Draft, bodies: int | None) -> list[Dim] | None:
    """size / size_xyz / dims from the main body's sizes; returns those sizes."""
    dims = base_dims(reading, draft)
    if dims:
        dims = [_outside_of(d, reading) for d in dims]
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
            draft.spec["dims"] = bounds + _off_the_wall(reading, adds, bounds)
            standing = [m for m in adds if singular(m.noun) in STANDING]
            unused = [q for m in standing for q in m.sizes if not q.used]
            stack = _stack(reading, standing, []) if standing else Stack(None, None)
            if stack.axis == "z" and stack.extra:
                # "standoffs 6 mm tall on a plate": the part stands at least that tall
                draft.spec["size_xyz"] = [[0.0, BIG], [0.0, BIG],
                                          length_range(stack.extra, lower_only=True)]
            else:
                for q in unused:
                    q.used = False  # not checked after all: named as such
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
    if dims and body_kind(reading) not in EXACT and not _named_as_box(reading):
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
    elif stack.known and stack.axis == "z" and dims and len(dims) == 3 and \
            all(d.axis is None for d in dims) and body_kind(reading) in ("plate", "tag"):
        min(dims, key=lambda d: d.value).axis = "z"  # a plate with things on top lies flat
    stacked = any(d.axis is not None and d.axis == stack.axis for d in dims or [])
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
            elif d.axis is None and len(dims or []) == 3 and not stacked:
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
        if axis is None and q.role == "length" and body_kind(reading) in ROUND | {
                "cylinder", "pin"}:
            axis = orientation(reading)  # "a stepped pin standing on Z ... 45 mm overall"
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


def _outside_of(d: Dim, reading: Reading) -> Dim:
    """A cavity's size ("inside has to be 70 x 55 and 25 deep, 2 mm walls") gives the part's
    extent as that plus one or two walls (a floor, or a wall each side); with no wall
    stated, only at least that."""
    if d.source is None or not (d.source.inside or (
            d.source.role == "depth" and body_kind(reading) == "lid")):
        return d  # (a cap's or lid's depth is its skirt's, inside)
    walls = [q.values[0] for q in reading.quantities if q.role == "wall"]
    lo = d.value + (0.5 * walls[0] if walls else 0.0)
    hi = d.value + 2 * walls[0] + tolerance(d.value) if walls else BIG
    return Dim(d.value, d.axis, d.round_, d.about, d.source, (round(lo, 3), round(hi, 3)))


def _named_as_box(reading: Reading) -> bool:
    """A main body no kind names, given two or more box sizes ("rectangular footing 90 by
    50, 6 mm thick", "bit caddy 90 x 25 x 15"): what is stated is the body itself."""
    base = reading.base
    if base is None or base.kind is not None:
        return False
    boxy = [q for q in base.sizes if q.role in ("length", "width", "height", "thick", "depth",
                                                "pair", "triple")]
    return len(boxy) >= 2 or any(q.role in ("pair", "triple") for q in boxy)


def _off_the_wall(reading: Reading, adds: list[Mention], bounds: list[list[float]]
                  ) -> list[list[float]]:
    """"back plate 30 wide x 70 tall, hook sticks out 40 mm from the wall": the plate lies on
    the wall, so how far the part reaches from it is a third extent, at least that much."""
    base = reading.base
    plates = [m for m in adds if singular(m.noun) == "plate" and len(m.sizes) == 2]
    if base is None or len(bounds) != 2 or len(plates) != 1:
        return []
    for q in base.sizes:
        if q.role == "rise" and not q.used and re.search(
                r"\bfrom the wall\b", reading.sentences[q.sentence].text):
            q.used = True
            return [length_range(q.values[0], about=q.about, lower_only=True)]
    return []


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
