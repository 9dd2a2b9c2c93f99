"""Checkable expectations read from a prompt, as a spec in the eval format (tools.spec).

Conservative on purpose: a wrong expectation makes the agent "repair" a correct part, which
is worse than checking nothing. Every rule fires only on a clear phrasing, and anything
ambiguous ("holes on each side", a lid that may or may not be separate, a boss that sticks
out past the stated size) leaves its key out. `watertight` is always expected.

First turn:  hole counts -> genus; stated sizes -> size (sorted, orientation-free);
             "separate lid" -> bodies 2, else bodies 1 unless several objects are asked for.
Follow-ups:  "make it taller" / "twice as tall" / "10 mm taller" -> grow along Z relative to
             the previous part; "add two holes" -> previous genus + 2; a pure resize keeps
             the previous part's genus and bodies, and a height-only one its X/Y extents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

BIG = 1e9  # "unbounded" in a [lo, hi] range; JSON has no infinity

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "another": 1,
}
MULTIPLIERS: dict[str, float] = {
    "twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3, "thrice": 3,
    "half": 0.5, "halve": 0.5,
}
UNITS: dict[str, float] = {
    "mm": 1.0, "millimeter": 1.0, "millimeters": 1.0, "millimetre": 1.0, "millimetres": 1.0,
    "cm": 10.0, "centimeter": 10.0, "centimeters": 10.0, "centimetre": 10.0,
    "centimetres": 10.0, "inch": 25.4, "inches": 25.4,
}
HOLE_NOUNS = frozenset({"hole", "holes", "bore", "bores", "throughhole", "throughholes"})
# Words allowed between a count and its hole noun ("two countersunk M3 mounting holes").
HOLE_ADJECTIVES = frozenset({
    "screw", "mounting", "mount", "bolt", "countersunk", "counterbored", "counter", "sunk",
    "through", "clearance", "round", "small", "large", "big", "evenly", "equally", "spaced",
    "threaded", "hex", "nut", "circular", "identical", "x", "diameter", "dia", "wide",
    "center", "centre", "central", "corner", "more", "extra", "additional", "new", "of",
    "pair", "m", "cylindrical", "vent", "ventilation", "axial", "radial", "pilot",
})
HOLE_MODIFIERS = frozenset({"diameter", "size", "sizes", "spacing", "pattern", "depth",
                            "strip", "strips", "bar", "centers", "centres", "center", "centre",
                            "distance", "pitch", "positions", "position", "radius"})
VAGUE = frozenset({"some", "several", "many", "few", "multiple", "couple", "various"})
# A hole that may not go through, or a count that multiplies: genus unknowable.
NOT_THROUGH = frozenset({"blind", "deep", "recess", "recessed", "pocket", "partial", "dimple"})
MULTIPLYING = frozenset({"each", "every", "per", "both", "either"})
# Parts that stick out past a stated size, so the bounding box no longer equals it.
PROTRUSIONS = frozenset({
    "boss", "bosses", "standoff", "standoffs", "tab", "tabs", "flange", "flanges", "handle",
    "handles", "lip", "rim", "knob", "knobs", "leg", "legs", "foot", "feet", "peg", "pegs",
    "post", "posts", "pin", "pins", "ear", "ears", "hook", "hooks", "clip", "clips", "lid",
    "cap", "embossed", "raised", "protruding", "sticking", "extending", "extends", "top",
    "bottom", "base", "pedestal", "stand", "hinge", "arm", "arms", "spout", "nozzle", "text",
    "logo", "label", "chamfered", "shaft", "axle", "teeth", "tooth", "gear", "thread",
    "threads", "spring", "ridge", "ridges", "rib", "ribs", "fins", "fin", "says", "saying",
    "reading", "lettering",
})
CYLINDER_HEADS = frozenset({
    "cylinder", "disc", "disk", "rod", "tube", "pipe", "washer", "spacer", "puck", "bushing",
    "ring", "coin", "dowel", "column", "pillar",
})
SPHERE_HEADS = frozenset({"sphere", "ball"})
CUBE_HEADS = frozenset({"cube"})
BOX_HEADS = frozenset({"plate", "box", "block", "slab", "brick", "tile", "panel", "bar",
                       "cuboid", "board", "sheet", "beam", "tray", "enclosure",
                       "bracket", "spacer", "shim", "holder", "case", "frame"})
# Parts whose "thick" is the material, not the overall size ("an L bracket 140 x 90 mm,
# 4 mm thick, 20 mm wide" is 20 mm deep).
FOLDED_HEADS = frozenset({"bracket", "holder", "case", "frame", "enclosure", "tray", "box"})
MATERIAL_WORDS = frozenset({"thick", "thickness", "material", "wall", "walls", "sheet"})
# A pipe's cap, clip or holder is not itself a ring: "pipe" does not make it annular.
NOT_ANNULAR = frozenset({"cap", "caps", "clip", "clips", "holder", "clamp", "plug", "handle",
                         "hook", "mount", "bracket", "stand", "comb", "organizer", "organiser"})
ANNULAR_HEADS = frozenset({"washer", "tube", "pipe", "ring", "bushing", "grommet", "sleeve"})
PLURAL_OBJECTS = frozenset({
    "parts", "pieces", "objects", "copies", "cubes", "spheres", "cylinders", "gears", "blocks",
    "boxes", "rings", "washers", "spacers", "bodies", "halves", "components", "wheels",
    "balls", "plates", "discs", "disks", "cones", "pyramids", "tiles", "coins",
})
SIDE_WORDS = frozenset({"side", "sides", "wall", "walls", "radial", "cross", "across"})
# A prompt made only of these (plus numbers and units) names a plain solid: genus 0.
PLAIN_HEADS = frozenset({"cube", "sphere", "ball", "cylinder", "block", "plate", "slab",
                         "brick", "cuboid", "disc", "disk", "rod", "bar", "tile"})
PLAIN_WORDS = frozenset({
    "a", "an", "one", "the", "make", "me", "please", "simple", "solid", "plain", "small",
    "large", "big", "flat", "round", "rectangular", "square", "x", "by", "of", "with", "and",
    "in", "is", "its", "it", "diameter", "dia", "radius", "tall", "high", "height", "thick",
    "thickness", "long", "length", "wide", "width", "deep", "depth", "side", "sides", "edge",
    "edges", "each", "on", "per", "size", "about", "exactly", "mm", "that", "has",
})
RESIZE_WORDS = frozenset({
    "taller", "higher", "shorter", "lower", "wider", "narrower", "longer", "thicker",
    "thinner", "bigger", "larger", "smaller", "scale", "scaled", "tall", "high", "height",
    "thick", "wide", "long", "deep",
    "width", "length", "thickness", "twice", "double", "half", "triple", "times", "increase",
    "decrease", "reduce", "grow", "shrink", "size", "deeper", "shallower", "extend",
})
# A follow-up naming only the height keeps the footprint; these words name another axis.
HEIGHT_WORDS = frozenset({"taller", "shorter", "height", "tall", "high", "higher", "lower"})
OTHER_AXIS_WORDS = frozenset({
    "wider", "narrower", "longer", "width", "length", "wide", "long", "thick", "thicker",
    "thinner", "thickness", "bigger", "smaller", "larger", "scale", "scaled", "diameter",
    "deep", "deeper", "depth", "size", "everything", "all", "proportionally", "uniformly",
})
# Words of a follow-up that change more than the size (topology may change).
FEATURE_WORDS = frozenset({
    "hole", "holes", "slot", "slots", "add", "remove", "cut", "cutout", "fillet", "round",
    "rounded", "chamfer", "text", "lid", "split", "separate", "handle", "boss", "tab",
    "notch", "groove", "hollow", "bore", "window", "vent", "engrave", "emboss", "delete",
    "without", "no", "replace", "instead", "mirror", "copy", "array", "pattern", "gear",
})

_TOKEN = re.compile(r"m\d+(?:\.\d+)?|\d+(?:\.\d+)?|[a-z]+|[^\sa-z\d]")
_NUM = r"(\d+(?:\.\d+)?)"
_UNIT = r"(?:\s*(mm|millimet(?:er|re)s?|cm|centimet(?:er|re)s?|inch(?:es)?)\b)?"
_LEN = _NUM + _UNIT
_BY = r"\s*(?:x|by)\s*"
_TRIPLE = re.compile(_LEN + _BY + _LEN + _BY + _LEN)
# a number that is a length along the axis, not a diameter ("diameter 20, 50 mm long")
_NOT_AXIAL = (r"(?!\d|\.\d)(?!\s*(?:mm|cm|inch(?:es)?|millimet\w*)?\s*"
              r"(?:long|tall|high|thick|deep|in height|in length))")
_PAIR = re.compile(_LEN + _BY + _LEN + r"(?!\s*(?:x|by)\s*\d)(?!\s*(?:grid|array|pattern))")


class HasTopology(Protocol):
    """What intent needs of the previous part (tools.mesh.MeshReport fits)."""

    genus: int | None
    bodies: int
    extents: tuple[float, float, float]


def normalize(text: str) -> str:
    """Lower case, unify x/by, split glued units and counts ("60x40x5mm", "4xM3")."""
    t = text.lower()
    t = t.replace("×", " x ").replace("ø", " diameter ").replace("⌀", " diameter ")
    t = re.sub(r"(?<=[a-z])-(?=[a-z\d])|(?<=\d)-(?=[a-z])", " ", t)  # four-hole, m3-screw
    t = re.sub(r"(\d)\s*x\s*(?=\d|m\d)", r"\1 x ", t)
    t = re.sub(r"(\d)x\b", r"\1 x", t)
    t = re.sub(r"(\d)(mm|cm|inch|in\b|millimet)", r"\1 \2", t)
    t = re.sub(r"(\d)\s*\"", r"\1 inch", t)
    t = t.replace("through hole", "throughhole").replace("through-hole", "throughhole")
    t = re.sub(r"\bbore ?holes?\b", "bore", t)  # one hole, two nouns
    return re.sub(r"\s+", " ", t).strip()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


def _count_of(word: str) -> int | None:
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if re.fullmatch(r"\d+", word):
        return int(word)
    return None


def _tol(value: float) -> float:
    return max(0.5, 0.02 * value)


def _length_range(value: float, *, round_: bool = False) -> list[float]:
    # A faceted circle ($fn as low as 6) spans down to cos(30 deg) = 0.866 of its diameter
    # across the flats, so round extents get a looser lower bound.
    lo = value * 0.86 if round_ else value - _tol(value)
    return [round(lo, 3), round(value + _tol(value), 3)]


# ---------------------------------------------------------------- holes -> genus
@dataclass(frozen=True)
class HoleCount:
    total: int | None  # None: holes mentioned but the number is unclear
    relative: bool  # "add two holes", "two more holes": on top of the previous part
    mentioned: bool
    none: bool  # "no holes", "remove the holes", "without holes"


def count_holes(text: str) -> HoleCount:
    """Sum the hole counts of every hole phrase; any unclear phrase makes the total unknown."""
    toks = tokens(text)
    total = 0
    relative = False
    mentioned = False
    unclear = False
    negated = False
    for i, tok in enumerate(toks):
        if tok not in HOLE_NOUNS:
            continue
        if not tok.endswith("s") and i + 1 < len(toks) and toks[i + 1] in HOLE_MODIFIERS:
            continue  # "a hole strip", "a 96 mm hole spacing": names no hole of its own
        mentioned = True
        window_after = toks[i + 1 : i + 9]
        # "holes on each side", "holes in both ends": the count multiplies; "one in each
        # corner" only distributes it
        for k, w in enumerate(window_after):
            if w in MULTIPLYING:
                following = window_after[k + 1] if k + 1 < len(window_after) else ""
                if not (following in ("corner", "corners") and "one" in window_after[:k]):
                    unclear = True
        count: int | None = None
        j = i - 1
        saw_more = False
        while j >= 0 and i - j <= 7:
            w = toks[j]
            if w in ("no", "without", "remove", "delete", "zero") and count is None:
                negated = True
                break
            if w in ("the", "all", "any", "its") and count is None:
                j -= 1  # "remove all the holes": look further back for a negation
                continue
            if w in VAGUE or w in NOT_THROUGH:
                unclear = True
                break
            if w in ("more", "extra", "additional", "another"):
                saw_more = True
            if w in ("pair",) and j + 1 < len(toks) and toks[j + 1] == "of":
                count = 2
                break
            if re.fullmatch(r"\d+(?:\.\d+)?", w):
                nxt = toks[j + 1] if j + 1 < len(toks) else ""
                if nxt in UNITS or "." in w:
                    j -= 1  # a size ("a 5 mm hole"), not a count
                    continue
                count = int(w)
                if w == "another":
                    saw_more = True
                break
            if w in NUMBER_WORDS:
                count = NUMBER_WORDS[w]
                if w == "another":
                    saw_more = True
                break
            if w in UNITS or w in HOLE_ADJECTIVES or re.fullmatch(r"m\d+(?:\.\d+)?", w):
                j -= 1
                continue
            break  # "with", "the", a noun, punctuation: the count is not here
        if negated and count is None:
            continue
        # any NOT_THROUGH word right after ("a hole 5 mm deep") also makes it unclear
        if any(w in NOT_THROUGH for w in window_after[:4]):
            unclear = True
        if count is None:
            if tok.endswith("s"):
                unclear = True  # "the holes", "holes for M3 screws": how many?
                continue
            # singular without a count word: "8 mm hole" is one hole, but "the hole"
            # refers back to one already counted and "hole diameter" is a modifier
            prev = toks[i - 1] if i else ""
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if prev in ("the", "that", "this", "its", "each") or nxt in HOLE_MODIFIERS:
                continue
            count = 1
        if tok.endswith("s") and count == 1 and toks[j] in ("a", "an"):
            unclear = True  # "a few holes" caught above; "a holes" is garbled
        total += count
        relative = relative or saw_more or "add" in toks[max(0, j - 3) : j]
    if unclear:
        return HoleCount(None, relative, mentioned, False)
    if negated and total == 0:
        return HoleCount(0, False, True, True)
    return HoleCount(total if mentioned else None, relative, mentioned, False)


def _corner_holes(toks: list[str]) -> int | None:
    """'a hole in each corner' / 'holes in the four corners' of a rectangular part -> 4."""
    text = " ".join(toks)
    if re.search(r"\b(a|one) (\w+ ){0,3}(hole|bore) (\S+ ){0,6}(in|at|near) (each|every) corner\b",
                 text) or re.search(
        r"\bholes? (\S+ ){0,6}(in|at|near) (all )?(the )?(four|4) corners\b", text
    ):
        return 4
    return None


# ---------------------------------------------------------------- sizes
def _scaled(number: str, unit: str | None, default_unit: str | None) -> float:
    return float(number) * UNITS.get(unit or default_unit or "mm", 1.0)


def _triple(text: str) -> list[float] | None:
    matches = list(_TRIPLE.finditer(text))
    if len(matches) != 1:
        return None
    g = matches[0].groups()
    unit = g[5] or g[3] or g[1]  # "60 x 40 x 5 mm": the last unit applies to all
    return [_scaled(g[k], g[k + 1], unit) for k in (0, 2, 4)]


def _height(text: str) -> list[float]:
    """'5 mm thick', '10 tall', 'height of 12 mm', 'thickness: 3'."""
    values = []
    # a wall's or the material's thickness is not the part's height
    for m in re.finditer(_LEN + r"\s*(thick|tall|high|in height|in thickness)\b"
                         r"(?! (?:walls?|material|sheet)\b)", text):
        values.append(_scaled(m.group(1), m.group(2), None))
    for m in re.finditer(r"(?<!wall )(?<!walls )(?<!material )\b(height|thickness)\s*"
                         r"(?:of|is|=|:)?\s*" + _LEN, text):
        values.append(_scaled(m.group(2), m.group(3), None))
    return values


def _is_hole_context(text: str, start: int, end: int) -> bool:
    """Is the length at text[start:end] a hole's / bore's / screw's size?"""
    after = text[end : end + 40]
    before = text[max(0, start - 30) : start]
    if re.match(r"\s*(diameter |dia |wide |across )?(through ?|screw |mounting |center |"
                r"centre |central |clearance )?(holes?|bores?|throughholes?|screws?|bolts?|"
                r"shafts?|axles?|cutouts?|openings?|slots?)\b", after):
        return True
    return bool(re.search(r"(holes?|bores?|throughholes?|inner|inside|id|hole diameter)"
                          r"( diameter| radius| of| with a| with| is|:|=|\s)*$", before))


