"""Makers' odds and ends: wall hook, pipe clip, cable comb, phone stand, sign, tag,
T bracket, flat corner brace."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, Dimension
from finetune.synth.families.basic import polygon_area
from finetune.synth.families.boxes import shell_wall_clause
from finetune.synth.families.flat import HOLE_NOUNS, hole_size_words, holes_np, sample_hole
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, hole_comment
from finetune.synth.words import Clause, Words, fmt

HOLE = "cylinder(d = hole_d, h = thickness + 2);"

SIGN_WORDS = ("OFFICE", "GARAGE", "KITCHEN", "EXIT", "PUSH", "PULL", "HELLO", "LAB", "SHED",
              "TOOLS", "PRIVATE", "OPEN", "WORKSHOP", "No 7", "Room 12", "MAX", "ANNA", "BOB",
              "HOME", "STUDIO", "PANTRY", "CAFE", "3D", "BEWARE", "QUIET", "SPARES", "M3",
              "DESK 4", "LEO", "MIA", "PRINTER", "BATH")


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
                Param("holes", v["holes"]),
                Param("hole_d", v["hole_d"], hole_comment(v["screw"]))]

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
        for e in (edits.hole_count(v, w, noun="screw hole"), edits.bigger_holes(v, w),
                  edits.walls(v, w, "thickness", "hook", 2.5, 8)):
            if e and self.valid(e.values):
                out.append(e)
        return out


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
        ps = [Param("pipe_d", v["pipe_d"]), Param("wall", v["wall"]), Param("width", v["width"])]
        if v["base"]:
            ps += [Param("base", v["base"], "foot length"),
                   Param("hole_d", v["hole_d"], hole_comment(v["screw"]))]
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
            clauses.append(Clause(adj=[f"{w.mm(v['width'])} wide", f"{w.mm(v['width'])} tall"],
                                  np=[f"a width of {w.mm(v['width'])}"]))
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

    resizable = ((Dimension("width", "z", "wide", "wider", "narrower", "width"), 6, 30),)


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
        return [Param("length", v["length"]), Param("depth", v["depth"]),
                Param("thickness", v["thickness"]), Param("slots", v["slots"]),
                Param("slot_w", v["slot_w"], "cable slot width"),
                Param("slot_len", v["slot_len"]),
                Param("hole_d", v["hole_d"], hole_comment(v["screw"]))]

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
        e = edits.hole_count(v, w, "slots", "slot", low=2)
        return [e] if self.valid(e.values) else []


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
        return [Param("width", v["width"]), Param("depth", v["depth"]),
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
            clauses.append(Clause(adj=[f"{w.mm(v['width'])} wide"],
                                  np=[f"a width of {w.mm(v['width'])}"],
                                  lead=[f"{w.mm(v['width'])} wide"]))
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


class Sign(Family):
    name = "sign"
    title = "Sign"
    fn = 32
    groups = {"size": (("length", "width", "thickness"), 0.25), "holes": (("holes",), 0.0)}
    NOUNS = ("sign", "sign", "name plate", "door sign", "nameplate", "label plate", "plaque",
             "desk sign", "text sign")

    def defaults(self) -> Values:
        return {"length": 100.0, "width": 30.0, "thickness": 3.0, "label": "HELLO",
                "text_size": 10.0, "raised": True, "holes": 0, "hole_d": 4.5, "screw": "M4"}

    def sample(self, rng: Random) -> Values:
        label = rng.choice(SIGN_WORDS)
        size = step(rng, 6, 16)
        length = step(rng, 5 * math.ceil(max(40, len(label) * size * 0.9 + 20) / 5), 200, 5)
        screw, hole = sample_hole(rng, ("M3", "M4", "M4", "M5"))
        return {"length": length, "width": step(rng, size + 10, size + 40),
                "thickness": step(rng, 2, 5, 0.5), "label": label, "text_size": size,
                "raised": rng.random() < 0.7, "holes": 2 if rng.random() < 0.4 else 0,
                "hole_d": hole, "screw": screw}

    def valid(self, v: Values) -> bool:
        text_len = len(v["label"]) * v["text_size"] * 0.85
        margin = 2 * (v["hole_d"] + 6) if v["holes"] else 6
        return (text_len + margin <= v["length"] and v["width"] >= v["text_size"] + 8
                and (v["raised"] or v["thickness"] >= 2.5))

    def params(self, v: Values) -> list[Param]:
        ps = [Param("length", v["length"]), Param("width", v["width"]),
              Param("thickness", v["thickness"]), Param("label", v["label"]),
              Param("text_size", v["text_size"])]
        ps.append(Param("text_h", 1.5 if v["raised"] else 1,
                        "raised letters" if v["raised"] else "engraving depth"))
        if v["holes"]:
            ps.append(Param("hole_d", v["hole_d"], hole_comment(v["screw"])))
        return ps

    def body(self, v: Values) -> str:
        text = "text(label, size = text_size, halign = \"center\", valign = \"center\");"
        lines = ["difference() {" if (v["holes"] or not v["raised"]) else "union() {"]
        if v["raised"] and v["holes"]:
            lines += ["    union() {", "        cube([length, width, thickness]);",
                      "        translate([length / 2, width / 2, thickness - 1])",
                      f"            linear_extrude(height = text_h + 1) {text}", "    }"]
        elif v["raised"]:
            lines += ["    cube([length, width, thickness]);",
                      "    translate([length / 2, width / 2, thickness - 1])",
                      f"        linear_extrude(height = text_h + 1) {text}"]
        else:
            lines += ["    cube([length, width, thickness]);",
                      "    translate([length / 2, width / 2, thickness - text_h])",
                      f"        linear_extrude(height = text_h + 1) {text}"]
        if v["holes"]:
            lines += ["    for (x = [hole_d + 2, length - hole_d - 2])",
                      f"        translate([x, width / 2, -1]) {HOLE}"]
        return "\n".join(lines + ["}"])

    def shape(self, v: Values) -> Shape:
        L, W, t = v["length"], v["width"], v["thickness"]
        top = t + 1.5 if v["raised"] else t
        return Shape((L, W, top), genus=v["holes"])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        label = v["label"]
        q = w.pick([f'"{label}"', f"'{label}'", f'"{label}"'])
        style = (w.pick(["raised", "embossed", "raised"]) if v["raised"]
                 else w.pick(["engraved", "recessed", "cut-in"]))
        clauses = [Clause(np=[f"the text {q} in {style} letters", f"{style} text {q}",
                              f"{q} in {style} {fmt(v['text_size'])} mm letters",
                              f"{style} {q} lettering"],
                          adj=[f"that says {q}", f"reading {q}", f"saying {q} in {style} letters"]),
                   ]
        if "size" in said:
            clauses.append(Clause(adj=[w.dims([v["length"], v["width"], v["thickness"]])],
                                  lead=[w.dims([v["length"], v["width"], v["thickness"]])]))
        if v["holes"]:
            clauses.append(Clause(np=[holes_np(w, 2, v["screw"], v["hole_d"], "for mounting",
                                               True),
                                      holes_np(w, 2, v["screw"], v["hole_d"], "at the ends",
                                               True)]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        label = w.pick([s for s in SIGN_WORDS if s != v["label"]])
        n = dict(v, label=label)
        if not self.valid(n):
            return []
        q = w.pick([f'"{label}"', f"'{label}'"])
        return [Edit(w.pick([f"change the text to {q}", f"make it say {q}",
                             f"the text should read {q}", f"replace the text with {q}"]), n)]


class Tag(Family):
    name = "tag"
    title = "Key tag"
    fn = 32
    groups = {"size": (("length", "width", "thickness"), 0.25)}
    NOUNS = ("key tag", "keychain tag", "luggage tag", "key fob", "tag", "keyring tag",
             "label tag", "name tag")

    def defaults(self) -> Values:
        return {"length": 50.0, "width": 25.0, "thickness": 3.0, "hole_d": 5.0,
                "corner_r": 4.0}

    def sample(self, rng: Random) -> Values:
        return {"length": step(rng, 30, 80, 5), "width": step(rng, 15, 40),
                "thickness": step(rng, 1.5, 5, 0.5), "hole_d": float(rng.choice([3, 4, 5, 6])),
                "corner_r": float(rng.choice([2, 3, 4, 5]))}

    def valid(self, v: Values) -> bool:
        return v["width"] >= v["hole_d"] + 8 and 2 * v["corner_r"] < v["width"] - 2

    def params(self, v: Values) -> list[Param]:
        return [Param("length", v["length"]), Param("width", v["width"]),
                Param("thickness", v["thickness"]), Param("corner_r", v["corner_r"]),
                Param("hole_d", v["hole_d"], "key ring hole")]

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    hull()\n"
                "        for (x = [corner_r, length - corner_r],"
                " y = [corner_r, width - corner_r])\n"
                "            translate([x, y, 0]) cylinder(r = corner_r, h = thickness);\n"
                "    translate([hole_d / 2 + 3, width / 2, -1]) "
                "cylinder(d = hole_d, h = thickness + 2);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        return Shape((v["length"], v["width"], v["thickness"]), genus=1)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        h = w.mm(v["hole_d"], cm=False)
        clauses = [Clause(np=[f"a {h} hole at one end", f"a {h} key ring hole",
                              f"a {h} hole for the key ring", f"a {h} hole near one end"],
                          adj=[f"with a {h} hole for a keyring"])]
        if "size" in said:
            dims = w.dims([v["length"], v["width"], v["thickness"]])
            clauses.append(Clause(adj=[dims, f"measuring {dims}"], lead=[dims]))
        clauses.append(Clause(adj=[f"with {w.mm(v['corner_r'])} rounded corners"],
                              np=[f"{w.mm(v['corner_r'])} rounded corners",
                                  f"a {w.mm(v['corner_r'])} corner radius"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    resizable = ((Dimension("length", "x", "long", "longer", "shorter", "length"), 30, 100),)


class TBracket(Family):
    name = "t_bracket"
    title = "T bracket"
    fn = 32
    groups = {"size": (("length", "height", "width", "thickness"), 0.3),
              "hole": (("screw", "hole_d"), 0.25)}
    NOUNS = ("T bracket", "T-bracket", "T plate", "flat T bracket", "T-shaped mending plate",
             "tee bracket", "T-shaped bracket", "flat tee plate")

    def defaults(self) -> Values:
        return {"length": 60.0, "height": 65.0, "width": 15.0, "thickness": 3.0, "screw": "M4",
                "hole_d": 4.5, "center_hole": False}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M3", "M4", "M4", "M5"))
        return {"length": step(rng, 40, 120, 5), "height": step(rng, 45, 120, 5),
                "width": step(rng, 10, 25), "thickness": step(rng, 2, 5, 0.5),
                "screw": screw, "hole_d": hole, "center_hole": rng.random() < 0.4}

    def valid(self, v: Values) -> bool:
        return (v["width"] >= v["hole_d"] + 5 and v["length"] >= 2 * v["width"] + 10
                and v["height"] >= 2 * v["width"] + v["hole_d"] + 4)

    def holes(self, v: Values) -> int:
        return 4 if v["center_hole"] else 3

    def params(self, v: Values) -> list[Param]:
        return [Param("length", v["length"], "top bar"), Param("height", v["height"], "overall"),
                Param("width", v["width"]), Param("thickness", v["thickness"]),
                Param("hole_d", v["hole_d"], hole_comment(v["screw"]))]

    def body(self, v: Values) -> str:
        points = ["[width / 2, height - width / 2]", "[length - width / 2, height - width / 2]",
                  "[length / 2, width / 2]"]
        if v["center_hole"]:
            points.append("[length / 2, height - width / 2]")
        return ("difference() {\n"
                "    union() {\n"
                "        translate([0, height - width, 0]) cube([length, width, thickness]);\n"
                "        translate([(length - width) / 2, 0, 0])"
                " cube([width, height, thickness]);\n"
                "    }\n"
                f"    for (p = [{', '.join(points[:2])},\n"
                f"              {', '.join(points[2:])}])\n"
                f"        translate([p[0], p[1], -1]) {HOLE}\n"
                "}")

    def shape(self, v: Values) -> Shape:
        L, H, W, t = v["length"], v["height"], v["width"], v["thickness"]
        vol = (L * W + W * (H - W) - self.holes(v) * polygon_area(v["hole_d"], self.fn or 32)) * t
        return Shape((L, H, t), genus=self.holes(v), volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "size" in said:
            total = v["height"]
            clauses.append(Clause(adj=[f"{w.mm(v['length'])} across and {w.mm(total)} high",
                                       f"{w.dims([v['length'], total])}"],
                                  lead=[w.dims([v["length"], total])]))
            clauses.append(Clause(adj=[f"{w.mm(v['width'])} wide arms, {w.mm(v['thickness'])} "
                                       "thick"],
                                  np=[f"{w.mm(v['width'])} wide arms",
                                      f"{w.mm(v['width'])} wide strips {w.mm(v['thickness'])} "
                                      "thick"]))
        n = self.holes(v)
        where = w.pick(["", "", "one at each end", "at the ends"]) if n == 3 else w.pick(
            ["", "one at each end and one in the middle"])
        clauses.append(Clause(np=[holes_np(w, n, v["screw"], v["hole_d"], where,
                                           "hole" in said)]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    resizable = ((Dimension("thickness", "z", "thick", "thicker", "thinner", "thickness"),
                  1.5, 8),)


class CornerBrace(Family):
    name = "corner_brace"
    title = "Corner brace"
    fn = 32
    groups = {"size": (("length", "width", "thickness"), 0.3), "hole": (("screw", "hole_d"), 0.3)}
    NOUNS = ("flat corner brace", "corner brace", "flat L plate", "corner plate",
             "L-shaped mending plate", "flat corner bracket", "flat angle plate",
             "corner reinforcement plate")

    def defaults(self) -> Values:
        return {"length": 60.0, "width": 15.0, "thickness": 3.0, "holes": 2,
                "corner_hole": True, "screw": "M4", "hole_d": 4.5}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M3", "M4", "M4", "M5"))
        return {"length": step(rng, 30, 120, 5), "width": step(rng, 10, 25),
                "thickness": step(rng, 2, 5, 0.5), "holes": rng.randint(1, 3),
                "corner_hole": rng.random() < 0.5, "screw": screw, "hole_d": hole}

    def valid(self, v: Values) -> bool:
        gap = (v["length"] - v["width"]) / v["holes"]
        return v["width"] >= v["hole_d"] + 5 and gap >= v["hole_d"] + 3

    def count(self, v: Values) -> int:
        return 2 * v["holes"] + (1 if v["corner_hole"] else 0)

    def params(self, v: Values) -> list[Param]:
        return [Param("length", v["length"]), Param("width", v["width"]),
                Param("thickness", v["thickness"]), Param("holes", v["holes"], "per arm"),
                Param("hole_d", v["hole_d"], hole_comment(v["screw"]))]

    def body(self, v: Values) -> str:
        lines = ["step = (length - width) / holes;",
                 "difference() {", "    union() {",
                 "        cube([length, width, thickness]);",
                 "        cube([width, length, thickness]);", "    }",
                 "    for (i = [1 : holes]) {",
                 f"        translate([width / 2 + i * step, width / 2, -1]) {HOLE}",
                 f"        translate([width / 2, width / 2 + i * step, -1]) {HOLE}",
                 "    }"]
        if v["corner_hole"]:
            lines.append(f"    translate([width / 2, width / 2, -1]) {HOLE}")
        return "\n".join(lines + ["}"])

    def shape(self, v: Values) -> Shape:
        L, W, t = v["length"], v["width"], v["thickness"]
        vol = (2 * L * W - W * W - self.count(v) * polygon_area(v["hole_d"], self.fn or 32)) * t
        return Shape((L, L, t), genus=self.count(v), volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "size" in said:
            clauses.append(Clause(adj=[f"{w.mm(v['length'])} arms, {w.mm(v['width'])} wide",
                                       f"{w.dims([v['length'], v['length']])}, "
                                       f"{w.mm(v['width'])} wide strips"],
                                  np=[f"{w.mm(v['length'])} long arms {w.mm(v['width'])} wide"]))
            clauses.append(height_words(w, v["thickness"]))
        sized = "hole" in said
        pre, post = hole_size_words(w, v["screw"], v["hole_d"]) if sized else ("", "")
        noun = w.pick(HOLE_NOUNS)
        per_arm = w.count(v["holes"], pre + noun, pre + noun + "s")
        if v["corner_hole"]:
            forms = [f"{per_arm}{post} in each arm plus one in the corner",
                     holes_np(w, self.count(v), v["screw"], v["hole_d"], "", sized)]
        else:
            forms = [f"{per_arm}{post} on each arm",
                     holes_np(w, self.count(v), v["screw"], v["hole_d"], "", sized)]
        clauses.append(Clause(np=forms))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = []
        e = edits.bigger_holes(v, w)
        if e and self.valid(e.values):
            out.append(e)
        n = dict(v, thickness=v["thickness"] + 1)
        out.append(Edit(w.pick([f"make it {w.mm(n['thickness'])} thick", "make it thicker",
                                "a bit thicker please"]), n,
                        {"axis": "z", "min_ratio": round(n["thickness"] / v["thickness"] * 0.97,
                                                         2)}))
        return out


def height_words(w: Words, t: float) -> Clause:
    v = w.mm(t)
    return Clause(adj=[f"{v} thick"], np=[f"a thickness of {v}"], lead=[f"{v} thick"])



class Handle(Family):
    name = "handle"
    title = "Drawer handle"
    fn = 32
    groups = {"size": (("height", "grip_d"), 0.4), "hole": (("screw", "pilot_d"), 0.3)}
    NOUNS = ("drawer handle", "handle", "drawer pull", "cabinet handle", "pull handle",
             "door handle", "bar handle", "cupboard handle")

    def defaults(self) -> Values:
        return {"spacing": 96.0, "height": 30.0, "grip_d": 10.0, "post_d": 10.0,
                "screw": "M4", "pilot_d": 3.3, "hole_depth": 12.0}

    def sample(self, rng: Random) -> Values:
        screw = rng.choice(["M3", "M4", "M4", "M5"])
        grip = step(rng, 8, 16)
        return {"spacing": float(rng.choice([32, 64, 76, 96, 96, 128, 160])),
                "height": step(rng, 20, 45), "grip_d": grip, "post_d": grip,
                "screw": screw, "pilot_d": {"M3": 2.5, "M4": 3.3, "M5": 4.2}[screw],
                "hole_depth": step(rng, 8, 15)}

    def valid(self, v: Values) -> bool:
        return v["height"] >= v["grip_d"] + v["hole_depth"] / 2 + 5 and v[
            "hole_depth"] <= v["height"] - v["grip_d"] / 2 - 3

    def params(self, v: Values) -> list[Param]:
        return [Param("spacing", v["spacing"], "between the screw holes"),
                Param("height", v["height"]), Param("grip_d", v["grip_d"]),
                Param("pilot_d", v["pilot_d"], f"pilot hole for {v['screw']} screws"),
                Param("hole_depth", v["hole_depth"])]

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    union() {\n"
                "        for (x = [0, spacing]) translate([x, 0, 0])"
                " cylinder(d = grip_d, h = height);\n"
                "        translate([-grip_d / 2, 0, height - grip_d / 2]) rotate([0, 90, 0])\n"
                "            cylinder(d = grip_d, h = spacing + grip_d);\n"
                "    }\n"
                "    // blind screw holes from below\n"
                "    for (x = [0, spacing]) translate([x, 0, -1])"
                " cylinder(d = pilot_d, h = hole_depth + 1);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        g = v["grip_d"]
        return Shape((v["spacing"] + g, g, v["height"]), genus=0)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        s = w.mm(v["spacing"])
        clauses = [Clause(np=[f"{s} hole spacing", f"{s} between the screw holes",
                              f"a {s} hole spacing", f"screw holes {s} apart"],
                          adj=[f"with {s} centres", f"for {s} hole centers",
                               f"{s} center to center"], lead=[s])]
        if "size" in said:
            clauses.append(Clause(adj=[f"{w.mm(v['height'])} tall", f"sticking out "
                                       f"{w.mm(v['height'])}"],
                                  np=[f"a {w.mm(v['grip_d'])} thick grip",
                                      f"a {w.mm(v['grip_d'])} round bar"]))
        if "hole" in said:
            clauses.append(Clause(np=[f"holes for {v['screw']} screws underneath",
                                      f"{v['screw']} pilot holes {w.mm(v['hole_depth'])} deep"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    resizable = ((HEIGHT, 15, 60),)


class EndCap(Family):
    name = "end_cap"
    title = "End cap"
    fn = 64
    groups = {"wall": (("wall",), 0.4), "height": (("height",), 0.3)}
    NOUNS = ("end cap", "cap", "pipe end cap", "tube cap", "leg cap", "round cap",
             "protective cap", "chair leg cap", "rod end cap")

    def defaults(self) -> Values:
        return {"inner_d": 25.0, "wall": 2.0, "height": 15.0, "top": 2.0}

    def sample(self, rng: Random) -> Values:
        return {"inner_d": step(rng, 6, 80, 0.5 if rng.random() < 0.3 else 1),
                "wall": rng.choice([1.2, 1.5, 2.0, 2.0, 2.5, 3.0]),
                "height": step(rng, 6, 40), "top": rng.choice([1.5, 2.0, 2.0, 3.0])}

    def valid(self, v: Values) -> bool:
        return v["height"] >= v["top"] + 4

    def params(self, v: Values) -> list[Param]:
        return [Param("inner_d", v["inner_d"], "fits over the tube"), Param("wall", v["wall"]),
                Param("height", v["height"]), Param("top", v["top"], "closed end thickness")]

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    cylinder(d = inner_d + 2 * wall, h = height);\n"
                "    translate([0, 0, -1]) cylinder(d = inner_d, h = height - top + 1);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        od = v["inner_d"] + 2 * v["wall"]
        n = self.fn or 64
        vol = polygon_area(od, n) * v["height"] - polygon_area(v["inner_d"], n) * (
            v["height"] - v["top"])
        return Shape((od, od, v["height"]), genus=0, volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        d = w.mm(v["inner_d"], cm=False)
        what = w.pick(["tube", "pipe", "rod", "table leg", "pole"])
        clauses = [Clause(adj=[f"for a {d} {what}", f"that fits over a {d} {what}",
                               f"for {d} {what}s"],
                          np=[f"a {d} inner diameter", f"an inside diameter of {d}"],
                          lead=[d])]
        if "height" in said:
            clauses.append(Clause(adj=[f"{w.mm(v['height'])} tall", f"{w.mm(v['height'])} deep"],
                                  np=[f"a height of {w.mm(v['height'])}"]))
        if "wall" in said:
            clauses.append(shell_wall_clause(w, v["wall"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    resizable = ((HEIGHT, 6, 60),)
