"""Single-turn one-liners in new wording, as people type them: short, terse, mixed units."""

from .part import FN, Part, hole, metric

P = "oneliner"


def _tube(od: float, idia: float, h: float, kind: str = "tube") -> str:
    return (f"// {kind}\n" + FN + f"difference() {{\n  cylinder(d = {od}, h = {h});\n"
            f"  translate([0, 0, -1]) cylinder(d = {idia}, h = {h + 2});\n}}\n")


PARTS = [
    Part("line-cube-with-bore", P, "a 25 mm cube with a 6 mm hole through it",
         "// cube\n" + FN + "difference() {\n  cube(25, center = true);\n"
         "  cylinder(d = 6, h = 27, center = true);\n}\n",
         size=(25, 25, 25), holes=(hole(6, 1),), genus=1),
    Part("line-cylinder-wide-high", P, "solid round post, 30mm diameter, standing 45mm tall",
         "// cylinder\n" + FN + "cylinder(d = 30, h = 45);\n",
         size=(30, 30, 45), xyz=True, genus=0, shape="cylinder"),
    Part("line-ball-inches", P, "make me a ball 2 inches across",
         "// ball\n$fn = 96;\nsphere(d = 50.8);\n",
         size=(50.8, 50.8, 50.8), genus=0, shape="sphere"),
    Part("line-tube-od-id", P, "tube, OD 20, ID 16, 60 long",
         _tube(20, 16, 60), size=(60, 20, 20), holes=(hole(16, 1),), genus=1, wall=2),
    Part("line-m8-washer", P,
         "flat washer for M8 bolts: 17 mm outside, 8.4 mm hole, 1.6 mm thick",
         _tube(17, 8.4, 1.6, "washer"), size=(17, 17, 1.6), holes=(hole(8.4, 1),), genus=1),
    Part("line-hex-bar", P, "40 mm length of hexagonal stock, 12 mm between opposite flats",
         "// hex prism\ncylinder(d = 12 / cos(30), h = 40, $fn = 6);\n",
         size=(40, 13.86, 12), genus=0, shape="hexagon"),
    Part("line-open-box-walls", P, "box 40x30x20 mm, hollow, open on top, 2mm walls",
         "// box\ndifference() {\n  cube([40, 30, 20]);\n"
         "  translate([2, 2, 2]) cube([36, 26, 20]);\n}\n",
         size=(40, 30, 20), genus=0, wall=2),
    Part("line-cone-radius", P, "cone, base radius 15, height 40",
         "// cone\n" + FN + "cylinder(r1 = 15, r2 = 0, h = 40);\n",
         size=(30, 30, 40), xyz=True, genus=0, shape="cone"),
    Part("line-plate-cm", P, "a 5 cm by 3 cm plate, 4 mm thick",
         "// plate\ncube([50, 30, 4]);\n", size=(50, 30, 4), genus=0),
    Part("line-ring-band", P,
         "ring with an 18 mm inner diameter, the band 2 mm thick and 4 mm wide",
         _tube(22, 18, 4, "ring"), size=(22, 22, 4), holes=(hole(18, 1),), genus=1),
    Part("line-bar-three-holes", P,
         "rectangular block 80 long 20 wide 10 tall with three 5 mm holes evenly spaced along it",
         "// block\n" + FN + "difference() {\n  cube([80, 20, 10]);\n"
         "  for (x = [20, 40, 60]) translate([x, 10, -1]) cylinder(d = 5, h = 12);\n}\n",
         size=(80, 20, 10), holes=(hole(5, 3),), genus=3),
    Part("line-square-plate-m4", P, "square plate 50mm, 3mm thick, 4 holes M4 in the corners",
         "// plate\n" + FN + "difference() {\n  cube([50, 50, 3]);\n"
         "  for (x = [6, 44], y = [6, 44]) translate([x, y, -1]) cylinder(d = 4.4, h = 5);\n}\n",
         size=(50, 50, 3), holes=(metric(4, 4),), genus=4),
    Part("line-hemisphere-radius", P, "half sphere of radius 20",
         "// hemisphere\n$fn = 96;\nintersection() {\n  sphere(r = 20);\n"
         "  translate([-21, -21, 0]) cube([42, 42, 21]);\n}\n",
         size=(40, 40, 20), genus=0, shape="hemisphere"),
    Part("line-disc-centre-hole", P, "60 mm round disc, 5 mm thick, 10 mm hole in the middle",
         _tube(60, 10, 5, "disc"), size=(60, 60, 5), holes=(hole(10, 1),), genus=1),
    Part("line-triangular-prism", P, "triangular prism, sides 30 mm, 50 mm long",
         "// triangular prism\nlinear_extrude(50) polygon([[0, 0], [30, 0], [15, 25.98]]);\n",
         size=(50, 30, 25.98), genus=0),
    Part("line-torus", P, "donut shape, 40 across the outside, the ring itself 8 mm thick",
         "// torus\n$fn = 64;\nrotate_extrude() translate([16, 0]) circle(d = 8);\n",
         size=(40, 40, 8), genus=1),
    Part("line-fraction-cube", P, "a 3/4 inch cube",
         "// cube\ncube(19.05);\n", size=(19.05, 19.05, 19.05), genus=0, shape="cube"),
    Part("line-inch-pipe", P, "pipe 1.5\" OD, 1/8\" wall, 4\" long",
         _tube(38.1, 31.75, 101.6, "pipe"), size=(101.6, 38.1, 38.1),
         holes=(hole(31.75, 1),), genus=1, wall=3.175),
    Part("line-two-rows-of-four", P, "two rows of four 3 mm holes in a 70 x 40 x 2 plate",
         "// plate\n" + FN + "difference() {\n  cube([70, 40, 2]);\n"
         "  for (x = [14, 28, 42, 56], y = [13, 27]) translate([x, y, -1]) "
         "cylinder(d = 3, h = 4);\n}\n",
         size=(70, 40, 2), holes=(hole(3, 8),), genus=8),
    Part("line-rounded-plate", P, "rounded rectangle plate 60x40x5, corner radius 8",
         "// plate\n" + FN + "hull() for (x = [8, 52], y = [8, 32]) translate([x, y, 0]) "
         "cylinder(r = 8, h = 5);\n",
         size=(60, 40, 5), genus=0),
    Part("line-dowel-pin", P, "an 8mm dowel pin 30mm long",
         "// dowel\n" + FN + "cylinder(d = 8, h = 30);\n",
         size=(30, 8, 8), genus=0, shape="cylinder"),
    Part("line-square-tube", P, "square tube 20x20 outside, 1.5 wall, 100 long",
         "// tube\ndifference() {\n  cube([20, 20, 100]);\n"
         "  translate([1.5, 1.5, -1]) cube([17, 17, 102]);\n}\n",
         size=(100, 20, 20), genus=1, wall=1.5),
]
