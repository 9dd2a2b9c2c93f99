"""Makers' odds and ends that hold or carry things: wall hook, pipe clip, cable comb,
phone stand."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, WIDTH_Z, Dimension
from finetune.synth.families.basic import polygon_area
from finetune.synth.families.boxes import shell_wall_clause
from finetune.synth.families.flat import holes_np, sample_hole
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, as_params, hole_param
from finetune.synth.words import Clause, Words, fmt

HOLE = "cylinder(d = hole_d, h = thickness + 2);"


class WallHook(Family):
    name = "wall_hook"
    title = "Wall hook"
    fn = 32
    groups = {"size": (("width", "height", "depth"), 0.45), "hole": (("screw", "hole_d"), 0.35),
              "holes": (("holes",), 0.1)}
    NOUNS = ("wall hook", "wall hook", "hook", "coat hook", "towel hook", "utility hook",
             "wall-mounted hook", "screw-on hook", "key hook", "hanger hook")

    def defaults(self) -> Values:
        return {"width": 20.0, "height": 60.0, "depth": 30.0, "thickness": 4.0, "tip": 12.0,
                "holes": 2, "screw": "M4", "hole_d": 4.5}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M3", "M3", "M4", "M4", "M5"))
        return {"width": step(rng, 12, 40), "height": step(rng, 30, 120, 5),
                "depth": step(rng, 15, 60, 5), "thickness": step(rng, 3, 6, 0.5),
                "tip": step(rng, 6, 25), "holes": rng.choice([1, 2, 2, 2, 3]),
                "screw": screw, "hole_d": hole}

    def valid(self, v: Values) -> bool:
        t, d = v["thickness"], v["hole_d"]
        return (v["width"] >= d + 5 and (v["height"] - t) / (v["holes"] + 1) >= d + 2
                and v["tip"] > t + 2 and v["depth"] >= 2 * t + 6 and v["tip"] < v["height"])

    def params(self, v: Values) -> list[Param]:
        return [Param("width", v["width"]), Param("height", v["height"], "back plate"),
                Param("depth", v["depth"], "how far the hook sticks out"),
                Param("thickness", v["thickness"]), Param("tip", v["tip"], "height of the lip"),
                Param("holes", v["holes"]), hole_param(v)]

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    union() {\n"
                "        cube([width, thickness, height]);\n"
                "        cube([width, depth, thickness]);\n"
                "        translate([0, depth - thickness, 0]) cube([width, thickness, tip]);\n"
                "    }\n"
                "    for (i = [1 : holes])\n"
                "        translate([width / 2, -1, thickness + i * (height - thickness) /"
                " (holes + 1)])\n"
                f"            rotate([-90, 0, 0]) {HOLE}\n"
                "}")

    def shape(self, v: Values) -> Shape:
        W, H, D, t = v["width"], v["height"], v["depth"], v["thickness"]
        vol = W * t * H + W * (D - t) * t + W * t * (v["tip"] - t)
        vol -= v["holes"] * polygon_area(v["hole_d"], self.fn or 32) * t
        return Shape((W, D, H), genus=v["holes"], volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "size" in said:
            clauses.append(Clause(
                adj=[f"{w.mm(v['width'])} wide", f"{w.mm(v['width'])} wide and "
                     f"{w.mm(v['height'])} tall"],
                np=[f"a {w.mm(v['height'])} tall back plate, {w.mm(v['width'])} wide",
                    f"a {fmt(v['width'])} x {w.mm(v['height'], cm=False)} back plate"]))
            clauses.append(Clause(adj=[f"sticking out {w.mm(v['depth'])}",
                                       f"{w.mm(v['depth'])} deep"],
                                  np=[f"a {w.mm(v['depth'])} long arm",
                                      f"an arm reaching out {w.mm(v['depth'])}"]))
        if "holes" in said:
            where = w.pick(["", "", "for mounting", "in the back plate", "to screw it to the wall",
                            "for wall mounting"])
            np_ = holes_np(w, v["holes"], v["screw"], v["hole_d"], where, "hole" in said)
            if "hole" not in said and w.chance(0.5):
                np_ = f"{w.count(v['holes'], 'screw hole')}" + (f" {where}" if where else "")
            clauses.append(Clause(np=[np_]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, HEIGHT, w, 30, 160),
               edits.resize(v, Dimension("depth", "y", "deep", "deeper", "shallower", "depth"),
                            w, 15, 80)]
        return out + self.valid_edits(edits.hole_count(v, w, noun="screw hole"),
                                      edits.bigger_holes(v, w),
                                      edits.walls(v, w, "thickness", "hook", 2.5, 8))


class Clip(Family):
    name = "clip"
    title = "Pipe clip"
    fn = 48
    groups = {"width": (("width",), 0.3), "wall": (("wall",), 0.4)}
    PIPE_NOUNS = ("pipe clip", "tube clip", "snap-on pipe clip", "pipe holder", "rod clip",
                  "hose clip", "broom holder clip", "conduit clip")
    CABLE_NOUNS = ("cable clip", "cable holder", "wire clip", "cord clip")

    def defaults(self) -> Values:
        return {"pipe_d": 20.0, "wall": 3.0, "width": 10.0, "base": 0.0, "screw": "M4",
                "hole_d": 4.5}

    def sample(self, rng: Random) -> Values:
        pipe = step(rng, 4, 12) if rng.random() < 0.3 else step(rng, 12, 50)
        screw, hole = sample_hole(rng, ("M3", "M4", "M4", "M5"))
        w = step(rng, 6, 25)
        base = 0.0 if rng.random() < 0.35 else step(rng, pipe + 2 * 3 + 2 * hole + 8,
                                                     pipe + 2 * 3 + 2 * hole + 20)
        return {"pipe_d": pipe, "wall": step(rng, 1.5, 4, 0.5), "width": w, "base": base,
                "screw": screw, "hole_d": hole}

    def outer(self, v: Values) -> float:
        return v["pipe_d"] + 2 * v["wall"]

    def valid(self, v: Values) -> bool:
        if not v["base"]:
            return True
        # the screw holes sit in the foot's wings, beside the ring
        wing = (v["base"] - self.outer(v)) / 2
        return wing >= v["hole_d"] + 3 and v["width"] >= v["hole_d"] + 3

    def params(self, v: Values) -> list[Param]:
        ps = as_params(v, "pipe_d", "wall", "width")
        if v["base"]:
            ps += [Param("base", v["base"], "foot length"), hole_param(v)]
        return ps

    def body(self, v: Values) -> str:
        lines = ["r = pipe_d / 2 + wall;", "difference() {", "    union() {",
                 "        cylinder(r = r, h = width);"]
        if v["base"]:
            lines.append("        translate([-base / 2, -r, 0]) cube([base, wall, width]);")
        lines += ["    }",
                  "    translate([0, 0, -1]) cylinder(d = pipe_d, h = width + 2);",
                  "    // snap-in gap, 70% of the pipe diameter",
                  "    translate([-pipe_d * 0.35, 0, -1]) cube([pipe_d * 0.7, r + 1, width + 2]);"]
        if v["base"]:
            lines += ["    for (x = [-(base + 2 * r) / 4, (base + 2 * r) / 4])",
                      "        translate([x, -r - 1, width / 2]) rotate([-90, 0, 0])"
                      " cylinder(d = hole_d, h = wall + 2);"]
        return "\n".join(lines + ["}"])

    def shape(self, v: Values) -> Shape:
        R = self.outer(v) / 2
        o = v["pipe_d"] * 0.7
        top = math.sqrt(R * R - (o / 2) ** 2)
        x = max(2 * R, v["base"])
        return Shape((x, R + top, v["width"]), genus=2 if v["base"] else 0,
                     ranges=((x - 0.4, x + 0.4), (R + top - 1.0, R + top + 0.4),
                             (v["width"] - 0.3, v["width"] + 0.3)))

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        cable = v["pipe_d"] <= 12 and w.chance(0.6)
        noun = w.pick(self.CABLE_NOUNS if cable else self.PIPE_NOUNS)
        p = w.mm(v["pipe_d"])
        what = "cable" if cable else w.pick(["pipe", "tube", "rod", "pipe"])
        clauses = [Clause(adj=[f"for a {p} {what}", f"that holds a {p} {what}",
                               f"to fit a {p} diameter {what}"],
                          np=[f"an inner diameter of {p}", f"a {p} opening for the {what}"],
                          lead=[p])]
        if "width" in said:
            clauses.append(w.measure(v["width"], ("wide", "tall"), "width"))
        if "wall" in said:
            clauses.append(shell_wall_clause(w, v["wall"]))
        if v["base"]:
            clauses.append(Clause(np=[
                f"a {w.mm(v['base'])} mounting foot with "
                f"{holes_np(w, 2, v['screw'], v['hole_d'], '', True)}",
                f"a flat base with {holes_np(w, 2, v['screw'], v['hole_d'], '', True)}",
                f"{holes_np(w, 2, v['screw'], v['hole_d'], '', True)} in a "
                f"{w.mm(v['base'])} wide foot"]))
        return w.compose(noun, clauses, keep_order=w.chance(0.6))

    resizable = ((WIDTH_Z, 6, 30),)


class CableComb(Family):
    name = "cable_comb"
    title = "Cable comb"
    fn = 32
    groups = {"size": (("length", "depth", "thickness"), 0.3), "hole": (("screw", "hole_d"), 0.4)}
    NOUNS = ("cable comb", "cable organizer", "cable organiser", "cable management comb",
             "wire organizer", "cable holder bar", "desk cable organiser", "cord organizer")

    def defaults(self) -> Values:
        return {"length": 80.0, "depth": 25.0, "thickness": 4.0, "slots": 5, "slot_w": 6.0,
                "slot_len": 12.0, "screw": "M3", "hole_d": 3.4}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M3", "M3", "M4"))
        depth = step(rng, 18, 40)
        return {"length": step(rng, 40, 160, 10), "depth": depth,
                "thickness": step(rng, 3, 8, 0.5), "slots": rng.randint(2, 10),
                "slot_w": step(rng, 3, 10, 0.5), "slot_len": step(rng, 6, depth - 8),
                "screw": screw, "hole_d": hole}

    def valid(self, v: Values) -> bool:
        pitch = v["length"] / (v["slots"] + 1)
        return (pitch - v["slot_w"] >= 3 and v["depth"] - v["slot_len"] >= v["hole_d"] + 4
                and v["slot_len"] >= 5)

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "length", "depth", "thickness", "slots"),
                Param("slot_w", v["slot_w"], "cable slot width"),
                Param("slot_len", v["slot_len"]), hole_param(v)]

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    cube([length, depth, thickness]);\n"
                "    for (i = [1 : slots])\n"
                "        translate([i * length / (slots + 1) - slot_w / 2, -1, -1])\n"
                "            cube([slot_w, slot_len + 1, thickness + 2]);\n"
                "    for (x = [length / 4, 3 * length / 4])\n"
                f"        translate([x, (slot_len + depth) / 2, -1]) {HOLE}\n"
                "}")

    def shape(self, v: Values) -> Shape:
        L, D, t = v["length"], v["depth"], v["thickness"]
        vol = (L * D - v["slots"] * v["slot_w"] * v["slot_len"]
               - 2 * polygon_area(v["hole_d"], self.fn or 32)) * t
        return Shape((L, D, t), genus=2, volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        n = v["slots"]
        sw = w.mm(v["slot_w"])
        clauses = [Clause(np=[f"{w.count(n, 'slot')} {sw} wide", f"{w.count(n, sw + ' slot')}",
                              f"{w.count(n, 'cable slot')}, each {sw} wide",
                              f"{w.count(n, sw + ' wide slot')} for cables"])]
        if "size" in said:
            clauses.append(Clause(adj=[w.dims([v["length"], v["depth"], v["thickness"]]),
                                       f"{w.mm(v['length'])} long"],
                                  lead=[w.dims([v["length"], v["depth"], v["thickness"]])]))
        clauses.append(Clause(np=[holes_np(w, 2, v["screw"], v["hole_d"], "for mounting",
                                           "hole" in said),
                                  holes_np(w, 2, v["screw"], v["hole_d"], "", "hole" in said)]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return self.valid_edits(edits.hole_count(v, w, "slots", "slot", low=2))


class PhoneStand(Family):
    name = "phone_stand"
    title = "Phone stand"
    fn = None
    groups = {"size": (("width",), 0.3), "angle": (("angle",), 0.4), "height": (("height",), 0.4)}
    NOUNS = ("phone stand", "phone stand", "phone holder", "tablet stand", "desk phone stand",
             "smartphone stand", "stand for my phone", "phone dock")

    def defaults(self) -> Values:
        return {"width": 70.0, "depth": 80.0, "height": 90.0, "angle": 20.0, "thickness": 5.0,
                "lip": 10.0, "rest_y": 25.0}

    def sample(self, rng: Random) -> Values:
        return {"width": step(rng, 40, 120, 5), "depth": step(rng, 60, 120, 5),
                "height": step(rng, 50, 140, 5), "angle": float(rng.choice([10, 15, 20, 25, 30])),
                "thickness": step(rng, 4, 8), "lip": step(rng, 8, 20), "rest_y": step(rng, 15, 30)}

    def lean(self, v: Values) -> float:
        return v["height"] * math.tan(math.radians(v["angle"]))

    def valid(self, v: Values) -> bool:
        return (v["rest_y"] + v["thickness"] + self.lean(v) <= v["depth"] + 10
                and v["rest_y"] >= v["thickness"] + 8 and v["lip"] > v["thickness"] + 2)

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "width", "depth"),
                Param("height", v["height"], "back rest"),
                Param("angle", v["angle"], "lean back, degrees"),
                Param("thickness", v["thickness"]), Param("lip", v["lip"], "front lip height"),
                Param("rest_y", v["rest_y"], "where the back rest starts")]

    def body(self, v: Values) -> str:
        return ("lean = height * tan(angle);\n"
                "rotate([90, 0, 90]) linear_extrude(height = width)\n"
                "    polygon([[0, 0], [depth, 0], [depth, thickness], [rest_y + thickness,"
                " thickness],\n"
                "             [rest_y + thickness + lean, height], [rest_y + lean, height],"
                " [rest_y, thickness],\n"
                "             [thickness, thickness], [thickness, lip], [0, lip]]);")

    def shape(self, v: Values) -> Shape:
        y = max(v["depth"], v["rest_y"] + v["thickness"] + self.lean(v))
        return Shape((v["width"], y, v["height"]), genus=0)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "size" in said:
            clauses.append(w.measure(v["width"], ("wide",), "width", lead=True))
        if "height" in said:
            clauses.append(Clause(np=[f"a {w.mm(v['height'])} tall back rest",
                                      f"a back support {w.mm(v['height'])} high"],
                                  adj=[f"{w.mm(v['height'])} tall"]))
        if "angle" in said:
            a = fmt(v["angle"])
            clauses.append(Clause(adj=[f"leaning back {a} degrees", f"tilted {a}°",
                                       f"at a {a} degree angle"],
                                  np=[f"a {a} degree tilt", f"a {a}° lean"]))
        if w.chance(0.4):
            clauses.append(Clause(np=[f"a {w.mm(v['lip'])} front lip",
                                      f"a lip {w.mm(v['lip'])} high to hold the phone"]))
        else:
            v_lip = self.defaults()["lip"]
            if v["lip"] != v_lip:
                clauses.append(Clause(np=[f"a {w.mm(v['lip'])} lip at the front"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    resizable = ((Dimension("width", "x", "wide", "wider", "narrower", "width"), 40, 150),)
