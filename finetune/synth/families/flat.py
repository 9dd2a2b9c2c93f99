"""Flat parts with hole patterns: plates/panels and bars/strips."""

from __future__ import annotations

import math
from random import Random

from finetune.synth import edits
from finetune.synth.edits import LENGTH, PLATE_THICKNESS, THICKNESS, WIDTH
from finetune.synth.families.basic import polygon_area, rounded_rect_area, slab_code
from finetune.synth.family import Edit, Family, Shape, Values, step
from finetune.synth.hardware import CLEARANCE
from finetune.synth.scad import Param, as_params, hole_param
from finetune.synth.words import Clause, Words, fmt


def sample_hole(rng: Random, screws: tuple[str, ...] = ("M2", "M2.5", "M3", "M3", "M4", "M5",
                                                        "M6", "M8")) -> tuple[str | None, float]:
    """A screw name (75%) or a plain diameter in mm."""
    if rng.random() < 0.75:
        screw = rng.choice(screws)
        return screw, CLEARANCE[screw]
    return None, float(rng.choice([2, 2.5, 3, 3.5, 4, 5, 6, 8, 10]))


def hole_inset(hole_d: float) -> float:
    """Distance from an edge to a hole centre when the request doesn't say."""
    return math.ceil((hole_d + 2) * 2) / 2


HOLE_NOUNS = ("hole", "hole", "hole", "mounting hole", "screw hole", "through-hole")


def hole_size_words(w: Words, screw: str | None, hole_d: float) -> tuple[str, str]:
    """(prefix for 'hole', suffix after 'holes'): ('M3 ', '') or ('', ' for M3 screws')..."""
    if screw:
        if w.chance(0.08):  # the clearance size itself: "3.4 mm holes" for M3
            return (f"{fmt(CLEARANCE[screw])} mm ", "")
        return w.pick([(f"{screw} ", ""), (f"{screw} ", ""), ("", f" for {screw} screws"),
                       ("", f" for {screw} bolts"), (f"{screw} clearance ", ""),
                       ("", f" ({screw})"), ("", f" sized for {screw}")])  # type: ignore[arg-type]
    d = w.mm(hole_d, cm=False)
    return w.pick([(f"{d} ", ""), (f"{fmt(hole_d)} mm ", ""), ("", f" of {d}"),
                   ("", f" {d} in diameter"), ("", f" ({fmt(hole_d)} mm)")])  # type: ignore


def holes_np(w: Words, n: int, screw: str | None, hole_d: float, where: str = "",
             sized: bool = True) -> str:
    """A count of holes with their size (screw name or diameter) and where they sit."""
    noun = w.pick(HOLE_NOUNS)
    pre, post = hole_size_words(w, screw, hole_d) if sized else ("", "")
    where = f" {where}" if where else ""
    counted = w.count(n, pre + noun, pre + noun + "s")
    if w.chance(0.5):
        return f"{counted}{post}{where}"
    return f"{counted}{where}{post}"


