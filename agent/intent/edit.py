"""Checks for a follow-up that edits the current part: what it names must change, the way it
says; everything it does not name must stay.

    "make it taller"              Z grows; X, Y, holes and bodies stay
    "twice as wide"               the width axis doubles; the others stay
    "make it 8 mm thick"          the thickness axis is 8 mm; the others stay
    "10 mm longer" / "2 cm wider" the axis grows by that much
    "shorter" (a part lying flat) its length, not its height
    "add two more holes"          genus + 2, size stays
    "make the hole bigger"        the largest hole grows, genus and size stay
    "make the walls thicker"      the wall grows (measured, or the wall parameter), size stays
    "round the edges"             volume shrinks a little, size and holes stay
    "make it a sphere instead"    the old part's checks go; the new kind's come
Axes are named from the previous part's extents: height is Z, length the longer side of its
footprint, width the shorter, thickness the smallest extent; a round footprint's width is its
diameter (both X and Y).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.intent.create import (
    BIG,
    Draft,
    hole_range,
    length_range,
    screw_range,
    wall_range,
)
from agent.intent.parse import Reading
from agent.intent.words import UNITS, normalize
from tools.kinds import compatible, declared_kind, kinds_named
from tools.mesh import MeshReport
from tools.params import top_level_values
from tools.spec import wall_thickness

AXES = "xyz"
MULTIPLIERS = {"twice": 2.0, "double": 2.0, "doubled": 2.0, "triple": 3.0, "tripled": 3.0,
               "thrice": 3.0, "half": 0.5, "halve": 0.5, "halved": 0.5, "quadruple": 4.0}
UP_WORDS = {
    "taller": "height", "higher": "height", "wider": "width", "broader": "width",
    "longer": "length", "thicker": "thick", "deeper": "depth", "bigger": "all",
    "larger": "all",
}
DOWN_WORDS = {
    "shorter": "short", "lower": "height", "narrower": "width", "thinner": "thick",
    "shallower": "depth", "smaller": "all",
}
NOUN_AXES = {
    "height": "height", "tall": "height", "high": "height", "width": "width", "wide": "width",
    "length": "length", "long": "length", "thickness": "thick", "thick": "thick",
    "depth": "depth", "deep": "depth", "diameter": "diameter", "across": "diameter",
    "size": "all", "big": "all", "radius": "radius",
}


@dataclass
class Change:
    """One resize the follow-up asks for."""

    axes: tuple[int, ...]  # the axes it changes (two for a diameter, three for "bigger")
    kind: str  # "abs" | "delta" | "ratio" | "up" | "down"
    value: float = 0.0
    about: bool = False
    name: str = ""  # the size word it came from ("thick", "height", ...)


def _flat(ext: tuple[float, float, float]) -> bool:
    return ext[2] < 0.5 * min(ext[0], ext[1])


def _round_footprint(prev: MeshReport) -> bool:
    x, y = prev.extents[0], prev.extents[1]
    return abs(x - y) <= 0.03 * max(x, y)


def axes_for(name: str, prev: MeshReport) -> tuple[int, ...] | None:
    """The axes a size word names on the previous part (None: cannot tell)."""
    x, y, z = prev.extents
    horizontal_long = 0 if x >= y else 1
    horizontal_short = 1 - horizontal_long
    square = _round_footprint(prev)
    if name == "height":
        return (2,)
    if name == "short":  # "shorter": a part lying flat gets shorter along its length
        return axes_for("length", prev) if _flat(prev.extents) else (2,)
    if name == "length":
        if square and (z > max(x, y) or _roundish(prev)):
            return (2,)  # a round part's length runs along its axis
        return None if square else (horizontal_long,)
    if name == "width":
        if square:
            return (0, 1) if _roundish(prev) else None
        return (horizontal_short,)
    if name in ("diameter", "radius"):
        pairs = [(a, b) for a, b in ((0, 1), (1, 2), (0, 2))
                 if abs(prev.extents[a] - prev.extents[b]) <= 0.03 * max(prev.extents[a],
                                                                         prev.extents[b])]
        return pairs[0] if len(pairs) == 1 else ((0, 1) if (0, 1) in pairs else None)
    if name == "thick":
        smallest = min(range(3), key=lambda k: prev.extents[k])
        ties = [k for k in range(3) if prev.extents[k] <= prev.extents[smallest] * 1.02]
        return (2,) if 2 in ties else (smallest,) if len(ties) == 1 else None
    if name == "depth":
        if wall_thickness(prev) is not None:
            return (2,)
        return None if square else (horizontal_short,)
    if name == "all":
        return (0, 1, 2)
    return None


def _roundish(prev: MeshReport) -> bool:
    """A round footprint (cylinder, disc, tube), not a square one: it fills about pi/4 of
    its bounding box."""
    box = prev.extents[0] * prev.extents[1] * prev.extents[2]
    if box <= 0:
        return False
    return prev.volume / box < 0.83


def _program_axis(name: str, prev: MeshReport, program: str | None) -> tuple[int, ...] | None:
    """The axis the program itself calls `name`: a `width = 60;` parameter on a part 60 mm
    along X only. The person reads the program's names (and the web sliders show them)."""
    words = {"height": ("height",), "length": ("length", "len"), "width": ("width",),
             "depth": ("depth",), "thick": ("thickness", "thick")}.get(name, ())
    values = top_level_values(program)
    found = [values[w] for w in words if w in values]
    if len(found) != 1:
        return None
    axes = [k for k in range(3) if abs(prev.extents[k] - found[0]) <= 0.01 * max(1.0, found[0])]
    return (axes[0],) if len(axes) == 1 else None


