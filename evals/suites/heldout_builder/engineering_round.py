"""Engineering descriptions, turned and round parts: flanges, bushings, collars, pulleys,
knobs, washers, reducers, housings. Written by hand for this suite."""

from .part import FN, Part, hole, metric

P = "engineering"


def stepped(name: str, first: tuple[float, float], second: tuple[float, float],
            bore: tuple[float, float]) -> str:
    """Two coaxial cylinders (diameter, height) standing on z = 0, bored from below."""
    return (f"// {name}\n" + FN + "difference() {\n"
            f"  union() {{ cylinder(d = {first[0]}, h = {first[1]}); "
            f"cylinder(d = {second[0]}, h = {second[1]}); }}\n"
            f"  translate([0, 0, -1]) cylinder(d = {bore[0]}, h = {bore[1]});\n}}\n")


PARTS = [
    Part(
        "eng-hub-flange-six-bolts", P,
        "Pipe flange with a raised hub. 1. A disc 80 mm in diameter and 8 mm thick. 2. In the "
        "middle of the disc, a hub 40 mm in diameter stands 12 mm above it, so the flange is "
        "20 mm tall overall. 3. A 25 mm bore runs through hub and disc. 4. Six 6.5 mm bolt "
        "holes are equally spaced on a 64 mm bolt circle.",
        "// flange\n" + FN + "difference() {\n  union() { cylinder(d = 80, h = 8); "
        "cylinder(d = 40, h = 20); }\n  translate([0, 0, -1]) cylinder(d = 25, h = 22);\n"
        "  for (a = [0 : 60 : 300]) rotate(a) translate([32, 0, -1]) "
        "cylinder(d = 6.5, h = 10);\n}\n",
        size=(80, 80, 20), holes=(hole(25, 1), hole(6.5, 6)), genus=7, kind=("flange", "flange")),
    Part(
        "eng-collared-bushing", P,
        "Replacement bushing for a wheel axle. 1. The sleeve has an outside diameter of 16 mm "
        "and the whole part is 20 mm long. 2. The bore is 10 mm. 3. At one end there is a "
        "collar 22 mm across and 3 mm thick (part of the 20 mm length).",
        stepped("bushing", (16, 20), (22, 3), bore=(10, 22)),
        size=(22, 22, 20), holes=(hole(10, 1),), genus=1, volume=True,
        kind=("bushing", "spacer")),
    Part(
        "eng-shaft-collar-setscrew", P,
        "Shaft collar. 1. A ring 24 mm outside diameter with an 8 mm bore, 10 mm long. 2. A 3 "
        "mm hole for a set screw is drilled radially through one side of the ring into the "
        "bore, halfway along the length.",
        "// shaft collar\n" + FN + "difference() {\n  cylinder(d = 24, h = 10);\n"
        "  translate([0, 0, -1]) cylinder(d = 8, h = 12);\n"
        "  translate([0, 0, 5]) rotate([0, 90, 0]) cylinder(d = 3, h = 13);\n}\n",
        size=(24, 24, 10), holes=(hole(8, 1), hole(3, 1)), genus=2, kind=("collar", "spacer")),
    Part(
        "eng-idler-pulley-flanged", P,
        "Idler pulley for a 6 mm wide belt. 1. The running surface is a cylinder 20 mm in "
        "diameter and 8 mm tall. 2. A flange 24 mm across and 1 mm thick sits at the top and "
        "another at the bottom, so the pulley is 10 mm tall overall. 3. A 5 mm bore goes "
        "through the centre.",
        "// idler pulley\n" + FN + "difference() {\n  union() {\n    cylinder(d = 24, h = 1);\n"
        "    cylinder(d = 20, h = 10);\n    translate([0, 0, 9]) cylinder(d = 24, h = 1);\n  }\n"
        "  translate([0, 0, -1]) cylinder(d = 5, h = 12);\n}\n",
        size=(24, 24, 10), holes=(hole(5, 1),), genus=1, volume=True, kind=("pulley", "pulley")),
    Part(
        "eng-v-belt-pulley", P,
        "V-belt pulley. 1. Outside diameter 50 mm, rim 16 mm wide. 2. Around the rim runs a "
        "V groove 8 mm deep, 12 mm wide at the outside and 4 mm wide at the bottom, centred "
        "on the rim. 3. A hub 25 mm across sticks out 6 mm on one side. 4. A 12 mm bore goes "
        "through rim and hub.",
        "// pulley\n" + FN + "difference() {\n  union() {\n"
        "    rotate_extrude() polygon([[0, 0], [25, 0], [25, 2], [19, 6], [17, 8], [19, 10], "
        "[25, 14], [25, 16], [0, 16]]);\n    translate([0, 0, 16]) cylinder(d = 25, h = 6);\n"
        "  }\n  translate([0, 0, -1]) cylinder(d = 12, h = 24);\n}\n",
        size=(50, 50, 22), holes=(hole(12, 1),), genus=1, volume=True, kind=("pulley", "pulley")),
    Part(
        "eng-stepped-control-knob", P,
        "Control knob for a 6 mm round shaft. 1. The body is a cylinder 30 mm in diameter and "
        "15 mm tall. 2. On top sits a smaller cylinder 20 mm in diameter and 5 mm tall, "
        "making the knob 20 mm tall. 3. From the bottom, a blind hole 6 mm in diameter and 12 "
        "mm deep takes the shaft; it does not come out at the top.",
        stepped("knob", (30, 15), (20, 20), bore=(6, 13)),
        size=(30, 30, 20), holes=(hole(6, 1),), genus=0, kind=("knob", "knob")),
    Part(
        "eng-pipe-cap-vented", P,
        "Round cap for the end of a 52 mm pipe. 1. A disc 56 mm across and 3 mm thick forms "
        "the top. 2. A skirt hangs down from its rim: 56 mm outside diameter, 2 mm wall, 10 mm "
        "below the disc, so the cap is 13 mm tall. 3. The disc has a ring of eight 5 mm vent "
        "holes on a 36 mm circle.",
        "// end cap\n" + FN + "difference() {\n  cylinder(d = 56, h = 13);\n"
        "  translate([0, 0, -1]) cylinder(d = 52, h = 11);\n"
        "  for (a = [0 : 45 : 315]) rotate(a) translate([18, 0, 5]) cylinder(d = 5, h = 10);\n"
        "}\n",
        size=(56, 56, 13), holes=(hole(5, 8),), genus=8, wall=2.0, kind=("cap", "lid")),
    Part(
        "eng-square-socket-flange", P,
        "Square flange for fixing a 20 mm tube to a board. 1. A square plate 50 x 50 mm, 6 mm "
        "thick. 2. In its centre a socket, a tube 26 mm outside diameter, rises 20 mm above "
        "the plate. 3. A 20.4 mm bore goes through socket and plate. 4. An M5 clearance hole "
        "in each corner, centres 7 mm in from both edges.",
        "// flange\n" + FN + "difference() {\n  union() {\n"
        "    translate([-25, -25, 0]) cube([50, 50, 6]);\n    cylinder(d = 26, h = 26);\n  }\n"
        "  translate([0, 0, -1]) cylinder(d = 20.4, h = 28);\n"
        "  for (x = [-18, 18], y = [-18, 18]) translate([x, y, -1]) cylinder(d = 5.5, h = 8);\n"
        "}\n",
        size=(50, 50, 26), holes=(hole(20.4, 1), metric(5, 4)), genus=5, kind=("flange", "flange")),
    Part(
        "eng-inch-thrust-washer", P,
        "Thrust washer for an old lawn mower wheel, drawing in inches. 1. Outside diameter 1 "
        "inch. 2. Inside diameter 1/2 inch. 3. Thickness 1/8 inch.",
        "// washer\n" + FN + "difference() {\n  cylinder(d = 25.4, h = 3.175);\n"
        "  translate([0, 0, -1]) cylinder(d = 12.7, h = 5.175);\n}\n",
        size=(25.4, 25.4, 3.175), holes=(hole(12.7, 1),), genus=1, kind=("washer", "washer")),
    Part(
        "eng-star-knob-hex-pocket", P,
        "Star knob for an M6 bolt, used to tighten a jig by hand. 1. A disc 40 mm across and "
        "10 mm thick. 2. Five round notches, 10 mm in diameter and evenly spaced, are cut "
        "into the rim; their centres lie on the 40 mm circle. 3. A 6.5 mm hole goes through "
        "the middle. 4. From the bottom, a hexagonal pocket 10 mm across the flats and 5 mm "
        "deep holds the bolt head.",
        "// knob\n" + FN + "difference() {\n  cylinder(d = 40, h = 10);\n"
        "  for (a = [0 : 72 : 288]) rotate(a) translate([20, 0, -1]) cylinder(d = 10, h = 12);\n"
        "  translate([0, 0, -1]) cylinder(d = 6.5, h = 12);\n"
        "  translate([0, 0, -1]) cylinder(d = 10 / cos(30), h = 6, $fn = 6);\n}\n",
        size="mesh", dims=(10,), holes=(hole(6.5, 1),), genus=1, volume=True,
        kind=("star knob", "knob")),
    Part(
        "eng-hose-reducer", P,
        "Reducer between two hoses. 1. It is a tube 40 mm long. 2. The first 20 mm have an "
        "outside diameter of 25 mm, the other 20 mm an outside diameter of 19 mm. 3. A 15 mm "
        "bore runs straight through the whole length.",
        stepped("reducer", (25, 20), (19, 40), bore=(15, 42)),
        size=(40, 25, 25), holes=(hole(15, 1),), genus=1, volume=True,
        kind=("reducer", "adapter")),
    Part(
        "eng-bearing-housing-ears", P,
        "Flanged bearing housing. 1. A ring with a 32 mm outside diameter and a 22 mm bore, 8 "
        "mm tall. 2. Two ears, 8 mm thick and 16 mm wide with rounded ends, stick out on "
        "opposite sides so the part is 56 mm long overall. 3. Each ear has a 5 mm hole; the "
        "two hole centres are 46 mm apart.",
        "// bearing housing\n" + FN + "difference() {\n  union() {\n"
        "    cylinder(d = 32, h = 8);\n    hull() for (x = [-20, 20]) translate([x, 0, 0]) "
        "cylinder(d = 16, h = 8);\n  }\n  translate([0, 0, -1]) cylinder(d = 22, h = 10);\n"
        "  for (x = [-23, 23]) translate([x, 0, -1]) cylinder(d = 5, h = 10);\n}\n",
        size=(56, 32, 8), holes=(hole(22, 1), hole(5, 2)), genus=3),
    Part(
        "eng-spoked-handwheel", P,
        "Small handwheel for a lead screw. 1. An outer rim: a ring 60 mm outside diameter, "
        "6 mm wide radially, 8 mm tall. 2. A hub 16 mm in diameter and 12 mm tall in the "
        "centre, with an 8 mm bore. 3. Three straight spokes, 5 mm wide and 8 mm tall, join "
        "hub and rim at 120 degrees to each other.",
        "// handwheel\n" + FN + "difference() {\n  union() {\n"
        "    difference() { cylinder(d = 60, h = 8); translate([0, 0, -1]) "
        "cylinder(d = 48, h = 10); }\n    cylinder(d = 16, h = 12);\n"
        "    for (a = [0, 120, 240]) rotate(a) translate([0, -2.5, 0]) cube([27, 5, 8]);\n  }\n"
        "  translate([0, 0, -1]) cylinder(d = 8, h = 14);\n}\n",
        size=(60, 60, 12), holes=(hole(8, 1),), genus=4, kind=("handwheel", "knob")),
    Part(
        "eng-stepped-shaft-spacer", P,
        "Stepped spacer for a bicycle hub. 1. The spacer is 18 mm long in total. 2. The first "
        "8 mm have an outside diameter of 20 mm; the remaining 10 mm are 14 mm across. 3. The "
        "bore is 9.5 mm all the way through. 4. Break the outside edge of the wide end with a "
        "1 mm chamfer.",
        "// spacer\n" + FN + "difference() {\n  union() {\n    cylinder(d1 = 18, d2 = 20, h = 1);\n"
        "    translate([0, 0, 1]) cylinder(d = 20, h = 7);\n    cylinder(d = 14, h = 18);\n  }\n"
        "  translate([0, 0, -1]) cylinder(d = 9.5, h = 20);\n}\n",
        size=(20, 20, 18), holes=(hole(9.5, 1),), genus=1, volume=True,
        kind=("spacer", "spacer")),
]
