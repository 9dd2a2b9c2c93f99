"""Engineering descriptions, flat and prismatic parts: plates, brackets, blocks with pockets,
covers, clamps. Multi-sentence, numbered, with axis hints, positions and purposes, written
by hand for this suite."""

from .part import FN, Part, hole, metric

P = "engineering"

PARTS = [
    Part(
        "eng-plate-two-holes-short-sides", P,
        "This is a rectangular plate with two holes. 1. The plate is 22 mm x 36 mm and 3 mm "
        "thick. 2. A 4 mm through hole sits 6 mm from one of the short sides, centred across "
        "the width. 3. A second identical hole sits 6 mm from the other short side.",
        "// plate\n" + FN + "difference() {\n  cube([36, 22, 3]);\n"
        "  for (x = [6, 30]) translate([x, 11, -1]) cylinder(d = 4, h = 5);\n}\n",
        size=(36, 22, 3), holes=(hole(4, 2),), genus=2),
    Part(
        "eng-driver-plate-counterbored", P,
        "Mounting plate for a small stepper driver board. 1. The base is 60 mm long (X), "
        "45 mm wide (Y) and 5 mm thick (Z). 2. Put four M3 clearance holes through it, one "
        "near each corner, with their centres 5 mm in from both edges. 3. Counterbore every "
        "hole from the top face, 6 mm in diameter and 2.5 mm deep, so the screw heads sit "
        "flush.",
        "// mounting plate\n" + FN + "difference() {\n  cube([60, 45, 5]);\n"
        "  for (x = [5, 55], y = [5, 40]) {\n"
        "    translate([x, y, -1]) cylinder(d = 3.3, h = 7);\n"
        "    translate([x, y, 2.5]) cylinder(d = 6, h = 3);\n  }\n}\n",
        size=(60, 45, 5), xyz=True, holes=(metric(3, 4, "z"),), genus=4),
    Part(
        "eng-pocket-block", P,
        "Block with a pocket, used as a small parts holder on the bench. 1. Start from a solid "
        "block 50 x 30 x 20 mm, lying flat on its largest face. 2. From the top face cut a "
        "rectangular pocket 30 mm by 16 mm, 12 mm deep, centred on the face. 3. The bottom "
        "stays closed: no through holes.",
        "// block with a pocket\ndifference() {\n  cube([50, 30, 20]);\n"
        "  translate([10, 7, 8]) cube([30, 16, 13]);\n}\n",
        size=(50, 30, 20), genus=0, volume=True),
    Part(
        "eng-shelf-l-bracket", P,
        "An L bracket to hold up a small shelf. 1. Two legs meet at a right angle; each leg is "
        "40 mm long measured from the outside corner, 25 mm wide and 4 mm thick. 2. Each leg "
        "has one 5 mm screw hole on its centre line, 25 mm from the outside corner.",
        "// L bracket\n" + FN + "difference() {\n"
        "  union() { cube([40, 25, 4]); cube([4, 25, 40]); }\n"
        "  translate([25, 12.5, -1]) cylinder(d = 5, h = 6);\n"
        "  translate([-1, 12.5, 25]) rotate([0, 90, 0]) cylinder(d = 5, h = 6);\n}\n",
        size=(40, 40, 25), holes=(hole(5, 2),), genus=2, kind=("L bracket", "bracket")),
    Part(
        "eng-box-cover-with-rim", P,
        "Cover for a project box whose opening is 60 x 40 mm. 1. A flat top plate 70 mm by 50 "
        "mm, 2 mm thick. 2. On its underside, centred, a rim whose outside is 60 x 40 mm, with "
        "a 1.5 mm wall, hanging 4 mm below the plate. 3. Four 3.2 mm screw holes through the "
        "plate, one in each corner, centres 2.5 mm from the two nearest edges.",
        "// lid\n" + FN + "difference() {\n  union() {\n"
        "    translate([0, 0, 4]) cube([70, 50, 2]);\n"
        "    difference() {\n      translate([5, 5, 0]) cube([60, 40, 4.01]);\n"
        "      translate([6.5, 6.5, -1]) cube([57, 37, 6]);\n    }\n  }\n"
        "  for (x = [2.5, 67.5], y = [2.5, 47.5]) translate([x, y, -1]) "
        "cylinder(d = 3.2, h = 8);\n}\n",
        size=(70, 50, 6), holes=(hole(3.2, 4),), genus=4, kind=("cover", "lid")),
    Part(
        "eng-rod-clamp-block", P,
        "Clamp block that holds a 12 mm rod on a table. 1. A block 40 mm long (X), 20 mm wide "
        "(Y) and 16 mm tall (Z). 2. A 12 mm hole runs through it along Y, centred in X, its "
        "axis 8 mm above the bottom face. 3. Two 4 mm vertical holes go through the block for "
        "the screws, at 6 mm and 34 mm along X, centred in Y.",
        "// clamp\n" + FN + "difference() {\n  cube([40, 20, 16]);\n"
        "  translate([20, -1, 8]) rotate([-90, 0, 0]) cylinder(d = 12, h = 22);\n"
        "  for (x = [6, 34]) translate([x, 10, -1]) cylinder(d = 4, h = 18);\n}\n",
        size=(40, 20, 16), xyz=True, holes=(hole(12, 1, "y"), hole(4, 2, "z")), genus=3),
    Part(
        "eng-motor-mount-slots", P,
        "Adjustable motor mount. 1. Plate 70 mm by 40 mm, 5 mm thick. 2. Two slots through the "
        "plate for the adjusting screws, each 5 mm wide and 20 mm long end to end with rounded "
        "ends, running along the 70 mm length and centred on it. 3. One slot's centre line is "
        "6 mm from one long edge, the other's 6 mm from the opposite long edge. 4. A 22 mm "
        "hole through the middle of the plate for the motor's boss.",
        "// mounting plate\n" + FN + "difference() {\n  cube([70, 40, 5]);\n"
        "  for (y = [6, 34]) hull() for (x = [27.5, 42.5]) translate([x, y, -1]) "
        "cylinder(d = 5, h = 7);\n"
        "  translate([35, 20, -1]) cylinder(d = 22, h = 7);\n}\n",
        size=(70, 40, 5), holes=(hole(22, 1),), genus=3, openings=(3, 4.5)),
    Part(
        "eng-board-base-standoffs", P,
        "Base for a credit-card-sized computer board. 1. A plate 95 x 66 x 3 mm. 2. Four round "
        "standoffs, 6 mm outside diameter, rise 5 mm above the plate; their centres sit on the "
        "corners of a 58 x 49 mm rectangle centred on the plate. 3. A 2.7 mm hole runs down "
        "through each standoff and the plate.",
        "// base plate with standoffs\n" + FN + "difference() {\n  union() {\n"
        "    cube([95, 66, 3]);\n    for (x = [18.5, 76.5], y = [8.5, 57.5]) "
        "translate([x, y, 0]) cylinder(d = 6, h = 8);\n  }\n"
        "  for (x = [18.5, 76.5], y = [8.5, 57.5]) translate([x, y, -1]) "
        "cylinder(d = 2.7, h = 10);\n}\n",
        size=(95, 66, 8), holes=(hole(2.7, 4),), genus=4),
    Part(
        "eng-pillow-block", P,
        "Pillow block for a 22 mm bearing. 1. A base 60 mm long (X), 22 mm wide (Y) and 6 mm "
        "thick (Z). 2. Centred on the base, a block 32 mm long in X and as wide as the base "
        "rises to a total height of 28 mm. 3. A 22 mm bore runs through that block along Y, "
        "its centre 16 mm above the bottom. 4. Two 5 mm mounting holes go down through the "
        "base at 7 mm from each end, centred in Y.",
        "// bearing block\n" + FN + "difference() {\n"
        "  union() { cube([60, 22, 6]); translate([14, 0, 0]) cube([32, 22, 28]); }\n"
        "  translate([30, -1, 16]) rotate([-90, 0, 0]) cylinder(d = 22, h = 24);\n"
        "  for (x = [7, 53]) translate([x, 11, -1]) cylinder(d = 5, h = 8);\n}\n",
        size=(60, 22, 28), xyz=True, holes=(hole(22, 1, "y"), hole(5, 2, "z")), genus=3),
    Part(
        "eng-shelf-bracket-gusset", P,
        "Shelf bracket with a stiffening rib. 1. A wall plate 50 mm tall, 30 mm wide and 5 mm "
        "thick. 2. From the bottom of the wall plate a shelf plate sticks out 50 mm, with the "
        "same width and thickness. 3. A triangular rib 4 mm thick, centred on the width, fills "
        "the inside corner; its two straight edges are 40 mm long. 4. Two 4.5 mm screw holes "
        "through the wall plate, 35 mm up from the bottom, 8 mm in from each side edge.",
        "// shelf bracket\n" + FN + "difference() {\n  union() {\n    cube([30, 5, 50]);\n"
        "    cube([30, 50, 5]);\n    translate([13, 0, 0]) rotate([90, 0, 90]) "
        "linear_extrude(4) polygon([[0, 0], [40, 0], [0, 40]]);\n  }\n"
        "  for (x = [8, 22]) translate([x, -1, 35]) rotate([-90, 0, 0]) "
        "cylinder(d = 4.5, h = 7);\n}\n",
        size=(50, 50, 30), holes=(hole(4.5, 2),), genus=2, kind=("shelf bracket", "bracket")),
    Part(
        "eng-u-bracket", P,
        "U-shaped bracket for a small pivot. 1. A base 40 mm long (X) and 20 mm wide (Y), 3 mm "
        "thick. 2. At both X ends of the base stands an upright wall, 3 mm thick and 20 mm "
        "wide, so the part is 25 mm tall overall. 3. One 6 mm hole through each upright along "
        "X, 15 mm above the bottom, centred in Y; the two holes line up. 4. One 4 mm hole "
        "through the centre of the base.",
        "// bracket\n" + FN + "difference() {\n  union() {\n    cube([40, 20, 3]);\n"
        "    for (x = [0, 37]) translate([x, 0, 0]) cube([3, 20, 25]);\n  }\n"
        "  translate([-1, 10, 15]) rotate([0, 90, 0]) cylinder(d = 6, h = 42);\n"
        "  translate([20, 10, -1]) cylinder(d = 4, h = 5);\n}\n",
        size=(40, 20, 25), xyz=True, holes=(hole(6, None, "x"), hole(4, 1, "z")), genus=3,
        kind=("bracket", "bracket")),
    Part(
        "eng-countersunk-strap", P,
        "Flat strap for joining two boards. 1. The strap is 50 mm long, 25 mm wide and 4 mm "
        "thick. 2. Three holes for wood screws lie on the long centre line, 8 mm, 25 mm and "
        "42 mm from one end. 3. Each is 3.8 mm through, countersunk at the top to 7.5 mm.",
        "// plate\n" + FN + "difference() {\n  cube([50, 25, 4]);\n  for (x = [8, 25, 42]) {\n"
        "    translate([x, 12.5, -1]) cylinder(d = 3.8, h = 6);\n"
        "    translate([x, 12.5, 2.15]) cylinder(d1 = 3.8, d2 = 7.5, h = 1.86);\n  }\n}\n",
        size=(50, 25, 4), holes=(hole(3.8, 3),), genus=3),
    Part(
        "eng-enclosure-open-top", P,
        "Small electronics enclosure. 1. Outside size 80 x 50 x 30 mm (length x width x "
        "height). 2. The top is open; walls and floor are 2 mm thick. 3. One 12 mm round hole "
        "for a panel connector goes through one of the 50 mm end walls, centred across it and "
        "15 mm up from the bottom. 4. Four 3 mm holes in the floor, each centred 6 mm in from "
        "two outside edges.",
        "// enclosure\n" + FN + "difference() {\n  cube([80, 50, 30]);\n"
        "  translate([2, 2, 2]) cube([76, 46, 30]);\n"
        "  translate([-1, 25, 15]) rotate([0, 90, 0]) cylinder(d = 12, h = 4);\n"
        "  for (x = [6, 74], y = [6, 44]) translate([x, y, -1]) cylinder(d = 3, h = 4);\n}\n",
        size=(80, 50, 30), holes=(hole(12, 1), hole(3, 4)), genus=5, wall=2.0,
        kind=("enclosure", "box")),
    Part(
        "eng-drawer-bar-handle", P,
        "Bar handle for a drawer front. 1. Two posts, each 12 mm square and 25 mm tall, stand "
        "with their centres 80 mm apart. 2. A grip bar 100 mm long, 12 mm wide and 8 mm thick "
        "lies across the tops of the posts, overhanging 4 mm past each post. 3. A 3.3 mm pilot "
        "hole goes 12 mm up into each post from its bottom face, for screws from inside the "
        "drawer.",
        "// drawer handle\n" + FN + "difference() {\n  union() {\n"
        "    for (x = [4, 84]) translate([x, 0, 0]) cube([12, 12, 25]);\n"
        "    translate([0, 0, 25]) cube([100, 12, 8]);\n  }\n"
        "  for (x = [10, 90]) translate([x, 6, -1]) cylinder(d = 3.3, h = 13);\n}\n",
        size=(100, 12, 33), holes=(hole(3.3, 2),), genus=0, kind=("drawer handle", "handle")),
    Part(
        "eng-drill-guide-block", P,
        "Drill guide block, used to start straight holes by hand. 1. A block 60 mm long (X), "
        "25 mm deep (Y) and 20 mm tall (Z). 2. A row of five holes goes straight down through "
        "it (along Z) on the centre line of the top face. 3. Their diameters are 3, 4, 5, 6 "
        "and 8 mm, with centres 10 mm apart, the first one 10 mm from the left end.",
        "// drill guide block\n" + FN + "ds = [3, 4, 5, 6, 8];\ndifference() {\n"
        "  cube([60, 25, 20]);\n  for (i = [0 : 4]) translate([10 + 10 * i, 12.5, -1]) "
        "cylinder(d = ds[i], h = 22);\n}\n",
        size=(60, 25, 20), xyz=True,
        holes=tuple(hole(d, 1, "z") for d in (3, 4, 5, 6, 8)), genus=5),
    Part(
        "eng-switch-cover-window", P,
        "Cover plate for a wall switch. 1. A plate 70 mm wide, 115 mm tall and 3 mm thick. 2. "
        "In the centre a rectangular opening 10 mm by 24 mm for the toggle, its long side "
        "along the plate's long side. 3. Two 3.5 mm screw holes on the long centre line, 30 mm "
        "above and 30 mm below the centre.",
        "// cover plate\n" + FN + "difference() {\n  cube([70, 115, 3]);\n"
        "  translate([30, 45.5, -1]) cube([10, 24, 5]);\n"
        "  for (y = [27.5, 87.5]) translate([35, y, -1]) cylinder(d = 3.5, h = 5);\n}\n",
        size=(115, 70, 3), holes=(hole(3.5, 2),), genus=3, openings=(1, 8),
        kind=("cover plate", "plate")),
    Part(
        "eng-sensor-bracket-slot", P,
        "Sensor bracket bent from 3 mm material, 20 mm wide (Y). 1. The horizontal leg is 30 "
        "mm long along X; the vertical leg rises 35 mm (Z) from the end at X = 0. 2. A slot 4 "
        "mm wide and 12 mm long overall runs along X through the middle of the horizontal "
        "leg, centred on it. 3. An 8 mm hole goes through the vertical leg along X, 22 mm "
        "above the bottom and centred across the width.",
        "// bracket\n" + FN + "difference() {\n"
        "  union() { cube([30, 20, 3]); cube([3, 20, 35]); }\n"
        "  hull() for (x = [12.5, 20.5]) translate([x, 10, -1]) cylinder(d = 4, h = 5);\n"
        "  translate([-1, 10, 22]) rotate([0, 90, 0]) cylinder(d = 8, h = 5);\n}\n",
        size=(30, 20, 35), xyz=True, holes=(hole(8, 1, "x"),), genus=2,
        kind=("bracket", "bracket")),
    Part(
        "eng-grooved-slide-block", P,
        "Slide block that rides on a 6 mm rail. 1. A block 30 mm long, 20 mm wide and 10 mm "
        "tall. 2. Along the full 30 mm length of the bottom face runs a groove 6 mm wide and "
        "4 mm deep, centred across the width. 3. No holes.",
        "// block\ndifference() {\n  cube([30, 20, 10]);\n"
        "  translate([-1, 7, -1]) cube([32, 6, 5]);\n}\n",
        size=(30, 20, 10), genus=0, volume=True),
    Part(
        "eng-nut-trap-block", P,
        "Nut trap block for an M3 screw. 1. A cube-like block 20 mm x 20 mm x 12 mm tall. 2. "
        "A 3.4 mm hole goes vertically through its centre. 3. From the bottom face, a "
        "hexagonal pocket 5.6 mm across the flats and 2.5 mm deep holds the nut.",
        "// block\ndifference() {\n  cube([20, 20, 12]);\n"
        "  translate([10, 10, -1]) cylinder(d = 3.4, h = 14, $fn = 48);\n"
        "  translate([10, 10, -1]) cylinder(d = 5.6 / cos(30), h = 3.5, $fn = 6);\n}\n",
        size=(20, 20, 12), holes=(hole(3.4, 1),), genus=1),
    Part(
        "eng-perforated-plate-grid", P,
        "Perforated plate, used as a small sieve insert. 1. The plate is 60 mm by 40 mm and 2 "
        "mm thick. 2. It has two rows of three 8 mm holes. 3. The holes are 15 mm apart centre "
        "to centre in both directions, and the grid is centred on the plate.",
        "// plate\n" + FN + "difference() {\n  cube([60, 40, 2]);\n"
        "  for (x = [15, 30, 45], y = [12.5, 27.5]) translate([x, y, -1]) "
        "cylinder(d = 8, h = 4);\n}\n",
        size=(60, 40, 2), holes=(hole(8, 6),), genus=6),
    Part(
        "eng-cable-saddle-clamp", P,
        "Saddle clamp that holds a 10 mm cable against a wall. 1. Two flat tabs, each 12 mm "
        "wide and 2 mm thick, lie on the wall. 2. Between them an arch (half a ring, 10 mm "
        "inside diameter, 2 mm wall) goes over the cable, so the part is 40 mm long end to "
        "end. 3. Each tab has a 4 mm screw hole, 5 mm from its outer end.",
        "// cable clip\n" + FN + "difference() {\n  union() {\n"
        "    for (x = [0, 26]) translate([x, 0, 0]) cube([14, 12, 2]);\n"
        "    translate([20, 0, 0]) rotate([-90, 0, 0]) difference() {\n"
        "      cylinder(r = 7, h = 12);\n      translate([0, 0, -1]) cylinder(r = 5, h = 14);\n"
        "      translate([-8, 0, -1]) cube([16, 8, 14]);\n    }\n  }\n"
        "  for (x = [5, 35]) translate([x, 6, -1]) cylinder(d = 4, h = 4);\n}\n",
        size=(40, 12, 7), holes=(hole(4, 2),), genus=2, kind=("clamp", "clip")),
]
