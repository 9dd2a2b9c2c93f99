"""A composed part: a base and its operations, written as one clean OpenSCAD program.

Layout (the house style of finetune/synth/scad.py): a header comment naming the part,
one customizer parameter per line with its slider range, `$fn`, then the geometry: the
base and anything added, minus everything cut, each operation under a comment saying
what it is for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from finetune.synth.compose.bases import Base
from finetune.synth.compose.ops import Frame, HoleFact, Op, Rect
from finetune.synth.scad import INDENT, Param, is_count, literal
from finetune.synth.words import fmt

# slider steps, coarsest first: the step is the coarsest the value lies on
STEPS = (1.0, 0.5, 0.1, 0.05, 0.01)


def slider(value: float, count: bool = False, angle: bool = False) -> str:
    """`[min:step:max]` around a value: a quarter to four times it, on a grid it lies on
    (an inch size like 19.05 gets a 0.05 step; 3.4 a 0.1 step)."""
    if angle:
        return "[5:5:360]"
    if count:
        n = int(value)
        return f"[{min(n, max(2, n // 3))}:1:{max(n * 3, n + 4)}]"
    v = float(value)
    step = next(s for s in STEPS if abs(v / s - round(v / s)) < 1e-6)
    if step == 1.0 and v < 10:
        step = 0.5  # small whole values get a finer slider
    low = max(step, math.floor(v / 4 / step) * step)
    high = math.ceil(v * 4 / step) * step
    return f"[{fmt(round(low, 3))}:{fmt(step)}:{fmt(round(high, 3))}]"


def render(title: str, params: Sequence[Param], body: list[str], fn: int | None) -> str:
    lines = [f"// {title}"]
    for p in params:
        if p.comment:
            lines.append(f"// {p.comment}")
        rng = slider(float(p.value), is_count(p.name), p.name == "angle")
        lines.append(f"{p.name} = {literal(p.value)}; // {rng}")
    if fn:
        lines.append(f"$fn = {fn};")
    return "\n".join(lines + [""] + body) + "\n"


def _block(lines: list[str], levels: int = 1) -> list[str]:
    return [INDENT * levels + line if line else line for text in lines
            for line in text.split("\n")]


@dataclass
class Composition:
    title: str
    noun: str
    base: Base
    ops: list[Op] = field(default_factory=list)
    purpose: str | None = None
    fn: int = 32

    def params(self) -> list[Param]:
        return self.base.params() + [p for op in self.ops for p in op.params()]

    def body(self) -> list[str]:
        f = self.base.frame()
        solid = list(self.base.solid())
        for op in self.ops:
            if op.solid(f):
                solid += [f"// {op.label.lower()}", *op.solid(f)]
        cuts = list(self.base.cut())
        if cuts:
            cuts.insert(0, "// centre hole" if self.base.kind != "profile" else "// holes")
        for op in self.ops:
            if op.cut(f):
                cuts += [f"// {op.label.lower()}", *op.cut(f)]
        added = len([op for op in self.ops if op.solid(f)]) > 0
        if added:
            solid = ["union() {", *_block(solid), "}"]
        if not cuts:
            return solid
        return ["difference() {", *_block(solid), *_block(cuts), "}"]

    def program(self) -> str:
        text = "\n".join(self.body())
        round_ = any(k in text for k in ("cylinder", "circle", "rotate_extrude"))
        return render(self.title, self.params(), self.body(), self.fn if round_ else None)

    def facts(self) -> list[float]:
        return self.base.facts() + [x for op in self.ops for x in op.facts()]

    def holes(self) -> list[HoleFact]:
        return self.base.holes() + [h for op in self.ops for h in op.holes()]

    def fits(self) -> bool:
        """Every operation fits the base and none overlaps another (1.5 mm apart)."""
        f = self.base.frame()
        claimed = [list(self.base.occupied())]
        for op in self.ops:
            if not op.fits(f):
                return False
            rects = op.footprint(f)
            if not all(self.base.inside(r) for r in rects if not _spans(r, f)):
                return False
            claimed.append(rects)
        for i, group in enumerate(claimed):
            for other in claimed[i + 1:]:
                if any(_near(a, b) for a in group for b in other):
                    return False
        return True


def _spans(rect: Rect, f: Frame) -> bool:
    """A rib or cross hole runs end to end on purpose."""
    return rect[0] <= 0 and rect[2] >= f.length


def _near(a: Rect, b: Rect) -> bool:
    gap = 1.5
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1]
                or b[3] + gap <= a[1])
