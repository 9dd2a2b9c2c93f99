"""Follow-ups the agent answers without the model: one named parameter set to a new value,
and requests the part already meets.

"width 80", "set hole_d to 6", "twice as tall" on a part whose program has a `height`
parameter: the change maps onto exactly one customizer parameter, so the agent writes the new
value the way the web sliders do, compiles and checks the part, and says so ("edited height
directly: 40 -> 80, recompiled without the model"). The model is asked only when the mapping
is not unique, the request says anything more, or the checks fail.

The request must be *only* the change (fillers such as "please make it" aside): "make it
taller and add a hole" is two changes and goes to the model. A bare comparative ("make it
taller", "a bit thinner") names no value: it takes the step the training data teaches the
model for such a request (x1.5; our own smaller x1.2 for "a bit"; divided for "thinner") and
the note says how to ask for an exact size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.intent.words import UNITS
from agent.patch import Patch
from tools.mesh import MeshReport
from tools.params import customizer_params
from tools.spec import check_spec

# what a size word means as a parameter name: the exact names first, then `*_name` ones
AXIS_NAMES: dict[str, tuple[str, ...]] = {
    "height": ("height", "h", "hgt", "tall"),
    "width": ("width", "w", "wide"),
    "length": ("length", "len", "l", "long"),
    "thickness": ("thickness", "thick", "t", "th"),
    "depth": ("depth", "deep"),
    "diameter": ("diameter", "dia", "d"),
    "radius": ("radius", "r"),
}
# the word a person uses -> (axis, direction of a comparative: +1 bigger, -1 smaller, 0 none)
WORDS: dict[str, tuple[str, int]] = {
    "tall": ("height", 0), "high": ("height", 0), "height": ("height", 0),
    "taller": ("height", 1), "higher": ("height", 1),
    "wide": ("width", 0), "width": ("width", 0), "wider": ("width", 1),
    "narrower": ("width", -1),
    "long": ("length", 0), "length": ("length", 0), "longer": ("length", 1),
    "thick": ("thickness", 0), "thickness": ("thickness", 0), "thicker": ("thickness", 1),
    "thinner": ("thickness", -1),
    "deep": ("depth", 0), "depth": ("depth", 0), "deeper": ("depth", 1),
    "shallower": ("depth", -1),
    "diameter": ("diameter", 0), "radius": ("radius", 0),
}
# words that carry no change: "please make it 80 mm tall" is "80 mm tall"
_FILLER = re.compile(r"\b(please|pls|can|could|would|you|make|set|change|turn|it|its|the|"
                     r"part|now|instead|thanks|thank|just|so|that|of|overall|total)\b")
_UNITS = {**UNITS, '"': 25.4}  # the intent reader's table, and 2" for inches
_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_UNIT = r"\s*(mm|millimet(?:er|re)s?|cm|inch(?:es)?|in|\")?"


@dataclass(frozen=True)
class DirectEdit:
    name: str
    old: float
    new: float
    request: str
    step: str = ""  # the comparative of a request without a value ("taller")

    @property
    def patch(self) -> Patch:
        return Patch({self.name: f"{self.new:g}"})

    def note(self) -> str:
        percent = abs(self.new / self.old - 1) * 100
        sized = f" ({self.step} by {percent:.0f} %; give a size for an exact one)" \
            if self.step else ""
        return (f"edited {self.name} directly: {self.old:g} -> {self.new:g}{sized}, recompiled "
                "without the model")


def plan_direct_edit(request: str, program: str | None) -> DirectEdit | None:
    """The one-parameter edit `request` asks of `program`, or None when it is not exactly
    that (then the model is asked)."""
    if not program:
        return None
    numbers = {p.name: float(p.value) for p in customizer_params(program)
               if isinstance(p.value, int | float) and not isinstance(p.value, bool)}
    if not numbers:
        return None
    text = _reduce(request)
    step = ""
    change = _read_change(text, numbers)
    if change is None:
        change, step = _read_comparative(text, numbers)
    if change is None:
        return None
    name, value = change
    old = numbers[name]
    if not (math.isfinite(value) and value > 0) or math.isclose(value, old):
        return None
    return DirectEdit(name, old, round(value, 1 if step else 4), request, step)


def _reduce(request: str) -> str:
    text = request.lower().replace("×", "x").replace("’", "'")
    text = re.sub(r"[!?,;]|\.(?!\d)", " ", text)
    text = _FILLER.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _read_change(text: str, numbers: dict[str, float]) -> tuple[str, float] | None:
    """(parameter, new value) when `text` is one of the shapes of a one-value change."""
    by_name = {name.lower(): name for name in numbers}
    spaced = {name.lower().replace("_", " "): name for name in numbers if "_" in name}
    names = "|".join(re.escape(n) for n in sorted({*by_name, *spaced}, key=len, reverse=True))
    # "hole_d = 6", "width to 80 mm", "height 40", "hole d: 6"
    found = re.fullmatch(rf"({names})\s*(?:=|:|to|is|at|be)?\s*{_NUM}{_UNIT}", text)
    if found:
        name = by_name.get(found.group(1)) or spaced[found.group(1)]
        return name, _mm(found.group(2), found.group(3))
    word = "|".join(sorted(WORDS, key=len, reverse=True))
    # "80 mm tall", "a height of 80", "height to 80 mm", "back to 40 mm tall"
    found = (re.fullmatch(rf"(?:back to |a |an )?{_NUM}{_UNIT}\s*({word})", text) or
             re.fullmatch(rf"(?:a |an )?({word})\s*(?:=|:|to|is|back to)?\s*{_NUM}{_UNIT}", text))
    if found:
        groups = found.groups()
        if groups[0] in WORDS:
            word_, number, unit = groups
        else:
            number, unit, word_ = groups
        axis, direction = WORDS[word_]
        name = _parameter(axis, numbers)
        if direction == 0:  # "10 mm taller" is a change by 10 mm: read below
            return None if name is None else (name, _mm(number, unit))
    # "10 mm taller", "taller by 10 mm", "5 mm thinner"
    found = (re.fullmatch(rf"(?:a |an )?{_NUM}{_UNIT}\s*({word})", text) or
             re.fullmatch(rf"({word}) by {_NUM}{_UNIT}", text))
    if found:
        groups = found.groups()
        word_, number, unit = groups if groups[0] in WORDS else (groups[2], *groups[:2])
        axis, direction = WORDS[word_]
        name = _parameter(axis, numbers)
        if name is None or direction == 0:
            return None
        return name, numbers[name] + direction * _mm(number, unit)
    # "twice as tall", "half as wide", "3 times as long", "double the height", "50% wider"
    found = re.fullmatch(rf"(twice|half|{_NUM} times) as ({word})", text)
    if found:
        factor = {"twice": 2.0, "half": 0.5}.get(found.group(1)) or float(found.group(2))
        return _scaled(found.group(3), factor, numbers)
    found = re.fullmatch(rf"(double|halve|triple) ({word})", text)
    if found:
        return _scaled(found.group(2), {"double": 2.0, "halve": 0.5, "triple": 3.0}[
            found.group(1)], numbers)
    found = re.fullmatch(rf"{_NUM}\s*(?:%|percent) ({word})", text)
    if found:
        axis, direction = WORDS[found.group(2)]
        if direction == 0:
            return None
        return _scaled(found.group(2), 1 + direction * float(found.group(1)) / 100, numbers)
    return None


# a comparative without a value: x1.5, the step finetune/synth/edits.py writes for such
# requests; "a bit" takes a smaller step of our own (the training data uses x1.5 there too)
_VAGUE_STEP = {"": 1.5, "a bit ": 1.2, "a little ": 1.2, "slightly ": 1.2}


def _read_comparative(text: str, numbers: dict[str, float]
                      ) -> tuple[tuple[str, float] | None, str]:
    """(("height", 60.0), "taller") for "taller" on a part with height = 40."""
    qualifiers = "|".join(q for q in _VAGUE_STEP if q)
    word = "|".join(w for w, (_, direction) in WORDS.items() if direction)
    found = re.fullmatch(rf"({qualifiers})?({word})", text)
    if found is None:
        return None, ""
    factor = _VAGUE_STEP[found.group(1) or ""]
    said = found.group(2)
    return _scaled(said, factor if WORDS[said][1] > 0 else 1 / factor, numbers), said


def _scaled(word: str, factor: float, numbers: dict[str, float]) -> tuple[str, float] | None:
    name = _parameter(WORDS[word][0], numbers)
    return None if name is None else (name, numbers[name] * factor)


def _parameter(axis: str, numbers: dict[str, float]) -> str | None:
    """The one parameter that holds `axis`: an exact name ("height", "h"), else the one
    `*_height`; None when there are none or several."""
    lowered = {name.lower(): name for name in numbers}
    exact = [lowered[n] for n in AXIS_NAMES[axis] if n in lowered]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    suffixed = [name for low, name in lowered.items()
                if any(low.endswith("_" + n) for n in AXIS_NAMES[axis][:1])]
    return suffixed[0] if len(suffixed) == 1 else None


def _mm(number: str, unit: str | None) -> float:
    return float(number) * _UNITS.get(unit or "mm", 1.0)


# --------------------------------------------------------------------------- already there

ASKING_KEYS = frozenset({"size", "size_xyz", "dims", "wall", "holes", "openings", "shape",
                         "kind", "param"})
_ADD_MIDDLE = re.compile(r"\badd (?:a|an|one) (?:\w+ )?(hole|bore) (?:in|through|at|down) "
                         r"(?:the )?(middle|center|centre)\b")


def already_there(request: str, report: MeshReport | None) -> str | None:
    """Why the part already has what `request` adds ("add a hole in the middle" when a hole
    runs through the middle), or None. Then the agent asks instead of searching for a part
    that cannot differ from this one."""
    found = _ADD_MIDDLE.search(request.lower())
    if found is None or report is None or report.empty:
        return None
    low, high = report.bounds
    for opening in report.openings:
        axes = [a for a in "xyz" if a != opening.get("axis")]
        centre = [(low["xyz".index(a)] + high["xyz".index(a)]) / 2 for a in axes]
        extent = [report.extents["xyz".index(a)] for a in axes]
        if all(abs(at - c) <= 0.1 * e for at, c, e in zip(opening["at"], centre, extent,
                                                         strict=True)):
            return (f"the part already has a {found.group(1)} through the middle "
                    f"({opening['d']:g} mm across, along {opening['axis'].upper()}); say "
                    f"'add another {found.group(1)}' or give its size or place to change it")
    return None


# a request with one of these asks for a change by its nature (something added, removed,
# moved or replaced): the part before it cannot already be the answer, whatever the checks
# say, because they read sizes and counts, not where a hole is or what replaced what
_CHANGE_WORDS = re.compile(
    r"\b(add|adds|adding|put|give|attach|punch|drill|cut|carve|remove|take|delete|drop|"
    r"another|extra|more|fewer|less|instead|replace|swap|turn|convert|change|move|shift|"
    r"hollow|shell|round|fillet|chamfer|bevel|mirror|rotate|flip)\b")


def already_met(spec: dict, report: MeshReport | None, program: str | None,
                request: str = "", unchecked: Sequence[str] = ()) -> str | None:
    """What the part already is, when it passes every check a follow-up asks for and
    at least one of them asks something of the part (a size, a wall, a kind); else None.
    "make it 40 mm tall" on a part 40 mm tall is then answered without the model. Never
    when part of the request is not checked, or when its words ask for a change."""
    if report is None or report.empty or not ASKING_KEYS & set(spec):
        return None
    if unchecked or _CHANGE_WORDS.search(request.lower()):
        return None
    result = check_spec(spec, report, report, program=program, previous_program=program)
    if not result.passed or result.skipped:
        return None
    asked = sorted({check.key for check in result.checks if check.key in ASKING_KEYS})
    size = " x ".join(f"{v:.1f}" for v in report.extents)
    return (f"the part already meets this ({', '.join(asked)} checked; it is {size} mm): "
            "nothing changed; say what should differ to change it")
