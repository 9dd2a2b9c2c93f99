"""Mechanical parts: spur gear, pulley, flange, knob."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, THICKNESS, WIDTH_Z
from finetune.synth.families.flat import holes_np, sample_hole
from finetune.synth.families.round import height_clause
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, as_params, hole_param, revolve
from finetune.synth.words import Clause, Words

BORE_CUT = "    translate([0, 0, -1]) cylinder(d = bore, h = {h} + 2);"


def bore_words(w: Words, bore: float) -> Clause:
    b = w.mm(bore, cm=False)
    return Clause(np=[f"a {b} bore", f"a {b} center hole", f"a {b} shaft hole",
                      f"a {b} hole for the shaft", f"a {b} axle hole", f"a {b} bore hole"],
                  adj=[f"for a {b} shaft", f"bored {b}", f"with a {b} bore"])


class Gear(Family):
    name = "gear"
    title = "Spur gear"
    fn = 48
    groups = {"bore": (("bore",), 0.15), "thickness": (("thickness",), 0.2)}
    NOUNS = ("spur gear", "spur gear", "gear", "gear wheel", "cog", "cogwheel", "toothed gear")

    def defaults(self) -> Values:
        return {"teeth": 24, "outer_d": 52.0, "thickness": 6.0, "bore": 6.0}

    def sample(self, rng: Random) -> Values:
        teeth = rng.randint(8, 40)
        module = rng.choice([1.0, 1.25, 1.5, 2.0, 2.5, 3.0])
        od = float(round((teeth + 2) * module))
        if rng.random() < 0.4:
            od = step(rng, 20, 100, 5)
        return {"teeth": teeth, "outer_d": od, "thickness": step(rng, 3, 15),
                "bore": float(rng.choice([3, 4, 5, 5, 6, 8, 10, 12]))}

    def module(self, v: Values) -> float:
        return v["outer_d"] / (v["teeth"] + 2)

    def valid(self, v: Values) -> bool:
        m = self.module(v)
        root = (v["teeth"] - 2.5) * m
        return 0.8 <= m <= 4 and v["bore"] <= root - 6

    def params(self, v: Values) -> list[Param]:
        return as_params(v, "teeth", "outer_d", "thickness", "bore")

    def body(self, v: Values) -> str:
        return ("mod = outer_d / (teeth + 2);\n"
                "difference() {\n"
                "    linear_extrude(height = thickness) union() {\n"
                "        circle(d = (teeth - 2.5) * mod);\n"
                "        for (i = [0 : teeth - 1])\n"
                "            rotate(i * 360 / teeth)\n"
                "                polygon([[-0.8 * mod, (teeth - 3) * mod / 2],"
                " [0.8 * mod, (teeth - 3) * mod / 2],\n"
                "                         [0.4 * mod, outer_d / 2], [-0.4 * mod, outer_d / 2]]);\n"
                "    }\n"
                + BORE_CUT.format(h="thickness") + "\n}")

    def shape(self, v: Values) -> Shape:
        od, z = v["outer_d"], v["teeth"]
        lo = od * math.cos(math.pi / z) - 0.5  # odd tooth counts put a gap opposite a tip
        return Shape.upright(od, v["thickness"], genus=1,
                             ranges=((lo, od + 0.5), (lo, od + 0.5),
                                     (v["thickness"] - 0.2, v["thickness"] + 0.2)))

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        teeth = Clause(np=[f"{v['teeth']} teeth", f"{w.number(v['teeth'])} teeth"],
                       lead=[f"{v['teeth']}-tooth", f"{v['teeth']} tooth", f"{v['teeth']}T"])
        od = w.mm(v["outer_d"])
        size = Clause(adj=[f"about {od} over the tips", f"{od} outside diameter", f"{od} across",
                           f"{od} in diameter", f"roughly {od} in diameter"],
                      np=[f"an outer diameter of {od}", f"a {od} outside diameter",
                          f"a tip diameter of {od}"])
        clauses = [teeth, size]
        if "thickness" in said:
            clauses.append(height_clause(w, v["thickness"], ("thick", "wide"), "thickness"))
        if "bore" in said:
            clauses.append(bore_words(w, v["bore"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, THICKNESS, w, 2, 20)]
        new = v["bore"] + w.rng.choice([1, 2, 3])
        n = dict(v, bore=new)
        if self.valid(n):
            out.append(Edit(w.pick([f"make the bore {w.mm(new)}", "make the hole bigger",
                                    f"change the bore to {w.mm(new)}",
                                    f"the shaft is {w.mm(new)}, enlarge the bore"]), n))
        return out


class Pulley(Family):
    name = "pulley"
    title = "Pulley"
    fn = 64
    groups = {"bore": (("bore",), 0.15)}
    NOUNS = ("pulley", "pulley", "V-groove pulley", "belt pulley", "grooved pulley",
             "pulley wheel", "rope pulley", "idler pulley")

    def defaults(self) -> Values:
        return {"outer_d": 30.0, "width": 10.0, "groove": 3.0, "bore": 5.0}

    def sample(self, rng: Random) -> Values:
        od = step(rng, 15, 100)
        return {"outer_d": od, "width": step(rng, 5, 20), "groove": step(rng, 1, 6, 0.5),
                "bore": float(rng.choice([3, 4, 5, 6, 8, 10]))}

    def valid(self, v: Values) -> bool:
        return (v["outer_d"] / 2 - v["groove"] >= v["bore"] / 2 + 2.5
                and v["width"] >= 2 * v["groove"] * 0.5 + 3)

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "outer_d", "width"),
                Param("groove", v["groove"], "depth of the V groove"), Param("bore", v["bore"])]

    def body(self, v: Values) -> str:
        return revolve("[bore / 2, 0], [outer_d / 2, 0], [outer_d / 2, 1]",
                       "[outer_d / 2 - groove, width / 2], [outer_d / 2, width - 1]",
                       "[outer_d / 2, width], [bore / 2, width]")

    def shape(self, v: Values) -> Shape:
        return Shape.upright(v["outer_d"], v["width"], genus=1)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses = [w.diameter(v["outer_d"]),
                   height_clause(w, v["width"], ("wide", "thick"), "width"),
                   Clause(np=[f"a {w.mm(v['groove'])} deep V groove",
                              f"a V-groove {w.mm(v['groove'])} deep",
                              f"a groove depth of {w.mm(v['groove'])}"])]
        if "bore" in said:
            clauses.append(bore_words(w, v["bore"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    resizable = ((WIDTH_Z, 5, 30),)


class Flange(Family):
    name = "flange"
    title = "Flange"
    fn = 48
    groups = {"hole": (("screw", "hole_d"), 0.2), "hub": (("hub_d", "hub_h"), 0.0)}
    NOUNS = ("flange", "flange", "mounting flange", "pipe flange", "round flange",
             "bolt flange", "shaft flange", "flange plate")

    def defaults(self) -> Values:
        return {"flange_d": 60.0, "thickness": 5.0, "bore": 20.0, "holes": 4,
                "bolt_circle": 45.0, "screw": "M4", "hole_d": 4.5, "hub_d": 0.0, "hub_h": 0.0}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M3", "M4", "M4", "M5", "M6", "M8"))
        fd = step(rng, 30, 150, 5)
        bore = step(rng, 4, fd / 2)
        v: Values = {"flange_d": fd, "thickness": step(rng, 3, 12), "bore": bore,
                     "holes": rng.choice([3, 4, 4, 6, 8]), "screw": screw, "hole_d": hole,
                     "bolt_circle": 0.0, "hub_d": 0.0, "hub_h": 0.0}
        if rng.random() < 0.4:
            v["hub_d"] = step(rng, bore + 6, fd * 0.6)
            v["hub_h"] = step(rng, v["thickness"] + 5, v["thickness"] + 30)
        v["bolt_circle"] = step(rng, v["flange_d"] * 0.6, v["flange_d"] * 0.8)
        return v

    def valid(self, v: Values) -> bool:
        d, fd, bc = v["hole_d"], v["flange_d"], v["bolt_circle"]
        inner = max(v["bore"], v["hub_d"])
        return (bc + d + 4 <= fd and bc - d - 4 >= inner
                and math.pi * bc / v["holes"] >= d + 3
                and (not v["hub_d"] or v["hub_d"] >= v["bore"] + 5))

    def params(self, v: Values) -> list[Param]:
        ps = as_params(v, "flange_d", "thickness", "bore")
        if v["hub_d"]:
            ps += [Param("hub_d", v["hub_d"]), Param("hub_h", v["hub_h"], "total height")]
        ps += [*as_params(v, "holes", "bolt_circle"), hole_param(v)]
        return ps

    def body(self, v: Values) -> str:
        if v["hub_d"]:
            solid = ("    union() {\n"
                     "        cylinder(d = flange_d, h = thickness);\n"
                     "        cylinder(d = hub_d, h = hub_h);\n"
                     "    }")
            top = "hub_h"
        else:
            solid, top = "    cylinder(d = flange_d, h = thickness);", "thickness"
        return ("difference() {\n" + solid + "\n" + BORE_CUT.format(h=top) + "\n"
                "    for (i = [0 : holes - 1])\n"
                "        rotate([0, 0, i * 360 / holes]) translate([bolt_circle / 2, 0, -1])\n"
                "            cylinder(d = hole_d, h = thickness + 2);\n}")

    def shape(self, v: Values) -> Shape:
        return Shape.upright(v["flange_d"], max(v["thickness"], v["hub_h"]),
                                     genus=v["holes"] + 1)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        bc = w.mm(v["bolt_circle"])
        holes = holes_np(w, v["holes"], v["screw"], v["hole_d"], "", "hole" in said)
        clauses = [
            w.diameter(v["flange_d"]),
            height_clause(w, v["thickness"], ("thick",), "thickness"),
            Clause(np=[f"a {w.mm(v['bore'])} bore", f"a {w.mm(v['bore'])} center hole",
                       f"a {w.mm(v['bore'])} central bore"]),
            Clause(np=[f"{holes} on a {bc} bolt circle", f"{holes} on a {bc} PCD",
                       f"{holes} evenly spaced on a {bc} circle",
                       f"{holes} around a {bc} pitch circle"]),
        ]
        if v["hub_d"]:
            clauses.append(Clause(np=[f"a {w.mm(v['hub_d'])} hub, {w.mm(v['hub_h'])} tall overall",
                                      f"a raised hub {w.mm(v['hub_d'])} across and "
                                      f"{w.mm(v['hub_h'])} high"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = []
        n = dict(v, holes=v["holes"] * 2)
        if self.valid(n):
            out.append(Edit(w.pick([f"use {w.number(n['holes'])} bolt holes instead",
                                    "double the number of bolt holes",
                                    f"{n['holes']} holes please"]), n))
        return out + self.valid_edits(edits.bigger_holes(v, w))


class Knob(Family):
    name = "knob"
    title = "Knob"
    fn = 32
    groups = {"grips": (("grips",), 0.4)}
    NOUNS = ("knob", "knob", "control knob", "round knob", "grip knob", "knurled knob",
             "thumb knob", "potentiometer knob", "dial knob")

    def defaults(self) -> Values:
        return {"knob_d": 30.0, "height": 15.0, "shaft_d": 6.0, "shaft_depth": 10.0,
                "grips": 12}

    def sample(self, rng: Random) -> Values:
        d = step(rng, 12, 60)
        h = step(rng, 8, 30)
        return {"knob_d": d, "height": h, "shaft_d": float(rng.choice([3, 4, 5, 6, 6, 8, 10])),
                "shaft_depth": step(rng, 5, h - 3), "grips": rng.choice([0, 6, 8, 10, 12, 16,
                                                                         18, 24])}

    def valid(self, v: Values) -> bool:
        return (v["shaft_d"] <= v["knob_d"] - 8 and v["shaft_depth"] <= v["height"] - 3
                and (not v["grips"] or math.pi * v["knob_d"] / v["grips"] >= 5))

    def params(self, v: Values) -> list[Param]:
        ps = as_params(v, "knob_d", "height", "shaft_d", "shaft_depth")
        if v["grips"]:
            ps.append(Param("grips", v["grips"], "finger grooves"))
        return ps

    def body(self, v: Values) -> str:
        if v["grips"]:
            # grooves cut in 2D, then extruded: far faster than 3D cuts
            lines = ["difference() {",
                     "    linear_extrude(height = height) difference() {",
                     "        circle(d = knob_d);",
                     "        for (i = [0 : grips - 1])",
                     "            rotate((i + 0.5) * 360 / grips) translate([knob_d / 2, 0])"
                     " circle(d = 3);",
                     "    }"]
        else:
            lines = ["difference() {", "    cylinder(d = knob_d, h = height);"]
        lines += ["    // blind hole for the shaft, from below",
                  "    translate([0, 0, -1]) cylinder(d = shaft_d, h = shaft_depth + 1);", "}"]
        return "\n".join(lines)

    def shape(self, v: Values) -> Shape:
        d = v["knob_d"]
        return Shape.upright(d, v["height"], genus=0,
                             ranges=((d - 3.2, d + 0.4), (d - 3.2, d + 0.4),
                                     (v["height"] - 0.3, v["height"] + 0.3)))

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        s = w.mm(v["shaft_d"], cm=False)
        clauses = [w.diameter(v["knob_d"]),
                   height_clause(w, v["height"], ("tall", "high", "thick"), "height"),
                   Clause(adj=[f"for a {s} shaft", f"that fits a {s} shaft"],
                          np=[f"a {s} shaft hole {w.mm(v['shaft_depth'])} deep",
                              f"a {w.mm(v['shaft_depth'])} deep hole for a {s} shaft",
                              f"a blind {s} hole, {w.mm(v['shaft_depth'])} deep"])]
        if "grips" in said and v["grips"]:
            clauses.append(Clause(np=[f"{w.count(v['grips'], 'grip groove')}",
                                      f"{w.count(v['grips'], 'finger notch', 'finger notches')}"
                                      " around the edge",
                                      f"{v['grips']} grooves for grip"]))
        elif "grips" in said:
            clauses.append(Clause(adj=["with a smooth rim", "smooth"], np=["no grip grooves"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    resizable = ((HEIGHT, 8, 40),)
