"""Angle brackets: plain L bracket and shelf bracket with gussets."""

from __future__ import annotations

from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, LENGTH, Dimension
from finetune.synth.families.basic import polygon_area
from finetune.synth.families.flat import HOLE_NOUNS, hole_size_words, holes_np, sample_hole
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, as_params, hole_param
from finetune.synth.words import Clause, Words, fmt

LEG_THICKNESS = Dimension("thickness", None, "thick", "thicker", "thinner", "thickness")


def split_holes(total: int) -> tuple[int, int]:
    """How a total hole count is shared between the base and the upright leg."""
    return (total + 1) // 2, total // 2


class LBracket(Family):
    name = "l_bracket"
    title = "L bracket"
    fn = 32
    gussets = False
    groups = {"size": (("length", "height", "width", "thickness"), 0.3),
              "hole": (("screw", "hole_d"), 0.2),
              "holes": (("base_holes", "wall_holes", "hole_mode"), 0.1)}

    def defaults(self) -> Values:
        return {"length": 40.0, "height": 40.0, "width": 20.0, "thickness": 4.0,
                "base_holes": 1, "wall_holes": 1, "hole_mode": "total", "screw": "M3",
                "hole_d": 3.4}

    def sample(self, rng: Random) -> Values:
        screw, hole_d = sample_hole(rng, ("M3", "M3", "M4", "M4", "M5", "M6", "M2.5"))
        leg = step(rng, 20, 80, 5)
        v: Values = {"length": leg if rng.random() < 0.5 else step(rng, 15, 80, 5),
                     "height": leg, "width": step(rng, 10, 40, 5) if rng.random() < 0.7 else
                     step(rng, 10, 40), "thickness": step(rng, 2, 6, 0.5),
                     "screw": screw, "hole_d": hole_d}
        mode = rng.choices(["total", "each", "explicit"], weights=[0.6, 0.25, 0.15])[0]
        if mode == "total":
            v["base_holes"], v["wall_holes"] = split_holes(rng.randint(1, 4))
        elif mode == "each":
            v["base_holes"] = v["wall_holes"] = rng.randint(1, 2)
        else:
            v["base_holes"], v["wall_holes"] = rng.randint(0, 3), rng.randint(1, 3)
        v["hole_mode"] = mode
        return v

    def valid(self, v: Values) -> bool:
        d, t = v["hole_d"], v["thickness"]
        free_w = v["width"] - (2 * t if self.gussets else 0)
        if free_w < d + 4:
            return False
        for leg, n in ((v["length"], v["base_holes"]), (v["height"], v["wall_holes"])):
            if n and (leg - t) / (n + 1) < d + 2:
                return False
        return v["base_holes"] + v["wall_holes"] > 0

    def params(self, v: Values) -> list[Param]:
        ps = [Param("length", v["length"], "base leg"),
              Param("height", v["height"], "upright leg"),
              *as_params(v, "width", "thickness")]
        # a leg without holes has no count at all: `for (i = [1 : 0])` would run backwards
        if v["base_holes"]:
            ps.append(Param("base_holes", v["base_holes"]))
        if v["wall_holes"]:
            ps.append(Param("wall_holes", v["wall_holes"]))
        return ps + [hole_param(v)]

    def body(self, v: Values) -> str:
        lines = ["difference() {", "    union() {",
                 "        cube([length, width, thickness]);",
                 "        cube([thickness, width, height]);"]
        if self.gussets:
            lines += ["        for (y = [0, width - thickness])",
                      "            translate([0, y, 0]) hull() {",
                      "                cube([length, thickness, thickness]);",
                      "                cube([thickness, thickness, height]);",
                      "            }"]
        lines.append("    }")
        if v["base_holes"]:
            lines += ["    for (i = [1 : base_holes])",
                      "        translate([thickness + i * (length - thickness) / (base_holes + 1),"
                      " width / 2, -1])",
                      "            cylinder(d = hole_d, h = thickness + 2);"]
        if v["wall_holes"]:
            lines += ["    for (i = [1 : wall_holes])",
                      "        translate([-1, width / 2, thickness + i * (height - thickness) /"
                      " (wall_holes + 1)])",
                      "            rotate([0, 90, 0]) cylinder(d = hole_d, h = thickness + 2);"]
        lines.append("}")
        return "\n".join(lines)

    def shape(self, v: Values) -> Shape:
        L, H, W, t = v["length"], v["height"], v["width"], v["thickness"]
        n = v["base_holes"] + v["wall_holes"]
        volume = None
        if not self.gussets:
            volume = (L * W * t + t * W * (H - t)
                      - n * polygon_area(v["hole_d"], self.fn or 32) * t)
        return Shape((L, W, H), genus=n, volume=volume)

    NOUNS = ("L bracket", "L bracket", "L-bracket", "angle bracket", "bracket", "bracket",
             "right-angle bracket", "90 degree bracket", "L-shaped bracket", "corner bracket",
             "angle iron", "mounting bracket")

    def noun(self, w: Words) -> str:
        return w.pick(self.NOUNS)

    def size_clause(self, v: Values, w: Words) -> tuple[Clause, str]:
        L, H, W, t = v["length"], v["height"], v["width"], v["thickness"]
        if L == H:
            legs = w.pick([f"{w.mm(L)} legs", f"legs {w.mm(L)} long", f"{w.mm(L)} long legs",
                           f"two {w.mm(L)} legs", f"arms of {w.mm(L)}"])
        else:
            legs = w.pick([f"a {w.mm(L)} base and a {w.mm(H)} upright",
                           f"a {w.mm(L)} base leg and a {w.mm(H)} vertical leg",
                           f"legs of {fmt(L)} and {w.mm(H)}", f"a {w.mm(H)} tall upright and a "
                           f"{w.mm(L)} long base"])
        rest = w.pick([f"{w.mm(W)} wide and {w.mm(t)} thick", f"{w.mm(t)} thick, {w.mm(W)} wide",
                       f"{w.mm(W)} wide, {w.mm(t)} material"])
        return Clause(np=[legs], adj=[f"{fmt(L)} x {fmt(H)} mm", w.dims([L, H])],
                      lead=[w.dims([L, H])]), rest

    def holes_clause(self, v: Values, said: frozenset[str], w: Words) -> Clause | None:
        if "holes" not in said:
            return None
        b, u, screw, d = v["base_holes"], v["wall_holes"], v["screw"], v["hole_d"]
        sized = "hole" in said
        mode = v["hole_mode"]
        if mode == "each":
            pre, post = hole_size_words(w, screw, d) if sized else ("", "")
            noun = w.pick(HOLE_NOUNS)
            one = w.count(b, pre + noun, pre + noun + "s")
            place = w.pick(["in each leg", "on each leg", "per leg", "on each side",
                            "in each arm", "per side"])
            return Clause(np=[f"{one}{post} {place}", f"{one} {place}{post}"])
        if mode == "explicit":
            base = w.pick(["the base", "the bottom leg", "the horizontal leg", "the base leg"])
            up = w.pick(["the upright", "the vertical leg", "the wall leg", "the upright leg"])
            pre, post = hole_size_words(w, screw, d) if sized else ("", "")
            noun = w.pick(HOLE_NOUNS)
            parts = []
            if b:
                parts.append(f"{w.count(b, pre + noun, pre + noun + 's')} in {base}")
            parts.append(f"{w.count(u, pre + noun, pre + noun + 's')} in {up}")
            return Clause(np=[" and ".join(parts) + post])
        return Clause(np=[holes_np(w, b + u, screw, d, "", sized)])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "size" in said:
            size, rest = self.size_clause(v, w)
            clauses.append(size)
            clauses.append(Clause(adj=[rest]))
        holes = self.holes_clause(v, said, w)
        if holes:
            clauses.append(holes)
        return w.compose(self.noun(w), clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 15, 150), edits.resize(v, LENGTH, w, 15, 150),
               edits.resize(v, LEG_THICKNESS, w, 2, 10)]
        n = dict(v, base_holes=v["base_holes"] + 1, wall_holes=v["wall_holes"] + 1,
                 hole_mode="total")
        if self.valid(n):
            out.append(Edit(w.pick(["add one more hole to each leg", "add another hole in each "
                                    "leg", "add two more holes, one per leg",
                                    "one extra hole on each side"]), n))
        return out + self.valid_edits(edits.bigger_holes(v, w))


class ShelfBracket(LBracket):
    name = "shelf_bracket"
    title = "Shelf bracket"
    gussets = True
    groups = {"size": (("length", "height", "width", "thickness"), 0.25),
              "hole": (("screw", "hole_d"), 0.35),
              "holes": (("base_holes", "wall_holes", "hole_mode"), 0.15)}
    NOUNS = ("shelf bracket", "shelf bracket", "shelf support", "bracket with a gusset",
             "gusseted shelf bracket", "shelf bracket with gussets", "braced shelf bracket",
             "reinforced L bracket", "shelf holder")

    def defaults(self) -> Values:
        return {"length": 80.0, "height": 80.0, "width": 30.0, "thickness": 5.0,
                "base_holes": 1, "wall_holes": 1, "hole_mode": "total", "screw": "M4",
                "hole_d": 4.5}

    def sample(self, rng: Random) -> Values:
        v = super().sample(rng)
        leg = step(rng, 50, 150, 10)
        v["length"] = leg if rng.random() < 0.6 else step(rng, 40, 150, 10)
        v["height"] = leg
        v["width"] = step(rng, 20, 40, 5)
        v["thickness"] = step(rng, 3, 6, 0.5)
        return v
