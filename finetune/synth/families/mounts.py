"""Things makers screw down: a fan grill (guard) for the standard fan sizes, a grid of
standoffs for a circuit board, a cable clip with a screw tab."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import Dimension
from finetune.synth.families.flat import holes_np, sample_hole
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.hardware import CLEARANCE
from finetune.synth.scad import Param, as_params, hole_param
from finetune.synth.words import Clause, Words, fmt

# fan size -> distance between its mounting holes (centre to centre, along a side), and the
# screw it takes
FAN_HOLES: dict[int, tuple[float, str]] = {
    40: (32.0, "M3"), 50: (40.0, "M3"), 60: (50.0, "M3"), 70: (60.0, "M4"),
    80: (71.5, "M4"), 92: (82.5, "M4"), 120: (105.0, "M4"), 140: (124.5, "M4"),
}


class FanGrill(Family):
    """A square plate the size of the fan, its corner holes on the fan's hole pattern, and
    a round air opening crossed by concentric rings and spokes, or by parallel bars."""

    name = "fan_grill"
    title = "Fan grill"
    fn = 48
    groups = {"thickness": (("thickness",), 0.4),
              "guard": (("style", "rings", "spokes", "bars"), 0.5)}
    NOUNS = ("fan grill", "fan grille", "fan guard", "finger guard for a fan",
             "PC fan guard", "fan finger guard", "grill for a fan")

    def defaults(self) -> Values:
        return {"fan": 80, "spacing": 71.5, "screw": "M4", "hole_d": 4.5, "thickness": 2.5,
                "style": "rings", "rings": 3, "spokes": 2, "bars": 0, "bar": 2.0}

    def sample(self, rng: Random) -> Values:
        fan = rng.choice(list(FAN_HOLES))
        spacing, screw = FAN_HOLES[fan]
        style = rng.choice(["rings", "rings", "bars"])
        return {"fan": fan, "spacing": spacing, "screw": screw, "hole_d": CLEARANCE[screw],
                "thickness": step(rng, 1.5, 4, 0.5), "style": style,
                "rings": rng.randint(2, 5) if style == "rings" else 0,
                "spokes": rng.choice([2, 3]) if style == "rings" else 0,
                "bars": rng.randint(3, 9) if style == "bars" else 0,
                "bar": rng.choice([1.5, 2.0, 2.0, 2.5])}

    def complete(self, v: Values, said: frozenset[str]) -> Values:
        # the fan size decides the hole pattern; an unsaid guard is rings and spokes
        v["spacing"], v["screw"] = FAN_HOLES[v["fan"]]
        v["hole_d"] = CLEARANCE[v["screw"]]
        if v["style"] == "rings" and not v["rings"]:
            v["rings"], v["spokes"] = 3, 2
        return v

    def opening(self, v: Values) -> float:
        return v["fan"] - 4.0

    def valid(self, v: Values) -> bool:
        o = self.opening(v)
        n = v["rings"] + 1 if v["style"] == "rings" else v["bars"] + 1
        gap = (o / 2 if v["style"] == "rings" else o) / n
        return gap >= v["bar"] + 3

    def params(self, v: Values) -> list[Param]:
        ps = [Param("fan", v["fan"], "fan size"), Param("spacing", v["spacing"], "hole spacing"),
              hole_param(v),
              Param("thickness", v["thickness"]), Param("bar", v["bar"], "guard bar width")]
        if v["style"] == "rings":
            return ps + [Param("rings", v["rings"]), Param("spokes", v["spokes"], "bars across")]
        return ps + [Param("bars", v["bars"])]

    def body(self, v: Values) -> str:
        if v["style"] == "rings":
            guard = ["        for (i = [1 : rings]) difference() {",
                     "            cylinder(r = i * o / 2 / (rings + 1) + bar / 2, h = 9,"
                     " center = true);",
                     "            cylinder(r = i * o / 2 / (rings + 1) - bar / 2, h = 10,"
                     " center = true);", "        }",
                     "        for (a = [0 : spokes - 1]) rotate(a * 180 / spokes)",
                     "            cube([o + 2, bar, 9], center = true);"]
        else:
            guard = ["        for (i = [1 : bars]) translate([i * o / (bars + 1) - o / 2, 0, 0])",
                     "            cube([bar, o + 2, 9], center = true);"]
        return "\n".join([
            "o = fan - 4;  // air opening",
            "difference() {",
            "    translate([-fan / 2, -fan / 2, 0]) cube([fan, fan, thickness]);",
            "    for (x = [-1, 1], y = [-1, 1])",
            "        translate([x * spacing / 2, y * spacing / 2, -1])"
            " cylinder(d = hole_d, h = thickness + 2);",
            "    difference() {",
            "        translate([0, 0, -1]) cylinder(d = o, h = thickness + 2);",
            *guard, "    }", "}"])

    def openings(self, v: Values) -> int:
        if v["style"] == "rings":
            return (v["rings"] + 1) * 2 * v["spokes"]
        return v["bars"] + 1

    def shape(self, v: Values) -> Shape:
        return Shape.upright(float(v["fan"]), v["thickness"], genus=4 + self.openings(v))

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        fan = f"{v['fan']} mm" if w.chance(0.6) else f"{v['fan']}mm"
        clauses = [Clause(adj=[f"for a {fan} fan", f"for {fan} fans", f"to fit a {fan} PC fan",
                               f"sized for a {fan} computer fan"],
                          lead=[fan])]
        if w.chance(0.4):
            # no hole count: the grill's openings are holes too, and "4 holes" reads as 4
            s = w.mm(v["spacing"], cm=False)
            clauses.append(Clause(np=[f"{v['screw']} mounting holes {s} apart",
                                      f"mounting holes on a {s} square",
                                      f"screw holes at {s} spacing for {v['screw']}"]))
        if "thickness" in said:
            t = w.mm(v["thickness"], cm=False)
            clauses.append(Clause(adj=[f"{t} thick"], np=[f"a thickness of {t}"]))
        if "guard" in said:
            if v["style"] == "rings":
                clauses.append(Clause(np=[
                    f"{w.count(v['rings'], 'concentric ring')} and {2 * v['spokes']} spokes",
                    f"{w.number(v['rings'])} rings held by {2 * v['spokes']} spokes"]))
            else:
                clauses.append(Clause(np=[f"{w.count(v['bars'], 'parallel bar')} across the "
                                          "opening", f"{w.count(v['bars'], 'straight bar')}"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        sizes = [f for f in FAN_HOLES if f != v["fan"]]
        fan = w.rng.choice(sizes)
        new = self.complete(dict(v, fan=fan), frozenset())
        out = []
        if self.valid(new):
            out.append(Edit(w.pick([f"make it for a {fan} mm fan", f"I have a {fan} mm fan "
                                    "instead", f"resize it for {fan}mm fans"]), new))
        e = edits.walls(v, w, "thickness", "grill", 1.2, 5)
        if e:
            out.append(e)
        return out


class StandoffGrid(Family):
    """A base plate with standoffs on a board's hole pattern, screw holes through both."""

    name = "standoff_grid"
    title = "PCB mounting plate"
    fn = 32
    groups = {"height": (("standoff_h",), 0.3), "plate": (("thickness",), 0.6)}
    NOUNS = ("PCB mounting plate", "mounting plate with standoffs", "board mounting plate",
             "base plate with standoffs", "PCB base plate", "circuit board mounting plate")
    # board name -> hole spacing (x, y) and screw
    BOARDS = {"Raspberry Pi": (58.0, 49.0, "M2.5"), "Raspberry Pi Zero": (58.0, 23.0, "M2.5")}

    def defaults(self) -> Values:
        return {"board": "", "pitch_x": 58.0, "pitch_y": 49.0, "cols": 2, "rows": 2,
                "screw": "M2.5", "hole_d": 2.9, "standoff_d": 6.0, "standoff_h": 6.0,
                "thickness": 3.0, "margin": 5.0}

    def sample(self, rng: Random) -> Values:
        board = rng.choice(list(self.BOARDS)) if rng.random() < 0.3 else ""
        if board:
            px, py, screw = self.BOARDS[board]
            cols = rows = 2
        else:
            screw = rng.choice(["M2", "M2.5", "M3", "M3"])
            px, py = step(rng, 20, 90), step(rng, 15, 70)
            cols, rows = 2, 2  # larger grids are compositions (finetune/synth/compose)
        hole = CLEARANCE[screw]
        return {"board": board, "pitch_x": px, "pitch_y": py, "cols": cols, "rows": rows,
                "screw": screw, "hole_d": hole, "standoff_d": step(rng, hole + 3, hole + 5, 0.5),
                "standoff_h": step(rng, 3, 15), "thickness": step(rng, 2, 4, 0.5),
                "margin": step(rng, 3, 8)}

    def valid(self, v: Values) -> bool:
        return min(v["pitch_x"], v["pitch_y"]) >= v["standoff_d"] + 3

    def size(self, v: Values) -> tuple[float, float]:
        grow = v["standoff_d"] + 2 * v["margin"]
        return (v["pitch_x"] * (v["cols"] - 1) + grow, v["pitch_y"] * (v["rows"] - 1) + grow)

    def params(self, v: Values) -> list[Param]:
        return [Param("pitch_x", v["pitch_x"], "hole spacing"),
                *as_params(v, "pitch_y", "cols", "rows"), hole_param(v),
                *as_params(v, "standoff_d", "standoff_h"),
                Param("thickness", v["thickness"], "base plate"),
                Param("margin", v["margin"], "plate beyond the standoffs")]

    def body(self, v: Values) -> str:
        return "\n".join([
            "length = (cols - 1) * pitch_x + standoff_d + 2 * margin;",
            "width = (rows - 1) * pitch_y + standoff_d + 2 * margin;",
            "start = standoff_d / 2 + margin;",
            "difference() {",
            "    union() {",
            "        cube([length, width, thickness]);",
            "        for (i = [0 : cols - 1], j = [0 : rows - 1])",
            "            translate([start + i * pitch_x, start + j * pitch_y, 0])",
            "                cylinder(d = standoff_d, h = thickness + standoff_h);",
            "    }",
            "    for (i = [0 : cols - 1], j = [0 : rows - 1])",
            "        translate([start + i * pitch_x, start + j * pitch_y, -1])",
            "            cylinder(d = hole_d, h = thickness + standoff_h + 2);",
            "}"])

    def shape(self, v: Values) -> Shape:
        L, W = self.size(v)
        return Shape((L, W, v["thickness"] + v["standoff_h"]), genus=v["cols"] * v["rows"])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        px, py, screw = fmt(v["pitch_x"]), fmt(v["pitch_y"]), v["screw"]
        d = w.mm(v["standoff_d"], cm=False)
        holes = w.count(4, f"{screw} hole")
        forms = [f"{holes} {px} x {py} mm apart through {d} standoffs",
                 f"{holes} at {px} x {py} mm centres, each through a {d} standoff"]
        if v["board"]:
            forms = [f"{holes} on the {v['board']} pattern ({px} x {py} mm) through {d} "
                     "standoffs", f"{holes} for a {v['board']}, {px} x {py} mm apart, "
                     f"through {d} standoffs"]
        clauses = [Clause(np=forms)]
        if "height" in said:
            h = w.mm(v["standoff_h"], cm=False)
            clauses.append(Clause(np=[f"standoffs {h} above the plate"]))
        if "plate" in said:
            clauses.append(Clause(np=[f"a {w.mm(v['thickness'], cm=False)} base plate"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    resizable = ((Dimension("standoff_h", None, "tall", "taller", "shorter",
                            "standoff height"), 2, 25),)


class CableClip(Family):
    """A snap-in loop for a cable on a flat tab with one screw hole."""

    name = "cable_clip"
    title = "Cable clip"
    fn = 48
    groups = {"width": (("width",), 0.4), "wall": (("wall",), 0.5)}
    NOUNS = ("cable clip", "cable clip with a screw tab", "screw-on cable clip", "wire clip",
             "cable mount", "P clip", "cable holder", "cord clip")

    def defaults(self) -> Values:
        return {"cable_d": 6.0, "wall": 2.0, "width": 10.0, "tab": 10.0, "screw": "M3",
                "hole_d": 3.4}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M3", "M3", "M4"))
        return {"cable_d": step(rng, 3, 16, 0.5), "wall": step(rng, 1.5, 3, 0.5),
                "width": step(rng, 6, 16), "tab": step(rng, hole + 4, hole + 12),
                "screw": screw, "hole_d": hole}

    def valid(self, v: Values) -> bool:
        return v["tab"] >= v["hole_d"] + 4 and v["width"] >= v["hole_d"] + 3

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "cable_d", "wall", "width"),
                Param("tab", v["tab"], "screw tab length"), hole_param(v)]

    def body(self, v: Values) -> str:
        return "\n".join([
            "r = cable_d / 2 + wall;",
            "difference() {",
            "    // the loop and the tab, in XZ, extruded along Y",
            "    rotate([90, 0, 0]) linear_extrude(height = width, center = true)",
            "        difference() {",
            "            union() {",
            "                translate([0, r]) circle(r = r);",
            "                square([r + tab, wall]);",
            "            }",
            "            translate([0, r]) circle(d = cable_d);",
            "            // snap-in gap at the top, 70% of the cable",
            "            translate([-cable_d * 0.35, r]) square([cable_d * 0.7, r + 1]);",
            "        }",
            "    translate([r + tab / 2, 0, -1]) cylinder(d = hole_d, h = wall + 2);",
            "}"])

    def shape(self, v: Values) -> Shape:
        r = v["cable_d"] / 2 + v["wall"]
        top = r + math.sqrt(r * r - (v["cable_d"] * 0.35) ** 2)
        x, y = 2 * r + v["tab"], v["width"]
        return Shape((x, y, top), genus=1, ranges=((x - 0.4, x + 0.4), (y - 0.3, y + 0.3),
                                                   (top - 1.0, top + 0.4)))

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        c = w.mm(v["cable_d"], cm=False)
        clauses = [Clause(adj=[f"for a {c} cable", f"that holds a {c} cable",
                               f"for {c} wire"], np=[f"a {c} loop for the cable"], lead=[c])]
        clauses.append(Clause(np=[holes_np(w, 1, v["screw"], v["hole_d"], "in the tab",
                                           w.chance(0.7)),
                                  f"a tab with a {v['screw'] or fmt(v['hole_d']) + ' mm'} "
                                  "screw hole"]))
        if "width" in said:
            clauses.append(Clause(adj=[f"{w.mm(v['width'], cm=False)} wide"]))
        if "wall" in said:
            clauses.append(Clause(np=[f"{w.mm(v['wall'], cm=False)} walls"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        new = dict(v, cable_d=v["cable_d"] + w.rng.choice([1, 2, 3]))
        c = w.mm(new["cable_d"], cm=False)
        out = [Edit(w.pick([f"make it fit a {c} cable", f"the cable is {c}, make the loop "
                            "bigger", f"cable diameter {c}"]), new)]
        return out + self.valid_edits(edits.bigger_holes(v, w))
