"""How every synthetic program is written: one house style for all families.

A header comment naming the part, named parameters one per line (millimetres), `$fn`, a
blank line, then the geometry indented by four spaces. Every number parameter carries an
OpenSCAD customizer range (`height = 20; // [5:1:80]`) so that a customizer (the web demo's
sliders) can offer it; a note about a parameter goes on the line above it, where the
customizer shows it as the parameter's description. Through-holes
always use the same idiom, `translate([x, y, -1]) cylinder(d = hole_d, h = thickness + 2)`,
so they pass both faces. The small model learns one consistent style far faster than many.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from finetune.synth.words import fmt
from tools.scad_text import string_literal

INDENT = "    "


@dataclass(frozen=True)
class Param:
    name: str
    value: float | int | str
    comment: str | None = None


class Expr(float):
    """A value the program writes as arithmetic on an earlier one ("57 / 2").

    An edit like "halve the height" then asks the model to copy a number and append an
    operator, which a small model learns, instead of dividing, which it does not; OpenSCAD
    does the arithmetic. It is a float, so shapes and specs compute with the value."""

    text: str

    def __new__(cls, value: float, text: str) -> Expr:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


def literal(value: float | int | str) -> str:
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, str):
        return string_literal(value)  # the one writer OpenSCAD reads back (tools/scad_text)
    return fmt(float(value))


# parameters that count things (holes, teeth, ...) get whole-number sliders
COUNT_SUFFIXES = ("holes", "teeth", "slots", "grips", "cols", "rows", "compartments", "count",
                  "rings", "spokes", "bars")


def is_count(name: str) -> bool:
    return name.endswith(COUNT_SUFFIXES)


def slider_range(value: float, count: bool = False) -> tuple[float, float, float]:
    """(min, step, max) of a customizer slider around a value: a quarter to four times it, on
    a step that the value itself lies on. Wide, because a follow-up that patches the value
    keeps the line's range (a relative edit doubles or halves, a chain does it twice)."""
    if count:
        n = int(value)
        return float(min(n, max(2, n // 3))), 1.0, float(max(n * 3, n + 4))
    v = float(value)
    if v <= 0:
        return 0.0, 1.0, 10.0
    step = 1.0 if v.is_integer() and v >= 10 else 0.5 if (v * 2).is_integer() else 0.1
    low = max(step, math.floor(v / 4 / step) * step)
    high = math.ceil(v * 4 / step) * step
    return round(low, 3), step, round(high, 3)


def range_comment(name: str, value: float | int | str) -> str | None:
    """`[min:step:max]` for a number; None for a string (the customizer shows a text box)."""
    if isinstance(value, str):
        return None
    low, step, high = slider_range(value, is_count(name))
    return f"[{fmt(low)}:{fmt(step)}:{fmt(high)}]"


def render(title: str, params: Sequence[Param], body: str, fn: int | None = 48) -> str:
    """The whole program text (ends with a newline)."""
    lines = [f"// {title}"]
    for p in params:
        if p.comment:
            lines.append(f"// {p.comment}")
        line = f"{p.name} = {literal(p.value)};"
        slider = range_comment(p.name, p.value)
        if slider:
            line += f" // {slider}"
        lines.append(line)
    if fn:
        lines.append(f"$fn = {fn};")
    lines.append("")
    lines.append(body.strip("\n"))
    return "\n".join(lines) + "\n"


def revolve(*lines: str) -> str:
    """A closed profile turned about Z (its x is the radius). `lines` hold the polygon's
    points, a few to a line, as the program shows them."""
    return "rotate_extrude()\n    polygon([" + ",\n             ".join(lines) + "]);"


def indent(text: str, levels: int = 1) -> str:
    pad = INDENT * levels
    return "\n".join(pad + line if line else line for line in text.strip("\n").splitlines())


def as_params(v: Mapping[str, Any], *names: str) -> list[Param]:
    """The named design values as parameters of the same names, without notes."""
    return [Param(name, v[name]) for name in names]


def hole_param(v: Mapping[str, Any]) -> Param:
    """The screw-hole diameter, with the screw it clears as its note (none for a bare size)."""
    screw = v["screw"]
    return Param("hole_d", v["hole_d"], f"{screw} clearance" if screw else None)
