"""Fittings: drawer handle, end cap, pipe adapter, hinge leaf, spool."""

from __future__ import annotations

from random import Random

from finetune.synth import edits
from finetune.synth.edits import HEIGHT, WIDTH_Z, Dimension
from finetune.synth.families.basic import polygon_area
from finetune.synth.families.boxes import shell_wall_clause
from finetune.synth.families.flat import HOLE_NOUNS, hole_size_words, sample_hole
from finetune.synth.families.mech import bore_words
from finetune.synth.families.round import height_clause
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.hardware import CLEARANCE
from finetune.synth.scad import Param, as_params, hole_param, revolve
from finetune.synth.words import Clause, Words, fmt


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
                *as_params(v, "height", "grip_d"),
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
        return [Param("inner_d", v["inner_d"], "fits over the tube"),
                *as_params(v, "wall", "height"), Param("top", v["top"], "closed end thickness")]

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
        return Shape.upright(od, v["height"], genus=0, volume=vol, volume_tol=0.02)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        d = w.mm(v["inner_d"], cm=False)
        what = w.pick(["tube", "pipe", "rod", "table leg", "pole"])
        clauses = [Clause(adj=[f"for a {d} {what}", f"that fits over a {d} {what}",
                               f"for {d} {what}s"],
                          np=[f"a {d} inner diameter", f"an inside diameter of {d}"],
                          lead=[d])]
        if "height" in said:
            clauses.append(w.measure(v["height"], ("tall", "deep"), "height"))
        if "wall" in said:
            clauses.append(shell_wall_clause(w, v["wall"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.6))

    resizable = ((HEIGHT, 6, 60),)


class PipeAdapter(Family):
    name = "pipe_adapter"
    title = "Pipe adapter"
    fn = 64
    groups = {"wall": (("wall",), 0.3)}
    NOUNS = ("pipe adapter", "reducer", "pipe reducer", "hose adapter", "tube adapter",
             "reducing coupler", "vacuum hose adapter", "step-down adapter")

    def defaults(self) -> Values:
        return {"d1": 40.0, "d2": 25.0, "len1": 20.0, "len2": 20.0, "taper": 15.0, "wall": 2.0}

    def sample(self, rng: Random) -> Values:
        d1 = step(rng, 15, 100)
        d2 = step(rng, 8, d1 - 5)
        return {"d1": d1, "d2": d2, "len1": step(rng, 10, 40, 5), "len2": step(rng, 10, 40, 5),
                "taper": step(rng, 5, 30, 5), "wall": rng.choice([1.5, 2.0, 2.0, 2.5, 3.0])}

    def valid(self, v: Values) -> bool:
        return v["d2"] >= 2 * v["wall"] + 4 and v["d1"] - v["d2"] >= 4

    def params(self, v: Values) -> list[Param]:
        return [Param("d1", v["d1"], "outer diameter, big end"),
                Param("d2", v["d2"], "outer diameter, small end"),
                *as_params(v, "len1", "len2"),
                Param("taper", v["taper"], "length of the cone between"),
                Param("wall", v["wall"])]

    def body(self, v: Values) -> str:
        return "top = len1 + taper + len2;\n" + revolve(
            "[d1 / 2 - wall, 0], [d1 / 2, 0], [d1 / 2, len1]",
            "[d2 / 2, len1 + taper], [d2 / 2, top], [d2 / 2 - wall, top]",
            "[d2 / 2 - wall, len1 + taper], [d1 / 2 - wall, len1]")

    def shape(self, v: Values) -> Shape:
        return Shape.upright(v["d1"], v["len1"] + v["taper"] + v["len2"], genus=1)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        a, b = w.mm(v["d1"]), w.mm(v["d2"])
        ends = Clause(np=[f"a {a} end and a {b} end", f"{a} and {b} outer diameters"],
                      adj=[f"from {a} to {b}", f"{a} to {b}", f"going from {a} down to {b}"],
                      lead=[f"{fmt(v['d1'])} to {fmt(v['d2'])} mm", f"{a} to {b}"])
        lengths = Clause(np=[f"{w.mm(v['len1'])} and {w.mm(v['len2'])} long sleeves with a "
                             f"{w.mm(v['taper'])} taper",
                             f"a {w.mm(v['len1'])} long big end, a {w.mm(v['taper'])} cone and a "
                             f"{w.mm(v['len2'])} long small end"])
        clauses = [ends, lengths]
        if "wall" in said:
            clauses.append(shell_wall_clause(w, v["wall"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.7))

    resizable = ((Dimension("len2", None, "long", "longer", "shorter", "small end length"),
                  10, 60),)


class HingeLeaf(Family):
    name = "hinge_leaf"
    title = "Hinge leaf"
    fn = 32
    groups = {"hole": (("screw", "hole_d"), 0.25), "size": (("length", "width"), 0.2)}
    NOUNS = ("hinge leaf", "hinge leaf", "hinge half", "hinge plate", "leaf of a hinge",
             "butt hinge leaf", "hinge flap")

    def defaults(self) -> Values:
        return {"length": 40.0, "width": 20.0, "thickness": 2.5, "knuckle_d": 6.0,
                "pin_d": 2.5, "holes": 2, "screw": "M3", "hole_d": 3.4}

    def sample(self, rng: Random) -> Values:
        screw, hole = sample_hole(rng, ("M2", "M2.5", "M3", "M3", "M4"))
        k = step(rng, 5, 10)
        return {"length": step(rng, 20, 80, 5), "width": step(rng, 12, 40),
                "thickness": step(rng, 2, 4, 0.5), "knuckle_d": k,
                "pin_d": step(rng, 1.5, k - 3, 0.5), "holes": rng.randint(1, 4),
                "screw": screw, "hole_d": hole}

    def valid(self, v: Values) -> bool:
        k, W, d = v["knuckle_d"], v["width"], v["hole_d"]
        y = (k / 2 + W) / 2
        return (k >= v["thickness"] + 2 and y - d / 2 >= k / 2 + 1 and W - y >= d / 2 + 1.5
                and v["length"] / (v["holes"] + 1) >= d + 2 and k - v["pin_d"] >= 2.5)

    def params(self, v: Values) -> list[Param]:
        return [Param("length", v["length"], "along the pin"),
                *as_params(v, "width", "thickness", "knuckle_d", "pin_d", "holes"), hole_param(v)]

    def body(self, v: Values) -> str:
        return ("difference() {\n"
                "    union() {\n"
                "        cube([length, width, thickness]);\n"
                "        translate([0, 0, knuckle_d / 2]) rotate([0, 90, 0])"
                " cylinder(d = knuckle_d, h = length);\n"
                "    }\n"
                "    translate([-1, 0, knuckle_d / 2]) rotate([0, 90, 0])"
                " cylinder(d = pin_d, h = length + 2);\n"
                "    for (i = [1 : holes])\n"
                "        translate([i * length / (holes + 1), (knuckle_d / 2 + width) / 2, -1])\n"
                "            cylinder(d = hole_d, h = thickness + 2);\n"
                "}")

    def shape(self, v: Values) -> Shape:
        k = v["knuckle_d"]
        return Shape((v["length"], v["width"] + k / 2, k), genus=v["holes"] + 1,
                     ranges=((v["length"] - 0.4, v["length"] + 0.4),
                             (v["width"] + k / 2 - 0.4, v["width"] + k / 2 + 0.4),
                             (k - 0.4, k + 0.4)))

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses: list[Clause] = []
        if "size" in said:
            clauses.append(Clause(adj=[f"{w.mm(v['length'])} long and {w.mm(v['width'])} wide",
                                       f"{w.dims([v['length'], v['width']])}"],
                                  lead=[w.dims([v["length"], v["width"]])]))
        clauses.append(Clause(np=[f"a {w.mm(v['knuckle_d'])} knuckle with a "
                                  f"{w.mm(v['pin_d'], cm=False)} pin hole",
                                  f"a {w.mm(v['pin_d'], cm=False)} hole for the pin through a "
                                  f"{w.mm(v['knuckle_d'])} knuckle"]))
        pre, post = hole_size_words(w, v["screw"], v["hole_d"]) if "hole" in said else ("", "")
        noun = w.pick(HOLE_NOUNS)
        clauses.append(Clause(np=[f"{w.count(v['holes'], pre + noun, pre + noun + 's')}{post}",
                                  f"{w.count(v['holes'], pre + 'screw hole')}{post} in the leaf"]))
        clauses.append(height_clause(w, v["thickness"], ("thick",), "thickness"))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = self.valid_edits(edits.hole_count(v, w, noun="screw hole"))
        screw = w.pick([s for s in ("M2.5", "M3", "M4") if s != v["screw"]])
        n = dict(v, screw=screw, hole_d=CLEARANCE[screw])
        if self.valid(n):
            out.append(Edit(w.pick([f"make the holes fit {screw} screws",
                                    f"change the holes to {screw}"]), n))
        return out


class Spool(Family):
    name = "spool"
    title = "Spool"
    fn = 64
    groups = {"bore": (("bore",), 0.2)}
    NOUNS = ("spool", "bobbin", "thread spool", "cable spool", "reel", "wire spool",
             "filament spool")

    def defaults(self) -> Values:
        return {"flange_d": 50.0, "core_d": 25.0, "width": 30.0, "flange_t": 3.0, "bore": 8.0}

    def sample(self, rng: Random) -> Values:
        fd = step(rng, 20, 120, 5)
        return {"flange_d": fd, "core_d": step(rng, max(8, fd * 0.3), fd * 0.7),
                "width": step(rng, 10, 60, 5), "flange_t": step(rng, 1.5, 4, 0.5),
                "bore": float(rng.choice([3, 5, 6, 8, 10, 12, 20]))}

    def valid(self, v: Values) -> bool:
        return (v["bore"] <= v["core_d"] - 4 and v["core_d"] <= v["flange_d"] - 6
                and v["width"] > 2 * v["flange_t"] + 3)

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "flange_d", "core_d"),
                Param("width", v["width"], "overall"), *as_params(v, "flange_t", "bore")]

    def body(self, v: Values) -> str:
        return revolve("[bore / 2, 0], [flange_d / 2, 0], [flange_d / 2, flange_t]",
                       "[core_d / 2, flange_t], [core_d / 2, width - flange_t]",
                       "[flange_d / 2, width - flange_t], [flange_d / 2, width], [bore / 2, width]")

    def shape(self, v: Values) -> Shape:
        return Shape.upright(v["flange_d"], v["width"], genus=1)

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        clauses = [Clause(adj=[f"{w.mm(v['flange_d'])} across", f"{w.mm(v['flange_d'])} in "
                               "diameter"],
                          np=[f"{w.mm(v['flange_d'])} flanges", f"a {w.mm(v['flange_d'])} "
                              "flange diameter"], lead=[w.mm(v["flange_d"])]),
                   Clause(np=[f"a {w.mm(v['core_d'])} core", f"a {w.mm(v['core_d'])} hub",
                              f"a core diameter of {w.mm(v['core_d'])}"]),
                   height_clause(w, v["width"], ("wide", "long", "tall"), "width"),
                   Clause(np=[f"{w.mm(v['flange_t'])} thick flanges",
                              f"flanges {w.mm(v['flange_t'])} thick"])]
        if "bore" in said:
            clauses.append(bore_words(w, v["bore"]))
        return w.compose(w.pick(self.NOUNS), clauses, keep_order=w.chance(0.5))

    resizable = ((WIDTH_Z, 10, 80),)