def _round_size(text: str) -> tuple[float | None, float | None, str]:
    """(diameter, axial length, why-unclear) for a cylinder-like or spherical part."""
    diameters: list[float] = []
    for pattern, scale in (
        (r"(?:outer |outside |od )?(?:diameter|dia)\s*(?:of|is|=|:)?\s*" + _LEN + _NOT_AXIAL, 1.0),
        (_LEN + r"\s*(?:in |outer |outside )?(?:diameter|dia)\b", 1.0),
        (_LEN + r"\s*(?:sphere|ball)\b", 1.0),
        (r"\bod\s*(?:of|=|:)?\s*" + _LEN, 1.0),
        (_LEN + r"\s*(?:od|o\.d\.)(?![\w.])", 1.0),
        (r"(?:outer |outside )?radius\s*(?:of|is|=|:)?\s*" + _LEN + _NOT_AXIAL, 2.0),
        (_LEN + r"\s*(?:in |outer |outside )?radius\b", 2.0),
        (_LEN + r"\s*across\b(?! (?:the )?flats)", 1.0),
    ):
        for m in re.finditer(pattern, text):
            if _is_hole_context(text, m.start(), m.end()):
                continue
            if re.search(r"(inner|inside|id|hole|bore)\s*$", text[max(0, m.start() - 12) :
                                                                   m.start()]):
                continue
            if re.search(r"\b(inner|inside|id)\b", m.group(0)):
                continue
            diameters.append(round(_scaled(m.group(1), m.group(2), None) * scale, 6))
    distinct = sorted(set(diameters))
    if len(distinct) > 1:
        return None, None, "several diameters"
    heights = _height(text)
    for m in re.finditer(_LEN + r"\s*(?:long|length)\b|\blength\s*(?:of|is|=|:)?\s*" + _LEN,
                         text):
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        heights.append(_scaled(number, unit, None))
    hs = sorted(set(heights))
    return (distinct[0] if distinct else None), (hs[0] if len(hs) == 1 else None), ""