def _changes(norm: str, prev: MeshReport, draft: Draft,
             program: str | None = None) -> list[Change]:
    changes: list[Change] = []
    # the unit ends at a word boundary: "45 instead" is 45 mm, not 45 inches
    number = r"(\d*\.?\d+)\s*(?:(mm|cm|inch|inches|in|millimet\w*|centimet\w*)\b)?"

    def mm(value: str, unit: str | None) -> float:
        return float(value) * UNITS.get(unit or "mm", 1.0)

    def add(name: str, kind: str, value: float = 0.0, text: str = "") -> None:
        axes = _program_axis(name, prev, program) or axes_for(name, prev)
        if axes is None:
            draft.skip(f"'{text or name}'", "which side that is on this part is not clear")
            return
        changes.append(Change(axes, kind, value, name=name))

    # ratios: "twice as wide", "double the height", "halve the length", "1.5x taller",
    # "50% longer", "three times as tall"
    for m in re.finditer(r"\b(twice|double|doubled|triple|tripled|thrice|half|halve|halved|"
                         r"quadruple|(\d*\.?\d+)\s*(?:x|times)|(two|three|four) times)\s*"
                         r"(?:as\s+|the\s+|its\s+)?(tall|high|wide|long|thick|deep|big|large|"
                         r"height|width|length|thickness|depth|diameter|size|taller|wider|"
                         r"longer|thicker|deeper|bigger|larger)\b", norm):
        word = m.group(1)
        factor = MULTIPLIERS.get(word.split()[0])
        if factor is None and m.group(2):
            factor = float(m.group(2))
        if factor is None and m.group(3):
            factor = {"two": 2.0, "three": 3.0, "four": 4.0}[m.group(3)]
        target = m.group(4)
        name = NOUN_AXES.get(target) or UP_WORDS.get(target) or "all"
        add(name, "ratio", factor or 1.0, m.group(0))
    for m in re.finditer(r"\b(\d*\.?\d+)\s*%\s*(taller|wider|longer|thicker|deeper|bigger|"
                         r"larger|shorter|narrower|thinner|smaller)\b", norm):
        pct = float(m.group(1)) / 100
        word = m.group(2)
        up = word in UP_WORDS
        add(UP_WORDS.get(word) or DOWN_WORDS[word], "ratio", 1 + pct if up else 1 - pct,
            m.group(0))
    m = re.search(r"\bscale (?:\w+ ){0,3}?(?:up |down )?(?:by )?(\d*\.?\d+)\s*(x|times|%)?",
                  norm)
    if m and not changes:
        factor = float(m.group(1)) / (100 if m.group(2) == "%" else 1)
        add("all", "ratio", factor, m.group(0))
    if changes:
        return changes
    # an axis named outright: "2.5 inches front to back (the y side)", "80 mm along x"
    named_axis = (r"[^,;.]{0,30}?\b(?:\(?(?:the |along |in )?(x|y|z)(?: side| axis| direction)?"
                  r"\)?(?=[\s,.;)]|$)|(front to back)|(left to right|side to side)|"
                  r"(top to bottom|bottom to top))")
    for m in re.finditer(number + named_axis, norm):
        axis = m.group(3) or ("y" if m.group(4) else "x" if m.group(5) else "z" if m.group(6)
                              else None)
        if axis:
            changes.append(Change(("xyz".index(axis),), "abs", mm(m.group(1), m.group(2))))
    if changes:
        return changes
    m = re.search(r"\b(?:cut|trim|shorten|chop|reduce)(?: it| the \w+)?(?: down)? to " + number,
                  norm)
    if m:
        add("short", "abs", mm(m.group(1), m.group(2)), m.group(0))
        return changes
    # deltas: "10 mm longer", "2 cm wider", "make it 5 mm shorter", "increase the height by 5"
    for m in re.finditer(number + r"\s*(taller|higher|wider|longer|thicker|deeper|bigger|"
                         r"larger|shorter|lower|narrower|thinner|shallower|smaller)\b", norm):
        value = mm(m.group(1), m.group(2))
        word = m.group(3)
        if word in UP_WORDS:
            add(UP_WORDS[word], "delta", value, m.group(0))
        else:
            add(DOWN_WORDS[word], "delta", -value, m.group(0))
    for m in re.finditer(r"\b(increase|raise|extend|grow|reduce|decrease|shrink|cut|trim)\s+"
                         r"(?:the |its )?(height|width|length|thickness|depth|diameter)\s+by\s+"
                         + number, norm):
        value = mm(m.group(3), m.group(4))
        sign = 1 if m.group(1) in ("increase", "raise", "extend", "grow") else -1
        add(NOUN_AXES[m.group(2)], "delta", sign * value, m.group(0))
    if changes:
        return changes
    # absolute: "make it 8 mm thick", "80 mm tall", "increase the diameter to 30",
    # "width 80", "back to 40 mm tall", "12mm long instead"
    for m in re.finditer(number + r"\s*(tall|high|wide|long|thick|deep|in diameter|diameter|"
                         r"across|od)\b", norm):
        word = m.group(3).replace("in ", "")
        name = NOUN_AXES.get(word) or ("diameter" if word == "od" else word)
        add(name, "abs", mm(m.group(1), m.group(2)), m.group(0))
    for m in re.finditer(r"\b(?<!wall )(?<!hole )(height|width|length|thickness|depth|diameter)"
                         r"\s*(?:to|of|=|:|should be|is|at)?\s*" + number, norm):
        if any(c.kind == "abs" for c in changes):
            break
        add(NOUN_AXES[m.group(1)], "abs", mm(m.group(2), m.group(3)), m.group(0))
    if changes:
        return changes
    # directions: "taller", "make it thinner", "shorter"
    for word, name in {**UP_WORDS, **DOWN_WORDS}.items():
        if re.search(rf"\b{word}\b", norm):
            if word == "lower" and re.search(r"\blower (the |its |both |all )?(holes?|slots?|"
                                             r"bores?)", norm):
                continue
            add(name, "up" if word in UP_WORDS else "down", 0.0, word)
    if re.search(r"\b(increase|raise) (the |its )?height\b", norm):
        add("height", "up")
    if re.search(r"\b(reduce|decrease|lower) (the |its )?height\b", norm):
        add("height", "down")
    return changes