class Plate(Family):
    name = "plate"
    title = "Plate"
    fn = 32
    groups = {"size": (("length", "width", "thickness"), 0.06),
              "hole": (("screw", "hole_d"), 0.15)}

    def defaults(self) -> Values:
        return {"length": 80.0, "width": 50.0, "thickness": 3.0, "pattern": "none",
                "screw": "M3", "hole_d": 3.4, "cols": 2, "rows": 2, "corner_r": 0.0,
                "slot_len": 20.0, "slot_w": 5.0}

    def sample(self, rng: Random) -> Values:
        screw, hole_d = sample_hole(rng)
        pattern = rng.choices(["none", "corners", "row", "grid", "center", "slot"],
                              weights=[0.12, 0.42, 0.14, 0.14, 0.11, 0.07])[0]
        v: Values = {"length": step(rng, 20, 200, 5) if rng.random() < 0.7 else step(rng, 20, 150),
                     "width": step(rng, 15, 120, 5), "thickness": step(rng, 1.5, 10, 0.5),
                     "pattern": pattern, "screw": screw, "hole_d": hole_d,
                     "cols": rng.randint(2, 5), "rows": rng.randint(1, 3),
                     "corner_r": step(rng, 2, 6, 1) if rng.random() < 0.25 else 0.0,
                     "slot_w": float(rng.choice([3, 4, 5, 6, 8])), "slot_len": step(rng, 10, 60)}
        if pattern == "row":
            v["cols"], v["rows"] = rng.randint(2, 8), 1
        if pattern == "center":
            v["hole_d"] = float(rng.choice([3, 4, 5, 6, 8, 10, 12, 16, 20]))
            v["screw"] = None
        if v["width"] > v["length"]:
            v["length"], v["width"] = v["width"], v["length"]
        return v

    def inset(self, v: Values) -> float:
        return hole_inset(v["hole_d"])

    def holes(self, v: Values) -> int:
        return {"none": 0, "corners": 4, "row": v["cols"], "grid": v["cols"] * v["rows"],
                "center": 1, "slot": 1}[v["pattern"]]

    def valid(self, v: Values) -> bool:
        L, W, d = v["length"], v["width"], v["hole_d"]
        inset = self.inset(v)
        if v["corner_r"] and v["corner_r"] * 2 > min(L, W) - 2:
            return False
        if v["pattern"] == "center":
            return d <= min(L, W) - 8
        if v["pattern"] == "slot":
            return (v["slot_len"] <= L - 12 and v["slot_w"] <= W - 10
                    and v["slot_len"] >= v["slot_w"] + 3)
        if v["pattern"] == "none":
            return True
        if v["corner_r"] > inset - 0.5 and v["pattern"] in ("corners", "grid"):
            return False
        cols = 2 if v["pattern"] == "corners" else v["cols"]
        rows = 2 if v["pattern"] == "corners" else v["rows"]
        if v["pattern"] == "grid" and rows < 2:
            return False
        if W < 2 * inset + (d + 2 if rows > 1 else 0) or L < 2 * inset + d + 2:
            return False
        if (L - 2 * inset) / (cols - 1) < d + 2:
            return False
        return rows < 2 or (W - 2 * inset) / (rows - 1) >= d + 2

    def params(self, v: Values) -> list[Param]:
        ps = as_params(v, "length", "width", "thickness")
        if v["corner_r"]:
            ps.append(Param("corner_r", v["corner_r"]))
        pattern = v["pattern"]
        if pattern == "none":
            return ps
        if pattern == "slot":
            return ps + as_params(v, "slot_len", "slot_w")
        ps.append(hole_param(v))
        if pattern == "center":
            return ps
        ps.append(Param("inset", self.inset(v), "hole centre to edge"))
        if pattern == "row":
            ps.append(Param("holes", v["cols"]))
        if pattern == "grid":
            ps += as_params(v, "cols", "rows")
        return ps

    def body(self, v: Values) -> str:
        slab = slab_code(bool(v["corner_r"]), "thickness")
        pattern = v["pattern"]
        if pattern == "none":
            return slab
        cut = "cylinder(d = hole_d, h = thickness + 2);"
        loop = {
            "center": f"translate([length / 2, width / 2, -1]) {cut}",
            "slot": "hull()\n"
                    "    for (x = [-1, 1])\n"
                    "        translate([length / 2 + x * (slot_len - slot_w) / 2, width / 2, -1])\n"
                    "            cylinder(d = slot_w, h = thickness + 2);",
            "corners": "for (x = [inset, length - inset], y = [inset, width - inset])\n"
                       f"    translate([x, y, -1]) {cut}",
            "row": "for (i = [0 : holes - 1])\n"
                   "    translate([inset + i * (length - 2 * inset) / (holes - 1),"
                   " width / 2, -1])\n"
                   f"        {cut}",
            "grid": "for (i = [0 : cols - 1], j = [0 : rows - 1])\n"
                    "    translate([inset + i * (length - 2 * inset) / (cols - 1),\n"
                    "               inset + j * (width - 2 * inset) / (rows - 1), -1])\n"
                    f"        {cut}",
        }[pattern]
        return ("difference() {\n" + "\n".join("    " + ln for ln in slab.splitlines()) + "\n"
                + "\n".join("    " + ln for ln in loop.splitlines()) + "\n}")

    def shape(self, v: Values) -> Shape:
        area = rounded_rect_area(v["length"], v["width"], v["corner_r"], self.fn or 32)
        n = self.holes(v)
        if v["pattern"] == "slot":
            sw = v["slot_w"]
            area -= (v["slot_len"] - sw) * sw + polygon_area(sw, self.fn or 32)
        else:
            area -= n * polygon_area(v["hole_d"], self.fn or 32)
        return Shape((v["length"], v["width"], v["thickness"]), genus=n,
                     volume=area * v["thickness"])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        L, W, t = v["length"], v["width"], v["thickness"]
        noun = w.pick(["plate", "plate", "plate", "panel", "base plate", "mounting plate",
                       "flat plate", "rectangular plate", "backplate", "sheet"])
        clauses: list[Clause] = []
        if "size" in said:
            dims = w.dims([L, W, t])
            clauses.append(Clause(
                adj=[dims, f"{w.mm(L)} long, {w.mm(W)} wide and {w.mm(t)} thick",
                     f"{w.mm(L)} x {w.mm(W)}, {w.mm(t)} thick", f"measuring {dims}",
                     f"{fmt(L)} by {fmt(W)} mm and {w.mm(t)} thick", f"of {dims}"],
                np=[f"dimensions {dims}", f"a thickness of {w.mm(t)} and a footprint of "
                    f"{fmt(L)} x {fmt(W)} mm", f"a size of {dims}"],
                lead=[dims, dims, f"{w.mm(t)} thick {fmt(L)}x{fmt(W)}",
                      f"{fmt(L)} x {fmt(W)} x {fmt(t)}"]))
        sized = "hole" in said
        pattern = v["pattern"]
        screw, d = v["screw"], v["hole_d"]
        if pattern == "corners":
            if w.chance(0.25):  # singular: "an M3 hole in each corner"
                pre, post = hole_size_words(w, screw, d) if sized else ("", "")
                where = w.pick(["in each corner", "at each corner", "in every corner"])
                np_ = f"a {pre}{w.pick(HOLE_NOUNS)}{post} {where}"
            else:
                where = w.pick(["by the corners", "at the corners",
                                "close to the corners", "in the four corners",
                                "in all four corners", "at the four corners"])
                np_ = holes_np(w, 4, screw, d, where, sized)
                if w.chance(0.15):
                    np_ = holes_np(w, 4, screw, d, "", sized) + ", one in each corner"
            clauses.append(Clause(np=[np_, np_, "corner holes" if not sized else np_]))
        elif pattern == "row":
            n = v["cols"]
            where = w.pick(["evenly spaced", "in a row", "in a line", "along its length",
                            "along the centre line", "equally spaced along the length",
                            "spaced evenly along the middle"])
            clauses.append(Clause(np=[holes_np(w, n, screw, d, where, sized),
                                      f"a row of {holes_np(w, n, screw, d, '', sized)}"]))
        elif pattern == "grid":
            c, r = v["cols"], v["rows"]
            grid = w.pick([f"{c} x {r}", f"{c}x{r}", f"{w.number(c)} by {w.number(r)}"])
            clauses.append(Clause(np=[
                f"a {grid} grid of {holes_np(w, c * r, screw, d, '', sized).split(' ', 1)[1]}",
                f"{holes_np(w, c * r, screw, d, '', sized)} in a {grid} grid",
                f"{holes_np(w, c * r, screw, d, '', sized)} arranged in {w.number(r)} rows of "
                f"{w.number(c)}"]))
        elif pattern == "center":
            hd = w.mm(d)
            clauses.append(Clause(np=[f"a {hd} hole in the middle", f"a {hd} hole in the centre",
                                      f"a central {hd} hole", f"a {hd} hole at the center",
                                      f"one {hd} hole in the middle"]))
        elif pattern == "slot":
            sl, sw = w.mm(v["slot_len"]), w.mm(v["slot_w"])
            where = w.pick([" in the middle", " in the centre", " through the center", "",
                            " down the middle"])
            clauses.append(Clause(np=[f"a {fmt(v['slot_len'])} x {sw} slot{where}",
                                      f"a {sl} long, {sw} wide slot{where}",
                                      f"a slot {sl} long and {sw} wide{where}",
                                      f"an elongated hole {sl} by {sw}{where}"]))
        if v["corner_r"]:
            r = w.mm(v["corner_r"])
            clauses.append(Clause(adj=[f"with {r} rounded corners"],
                                  np=[f"rounded corners ({r} radius)", f"{r} corner radii",
                                      f"a {r} corner radius"], lead=["rounded"]))
        return w.compose(noun, clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        out = [edits.resize(v, PLATE_THICKNESS, w, 1, 15), edits.resize(v, LENGTH, w, 20, 250),
               edits.resize(v, WIDTH, w, 15, 150)]
        if v["pattern"] == "none":
            screw = w.pick(["M3", "M3", "M4", "M2.5", "M5"])
            n = dict(v, pattern="corners", screw=screw, hole_d=CLEARANCE[screw])
            if self.valid(n):
                out.append(Edit(w.pick([
                    f"drill an {screw} hole at every corner",
                    f"add {screw} mounting holes in each corner",
                    f"put a {screw} hole in each corner", f"add 4 corner holes for {screw} screws",
                    f"corner holes for {screw} please, one per corner"]), n))
        if v["pattern"] in ("corners", "row", "grid"):
            out += self.valid_edits(edits.bigger_holes(v, w), edits.smaller_holes(v, w))
        if v["pattern"] == "row":
            e = edits.hole_count(dict(v, holes=v["cols"]), w, low=2)
            n = dict(v, cols=e.values["holes"])
            if self.valid(n):
                out.append(Edit(e.request, n))
        if not v["corner_r"]:
            n = dict(v, corner_r=min(4.0, self.inset(v) - 1 if v["pattern"] != "none" else 4.0))
            if n["corner_r"] >= 1 and self.valid(n):
                out.append(Edit(w.pick(["round the corners", "round off the corners",
                                        "give it rounded corners", "can you round the corners?",
                                        f"round the corners with a {w.mm(n['corner_r'])} radius"]),
                                n))
        return out


class Bar(Family):
    name = "bar"
    title = "Bar with holes"
    fn = 32
    groups = {"size": (("length", "width", "thickness"), 0.08),
              "hole": (("screw", "hole_d"), 0.15)}

    def defaults(self) -> Values:
        return {"length": 120.0, "width": 16.0, "thickness": 4.0, "holes": 4,
                "screw": "M3", "hole_d": 3.4, "rounded": False}

    def sample(self, rng: Random) -> Values:
        screw, hole_d = sample_hole(rng, ("M2", "M3", "M3", "M4", "M4", "M5", "M6"))
        return {"length": step(rng, 40, 250, 10) if rng.random() < 0.6 else step(rng, 30, 200),
                "width": step(rng, 8, 30), "thickness": step(rng, 2, 8, 0.5),
                "holes": rng.randint(2, 10), "screw": screw, "hole_d": hole_d,
                "rounded": rng.random() < 0.35}

    def valid(self, v: Values) -> bool:
        L, W, d, n = v["length"], v["width"], v["hole_d"], v["holes"]
        return W >= d + 4 and n >= 2 and (L - W) / (n - 1) >= d + 2 and L >= 2 * W

    def params(self, v: Values) -> list[Param]:
        return [*as_params(v, "length", "width", "thickness", "holes"), hole_param(v)]

    def body(self, v: Values) -> str:
        if v["rounded"]:
            bar = ("    hull()\n"
                   "        for (x = [width / 2, length - width / 2])\n"
                   "            translate([x, width / 2, 0]) cylinder(d = width, h = thickness);")
        else:
            bar = "    cube([length, width, thickness]);"
        return ("difference() {\n" + bar + "\n"
                "    for (i = [0 : holes - 1])\n"
                "        translate([width / 2 + i * (length - width) / (holes - 1),"
                " width / 2, -1])\n"
                "            cylinder(d = hole_d, h = thickness + 2);\n}")

    def shape(self, v: Values) -> Shape:
        L, W = v["length"], v["width"]
        area = L * W
        if v["rounded"]:
            area = (L - W) * W + polygon_area(W, self.fn or 32)
        area -= v["holes"] * polygon_area(v["hole_d"], self.fn or 32)
        return Shape((L, W, v["thickness"]), genus=v["holes"], volume=area * v["thickness"])

    def describe(self, v: Values, said: frozenset[str], w: Words) -> str:
        L, W, t = v["length"], v["width"], v["thickness"]
        noun = w.pick(["bar", "bar", "flat bar", "strip", "mounting strip", "slat", "link",
                       "flat strip", "straight bracket", "mending plate", "hole strip"])
        clauses: list[Clause] = []
        if v["rounded"]:
            noun = w.pick(["rounded", "round-ended", "stadium-shaped"]) + " " + noun
        if "size" in said:
            dims = w.dims([L, W, t])
            clauses.append(Clause(
                adj=[dims, f"{w.mm(L)} long, {w.mm(W)} wide and {w.mm(t)} thick",
                     f"{w.mm(L)} long and {w.mm(W)} wide, {w.mm(t)} thick", f"measuring {dims}"],
                np=[f"dimensions of {dims}"],
                lead=[dims]))
        where = w.pick(["evenly spaced", "equally spaced", "spaced evenly", "in a row",
                        "along its length", "evenly along its length", "along the centre line",
                        "in a line", "at equal spacing"])
        clauses.append(Clause(np=[holes_np(w, v["holes"], v["screw"], v["hole_d"], where,
                                           "hole" in said)]))
        return w.compose(noun, clauses, keep_order=w.chance(0.6))

    def edits(self, v: Values, w: Words) -> list[Edit]:
        return [edits.resize(v, THICKNESS, w, 1.5, 12), edits.resize(v, LENGTH, w, 40, 300),
                *self.valid_edits(edits.hole_count(v, w, low=2), edits.bigger_holes(v, w),
                                  edits.smaller_holes(v, w))]