def _cube_side(text: str) -> float | None:
    patterns = (
        _LEN + r"\s*(?:sided |side |solid |plain |simple )?cube\b",
        r"\bcube\s*(?:,|of|with (?:a )?(?:side|edge)s?(?: length)?(?: of)?|"
        r"(?:side|edge)s?(?: length)?(?: of)?)\s*" + _LEN,
        r"\bcube\s*" + _LEN + r"\s*(?:on a side|per side|each side|wide)",
    )
    values = set()
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            values.add(_scaled(m.group(1), m.group(2), None))
    return values.pop() if len(values) == 1 else None


def _head(toks: list[str]) -> str | None:
    """The first shape noun: what the part is."""
    for tok in toks:
        if tok in CUBE_HEADS | SPHERE_HEADS | CYLINDER_HEADS | BOX_HEADS:
            return tok
    return None


def infer_size(text: str) -> list[list[float]] | None:
    """Sorted [lo, hi] extents when the prompt states the part's overall size clearly."""
    norm = normalize(text).replace("open top", "open")  # an open-top box: nothing on top
    toks = _TOKEN.findall(norm)
    head = _head(toks)
    if PROTRUSIONS & set(toks) - {head}:
        return None
    dims: list[float] | None = None
    round_axes = 0
    triple = _triple(norm)
    if triple is not None:
        dims = triple
        if len(_TRIPLE.findall(norm)) != 1:
            return None
    elif head in CUBE_HEADS:
        side = _cube_side(norm)
        dims = [side] * 3 if side else None
    elif head in SPHERE_HEADS and not re.search(r"\bhalf (sphere|ball)|\bhemisphere", norm):
        diameter, _, _ = _round_size(norm)
        if diameter:
            dims, round_axes = [diameter] * 3, 3
    elif head in CYLINDER_HEADS:
        diameter, length, unclear = _round_size(norm)
        if diameter and length and not unclear:
            dims, round_axes = [diameter, diameter, length], 2
    elif head in BOX_HEADS and not (head in FOLDED_HEADS and MATERIAL_WORDS & set(toks)):
        pairs = list(_PAIR.finditer(norm))
        heights = sorted(set(_height(norm)))
        if len(pairs) == 1 and len(heights) == 1:
            g = pairs[0].groups()
            unit = g[3] or g[1]
            dims = [_scaled(g[0], g[1], unit), _scaled(g[2], g[3], unit), heights[0]]
    if not dims or any(d <= 0 for d in dims):
        return None
    # the round axes of a cylinder are its diameter; round only matters for the lower bound
    ranges = [
        (d, _length_range(d, round_=k < round_axes)) for k, d in enumerate(dims)
    ]
    ranges.sort(key=lambda pair: pair[0], reverse=True)
    return [r for _, r in ranges]