def _range_for(change: Change, before: float) -> list[float]:
    if change.kind == "abs":
        return length_range(change.value)
    if change.kind == "delta":
        return length_range(before + change.value)
    if change.kind == "ratio":
        target = before * change.value
        tol = max(0.3, 0.03 * target)
        return [round(target - tol, 3), round(target + tol, 3)]
    if change.kind == "up":
        return [round(before * 1.02, 3), BIG]
    return [0.0, round(before * 0.98, 3)]


def _grow(change: Change, axis: str) -> dict:
    """A relative change as tools.spec's grow: "taller" at least 2 % more, "twice as tall"
    within 3 % of twice."""
    if change.kind == "up":
        return {"axis": axis, "min_ratio": 1.02}
    if change.kind == "down":
        return {"axis": axis, "max_ratio": 0.98}
    lo, hi = change.value * 0.97, change.value * 1.03
    return {"axis": axis, "min_ratio": round(lo, 4), "max_ratio": round(hi, 4)}


def _kept(before: float) -> list[float]:
    tol = max(0.3, 0.02 * before)
    return [round(before - tol, 3), round(before + tol, 3)]


HOLE_WORDS = ("hole", "holes", "bore", "bores", "throughhole", "throughholes")


NUMBERS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_COUNT = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"


def _number(word: str) -> int:
    return NUMBERS.get(word) or int(word)


