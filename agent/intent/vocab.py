"""Word tables for the checks of a new part: which kinds are boxy, round or annular,
which words say a hole goes through, what stacks on top, and the like. Data only."""

from __future__ import annotations

BOXY = frozenset({"cube", "block", "plate", "box", "lid", "tag", "comb", "grill", "channel"})


ROUND = frozenset({"cylinder", "spacer", "washer", "ring", "tube", "pulley", "knob", "flange",
                   "cup", "nut"})


ANNULAR = frozenset({"washer", "ring", "tube", "torus", "funnel"})  # a bore is what they are


MAYBE_ANNULAR = frozenset({"spacer", "adapter", "nut"})  # a bore if one is mentioned


# spacer-kind nouns that are open by what they are for: a cable or a shaft passes through
OPEN_NOUNS = frozenset({"grommet", "grommets", "bushing", "bushings", "sleeve", "sleeves",
                        "collar", "collars", "bush"})


FLAT_NOUNS = frozenset({"plate", "tag", "tile", "panel", "sheet", "board", "slab", "lid",
                        "grill", "grille", "comb", "guard", "cover", "bar", "strip", "shim",
                        "coin", "disc", "disk", "washer", "puck", "nameplate", "sign"})


UPRIGHT = frozenset({"standing", "upright", "vertical", "vertically", "stands", "tall"})


OPEN_WORDS = frozenset({"open", "hollow", "shelled", "shell", "walls", "wall", "cup", "pot",
                        "mug", "tray", "box", "enclosure", "container", "bin"})


BLIND_WORDS = frozenset({"blind", "pilot", "socket", "recess", "recessed", "stays", "closed",
                         "not", "dimple", "partial", "counterbore", "insert"})


THROUGH_WORDS = frozenset({"through", "throughhole", "throughholes", "clearance", "passes",
                           "straight", "way", "countersunk", "counterbored", "drain"})


TAPPED = frozenset({"tapped", "threaded", "thread", "insert", "inserts", "heat", "heatset",
                    "self", "tapping", "pilot", "tap"})
# of those, the words of a hole cut to the tap drill ("I'll tap the hole"), not for an insert
TAP_DRILLED = frozenset({"tapped", "tap", "tapping"})


# things a holder keeps standing in its holes: a hole "for pens" may well be blind
STORED = frozenset({"pen", "pens", "pencil", "pencils", "marker", "markers", "bit", "bits",
                    "crayon", "crayons", "battery", "batteries", "needle", "needles",
                    "swabs", "vials", "lipsticks"})  # (screwdrivers and brushes hang through)


CROSS = frozenset({"radial", "cross", "side", "sides", "both", "cheeks", "transverse"})


TOP_WORDS = frozenset({"top", "above", "upper", "projects", "protrudes", "rises", "sits",
                       "raised", "proud", "on", "rise", "project", "protrude", "rising"})


BOTTOM_WORDS = frozenset({"bottom", "underside", "under", "below", "beneath", "hangs",
                          "underneath", "lower", "foot"})


INSIDE_WORDS = frozenset({"inside", "within", "interior", "inner", "merged", "between"})


BRACES = frozenset({"rib", "ribs", "gusset", "gussets", "web", "webs", "fillet", "ridges",
                    "ridge", "knurl", "knurling", "flutes", "grip"})


EXACT = BOXY | ROUND | frozenset({"sphere", "hemisphere", "cone", "torus", "prism", "bracket",
                                  "cylinder", "block", "plate", "tube", "funnel", "spool",
                                  "pyramid", "star", "heart", "wedge"})


SIMPLE = frozenset({"cube", "block", "plate", "box", "cylinder", "sphere", "hemisphere",
                    "cone", "pyramid", "prism", "tag", "cup", "lid", "washer", "ring", "tube",
                    "spacer", "torus", "channel", "comb", "grill"})


FASTENERS = frozenset({"screw", "screws", "bolt", "bolts"})


SHAFTS = frozenset({"shaft", "rod", "axle", "pin", "dowel", "bearing", "pipe", "tube", "hose",
                    "cable", "cables", "wire", "post", "peg", "bit", "bits", "magnet"})


# round things a clip or clamp wraps: its inside is a round outline of their size
HELD_ROUND = frozenset({"cable", "cables", "wire", "wires", "pipe", "pipes", "tube", "tubes",
                        "hose", "hoses", "rod", "rods", "dowel", "dowels", "conduit", "handlebar",
                        "handlebars", "pole", "poles", "tubing", "broomstick"})


# what a screw holds down by ("a screw tab", "bolt ears"): each has a hole for it
SCREW_CARRIERS = frozenset({"tab", "tabs", "ear", "ears", "lug", "lugs", "flange", "flanges"})
# a pipe is named by a nominal size, not its outside diameter: only an OD says that
NOMINAL_SIZED = frozenset({"pipe", "pipes"})
# what stiffens a bent bracket beyond its two legs, adding material of no stated size
STIFFENERS = frozenset({"gusset", "gussets", "gusseted", "rib", "ribs", "ribbed", "braced",
                        "brace", "web", "webs", "flange", "flanges", "lip", "lips"})


HUBS = frozenset({"knob", "pulley", "gear", "spacer", "washer", "collar", "hub", "bushing",
                  "wheel", "ring", "tube", "adapter", "holder", "cap"})


OPENING_NOUNS = frozenset({"compartment", "compartments", "slot", "slots", "pocket", "pockets",
                           "window", "windows", "cutout", "cutouts", "recess", "recesses",
                           "cavity", "cavities", "socket", "sockets", "cell", "cells",
                           "bay", "bays", "opening", "openings"})


PLAIN = {"cube": "cube", "sphere": "sphere", "hemisphere": "hemisphere", "cylinder": "cylinder",
         "cone": "cone", "block": "box", "plate": "box"}


ROUNDING = frozenset({"rounded", "round", "chamfered", "chamfer", "fillet", "filleted",
                      "radius", "radiused", "text", "tapered", "star", "knurled", "slot"})


# features that stand up from a flat body ("a plate with 4 standoffs"): on top unless said
STANDING = frozenset({"standoff", "post", "peg", "pin", "pillar", "column", "boss"})
# a grill's own pattern, cut out of it: not pieces added to it
GRILL_PATTERN = frozenset({"ring", "rings", "spoke", "spokes", "bar", "bars", "slat", "slats",
                           "hexagon", "hexagons", "hex", "hexes", "louver", "louvers", "grid"})