# ---------------------------------------------------------------- bodies
def infer_bodies(text: str) -> int | None:
    norm = normalize(text)
    toks = _TOKEN.findall(norm)
    if re.search(r"\b(separate|separately|removable|loose|detachable|lift off|lift-off)\b"
                 r"(\s\w+){0,3}\s(lid|cap|cover)\b|\b(lid|cap|cover)\b(\s\w+){0,4}\s"
                 r"(separate|separately|as a second part|its own part)\b", norm):
        return 2
    m = re.search(r"\b(two|three|four|2|3|4) separate (parts|pieces|objects|bodies)\b", norm)
    if m:
        return _count_of(m.group(1))
    if {"lid", "cap", "cover", "separate", "apart", "set", "kit"} & set(toks):
        return None  # may be one body or several
    shapes = "|".join(sorted(CUBE_HEADS | SPHERE_HEADS | CYLINDER_HEADS | BOX_HEADS | {"cone"}))
    if PLURAL_OBJECTS & set(toks) or re.search(
        r"\b(and|next to|beside|plus) (a|an|one) (\S+ ){0,3}?(" + shapes + r")\b", norm
    ):
        return None
    return 1


# ---------------------------------------------------------------- follow-ups
def infer_grow(text: str, previous: HasTopology | None = None) -> dict | None:
    """Relative height change of a follow-up, along Z (Z is up)."""
    norm = normalize(text)
    up = r"(taller|higher)"
    down = r"(shorter|lower|less tall)"
    tall = r"(tall|high)"
    m = re.search(r"\b(twice|double|triple|thrice|" + _NUM + r"\s*(?:x|times))\s*(as )?"
                  + tall + r"\b", norm) or re.search(
        r"\b(double|triple|twice)\s*(the )?(height|its height)\b", norm) or re.search(
        r"\b" + _NUM + r"\s*(?:x|times)\s*" + up + r"\b", norm)
    if m:
        word = m.group(1)
        factor = MULTIPLIERS.get(word.split()[0])
        if factor is None:
            factor = float(re.match(_NUM, word).group(1))
        if factor > 1:
            return {"axis": "z", "min_ratio": round(factor * 0.95, 3)}
    if re.search(r"\b(half as " + tall + r"|half (the|its) height|halve (the|its) height)\b",
                 norm):
        return {"axis": "z", "max_ratio": 0.55}
    by = re.search(_LEN + r"\s*" + up + r"\b", norm)
    if by and previous is not None and previous.extents[2] > 0:
        before = previous.extents[2]
        added = _scaled(by.group(1), by.group(2), None)
        return {"axis": "z", "min_ratio": round((before + added * 0.9) / before, 4)}
    by = re.search(_LEN + r"\s*" + down + r"\b", norm)
    if by and previous is not None and previous.extents[2] > 0:
        before = previous.extents[2]
        removed = _scaled(by.group(1), by.group(2), None)
        if removed < before:
            return {"axis": "z", "max_ratio": round((before - removed * 0.9) / before, 4)}
    if re.search(r"\b" + up + r"\b|\bincrease (the |its )?height\b", norm):
        return {"axis": "z", "min_ratio": 1.01}
    if re.search(r"\b" + down + r"\b|\b(reduce|decrease) (the |its )?height\b", norm):
        return {"axis": "z", "max_ratio": 0.99}
    return None


