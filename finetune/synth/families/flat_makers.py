"""Flat parts a maker screws on or hangs up: sign, key tag, T bracket, flat corner brace."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import LENGTH, THICKNESS
from finetune.synth.families.basic import polygon_area
from finetune.synth.families.flat import HOLE_NOUNS, hole_size_words, holes_np, sample_hole
from finetune.synth.families.makers import HOLE
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.scad import Param, as_params, hole_param
from finetune.synth.words import Clause, Words, fmt

SIGN_WORDS = ("OFFICE", "GARAGE", "KITCHEN", "EXIT", "PUSH", "PULL", "HELLO", "LAB", "SHED",
              "TOOLS", "PRIVATE", "OPEN", "WORKSHOP", "No 7", "Room 12", "MAX", "ANNA", "BOB",
              "HOME", "STUDIO", "PANTRY", "CAFE", "3D", "BEWARE", "QUIET", "SPARES", "M3",
              "DESK 4", "LEO", "MIA", "PRINTER", "BATH")


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
        ps = as_params(v, "length", "width", "thickness", "label", "text_size")
        ps.append(Param("text_h", 1.5 if v["raised"] else 1,
                        "raised letters" if v["raised"] else "engraving depth"))
        if v["holes"]:
            ps.append(hole_param(v))
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
        return [*as_params(v, "length", "width", "thickness", "corner_r"),
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

    resizable = ((LENGTH, 30, 100),)


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
                *as_params(v, "width", "thickness"), hole_param(v)]

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

    resizable = ((THICKNESS, 1.5, 8),)


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
        return [*as_params(v, "length", "width", "thickness"),
                Param("holes", v["holes"], "per arm"), hole_param(v)]

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
        return Shape.upright(L, t, genus=self.count(v), volume=vol, volume_tol=0.02)

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
        out = self.valid_edits(edits.bigger_holes(v, w))
        n = dict(v, thickness=v["thickness"] + 1)
        out.append(Edit(w.pick([f"make it {w.mm(n['thickness'])} thick", "make it thicker",
                                "a bit thicker please"]), n,
                        {"axis": "z", "min_ratio": round(n["thickness"] / v["thickness"] * 0.97,
                                                         2)}))
        return out


def height_words(w: Words, t: float) -> Clause:
    v = w.mm(t)
    return Clause(adj=[f"{v} thick"], np=[f"a thickness of {v}"], lead=[f"{v} thick"])
