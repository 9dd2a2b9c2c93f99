"""How every synthetic program is written: one house style for all families.

A header comment naming the part, named parameters one per line (customizer-friendly,
millimetres), `$fn`, a blank line, then the geometry indented by four spaces. Through-holes
always use the same idiom, `translate([x, y, -1]) cylinder(d = hole_d, h = thickness + 2)`,
so they pass both faces. The small model learns one consistent style far faster than many.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from finetune.synth.words import fmt

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
        return json.dumps(value)
    return fmt(float(value))


def render(title: str, params: Sequence[Param], body: str, fn: int | None = 48) -> str:
    """The whole program text (ends with a newline)."""
    lines = [f"// {title}"]
    for p in params:
        line = f"{p.name} = {literal(p.value)};"
        if p.comment:
            line += f" // {p.comment}"
        lines.append(line)
    if fn:
        lines.append(f"$fn = {fn};")
    lines.append("")
    lines.append(body.strip("\n"))
    return "\n".join(lines) + "\n"


def indent(text: str, levels: int = 1) -> str:
    pad = INDENT * levels
    return "\n".join(pad + line if line else line for line in text.strip("\n").splitlines())


def hole_comment(screw: str | None) -> str | None:
    return f"{screw} clearance" if screw else None