def _absolute_height(text: str) -> float | None:
    """'make it 30 mm tall' in a follow-up: the new Z extent."""
    norm = normalize(text)
    m = re.search(r"\b(make|set|change)\b.*?\b" + _LEN + r"\s*(tall|high)\b", norm) or re.search(
        r"(?<!wall )(?<!hole )\bheight\s*(?:to|of|=|:|should be|is|must be)?\s*" + _LEN, norm)
    if not m:
        return None
    groups = [g for g in m.groups() if g is not None]
    number = next(g for g in groups if re.fullmatch(r"\d+(?:\.\d+)?", g))
    unit = next((g for g in groups if g in UNITS), None)
    return _scaled(number, unit, None)


def _plain_solid(toks: list[str]) -> bool:
    """Nothing but a primitive solid and its dimensions ("a cylinder 30 mm in diameter and
    10 mm tall"): no feature word anywhere, so it has no through-hole."""
    if _head(toks) not in PLAIN_HEADS:
        return False
    return all(t in PLAIN_WORDS or t in PLAIN_HEADS or t in UNITS
               or re.fullmatch(r"\d+(?:\.\d+)?|[^\w\s]", t) for t in toks)


def _pure_resize(toks: list[str]) -> bool:
    words = set(toks)
    return bool(RESIZE_WORDS & words) and not (FEATURE_WORDS & words)


