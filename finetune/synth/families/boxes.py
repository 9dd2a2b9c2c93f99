"""Hollow boxes: open-top box / tray, and an enclosure with a separate lid (two bodies)."""

from __future__ import annotations

from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, LENGTH, WIDTH
from finetune.synth.families.basic import size_clause
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, as_params
from finetune.synth.words import Clause, Words

BOX_CUT = (
    "difference() {\n"
    "    cube([length, width, height]);\n"
    "    translate([wall, wall, bottom]) cube([length - 2 * wall, width - 2 * wall, height]);\n"
    "}"
)


def shell_wall_clause(w: Words, wall: float) -> Clause:
    """The short wording for the wall of a round shell (cap, funnel, clip, adapter)."""
    return Clause(np=[f"{w.mm(wall)} walls", f"a {w.mm(wall)} wall"])


def wall_clause(w: Words, wall: float) -> Clause:
    t = w.mm(wall)
    return Clause(np=[f"{t} walls", f"{t} thick walls", f"a wall thickness of {t}",
                      f"{t} wall thickness", f"walls {t} thick"],
                  adj=[f"{t} walls", f"wall thickness {t}", f"{t} thick walls all round"])


def box_clauses(v: Values, said: frozenset[str], w: Words) -> list[Clause]:
    """The outer size and the wall of a box, where the description says them."""
    clauses: list[Clause] = []
    if "size" in said:
        clauses.append(size_clause(w, v["length"], v["width"], v["height"],
                                   w.pick(["tall", "high", "deep"])))
    if "wall" in said:
        clauses.append(wall_clause(w, v["wall"]))
    return clauses


def sample_box(rng: Random, lo: float = 20, hi: float = 150) -> Values:
    L = step(rng, lo, hi, 5) if rng.random() < 0.7 else step(rng, lo, hi)
    W = step(rng, lo, min(hi, L), 5)
    return {"length": L, "width": W, "height": step(rng, 10, 80, 5),
            "wall": rng.choice([1.2, 1.5, 2.0, 2.0, 2.0, 2.5, 3.0, 4.0])}


class OpenBox(Family):
    name = "open_box"
    title = "Open-top box"
    fn = None
    groups = {"size": (("length", "width", "height"), 0.05), "wall": (("wall",), 0.2),
              "bottom": (("bottom",), 0.8)}
    NOUNS = ("open-top box", "open box", "box without a lid", "open-topped box",
             "storage box", "bin", "container", "box with no lid", "lidless box", "open tray")

    def defaults(self) -> Values:
        return {"length": 100.0, "width": 60.0, "height": 40.0, "wall": 2.0, "bottom": None}

    def sample(self, rng: Random) -> Values:
        v = sample_box(rng)
        v["bottom"] = rng.choice([1.5, 2.0, 3.0, 4.0])
        return v

    def complete(self, v: Values, said: frozenset[str]) -> Values:
        if v["bottom"] is None:
            v["bottom"] = v["wall"]
        return v

    def valid(self, v: Values) -> bool:
        return min(v["length"], v["width"]) >= 4 * v["wall"] + 5 and v["height"] > v[
            "bottom"] + 3

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "length", "width", "height", "wall"),
                Param("bottom", v["bottom"], "floor thickness")]

    def body(self, v: Values) -> str:
        return BOX_CUT

    def shape(self, v: Values) -> Shape:
        L, W, H, t, b = v["length"], v["width"], v["height"], v["wall"], v["bottom"]
        return Shape((L, W, H), genus=0,
                     volume=L * W * H - (L - 2 * t) * (W - 2 * t) * (H - b), volume_tol=0.01)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        noun = w.pick(self.NOUNS)
        if v["height"] <= min(v["length"], v["width"]) / 3 and w.chance(0.5):
            noun = w.pick(["tray", "shallow tray", "open tray", "organizer tray",
                           "organiser tray"])
        clauses = box_clauses(v, said, w)
        if "bottom" in said:
            f = w.mm(v["bottom"])
            clauses.append(Clause(np=[f"a {f} floor", f"a {f} thick bottom", f"a {f} base"]))
        return w.compose(noun, clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 10, 150), edits.resize(v, LENGTH, w, 20, 200),
               edits.resize(v, WIDTH, w, 20, 150)]
        for edit in (edits.walls(v, w), edits.walls(v, w, "bottom", "floor", 1, 8)):
            if edit:
                out.append(edit)
        return out


class Enclosure(Family):
    name = "enclosure"
    title = "Enclosure with separate lid"
    fn = None
    groups = {"size": (("length", "width", "height"), 0.1), "wall": (("wall",), 0.2)}
    NOUNS = ("enclosure", "rectangular enclosure", "project box", "electronics enclosure",
             "box", "case", "electronics box", "enclosure box", "storage box")
    LID = ("with a separate lid", "and a separate lid", "with a lid printed separately",
           "with a removable lid", "plus a lid", "with a matching lid", "and its lid",
           "with a lid (separate part)", "with a friction-fit lid", "and a snug lid")

    def defaults(self) -> Values:
        return {"length": 80.0, "width": 60.0, "height": 30.0, "wall": 2.0}

    def sample(self, rng: Random) -> Values:
        return sample_box(rng, 30, 150)

    def valid(self, v: Values) -> bool:
        return min(v["length"], v["width"]) >= 4 * v["wall"] + 10 and v["height"] >= 10

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "length", "width", "height", "wall"),
                Param("lip", 3, "lid lip depth"), Param("fit", 0.3, "lid clearance"),
                Param("gap", 10, "lid is printed beside the box")]

    def body(self, v: Values) -> str:
        return ("// box\n"
                "difference() {\n"
                "    cube([length, width, height]);\n"
                "    translate([wall, wall, wall]) cube([length - 2 * wall, width - 2 * wall,"
                " height]);\n"
                "}\n"
                "// lid\n"
                "translate([0, width + gap, 0]) {\n"
                "    cube([length, width, wall]);\n"
                "    translate([wall + fit, wall + fit, 0])\n"
                "        cube([length - 2 * (wall + fit), width - 2 * (wall + fit), wall + lip]);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        L, W, H, t = v["length"], v["width"], v["height"], v["wall"]
        box = L * W * H - (L - 2 * t) * (W - 2 * t) * (H - t)
        lid = L * W * t + (L - 2 * (t + 0.3)) * (W - 2 * (t + 0.3)) * 3
        return Shape((L, 2 * W + 10, H), genus=0, bodies=2, volume=box + lid, volume_tol=0.01)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses = box_clauses(v, said, w)
        lid = w.pick(self.LID)
        if w.chance(0.5):
            noun = f"{w.pick(self.NOUNS)} {lid}"
            return w.compose(noun, clauses, lead_ok=True)
        clauses.append(Clause(np=[lid.split(" ", 1)[1] if lid.startswith(("with", "and"))
                                  else "a lid"]))
        return w.compose(w.pick(self.NOUNS), clauses)

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 10, 120), edits.resize(v, LENGTH, w, 20, 200)]
        wall = edits.walls(v, w, lo=1.2, hi=5)
        return out + [wall] if wall else out
