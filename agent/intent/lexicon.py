"""Word tables of the request reader: the nouns of holes, cuts and added features, the
words that give a quantity its role ("60 mm long", "thickness 3"), kinds by name. Data only."""

from __future__ import annotations

from tools.kinds import KINDS

HOLE_NOUNS = frozenset({"hole", "holes", "throughhole", "throughholes", "bore", "bores",
                        "borehole", "boreholes"})


CUT_NOUNS = frozenset({
    "slot", "slots", "pocket", "pockets", "recess", "recesses", "groove", "grooves", "notch",
    "notches", "cutout", "cutouts", "window", "windows", "keyway", "keyways", "flute",
    "flutes", "chamfer", "chamfers", "fillet", "fillets", "countersink", "counterbore",
    "counterbores", "socket", "sockets", "cavity", "vent", "vents", "perforation",
    "perforations", "engraving", "compartment", "compartments", "divider", "dividers",
    "cut", "opening", "openings", "trap",
})


ADD_NOUNS = frozenset({
    "boss", "bosses", "hub", "hubs", "flange", "flanges", "lip", "lips", "rim", "tab", "tabs",
    "ear", "ears", "leg", "legs", "foot", "feet", "peg", "pegs", "post", "posts", "spout",
    "handle", "handles", "knob", "rib", "ribs", "fin", "fins", "gusset", "gussets", "cheek",
    "cheeks", "arm", "arms", "stem", "spigot", "journal", "shoulder", "riser",
    "strap", "text", "lettering", "letters", "logo", "knuckle", "knuckles", "spoke", "spokes",
    "collar", "skirt", "leaf", "leaves", "section", "sections", "core", "strip", "strips",
    "standoff", "standoffs", "pin", "pins", "hook", "lid", "ring", "shaft", "cone",
    "teeth", "tooth", "thread", "threads", "lever", "plate", "disc", "disk", "bar", "ridges",
    "ridge",
    "cylinder", "block", "tube", "pipe", "sleeve", "clip",
})


# feature nouns that can also be the whole part when a request opens with them
HEAD_FEATURES = frozenset({"hub", "boss", "foot", "feet", "leg", "arm", "lever", "shaft",
                           "handle", "knob", "peg", "post", "pin", "bar"})


# surfaces and parts of a shell: they name where things are, not something that sticks out
SURFACES = frozenset({"face", "faces", "top", "bottom", "wall", "walls", "floor", "side",
                      "sides", "edge", "edges", "end", "ends",
                      "underside", "corner", "corners", "centre", "center", "middle"})


# a noun after these is something the part fits, not a piece of it ("for a 6 mm shaft")
MATE_WORDS = frozenset({"for", "fits", "fit", "fitting", "takes", "holds", "hold", "clears",
                        "accepts", "carries", "carry", "receives", "grips", "clamps", "onto",
                        "over", "on", "pack", "mount", "mounts", "mounting", "attach",
                        "attaches", "support", "supports", "raise", "raises", "fix", "fixes",
                        "fasten", "fastens", "clamp", "seal", "seals", "guide", "guides",
                        "locate", "locates", "drive", "drives", "closes", "close", "cover",
                        "covers", "protect", "protects", "hang", "hangs", "organize",
                        "organise", "store", "stores", "tidy", "route", "routes", "into",
                        "around", "holding", "against", "inside"})


# after a singular hole noun these make it a measure, not a hole ("a 96 mm hole spacing")
HOLE_MODIFIERS = frozenset({"spacing", "pattern", "pitch", "centers", "centres", "distance",
                            "centre", "center", "axis", "centreline", "centerline",
                            "positions", "position", "circle", "strip", "size", "sizes",
                            "diameter", "diameters", "depth", "radius"})


REF_NOUNS = frozenset({"part", "piece", "body", "object", "thing", "item", "model", "it",
                       "base"})


DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "each", "both", "every",
                      "all", "either"})