# ---------------------------------------------------------------- entry point
def infer_spec(text: str, previous: HasTopology | None = None, *, follow_up: bool = False
               ) -> dict:
    """Spec dict for the part this message asks for.

    follow_up: the message edits the current part (previous: that part's mesh report, used
    for "add two holes" and to keep topology through a pure resize)."""
    spec: dict = {"watertight": True}
    toks = tokens(text)
    holes = count_holes(text)
    annular = _head(toks) in ANNULAR_HEADS and not NOT_ANNULAR & set(toks)
    if not follow_up:
        if holes.mentioned and annular:
            # "a washer with an 8 mm hole": the hole is its own; holes through a tube's
            # wall would add to it, and then the total is a guess
            if holes.total == 1 and not (SIDE_WORDS & set(toks)):
                spec["genus"] = 1
        elif holes.mentioned:
            if holes.total is not None and not holes.relative:
                spec["genus"] = holes.total
            elif holes.total is None and not holes.none:
                corners = _corner_holes(toks)
                if corners is not None and not (MULTIPLYING & set(toks) - {"each", "every"}):
                    spec["genus"] = corners
        elif annular and not re.search(
            r"\b(ring|tube|pipe) of\b", normalize(text)
        ):
            spec["genus"] = 1
        if "genus" not in spec and _plain_solid(toks):
            spec["genus"] = 0
        size = infer_size(text)
        bodies = infer_bodies(text)
        if bodies is not None:
            spec["bodies"] = bodies
        if size is not None and bodies == 1:
            spec["size"] = size
        return spec

    # follow-up turn
    prev_genus = previous.genus if previous is not None else None
    if holes.none:
        spec["genus"] = 0
    elif holes.mentioned and holes.total is not None:
        if holes.relative:
            if prev_genus is not None:
                spec["genus"] = prev_genus + holes.total
        else:
            spec["genus"] = holes.total
    elif _pure_resize(toks) and previous is not None:
        if prev_genus is not None:
            spec["genus"] = prev_genus
        spec["bodies"] = previous.bodies
    if re.match(r"\s*(now )?(make|resize|change|turn|scale) (it|the part|this)\b",
                normalize(text)):
        size = infer_size(text)  # "make it 80 x 40 x 5 mm": the whole part restated
        if size is not None:
            spec["size"] = size
    grow = infer_grow(text, previous)
    if grow is not None:
        spec["grow"] = grow
    height = _absolute_height(text)
    if height is not None and grow is None:
        spec["size_xyz"] = [[0.0, BIG], [0.0, BIG], _length_range(height)]
    words = set(toks)
    if (previous is not None and (grow or height) and _pure_resize(toks)
            and HEIGHT_WORDS & words and not OTHER_AXIS_WORDS & words):
        # "make it taller" changes the height only: the footprint stays
        z = spec["size_xyz"][2] if "size_xyz" in spec else [0.0, BIG]
        spec["size_xyz"] = [_length_range(previous.extents[0]),
                            _length_range(previous.extents[1]), z]
    return spec


def merge_specs(inferred: dict, explicit: dict | None) -> dict:
    """An explicit spec (from an eval or the user) wins key by key over the inferred one."""
    merged = dict(inferred)
    merged.update(explicit or {})
    return merged
