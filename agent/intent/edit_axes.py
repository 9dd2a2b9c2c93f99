"""Which axes a follow-up names and how it changes them: "taller" is Z, "wider" the
shorter side of the footprint, "twice as long", "10 mm shorter", "make it 8 mm thick"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.intent.draft import BIG, Draft, length_range
from agent.intent.reading import Quantity
from agent.intent.words import UNITS
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


# verbs that name the size they set: "widen it to 90 mm"
_VERB_SIZES = {"widen": "width", "broaden": "width", "lengthen": "length", "deepen": "depth",
               "thicken": "thick", "heighten": "height"}
# a verb that changes a size by an amount: the size, and which way
_VERB_BY = {**{verb: (name, 1) for verb, name in _VERB_SIZES.items()}, "extend": ("length", 1),
            "narrow": ("width", -1), "shorten": ("short", -1), "thin": ("thick", -1)}


@dataclass
class Change:
    """One resize the follow-up asks for."""

    axes: tuple[int, ...]  # the axes it changes (two for a diameter, three for "bigger")
    kind: str  # "abs" | "delta" | "ratio" | "up" | "down"
    value: float = 0.0
    about: bool = False
    name: str = ""  # the size word it came from ("thick", "height", ...)


def is_flat(ext: tuple[float, float, float]) -> bool:
    return ext[2] < 0.5 * min(ext[0], ext[1])


def round_footprint(prev: MeshReport) -> bool:
    x, y = prev.extents[0], prev.extents[1]
    return abs(x - y) <= 0.03 * max(x, y)


def axes_for(name: str, prev: MeshReport) -> tuple[int, ...] | None:
    """The axes a size word names on the previous part (None: cannot tell)."""
    x, y, z = prev.extents
    horizontal_long = 0 if x >= y else 1
    horizontal_short = 1 - horizontal_long
    square = round_footprint(prev)
    if name == "height":
        return (2,)
    if name == "short":  # "shorter": a part lying flat gets shorter along its length
        return axes_for("length", prev) if is_flat(prev.extents) else (2,)
    if name == "length":
        if square and (z > max(x, y) or roundish(prev)):
            return (2,)  # a round part's length runs along its axis
        return None if square else (horizontal_long,)
    if name == "width":
        if square:
            return (0, 1) if roundish(prev) else None
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


def roundish(prev: MeshReport) -> bool:
    """A round footprint (cylinder, disc, tube), not a square one: it fills about pi/4 of
    its bounding box."""
    box = prev.extents[0] * prev.extents[1] * prev.extents[2]
    if box <= 0:
        return False
    return prev.volume / box < 0.83


def program_axis(name: str, prev: MeshReport, program: str | None) -> tuple[int, ...] | None:
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


def axis_changes(quantities: list[Quantity]) -> list[Change]:
    """Sizes the follow-up gives an axis outright ("set the Y size to 45", "X dimension
    100 mm", "18 mm in Z"): that extent, exactly."""
    return [Change(("xyz".index(q.axes[0]),), "abs", q.values[0], q.about, name=q.role)
            for q in quantities if len(q.values) == 1 and q.axes[0] in ("x", "y", "z")
            and q.role not in ("position", "angle", "rise", "wall")]


def read_changes(norm: str, prev: MeshReport, draft: Draft,
                 program: str | None = None,
                 quantities: list[Quantity] | None = None) -> list[Change]:
    changes: list[Change] = []
    # the unit ends at a word boundary: "45 instead" is 45 mm, not 45 inches
    number = r"(\d*\.?\d+)\s*(?:(mm|cm|inch|inches|in|millimet\w*|centimet\w*)\b)?"

    def mm(value: str, unit: str | None) -> float:
        return float(value) * UNITS.get(unit or "mm", 1.0)

    def add(name: str, kind: str, value: float = 0.0, text: str = "") -> None:
        axes = program_axis(name, prev, program) or axes_for(name, prev)
        if axes is None:
            draft.skip(f"'{text or name}'", "which side that is on this part is not clear")
            return
        changes.append(Change(axes, kind, value, name=name))
        for q in quantities or []:  # the words read here are checked ("by 10" included)
            if q.text.strip(" ,") and q.text.strip(" ,") in text:
                q.used = True

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
    # "cut the height in half", "reduce the width by half"
    for m in re.finditer(r"\b(?:(?:cut|chop|reduce|shrink|drop|take|bring)\s+(?:down\s+)?"
                         r"(?:the\s+|its\s+)?(height|width|length|thickness|depth|diameter|"
                         r"size)(?:\s+down)?\s+(?:in|by)\s+half|(height|width|length|"
                         r"thickness|depth|diameter|size)\s+in\s+half)\b", norm):
        target = m.group(1) or m.group(2)
        add(NOUN_AXES.get(target) or "all", "ratio", 0.5, m.group(0))
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
    changes = axis_changes(quantities or [])
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
    # a verb that names the size: "widen it to 90 mm", "lengthen the bar to 150"
    m = re.search(r"\b(widen|broaden|lengthen|deepen|thicken|heighten)(?: it| the \w+)?"
                  r"(?: out| up)? to " + number, norm)
    if m:
        add(_VERB_SIZES[m.group(1)], "abs", mm(m.group(2), m.group(3)), m.group(0))
        return changes
    # one size for every side: "make every side 25 mm", "each edge measures 30 mm"
    m = re.search(r"\b(?:every|each|all)(?: of its| the)? (?:sides?|edges?)\b[^,;.]{0,20}?"
                  + number, norm)
    if m:
        add("all", "abs", mm(m.group(1), m.group(2)), m.group(0))
        return changes
    # deltas: "10 mm longer", "2 cm wider", "make it 5 mm shorter", "increase the height by 5"
    for m in re.finditer(number + r"\s*(taller|higher|wider|longer|thicker|deeper|bigger|"
                         r"larger|shorter|lower|narrower|thinner|shallower|smaller)\b", norm):
        value = mm(m.group(1), m.group(2))
        word = m.group(3)
        name = UP_WORDS.get(word) or DOWN_WORDS[word]
        # "10 mm bigger across", "make the diameter 10 mm bigger": the size named
        named = re.match(r"\s*(?:in )?(across|diameter|wide|long|tall|thick|deep)\b",
                         norm[m.end():]) or re.search(
            r"\b(diameter|width|length|height|thickness|depth)\b[^,;.]*$", norm[: m.start()])
        if named and word in ("bigger", "larger", "smaller", "wider", "narrower"):
            name = NOUN_AXES[named.group(1)]
        add(name, "delta", value if word in UP_WORDS else -value, m.group(0))
    for m in re.finditer(r"\b(increase|raise|extend|grow|reduce|decrease|shrink|cut|trim|"
                         r"drop)\s+(?:the |its )?(height|width|length|thickness|depth|"
                         r"diameter)\s+by\s+" + number, norm):
        value = mm(m.group(3), m.group(4))
        sign = 1 if m.group(1) in ("increase", "raise", "extend", "grow") else -1
        add(NOUN_AXES[m.group(2)], "delta", sign * value, m.group(0))
    # the verb names the size: "widen it by 10 mm", "shorten the plate by 20"
    for m in re.finditer(r"\b(" + "|".join(_VERB_BY) + r")(?: it| the (?:part|plate|block|"
                         r"box|bar|piece|whole thing))? by " + number, norm):
        name, sign = _VERB_BY[m.group(1)]
        add(name, "delta", sign * mm(m.group(2), m.group(3)), m.group(0))
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
                         r"\s*(?:to be|to|of|=|:|should be|must be|is|be|at)?\s*" + number,
                         norm):
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


def range_for(change: Change, before: float) -> list[float]:
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


def grow_check(change: Change, axis: str) -> dict:
    """A relative change as tools.spec's grow: "taller" at least 2 % more, "twice as tall"
    within 3 % of twice."""
    if change.kind == "up":
        return {"axis": axis, "min_ratio": 1.02}
    if change.kind == "down":
        return {"axis": axis, "max_ratio": 0.98}
    lo, hi = change.value * 0.97, change.value * 1.03
    return {"axis": axis, "min_ratio": round(lo, 4), "max_ratio": round(hi, 4)}


def kept_range(before: float) -> list[float]:
    tol = max(0.3, 0.02 * before)
    return [round(before - tol, 3), round(before + tol, 3)]