# words that may sit between a count (or a size) and its noun
MODIFIERS = frozenset({
    "small", "large", "big", "round", "square", "rectangular", "hex", "hexagonal", "circular",
    "through", "blind", "mounting", "mount", "screw", "bolt", "fixing", "clearance",
    "countersunk", "counterbored", "tapped", "threaded", "pilot", "dowel", "drain", "vent",
    "ventilation", "cable", "shaft", "center", "centre", "central", "corner", "side", "radial",
    "axial", "cross", "locating", "evenly", "equally", "spaced", "identical", "more", "extra",
    "additional", "new", "diameter", "wide", "long", "deep", "tall", "high", "thick",
    "cylindrical", "triangular", "straight", "flat", "solid", "hollow", "open", "plain",
    "simple", "thin", "raised", "sealing", "grip", "half", "semicircular", "hold", "down",
    "pivot", "key", "ring", "base", "top", "bottom", "inner", "outer", "main", "little",
    "tiny", "mm", "x", "nut", "m", "insert", "keyhole", "spur", "fan", "wall", "back",
    "front", "cover", "end", "pipe", "bearing", "rubber", "steel", "aluminium", "aluminum",
    "wooden", "metal", "plastic", "printed", "l", "u", "c", "t", "rounded", "chamfered",
    "tapered", "stepped", "slotted", "elongated", "oval", "snap", "angled", "vertical",
    "horizontal", "upright", "support", "parallel", "outside", "inside", "separate", "keyed",
    "drainage", "core", "band", "v", "d", "y", "lightening", "lightning", "weight", "relief",
    "access", "alignment", "adjustment", "lacing", "zip", "tie", "hanging", "wire",
})


STOP = frozenset({"with", "and", "or", "of", "in", "on", "at", "for", "to", "from", "by",
                  "is", "are", "has", "have", "that", "which", "a", "an", ",", ".", ":", ";",
                  "(", ")", "-", "plus", "then", "into", "through", "per", "each", "along"})


# role words right after a number ("5 mm thick") and right before it ("thickness 5 mm")
ROLE_AFTER: dict[str, str] = {
    "long": "length", "length": "length", "wide": "width", "width": "width", "broad": "width",
    "tall": "height", "high": "height", "height": "height", "thick": "thick",
    "thickness": "thick", "deep": "depth", "depth": "depth", "diameter": "diameter",
    "across": "across", "radius": "radius", "od": "od", "id": "id", "wall": "wall",
    "walls": "wall", "square": "side", "cube": "cube_side", "proud": "position",
    "af": "flats", "apart": "position", "from": "position", "away": "position",
    "above": "position",
    "below": "position", "off": "position", "pitch": "position", "spacing": "position",
    "centres": "position", "centers": "position", "centre": "position",
    "center": "position", "offset": "position", "inset": "position", "up": "position",
    "in": "position", "degrees": "angle", "degree": "angle", "deg": "angle",
    "pcd": "position", "circle": "position", "outside": "od", "inside": "id", "outer": "od",
    "inner": "id", "bore": "bore", "hole": "hole_size", "holes": "hole_size",
}


ROLE_BEFORE: dict[str, str] = {
    "length": "length", "long": "length", "width": "width", "wide": "width",
    "height": "height", "tall": "height", "thickness": "thick", "thick": "thick",
    "depth": "depth", "deep": "depth", "diameter": "diameter", "radius": "radius",
    "od": "od", "id": "id", "wall": "wall", "walls": "wall", "side": "side", "sides": "side",
    "edge": "side", "edges": "side", "across": "across", "bore": "bore", "hole": "hole_size",
    "pitch": "position", "spacing": "position", "offset": "position", "inset": "position",
    "circle": "position", "pcd": "position", "by": "position", "at": "position",
    "apart": "position", "bored": "bore", "core": "core",
}


FILLERS = frozenset({"of", "is", "=", ":", "about", "approximately", "approx", "around",
                     "roughly", "exactly", "be", "should", "must", "to", "measures", "measuring",
                     "~", "total", "overall", "a", "an", "with", "it", "its", "the", "outer",
                     "outside", "inner", "inside", "max", "maximum", "minimum",
                     "min", "mm", "only", "just", "set", "has", "have", "measure", "comes",
                     "come", "therefore", "thus", "so", "equals", "equal", "works", "out",
                     "gives", "giving", "making", "makes", "becomes", "are", "was"})


RISE_WORDS = frozenset({"projects", "protrudes", "protruding", "sticks", "sticking", "extends",
                        "extending", "rises", "rising", "hangs", "hanging", "stands", "standing",
                        "drops", "reaches"})


