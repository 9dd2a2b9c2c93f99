"""Single-turn requests in maker wording: the parts people print, with slang, shorthand and
the odd typo. Specs hold only what the words pin down (a stated size, a hole, the kind)."""

from .part import FN, Part, any_hole, hole, metric, pilot

P = "maker"

PARTS = [
    Part("maker-fan-grill-40", P, "40mm fan grill for my printer's hotend fan, 4 mounting holes",
         "// fan grill\n" + FN + "difference() {\n  cube([40, 40, 2]);\n"
         "  for (x = [4, 36], y = [4, 36]) translate([x, y, -1]) cylinder(d = 3.3, h = 4);\n"
         "  for (r = [6, 11, 16]) translate([20, 20, -1]) difference() {\n"
         "    cylinder(r = r + 2, h = 4);\n    translate([0, 0, -1]) cylinder(r = r, h = 6);\n"
         "    for (a = [0, 90]) rotate(a) translate([-20, -1, -1]) cube([40, 2, 8]);\n  }\n}\n",
         dims=(40, 40), holes=(metric(3),), kind=("fan grill", "grill")),
    Part("maker-cable-clip-screw-tab", P,
         "cable clip w/ a screw tab, for a 6mm cable along the desk edge",
         "// cable clip\n" + FN + "difference() {\n  union() {\n    cylinder(d = 10, h = 8);\n"
         "    translate([0, -5, 0]) cube([16, 2, 8]);\n  }\n"
         "  translate([0, 0, -1]) cylinder(d = 6, h = 10);\n"
         "  translate([-6, -1.5, -1]) cube([6, 3, 10]);\n"
         "  translate([11, -6, 4]) rotate([-90, 0, 0]) cylinder(d = 3.5, h = 4);\n}\n",
         holes=(any_hole(2.5, 5.5),), kind=("cable clip", "clip")),
    Part("maker-key-tag", P, "keychain tag 50x25, 3mm thick, hole at one end for the ring",
         "// key tag\n" + FN + "difference() {\n  hull() for (x = [5, 45], y = [5, 20]) "
         "translate([x, y, 0]) cylinder(r = 5, h = 3);\n"
         "  translate([6, 12.5, -1]) cylinder(d = 5, h = 5);\n}\n",
         size=(50, 25, 3), holes=(any_hole(2.5, 9, 1),), genus=1, kind=("keychain tag", "tag")),
    Part("maker-parts-tray-4", P,
         "parts tray with 4 compartments, roughly 120 x 80 x 25",
         "// parts tray\ndifference() {\n  cube([120, 80, 25]);\n"
         "  for (x = [2, 61], y = [2, 41]) translate([x, y, 2]) cube([57, 37, 24]);\n}\n",
         size=(120, 80, 25), loose=True, genus=0, openings=(4, 15),
         kind=("parts tray", "box")),
    Part("maker-drawer-handle-96", P,
         "drawer handle, 96mm between the screw holes, M4 screws from the back",
         "// drawer handle\n" + FN + "difference() {\n  union() {\n"
         "    for (x = [0, 96]) translate([x, 0, 0]) cylinder(d = 12, h = 25);\n"
         "    translate([-10, -6, 25]) cube([116, 12, 8]);\n  }\n"
         "  for (x = [0, 96]) translate([x, 0, -1]) cylinder(d = 3.4, h = 14);\n}\n",
         holes=(pilot(4, 2),), kind=("drawer handle", "handle")),
    Part("maker-knob-6mm-shaft", P, "knob for a round 6mm pot shaft, 25mm dia, grippy edge",
         "// knob\n" + FN + "difference() {\n  cylinder(d = 25, h = 15);\n"
         "  for (a = [0 : 20 : 340]) rotate(a) translate([13, 0, -1]) cylinder(d = 2, h = 17);\n"
         "  translate([0, 0, -1]) cylinder(d = 6.2, h = 11);\n}\n",
         dims=(25, 25), loose=True, holes=(hole(6, 1),), kind=("knob", "knob")),
    Part("maker-hex-pencil-cup", P, "hexagonal pencil cup, 80mm tall, thicc 3mm walls",
         "// pencil cup\ndifference() {\n  cylinder(d = 70, h = 80, $fn = 6);\n"
         "  translate([0, 0, 3]) cylinder(d = 70 - 6 / cos(30), h = 80, $fn = 6);\n}\n",
         dims=(80,), genus=0, shape="hexagon", wall=3, kind=("pencil cup", "cup")),
    Part("maker-hose-adapter-inch", P, "hose adapter 3/4 inch to 1/2 inch, straight through",
         "// hose adapter\n" + FN + "difference() {\n  union() {\n"
         "    cylinder(d = 19.05, h = 25);\n    translate([0, 0, 25]) cylinder(d1 = 19.05, "
         "d2 = 12.7, h = 5);\n    translate([0, 0, 30]) cylinder(d = 12.7, h = 25);\n  }\n"
         "  translate([0, 0, -1]) cylinder(d = 9, h = 57);\n}\n",
         genus=1, kind=("hose adapter", "adapter")),
    Part("maker-m5-spacer", P, "need a 10mm tall sleeve an M5 bolt can pass thru, 10mm outside",
         "// spacer\n" + FN + "difference() {\n  cylinder(d = 10, h = 10);\n"
         "  translate([0, 0, -1]) cylinder(d = 5.3, h = 12);\n}\n",
         size=(10, 10, 10), holes=(metric(5, 1),), genus=1, kind=("sleeve", "spacer")),
    Part("maker-coat-hook-2-screws", P, "wall hook for a coat, 2 screw holes",
         "// coat hook\n" + FN + "difference() {\n  union() {\n    cube([20, 4, 60]);\n"
         "    translate([10, 0, 10]) rotate([-60, 0, 0]) cylinder(d = 10, h = 40);\n  }\n"
         "  for (z = [25, 50]) translate([10, -1, z]) rotate([-90, 0, 0]) "
         "cylinder(d = 4, h = 6);\n}\n",
         holes=(any_hole(2.5, 6.5, 2),), kind=("wall hook", "hook")),
    Part("maker-phone-stand-70", P, "phone stand, leans the phone back ~60 deg, 70mm wide",
         "// phone stand\nunion() {\n  cube([70, 80, 4]);\n  cube([70, 4, 14]);\n"
         "  translate([0, 16, 0]) rotate([-30, 0, 0]) cube([70, 4, 80]);\n"
         "  translate([0, 40, 0]) cube([70, 4, 40]);\n}\n",
         dims=(70,), kind=("phone stand", "stand")),
    Part("maker-cable-comb-8", P, "cable comb for 8 cables, 5mm each",
         "// cable comb\ndifference() {\n  cube([90, 20, 5]);\n"
         "  for (i = [0 : 7]) translate([6 + i * 11, 8, -1]) cube([5, 13, 7]);\n}\n",
         genus=0, kind=("cable comb", "comb")),
    Part("maker-coaster-rim", P, "coaster, 90mm round, 6mm tall overall with a 2mm raised rim",
         "// coaster\n$fn = 96;\ndifference() {\n  cylinder(d = 90, h = 6);\n"
         "  translate([0, 0, 4]) cylinder(d = 86, h = 3);\n}\n",
         size=(90, 90, 6), genus=0, kind=("coaster", "cylinder")),
    Part("maker-corner-bracket-2020", P,
         "corner bracket for 2020 extrusion, M5 clearence holes",
         "// corner bracket\n" + FN + "difference() {\n  union() {\n    cube([40, 20, 4]);\n"
         "    cube([4, 20, 40]);\n    translate([0, 8, 0]) rotate([90, 0, 90]) "
         "linear_extrude(4) polygon([[4, 4], [30, 4], [4, 30]]);\n  }\n"
         "  translate([25, 4, -1]) cylinder(d = 5.4, h = 6);\n"
         "  translate([-1, 4, 25]) rotate([0, 90, 0]) cylinder(d = 5.4, h = 6);\n}\n",
         holes=(metric(5),), kind=("corner bracket", "bracket")),
    Part("maker-mushroom-knob", P,
         "drawer knob, mushroom shape, 30mm across, for an M4 screw from behind",
         "// knob\n" + FN + "difference() {\n  union() {\n    cylinder(d = 14, h = 18);\n"
         "    translate([0, 0, 18]) scale([1, 1, 0.5]) sphere(d = 30);\n  }\n"
         "  translate([0, 0, -1]) cylinder(d = 3.4, h = 13);\n}\n",
         dims=(30, 30), holes=(pilot(4, 1),), kind=("drawer knob", "knob")),
    Part("maker-plant-pot-drain", P, "plant pot 100mm wide w/ one drain hole in the bottom",
         "// plant pot\n" + FN + "difference() {\n  cylinder(d = 100, h = 90);\n"
         "  translate([0, 0, 3]) cylinder(d = 94, h = 90);\n"
         "  translate([0, 0, -1]) cylinder(d = 10, h = 5);\n}\n",
         dims=(100, 100), genus=1, kind=("plant pot", "cup")),
    Part("maker-tray-150", P, "simple tray 150x100, 20mm deep, 2mm walls pls",
         "// tray\ndifference() {\n  cube([150, 100, 22]);\n"
         "  translate([2, 2, 2]) cube([146, 96, 21]);\n}\n",
         # "20mm deep" may be the inside or the whole height: 21 +-5 % takes either
         size=(150, 100, 21), loose=True, genus=0, wall=2, kind=("tray", "box")),
    Part("maker-desk-headphone-hanger", P,
         "headphone hanger that screws under my desk, 3 screw holes",
         "// headphone hanger\n" + FN + "difference() {\n  union() {\n    cube([60, 30, 5]);\n"
         "    translate([25, 0, -40]) cube([10, 30, 45]);\n"
         "    translate([25, 0, -45]) cube([35, 30, 5]);\n    translate([55, 0, -45]) "
         "cube([5, 30, 12]);\n  }\n"
         "  for (x = [8, 45, 52]) translate([x, 15, -1]) cylinder(d = 4, h = 7);\n}\n",
         holes=(any_hole(2.5, 6.5, 3),), kind=("headphone hanger", "hook")),
    Part("maker-table-foot", P,
         "replacement foot for a table leg, round, 30mm dia x 15mm, countersunk screw hole "
         "in the middle",
         "// foot\n" + FN + "difference() {\n  cylinder(d = 30, h = 15);\n"
         "  translate([0, 0, -1]) cylinder(d = 4, h = 17);\n"
         "  translate([0, 0, -0.01]) cylinder(d1 = 8, d2 = 4, h = 2);\n}\n",
         size=(30, 30, 15), holes=(any_hole(2.5, 6),), genus=1),
    Part("maker-m3-standoff", P, "m3 standoff 8mm tall, 6mm hex outside",
         "// standoff\ndifference() {\n  cylinder(d = 6 / cos(30), h = 8, $fn = 6);\n"
         "  translate([0, 0, -1]) cylinder(d = 3.2, h = 10, $fn = 32);\n}\n",
         size=(8, 6.93, 6), holes=(metric(3, 1),), genus=1, shape="hexagon",
         kind=("standoff", "spacer")),
    Part("maker-sd-card-holder-6", P, "sd card holder, 6 slots, desk organiser",
         "// sd card holder\ndifference() {\n  cube([70, 36, 20]);\n"
         "  for (i = [0 : 5]) translate([6 + i * 11, 5, 8]) cube([3, 26, 13]);\n}\n",
         genus=0, openings=(6, 2.0), kind=("sd card holder", "stand")),
    Part("maker-bag-clip", P, "chip bag clip about 80mm long, a simple spring clip",
         "// bag clip\ndifference() {\n  cube([80, 12, 10]);\n"
         "  translate([-1, 4, 2]) cube([76, 4, 12]);\n}\n",
         dims=(80,), loose=True, genus=0, kind=("bag clip", "clip")),
]