def _hole_count(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> str | None:
    """How many holes the part has after the follow-up: "remove the holes", "drop one of
    the holes", "just 4", "add two more", "a third hole", "use six holes instead"."""
    holes = [m for m in reading.mentions if m.role == "hole"]
    genus = prev.genus
    first = holes[0] if holes else None
    remove = re.search(r"\b(remove|delete|drop|get rid of|no|without|fill|too many)\b", norm)
    add = re.search(r"\b(add|put|drill|punch|another|more|extra|second|third|fourth|fifth)\b",
                    norm)
    absolute = re.search(_COUNT + r" (is|are|will be) (enough|plenty|fine)\b|\b(?:only|just|down "
                         r"to|make it|use) " + _COUNT + r"\b(?! ?mm)", norm)
    if absolute and (holes or remove):
        word = next(g for g in absolute.groups() if g and g not in (
            "is", "are", "will be", "enough", "plenty", "fine"))
        draft.spec["genus"] = _number(word)
        return "count"
    if first is None:
        return None
    if first.negated or (remove and not add):
        if re.search(r"\b(keep|leave|except|but not)\b(\s\S+){0,3}\s(holes?|bores?)\b", norm):
            # "drop the corner holes but keep the fan hole": fewer, but how many is not said
            draft.skip("how many holes remain", "some are kept, their number is not stated")
            return "count"
        one = re.search(r"\b(one|a|two|three|\d+) of the (\w+ )?holes\b", norm)
        if one and genus is not None:
            draft.spec["genus"] = max(0, genus - _number(one.group(1)))
            return "count"
        n = first.count
        if first.negated or (re.search(r"\b(all|the|every) (\w+ )?holes\b", norm) and n is None):
            draft.spec["genus"] = 0
            return "remove_all"
        if n is not None and genus is not None:
            draft.spec["genus"] = max(0, genus - n)
        return "count"
    if (first.count is not None or first.ordinal) and (add or first.relative or first.ordinal):
        count = 1 if first.ordinal and first.count in (None, 1) else (first.count or 1)
        multiplier = 2 if re.search(r"\b(each|both) (leg|arm|end|side)s?\b", norm) else 1
        if re.search(r"\binstead\b", norm) and not first.relative:
            draft.spec["genus"] = count
        elif genus is not None:
            draft.spec["genus"] = genus + count * multiplier
        else:
            draft.skip("how many holes the part has now", "the previous part's count is unknown")
        for q in first.sizes:
            if q.role in ("diameter", "size", "hole_size"):
                q.used = True
                draft.spec.setdefault("holes", []).append({"d": hole_range(q.values[0]),
                                                           "what": first.phrase})
        if first.screw:
            draft.spec.setdefault("holes", []).append({"d": screw_range(first.screw),
                                                       "what": first.phrase})
        return "count"
    return None


def _hole_size(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> str | None:
    """What a follow-up does to the holes' size or place: "use M4 instead of M3", "make the
    hole bigger", "bump them up to 6 mm", "move the hole higher"."""
    holes = [m for m in reading.mentions if m.role == "hole"]
    pronoun = re.search(r"\b(them|it) (up|down) to\b|\bbump (them|it)\b", norm)
    if not holes and not pronoun and not re.search(r"\bm\d+(\.\d+)?\b.*\binstead\b", norm):
        return None
    screws = re.findall(r"\bm(\d+(?:\.\d+)?)\b", norm)
    if screws and re.search(r"\binstead\b|\bswap\b|\buse\b|\bchange\b", norm):
        # "use M4 holes instead of M3": the first size named is the new one
        draft.spec.setdefault("holes", []).append({"d": screw_range(float(screws[0])),
                                                   "what": f"M{screws[0]} hole"})
        return "swap"
    sizes = [q for m in holes for q in m.sizes if q.role in ("diameter", "size", "hole_size",
                                                            "bore")]
    if not sizes and pronoun:
        sizes = [q for q in reading.quantities if q.role in ("size", "diameter")]
    to = re.search(r"\b(?:holes?|bores?|them|it)\b[^,.;]{0,25}?\bto (\d*\.?\d+)\s*(mm)?\b", norm)
    if not sizes and to and holes:
        d = float(to.group(1))
        draft.spec.setdefault("holes", []).append({"d": hole_range(d), "what": holes[0].phrase})
        return "size"
    size_words = re.search(r"\b(bigger|larger|wider|smaller|narrower|tighter|looser|enlarge|"
                           r"increase|decrease|reduce)\b", norm)
    if sizes:
        for q in sizes:
            q.used = True
        draft.spec.setdefault("holes", []).append(
            {"d": hole_range(sizes[-1].values[0]), "what": holes[0].phrase if holes else "holes"})
        return "size"
    if size_words and holes:
        up = size_words.group(1) in ("bigger", "larger", "wider", "looser", "enlarge",
                                     "increase")
        draft.spec.setdefault("grow", []).append(
            {"measure": "hole", "min_ratio": 1.03} if up else
            {"measure": "hole", "max_ratio": 0.97})
        return "size"
    if holes and re.search(r"\b(move|shift|raise|lower|slide)\b[^,.;]*\b(holes?|bores?|them|it)"
                           r"\b|\b(holes?|bores?)\b[^,.;]{0,20}\b(higher|lower|closer|further|"
                           r"farther|apart|up|down|left|right)\b", norm):
        draft.spec.setdefault("grow", []).append(
            {"measure": "hole", "min_ratio": 0.97, "max_ratio": 1.03})
        draft.skip("where the holes are now", "hole positions")
        for q in reading.quantities:
            if q.role == "position" or not q.used:
                q.used = True
        return "move"
    return None


def _hole_edit(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> str | None:
    """Genus and hole checks of a follow-up about holes; returns what it did: "count",
    "remove_all", "size", "swap", "move", or None (no hole named). Count and size combine
    ("just 4, and bump them up to 6 mm")."""
    counted = _hole_count(reading, norm, prev, draft)
    sized = _hole_size(reading, norm, prev, draft) if counted != "remove_all" else None
    if "genus" not in draft.spec and sized and prev.genus is not None:
        draft.spec["genus"] = prev.genus
    if counted and sized:
        return "size" if sized in ("size", "swap") else counted
    return counted or sized


def _kind_change(reading: Reading, norm: str, prev: MeshReport, draft: Draft,
                 previous_program: str | None) -> bool:
    m = re.search(r"\b(instead|into|rather than|change it to|turn it into|make it an? )", norm)
    # "stand it up on its edge", "clip it on": verbs, not kinds of part
    kinds = kinds_named(re.sub(r"\b(stand|hook|clip|clamp|cap|plate|ring)\s+(it|them|this|"
                               r"that|up|upright)\b", " ", norm))
    if re.search(r"\bmake it (round|circular|cylindrical)\b|\bround instead\b", norm):
        draft.spec["shape"] = "round"
        ranges = _same_size_ranges(prev, norm, round_=True)
        stated = re.search(r"(\d*\.?\d+)\s*(mm|cm)?\s*(?:in )?(?:diameter|across|wide)\b|"
                           r"\b(?:diameter|across)\s*(?:of\s*)?(\d*\.?\d+)\s*(mm|cm)?", norm)
        if stated:
            value = float(stated.group(1) or stated.group(3)) * (
                10.0 if "cm" in (stated.group(2), stated.group(4)) else 1.0)
            ranges[0] = ranges[1] = length_range(value, round_=True)
        draft.spec["size_xyz"] = ranges
        if prev.genus is not None:
            draft.spec["genus"] = prev.genus
        return True
    if not m or not kinds or not re.search(r"\binstead\b|\binto\b|\brather\b|\bmake it an?\b",
                                          norm):
        return False
    new = kinds[0]
    declared = declared_kind(previous_program or "")
    if declared is not None and any(compatible(new, k) for k in declared[0]):
        return False  # "make the spacer 12 mm long instead": the same kind of part
    if new not in ("sphere", "cube", "cylinder", "cone", "hemisphere", "torus", "ring",
                   "tube", "block", "plate"):
        draft.spec["kind"] = {"asked": new, "kind": new}
        return True
    draft.spec["kind"] = {"asked": new, "kind": new}
    shapes = {"sphere": "sphere", "cube": "cube", "cylinder": "cylinder", "cone": "cone",
              "hemisphere": "hemisphere"}
    if new in shapes and not re.search(r"\bhole|bore|hollow\b", norm):
        draft.spec["shape"] = shapes[new]
    if re.search(r"\bsame (width|size|diameter|footprint|height)\b|\bsame (overall )?size\b",
                 norm):
        ranges = _same_size_ranges(prev, norm)
        if new in ("sphere", "cube"):
            ranges[2] = ranges[0]
        draft.spec["size_xyz"] = ranges
    _new_part_sizes(reading, norm, prev, draft)
    return True


def _new_part_sizes(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> None:
    """A new kind of part with its own sizes ("a round disc instead, 100 across"): read them
    as a new part's; the rest of the old part's size stays; "same holes" keeps the holes."""
    from agent.intent.create import expectations as create_expectations

    fresh = create_expectations(reading, norm)
    stated = {k: fresh.spec[k] for k in ("size", "size_xyz", "dims") if k in fresh.spec}
    if "dims" in stated and "size_xyz" not in stated and "size_xyz" not in draft.spec:
        # what the text does not restate keeps its size: the thickness of a plate made round
        free = stated["dims"]
        kept = [k for k in range(3) if not any(
            lo <= prev.extents[k] <= hi for lo, hi in free)]
        if len(free) == 2 and len(kept) == 1:
            ranges = [[0.0, BIG]] * 3
            ranges[kept[0]] = _kept(prev.extents[kept[0]])
            draft.spec["size_xyz"] = ranges
    draft.spec.update(stated)
    if re.search(r"\bsame holes?\b|\bkeep (?:the )?holes?\b", norm):
        if prev.genus is not None:
            draft.spec["genus"] = prev.genus
        draft.spec["keep_holes"] = {"except": []}


def _same_size_ranges(prev: MeshReport, norm: str, round_: bool = False) -> list[list[float]]:
    """"the same size/width" after a change of form: across, between the old part's
    narrowest and widest side; the height kept unless the text changes it."""
    lo = min(prev.extents[0], prev.extents[1])
    hi = max(prev.extents[0], prev.extents[1])
    span = [round(lo * (0.86 if not round_ else 0.98) - 0.3, 3), round(hi * 1.02 + 0.3, 3)]
    same = re.search(r"\bsame\b", norm)
    return [span, span, _kept(prev.extents[2]) if same else [0.0, BIG]]


def _wall_edit(norm: str, prev: MeshReport, previous_program: str | None, draft: Draft) -> bool:
    if not re.search(r"\bwalls?\b", norm):
        return False
    value = re.search(r"(\d*\.?\d+)\s*(mm|cm)?\b(?:\s*(?:thick\s*)?walls?|\s*wall thickness)|"
                      r"\bwalls?(?: thickness)?\s*(?:up |down )?(?:to|of|=|:)?\s*(\d*\.?\d+)\s*"
                      r"(mm|cm)?", norm)
    draft.spec["size_xyz"] = [_kept(e) for e in prev.extents]  # replaced if the size changes
    if re.search(r"\bkeep (?:the )?(?:\d+\s*(?:mm)? )?(?:bore|hole|inside|id)\b", norm):
        # thicker walls around the same bore: the outside grows
        round_axes = axes_for("diameter", prev) or (0, 1)
        for k in round_axes:
            draft.spec["size_xyz"][k] = [0.0, BIG]
        draft.spec["keep_holes"] = {"except": []}
    if prev.genus is not None:
        draft.spec["genus"] = prev.genus
    hollow = re.search(r"\bhollow|\bshell", norm)
    if value:
        number = value.group(1) or value.group(3)
        unit = value.group(2) or value.group(4)
        w = float(number) * (10.0 if unit == "cm" else 1.0)
        draft.spec["wall"] = wall_range(w)
        if hollow:
            draft.spec["grow"] = [{"measure": "volume", "max_ratio": 0.95}]
            if re.search(r"\bopen (at )?both ends\b|\bit'?s a tube\b|\binto a tube\b", norm) \
                    and prev.genus is not None:
                draft.spec["genus"] = prev.genus + 1
        return True
    up = re.search(r"\b(thicker|beefier|stronger|heavier|increase|bump)\b", norm)
    down = re.search(r"\b(thinner|lighter|reduce|decrease)\b", norm)
    if not (up or down):
        return True
    if wall_thickness(prev) is not None:
        draft.spec["grow"] = [{"measure": "wall", "min_ratio": 1.05} if up else
                              {"measure": "wall", "max_ratio": 0.95}]
    elif previous_program is not None:
        draft.spec["param"] = {"names": ["wall", "thick"], "change": "grow" if up else "shrink"}
    else:
        draft.skip("the wall thickness", "the part shows no wall to measure")
    return True


def expectations(reading: Reading, text: str, prev: MeshReport | None,
                 previous_program: str | None) -> Draft:
    """The checks for a follow-up on the part `prev` (None: nothing to compare with)."""
    draft = Draft()
    norm = normalize(text)
    if prev is None or prev.empty:
        draft.skip("what the follow-up changes", "there is no previous part to compare with")
        return draft
    draft.spec["bodies"] = prev.bodies
    if _kind_change(reading, norm, prev, draft, previous_program):
        draft.spec.pop("bodies", None)
        draft.spec["bodies"] = 1
        _leftover_notes(reading, draft)
        return draft
    walls = _wall_edit(norm, prev, previous_program, draft)
    rest = re.sub(r"\b(?:\S+\s+){0,3}walls?\b(?:\s+(?:are|is|too|thick|thicker|thin|"
                  r"thinner))*", " ", norm) if walls else norm
    hole_edit = _hole_edit(reading, norm, prev, draft) if not walls else None
    changes = _changes(rest, prev, draft, previous_program) if hole_edit in (None, "count") \
        else []
    edges = re.search(r"\b(round|fillet|chamfer|bevel|soften|smooth)\w*\b.*\b(edges?|corners?)\b"
                      r"|\b(edges?|corners?)\b.*\b(rounded|filleted|chamfered)\b", norm)
    additive = re.search(r"\b(add|put|attach|glue|emboss|extrude)\b", norm) and not hole_edit
    material = _material_thickness(changes, prev, previous_program, draft)
    if material:
        changes = [c for c in changes if c.axes != material]
    ranges = []
    for k in range(3):
        before = prev.extents[k]
        own = [c for c in changes if k in c.axes]
        if own and own[0].kind in ("up", "down", "ratio"):
            # relative: "taller", "twice as wide" -- said as a change from the part before
            ranges.append([0.0, BIG])
            draft.spec.setdefault("grow", []).append(_grow(own[0], "xyz"[k]))
        elif own:
            ranges.append(_range_for(own[0], before))
        elif additive:
            ranges.append([round(before - max(0.3, 0.02 * before), 3), BIG])
        elif material:
            ranges.append([0.0, BIG])  # thicker legs may lengthen a bracket's sides
        else:
            ranges.append(_kept(before))
    for q in reading.quantities:
        if q.role not in ("position", "angle"):
            q.used = True
    if walls and not changes:
        _leftover_notes(reading, draft)
        return draft  # _wall_edit kept the outside as it was
    if changes or hole_edit or edges or additive or material or _keeps_size(norm):
        if walls and "size_xyz" in draft.spec:
            # what the walls left free stays free; what the text changes, changes
            ranges = [ranges[k] if any(k in c.axes for c in changes) else
                      draft.spec["size_xyz"][k] for k in range(3)]
            draft.spec["size_xyz"] = ranges
        elif any(r != [0.0, BIG] for r in ranges) and "size_xyz" not in draft.spec:
            draft.spec["size_xyz"] = ranges
        if prev.genus is not None and "genus" not in draft.spec and not additive:
            draft.spec["genus"] = prev.genus
        _keep_the_rest(changes, hole_edit, prev, norm, draft)
    if edges and not changes:
        draft.spec.setdefault("grow", []).append({"measure": "volume", "max_ratio": 0.9995})
        draft.skip("the edge radius or chamfer size", "edge treatment")
    if not (changes or hole_edit or edges or additive or material or walls):
        draft.skip(f"'{text.strip()[:60]}'", "no size, hole or kind change the checks can read")
    _leftover_notes(reading, draft)
    return draft


def _material_thickness(changes: list[Change], prev: MeshReport,
                        previous_program: str | None, draft: Draft) -> tuple[int, ...] | None:
    """"make it 5 mm thick" on a bracket or a frame: the material, not an outside size. A
    part that fills less than half its box is made of walls or legs, whose thickness only
    the program's parameters show."""
    box = prev.extents[0] * prev.extents[1] * prev.extents[2]
    thick = [c for c in changes if len(c.axes) == 1 and c.name == "thick" and c.axes[0] == min(
        range(3), key=lambda k: prev.extents[k])]
    if not thick or box <= 0 or prev.volume / box >= 0.45 or wall_thickness(prev) is not None:
        return None
    change = thick[0]
    values = top_level_values(previous_program)
    old = next((v for n, v in values.items() if "thick" in n.lower()), None)
    if change.kind == "abs":
        new = change.value
    elif old is not None and change.kind == "delta":
        new = old + change.value
    elif old is not None and change.kind == "ratio":
        new = old * change.value
    else:
        new = None
    grow = change.kind == "up" or (change.kind == "delta" and change.value > 0) or (
        change.kind == "ratio" and change.value > 1) or (
        new is not None and old is not None and new > old)
    if old is not None and new is not None:
        tol = max(0.2, 0.03 * new)
        draft.spec["param"] = {"names": ["thick", "material"], "change": "set",
                               "value": [round(new - tol, 3), round(new + tol, 3)]}
        # the outside grows or shrinks by at most the change of thickness
        delta = abs(new - old)
        draft.spec["size_xyz"] = [[round(e - delta - max(0.3, 0.02 * e), 3),
                                   round(e + delta + max(0.3, 0.02 * e), 3)]
                                  for e in prev.extents]
    elif previous_program is not None:
        draft.spec["param"] = {"names": ["thick", "material"],
                               "change": "grow" if grow else "shrink"}
    else:
        draft.skip("the material thickness", "the part is not a solid block")
    draft.spec["grow"] = [{"measure": "volume", "min_ratio": 1.01} if grow else
                          {"measure": "volume", "max_ratio": 0.99}]
    return change.axes


def _keep_the_rest(changes: list[Change], hole_edit: str | None, prev: MeshReport, norm: str,
                   draft: Draft) -> None:
    """Holes and walls the follow-up does not name stay as they were."""
    scaled = any(len(c.axes) >= 2 for c in changes) and not re.search(
        r"\bkeep (?:the )?(?:\w+ )?holes? (?:the )?same\b|\bsame (?:hole|bore)\b", norm)
    if hole_edit in ("remove_all", "size"):
        return  # the holes themselves change
    if _round_openings(prev) and not scaled and not re.search(r"\bwalls?\b", norm):
        excepted = []
        if hole_edit == "swap":
            old = re.findall(r"\bm(\d+(?:\.\d+)?)\b", norm)
            if len(old) >= 2:
                excepted.append(screw_range(float(old[1])))
        draft.spec["keep_holes"] = {"except": excepted}
    if wall_thickness(prev) is not None and not scaled and not re.search(r"\bwalls?\b", norm):
        draft.spec.setdefault("grow", []).append(
            {"measure": "wall", "min_ratio": 0.93, "max_ratio": 1.07})


def _round_openings(prev: MeshReport) -> list[dict]:
    return [o for o in prev.openings if o.get("round")]


def _keeps_size(norm: str) -> bool:
    return bool(re.search(r"\b(keep|same|unchanged|don't change|do not change)\b", norm))


def _leftover_notes(reading: Reading, draft: Draft) -> None:
    for q in reading.quantities:
        if not q.used:
            draft.skip(f"'{q.text}'", "position" if q.role == "position" else q.role)
            q.used = True