ABOUT = frozenset({"about", "approximately", "approx", "around", "roughly", "~", "ish",
                   "maybe", "ca"})


AXIS_WORDS = {"x": "x", "y": "y", "z": "z"}


PLACES = {"top": "top", "upper": "top", "above": "top", "bottom": "bottom", "underside":
          "bottom", "below": "bottom", "under": "bottom", "end": "end", "ends": "end",
          "side": "side", "sides": "side", "corner": "corner", "corners": "corner",
          "centre": "center", "center": "center", "middle": "center"}


KIND_NAMES: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(name.split()), kind) for kind, names in KINDS.items() for name in names),
    key=lambda pair: -len(pair[0]),
)


SINGLE_KIND: dict[str, str] = {name: kind for kind, names in KINDS.items() for name in names
                                if " " not in name}


SINGLE_NAMES = sorted(SINGLE_KIND)


# English words a kind name could be mistaken for by a typo-tolerant match
KNOWN_WORDS = frozenset({"holes", "thick", "threads", "center", "centre", "corner", "corners",
                          "sides", "slots", "round", "block", "plates", "places", "spaced",
                          "screws", "rounded", "wider", "length", "height", "please", "inside",
                          "outside", "across", "shelf", "print", "printed", "stands", "standing",
                          "handles", "holder", "holders", "hooks", "rings", "boxes", "bolts",
                          "tubes", "pipes", "plate", "cubes", "cones", "clips", "pulls",
                          "cable", "cables", "panels", "other", "lower", "upper", "steps",
                          "tapered", "taper", "hexagon", "sphere", "spheres", "point",
                          "points", "legs", "table", "wheels", "posts", "sheet", "sheets",
                          "about", "total", "those", "these", "there", "their", "where",
                          "which", "whose", "under", "above", "below", "along", "ridges", "grips"})


MATE_NOUNS = frozenset({
    "shaft", "rod", "axle", "bearing", "cable", "cables", "wire", "screw", "screws", "bolt",
    "bolts", "pipe", "tube", "hose", "dowel", "magnet", "magnets", "pen", "pencil", "phone",
    "board", "pcb", "desktop", "desk", "bit", "bits", "card", "cards", "nut", "insert",
    "spool", "bottle", "jar", "fan", "motor", "finger", "pin", "ring", "key", "keys", "shelf",
    "wall", "stud", "rail", "battery", "batteries", "led", "sensor", "post", "tap",
    "wheel", "frame", "chassis", "housing", "conveyor", "door", "cabinet", "drawer", "mouth",
    "shafts", "rods", "dowels", "pipes", "tubes", "hoses", "pins", "stepper", "screwdrivers",
    "headphones", "spools", "filament", "table", "bed", "gearbox", "race", "handlebar",
    "handlebars", "pole", "poles", "tubing", "broomstick",
})


# ------------------------------------------------------------------ attachment
ACCEPTS: dict[str, frozenset[str]] = {
    "hole": frozenset({"diameter", "radius", "size", "depth", "position", "bore", "id",
                       "hole_size", "across", "side"}),
    "cut": frozenset({"length", "width", "depth", "diameter", "radius", "size", "pair",
                      "triple", "position", "angle", "thick", "height", "side", "across"}),
}


PREPOSITIONS = frozenset({"on", "to", "into", "onto", "from", "of", "under", "above", "below",
                          "near", "at", "in", "through", "over", "around", "inside", "between",
                          "across", "along", "against", "beside", "within", "off"})


# ------------------------------------------------------------------ coreference
ORDER_WORDS = frozenset({"bottom", "middle", "top", "upper", "lower", "left", "right", "first",
                         "second", "third", "next", "last", "outer", "inner", "front", "back",
                         "rear", "horizontal", "vertical", "other", "short", "long", "big",
                         "small", "large"})


PLACE_WORDS = frozenset({"corner", "corners", "centre", "center", "middle", "end", "ends", "side",
                         "top", "bottom", "edge", "each", "left", "right"})


SHAPE_KINDS = frozenset({"cylinder", "sphere", "hemisphere", "cone", "torus", "block", "cube",
                         "prism", "plate", "ring", "tube"})
