"""Hand-written conversations: (id, [(message, reference OpenSCAD, options), ...]).

Options: holes=[(d, count), ...] (round holes the user named, with their diameters),
wall=mm, shape=..., keep=True (holes the edit does not name stay) or keep=[d, ...] (all
but these diameters), vol=True (volume ratio against the previous part), xyz=True (the
prompt names the axes: size_xyz instead of orientation-free size), tol={i: mm} per sorted
extent, loose=True (wider size tolerance, 5%).
"""

FN = "$fn = 64;\n"


def plate(L, W, T, holes=(), center=False):
    cut = "".join(f"translate([{x},{y},-1]) cylinder(d={d}, h={T + 2});\n" for x, y, d in holes)
    return FN + f"difference() {{ cube([{L},{W},{T}]); {cut} }}\n"


def corners(L, W, inset, d):
    return [(inset, inset, d), (L - inset, inset, d), (inset, W - inset, d), (L - inset, W - inset, d)]


def tube(od, idia, h):
    return FN + f"difference() {{ cylinder(d={od}, h={h}); translate([0,0,-1]) cylinder(d={idia}, h={h + 2}); }}\n"


def cup(od, h, wall, floor, drains=()):
    cut = "".join(f"translate([{x},{y},-1]) cylinder(d={d}, h={floor + 2});\n" for x, y, d in drains)
    return FN + (f"difference() {{ cylinder(d={od}, h={h}); translate([0,0,{floor}]) "
                 f"cylinder(d={od - 2 * wall}, h={h}); {cut} }}\n")


def open_box(L, W, H, wall, floor=None):
    floor = wall if floor is None else floor
    return (f"difference() {{ cube([{L},{W},{H}]); translate([{wall},{wall},{floor}]) "
            f"cube([{L - 2 * wall},{W - 2 * wall},{H}]); }}\n")


def lbracket(leg, width, t, holes_h=(), holes_v=()):
    # horizontal leg along X on the floor, vertical leg up at x = 0
    cut = "".join(f"translate([{x},{width / 2},-1]) cylinder(d={d}, h={t + 2});\n" for x, d in holes_h)
    cut += "".join(f"translate([-1,{width / 2},{z}]) rotate([0,90,0]) cylinder(d={d}, h={t + 2});\n"
                   for z, d in holes_v)
    return FN + (f"difference() {{ union() {{ cube([{leg},{width},{t}]); cube([{t},{width},{leg}]); }} "
                 f"{cut} }}\n")


def bar(L, W, T, holes_x=(), d=4):
    return plate(L, W, T, [(x, W / 2, d) for x in holes_x])


def disc(d, t, holes=()):
    cut = "".join(f"translate([{x},{y},-1]) cylinder(d={hd}, h={t + 2});\n" for x, y, hd in holes)
    return FN + f"difference() {{ cylinder(d={d}, h={t}); {cut} }}\n"


def hook(width, height, t, peg_len, peg_d, holes=()):
    cut = "".join(f"translate([{width / 2},-1,{z}]) rotate([-90,0,0]) cylinder(d={d}, h={t + 2});\n"
                  for z, d in holes)
    return FN + (f"difference() {{ union() {{ cube([{width},{t},{height}]); "
                 f"translate([{width / 2},{t},12]) rotate([-90,0,0]) cylinder(d={peg_d}, h={peg_len}); }} "
                 f"{cut} }}\n")


def hexprism(flats, h, hole=None):
    cut = f"translate([0,0,-1]) cylinder(d={hole}, h={h + 2});" if hole else ""
    return FN + f"difference() {{ rotate([0,0,30]) cylinder(d={flats}/cos(30), h={h}, $fn=6); {cut} }}\n"


def ushape(L, bar_w, H, holes_d=None):
    cut = ""
    if holes_d:
        cut = "".join(f"translate([{x},{bar_w / 2},{-(H - bar_w) - 1}]) cylinder(d={holes_d}, h={H + 2});\n"
                      for x in (bar_w / 2, L - bar_w / 2))
    return FN + (f"difference() {{ union() {{ cube([{L},{bar_w},{bar_w}]); "
                 f"translate([0,0,-{H - bar_w}]) cube([{bar_w},{bar_w},{H}]); "
                 f"translate([{L - bar_w},0,-{H - bar_w}]) cube([{bar_w},{bar_w},{H}]); }} {cut} }}\n")


def wedge(L, W, h0, h1):
    return (f"rotate([90,0,0]) translate([0,0,-{W}]) linear_extrude({W}) "
            f"polygon([[0,0],[{L},0],[{L},{h1}],[0,{h0}]]);\n")


def stack(base_d, base_h, post_d, post_h, hole=None):
    cut = f"translate([0,0,-1]) cylinder(d={hole}, h={base_h + post_h + 2});" if hole else ""
    return FN + (f"difference() {{ union() {{ cylinder(d={base_d}, h={base_h}); "
                 f"cylinder(d={post_d}, h={base_h + post_h}); }} {cut} }}\n")


def brace(arm, w, t, d, n=2):
    xs = [w + (arm - w) * (k + 1) / (n + 1) for k in range(n)]
    cut = "".join(f"translate([{x},{w / 2},-1]) cylinder(d={d}, h={t + 2});\n"
                  f"translate([{w / 2},{x},-1]) cylinder(d={d}, h={t + 2});\n" for x in xs)
    return FN + f"difference() {{ union() {{ cube([{arm},{w},{t}]); cube([{w},{arm},{t}]); }} {cut} }}\n"


def blockholes(L, W, H, n, d, depth=None):
    depth = H + 2 if depth is None else depth
    z = -1 if depth == H + 2 else H - depth
    cut = "".join(f"translate([{L * (k + 1) / (n + 1)},{W / 2},{z}]) cylinder(d={d}, h={depth + 1});\n"
                  for k in range(n))
    return FN + f"difference() {{ cube([{L},{W},{H}]); {cut} }}\n"


def sphere(d):
    return FN + f"sphere(d={d});\n"


def cyl(d, h):
    return FN + f"cylinder(d={d}, h={h});\n"


def cube(x, y, z):
    return f"cube([{x},{y},{z}]);\n"


def cone(d, h):
    return FN + f"cylinder(d1={d}, d2=0, h={h});\n"


CONVERSATIONS = [
    ("mounting-plate-thicker-holes", [
        ("I need a flat mounting plate, 80 by 50 mm and 4 mm thick, with a 5 mm hole in each "
         "corner, 8 mm in from both edges.", plate(80, 50, 4, corners(80, 50, 8, 5)), {"holes": [(5, 4)]}),
        ("Can you bump the thickness up to 6 mm?", plate(80, 50, 6, corners(80, 50, 8, 5)),
         {"holes": [(5, 4)], "keep": True}),
        ("and open those holes up to 6.5 mm", plate(80, 50, 6, corners(80, 50, 8, 6.5)),
         {"holes": [(6.5, 4)]}),
    ]),
    ("spacer-taller", [
        ("Round spacer please: 12 mm outside diameter, 6 mm tall, with a 5.2 mm bore through it.",
         tube(12, 5.2, 6), {"holes": [(5.2, 1)]}),
        ("That's too short for my stack, I need it 15 mm high.", tube(12, 5.2, 15),
         {"holes": [(5.2, 1)], "keep": True}),
    ]),
    ("paperweight-cube-to-ball", [
        ("A solid 40 mm cube to use as a paperweight.", cube(40, 40, 40), {"shape": "cube"}),
        ("Actually, turn it into a ball of the same width.", sphere(40), {"shape": "sphere"}),
    ]),
    ("cylinder-taller-then-back", [
        ("Make me a solid cylinder, 30 mm in diameter and 50 mm high.", cyl(30, 50),
         {"shape": "cylinder"}),
        ("10 mm taller please", cyl(30, 60), {"shape": "cylinder"}),
        ("hmm, no, put it back to 50 mm tall", cyl(30, 50), {"shape": "cylinder"}),
    ]),
    ("block-hollowed-then-thicker", [
        ("A solid rectangular block, 60 x 40 x 30 mm.", cube(60, 40, 30), {"shape": "box"}),
        ("Hollow it out leaving 2 mm walls and a 2 mm floor, with the top left open.",
         open_box(60, 40, 30, 2), {"wall": 2}),
        ("The walls feel flimsy, go to 3 mm.", open_box(60, 40, 30, 3), {"wall": 3, "vol": True}),
    ]),
    ("knob-shaft-and-diameter", [
        ("A control knob: a 25 mm wide disc, 12 mm tall, with a 6 mm hole through the centre "
         "for the shaft.", disc(25, 12, [(0, 0, 6)]), {"holes": [(6, 1)]}),
        ("Make the shaft hole 6.35 mm, it's going on a quarter-inch shaft.",
         disc(25, 12, [(0, 0, 6.35)]), {"holes": [(6.35, 1)]}),
        ("and the knob itself 35 mm across", disc(35, 12, [(0, 0, 6.35)]),
         {"holes": [(6.35, 1)], "keep": True}),
    ]),
    ("parts-tray-longer-deeper", [
        ("A shallow open-top tray for screws, 120 by 80 mm and 20 mm deep, with 2 mm walls "
         "and floor.", open_box(120, 80, 20, 2), {"wall": 2}),
        ("I need twice the length, keep the width and depth.", open_box(240, 80, 20, 2), {"wall": 2}),
        ("Now I'd like the depth to be 30 mm.", open_box(240, 80, 30, 2), {"wall": 2}),
    ]),
    ("angle-bracket-holes", [
        ("An L-shaped angle bracket: two legs 40 mm long, 20 mm wide and 3 mm thick, at 90 "
         "degrees.", lbracket(40, 20, 3), {}),
        ("Put one 4 mm hole in each leg.", lbracket(40, 20, 3, [(25, 4)], [(25, 4)]),
         {"holes": [(4, 2)]}),
        ("add a third hole, same size, in the leg that lies flat",
         lbracket(40, 20, 3, [(15, 4), (32, 4)], [(25, 4)]), {"holes": [(4, 3)]}),
        ("Make the bracket 5 mm thick so it doesn't flex.",
         lbracket(40, 20, 5, [(15, 4), (32, 4)], [(25, 4)]),
         {"holes": [(4, 3)], "vol": True, "keep": True}),
    ]),
    ("washer-thicker", [
        ("A flat washer: 20 mm outside diameter, 8.4 mm hole, 1.6 mm thick.", tube(20, 8.4, 1.6),
         {"holes": [(8.4, 1)]}),
        ("These sit under a heavy load, so I need it 3 mm thick.", tube(20, 8.4, 3), {"holes": [(8.4, 1)], "keep": True}),
    ]),
    ("wall-hook-screws-longer-peg", [
        ("A simple wall hook: a back plate 30 mm wide, 60 mm tall and 4 mm thick, with a round "
         "peg 8 mm across sticking out 25 mm from its front, near the bottom.",
         hook(30, 60, 4, 25, 8), {"loose": True}),
        ("give the back plate two 4 mm screw holes above the peg",
         hook(30, 60, 4, 25, 8, [(32, 4), (48, 4)]), {"holes": [(4, 2)], "loose": True}),
        ("the peg should stick out 40 mm", hook(30, 60, 4, 40, 8, [(32, 4), (48, 4)]),
         {"holes": [(4, 2)], "keep": True, "loose": True}),
    ]),
    ("tube-longer-thicker-wall", [
        ("A plain tube 40 mm long, 16 mm outside diameter, 2 mm wall.", tube(16, 12, 40),
         {"wall": 2}),
        ("stretch it to double its length", tube(16, 12, 80), {"wall": 2}),
        ("Make the wall 3 mm but keep the outside diameter where it is.", tube(16, 10, 80),
         {"wall": 3}),
    ]),
    ("base-plate-add-remove-holes", [
        ("Rectangular base plate, 100 x 60 x 5, no holes for now.", plate(100, 60, 5), {}),
        ("Drill two 6 mm holes in it, near the short ends.",
         plate(100, 60, 5, [(12, 30, 6), (88, 30, 6)]), {"holes": [(6, 2)]}),
        ("add a third hole the same size in the middle",
         plate(100, 60, 5, [(12, 30, 6), (88, 30, 6), (50, 30, 6)]), {"holes": [(6, 3)]}),
        ("Actually take the middle one out again, two is enough.",
         plate(100, 60, 5, [(12, 30, 6), (88, 30, 6)]), {"holes": [(6, 2)]}),
    ]),
    ("pencil-cup-shorter-walls", [
        ("A pencil cup: a cylinder 70 mm across and 100 mm tall, open at the top, 3 mm walls "
         "and a 3 mm bottom.", cup(70, 100, 3, 3), {"wall": 3}),
        ("Make it 20 mm shorter.", cup(70, 80, 3, 3), {"wall": 3}),
        ("walls of 4 mm please", cup(70, 80, 4, 3), {"wall": 4}),
    ]),
    ("spacer-block-height-hole", [
        ("a 20 x 20 x 10 mm spacer block with a single 3.4 mm hole straight down through the "
         "middle", blockholes(20, 20, 10, 1, 3.4), {"holes": [(3.4, 1)]}),
        ("can it stand twice as high?", blockholes(20, 20, 20, 1, 3.4), {"holes": [(3.4, 1)], "keep": True}),
        ("swap that hole for a 5.5 mm one, it needs to take an M5 bolt",
         blockholes(20, 20, 20, 1, 5.5), {"holes": [(5.5, 1)]}),
    ]),
    ("ball-to-cylinder", [
        ("A 50 mm sphere.", sphere(50), {"shape": "sphere"}),
        ("Replace it with a cylinder that is just as wide and just as tall.", cyl(50, 50),
         {"shape": "cylinder"}),
    ]),
    ("disc-centre-and-ring-holes", [
        ("a disc 60 mm across and 3 mm thick", disc(60, 3), {}),
        ("put a 10 mm hole in the middle of it", disc(60, 3, [(0, 0, 10)]), {"holes": [(10, 1)]}),
        ("Add four 3 mm holes around that one as well, evenly spaced.",
         disc(60, 3, [(0, 0, 10), (20, 0, 3), (-20, 0, 3), (0, 20, 3), (0, -20, 3)]),
         {"holes": [(10, 1), (3, 4)]}),
    ]),
    ("flat-bar-longer-middle-hole", [
        ("A flat bar 150 mm long, 15 mm wide, 5 mm thick, with a 4 mm hole 10 mm from each end.",
         bar(150, 15, 5, [10, 140]), {"holes": [(4, 2)]}),
        ("Make it 200 long, with the holes still 10 mm from the ends.", bar(200, 15, 5, [10, 190]),
         {"holes": [(4, 2)], "keep": True}),
        ("Add a third hole exactly halfway along.", bar(200, 15, 5, [10, 190, 100]),
         {"holes": [(4, 3)]}),
    ]),
    ("lid-plate-thinner", [
        ("A lid plate 90 x 70 x 3 mm with 3.2 mm holes at the four corners, 5 mm in from the "
         "edges.", plate(90, 70, 3, corners(90, 70, 5, 3.2)), {"holes": [(3.2, 4)]}),
        ("It has to be 2 mm thick, not 3.", plate(90, 70, 2, corners(90, 70, 5, 3.2)),
         {"holes": [(3.2, 4)], "keep": True}),
    ]),
    ("cube-bigger-then-half-height", [
        ("a 25 mm cube", cube(25, 25, 25), {"shape": "cube"}),
        ("scale it up so every side is 35 mm", cube(35, 35, 35), {"shape": "cube"}),
        ("Now make it only half as tall.", cube(35, 35, 17.5), {"shape": "box"}),
    ]),
    ("standoff-taller-wider", [
        ("A round standoff, 8 mm in diameter and 20 mm tall, with a 3 mm hole through its "
         "length.", tube(8, 3, 20), {"holes": [(3, 1)]}),
        ("I'd need it to reach 30 mm in height.", tube(8, 3, 30), {"holes": [(3, 1)], "keep": True}),
        ("and 10 mm in diameter, same hole", tube(10, 3, 30), {"holes": [(3, 1)], "keep": True}),
    ]),
    ("upright-block-to-cylinder", [
        ("A block 30 x 30 mm square and 60 mm tall, standing upright.", cube(30, 30, 60),
         {"shape": "box"}),
        ("make it a cylinder instead, with the same width and height", cyl(30, 60),
         {"shape": "cylinder"}),
    ]),
    ("sign-plate-wider-hanging-holes", [
        ("A blank sign, 150 mm wide, 40 mm high and 3 mm thick, lying flat.", plate(150, 40, 3), {}),
        ("Widen it to 200 mm.", plate(200, 40, 3), {}),
        ("Put a 5 mm hanging hole near each end.", plate(200, 40, 3, [(10, 20, 5), (190, 20, 5)]),
         {"holes": [(5, 2)]}),
    ]),
    ("ring-bigger-hole-taller", [
        ("A ring with a 30 mm outside diameter and a 24 mm inside diameter, 5 mm tall.",
         tube(30, 24, 5), {"holes": [(24, 1)]}),
        ("make the inner hole 20 mm instead", tube(30, 20, 5), {"holes": [(20, 1)], "wall": 5}),
        ("and 8 mm tall", tube(30, 20, 8), {"holes": [(20, 1)], "keep": True}),
    ]),
    ("coaster-round-to-square", [
        ("A round drink coaster, 90 mm in diameter and 5 mm thick.", cyl(90, 5), {"shape": "cylinder"}),
        ("Make it a square one of the same width instead.", cube(90, 90, 5), {"shape": "box"}),
        ("Give it 1 mm more thickness.", cube(90, 90, 6), {"shape": "box"}),
    ]),
    ("planter-drain-holes", [
        ("A cylindrical planter 80 mm across and 70 mm tall, 3 mm walls, a 3 mm floor, open "
         "at the top, with one 8 mm drain hole in the centre of the floor.",
         cup(80, 70, 3, 3, [(0, 0, 8)]), {"holes": [(8, 1)], "wall": 3}),
        ("Add two more drain holes of the same size.",
         cup(80, 70, 3, 3, [(0, 0, 8), (20, 0, 8), (-20, 0, 8)]), {"holes": [(8, 3)], "wall": 3}),
        ("Make the planter 100 mm tall.", cup(80, 100, 3, 3, [(0, 0, 8), (20, 0, 8), (-20, 0, 8)]),
         {"holes": [(8, 3)], "wall": 3, "keep": True}),
    ]),
    ("cable-grommet-plate", [
        ("A cable pass-through: a 50 x 50 x 6 mm square plate with a 25 mm hole in the middle.",
         plate(50, 50, 6, [(25, 25, 25)]), {"holes": [(25, 1)]}),
        ("Make that hole 30 mm.", plate(50, 50, 6, [(25, 25, 30)]), {"holes": [(30, 1)]}),
        ("and add 3.5 mm screw holes in all four corners",
         plate(50, 50, 6, [(25, 25, 30)] + corners(50, 50, 5, 3.5)),
         {"holes": [(30, 1), (3.5, 4)], "keep": True}),
    ]),
    ("pin-thicker-and-back", [
        ("A straight pin, 5 mm thick and 40 mm long.", cyl(5, 40), {"shape": "cylinder"}),
        ("twice as thick, it keeps snapping", cyl(10, 40), {"shape": "cylinder"}),
        ("too chunky, back to 5 mm thick", cyl(5, 40), {"shape": "cylinder"}),
    ]),
    ("stepped-post-hole", [
        ("Two cylinders stacked and centred: a base 40 mm wide and 10 mm tall, with a post "
         "20 mm wide and 30 mm tall on top.", stack(40, 10, 20, 30), {}),
        ("Make the post 50 mm tall.", stack(40, 10, 20, 50), {}),
        ("Drill a 6 mm hole down through the whole thing, along the axis.",
         stack(40, 10, 20, 50, 6), {"holes": [(6, 1)]}),
    ]),
    ("square-plate-remove-two-holes", [
        ("A 70 x 70 x 4 plate with four 5 mm holes, one near each corner, 7 mm in.",
         plate(70, 70, 4, corners(70, 70, 7, 5)), {"holes": [(5, 4)]}),
        ("remove two of those holes, keep just the two on one diagonal",
         plate(70, 70, 4, [(7, 7, 5), (63, 63, 5)]), {"holes": [(5, 2)]}),
    ]),
    ("dowel-thinner-then-back", [
        ("A 10 mm diameter dowel rod, 60 mm long.", cyl(10, 60), {"shape": "cylinder"}),
        ("make it 8 mm in diameter", cyl(8, 60), {"shape": "cylinder"}),
        ("back to 10 mm, and 80 long", cyl(10, 80), {"shape": "cylinder"}),
    ]),
    ("corner-brace-longer-arms", [
        ("A flat corner brace: an L made of two arms 60 mm long and 15 mm wide, 3 mm thick, "
         "with two 4 mm holes in each arm.", brace(60, 15, 3, 4), {"holes": [(4, 4)]}),
        ("Make the arms 80 mm long.", brace(80, 15, 3, 4), {"holes": [(4, 4)], "keep": True}),
    ]),
    ("storage-box-chain", [
        ("An open storage box, 100 x 100 x 60 mm on the outside, 2.5 mm walls and bottom.",
         open_box(100, 100, 60, 2.5), {"wall": 2.5}),
        ("halve the height, it's too deep for the shelf", open_box(100, 100, 30, 2.5), {"wall": 2.5}),
        ("a bit bigger footprint: 120 by 120", open_box(120, 120, 30, 2.5), {"wall": 2.5}),
        ("now back to the original 60 mm height", open_box(120, 120, 60, 2.5), {"wall": 2.5}),
    ]),
    ("doorstop-wider", [
        ("A wedge doorstop 120 mm long and 40 mm wide, rising from 5 mm at the thin end to "
         "30 mm at the thick end.", wedge(120, 40, 5, 30), {}),
        ("My door gap needs it 50 mm wide.", wedge(120, 40 + 10, 5, 30), {}),
    ]),
    ("hex-key-holder-through", [
        ("A hex key holder: a 60 x 20 x 15 mm block with five 3 mm holes in a row along the "
         "top, each 12 mm deep.", blockholes(60, 20, 15, 5, 3, 12), {"holes": [(3, 5)]}),
        ("Make those holes go all the way through.", blockholes(60, 20, 15, 5, 3),
         {"holes": [(3, 5)]}),
        ("add a sixth hole in the row", blockholes(60, 20, 15, 6, 3), {"holes": [(3, 6)]}),
    ]),
    ("shim-thinner-hole", [
        ("A rectangular shim, 40 by 25 mm and 3 mm thick.", cube(40, 25, 3), {"shape": "box"}),
        ("make it half a millimetre thinner", cube(40, 25, 2.5), {"shape": "box"}),
        ("and punch one 4 mm hole in the centre", plate(40, 25, 2.5, [(20, 12.5, 4)]),
         {"holes": [(4, 1)]}),
    ]),
    ("u-handle-screws-longer", [
        ("A drawer handle shaped like a U: a 10 mm square bar, 100 mm long overall, with two "
         "legs 30 mm tall (total height) at the ends.", ushape(100, 10, 30), {}),
        ("Add a 4 mm screw hole up through each leg.", ushape(100, 10, 30, 4),
         {"holes": [(4, 2)]}),
        ("Make it 140 mm long.", ushape(140, 10, 30, 4), {"holes": [(4, 2)], "keep": True}),
    ]),
    ("hex-prism-hole-taller", [
        ("A hexagonal prism 20 mm across the flats and 10 mm tall.", hexprism(20, 10),
         {"shape": "hexagon"}),
        ("put a 10 mm hole through it from top to bottom", hexprism(20, 10, 10),
         {"shape": "hexagon", "holes": [(10, 1)]}),
        ("Can you double its height?", hexprism(20, 20, 10), {"shape": "hexagon", "holes": [(10, 1)],
                                                      "keep": True}),
    ]),
    ("keyring-tag-thicker", [
        ("A keyring tag 50 x 20 x 2 mm with a 4 mm hole near one end.",
         plate(50, 20, 2, [(6, 10, 4)]), {"holes": [(4, 1)]}),
        ("It bends too easily, double the thickness.", plate(50, 20, 4, [(6, 10, 4)]), {"holes": [(4, 1)], "keep": True}),
        ("Make the hole 5 mm so a bigger ring fits.", plate(50, 20, 4, [(6, 10, 5)]),
         {"holes": [(5, 1)]}),
    ]),
    ("hockey-puck-to-block", [
        ("A puck 60 mm across and 20 mm thick.", cyl(60, 20), {"shape": "cylinder"}),
        ("make it a square block with the same width and thickness instead", cube(60, 60, 20),
         {"shape": "box"}),
    ]),
    ("cone-shorter", [
        ("A solid cone, 40 mm wide at the base and 60 mm tall.", cone(40, 60), {"shape": "cone"}),
        ("cut it down to 30 mm tall", cone(40, 30), {"shape": "cone"}),
    ]),
    ("narrow-plate-twice-as-wide", [
        ("A plate 60 mm long, 30 mm wide and 3 mm thick.", cube(60, 30, 3), {"shape": "box"}),
        ("twice as wide", cube(60, 60, 3), {"shape": "box"}),
        ("now four 3 mm holes please, one near each corner",
         plate(60, 60, 3, corners(60, 60, 6, 3)), {"holes": [(3, 4)]}),
    ]),
    ("solid-cylinder-hollowed", [
        ("A solid cylinder 40 mm wide and 50 mm tall.", cyl(40, 50), {"shape": "cylinder"}),
        ("Scoop out the inside so only 2 mm walls and a 2 mm base remain, open on top.",
         cup(40, 50, 2, 2), {"wall": 2}),
        ("Bump the walls up to 3 mm.", cup(40, 50, 3, 2), {"wall": 3, "vol": True}),
    ]),
    ("axis-named-block", [
        ("A block that measures 50 mm along X, 30 mm along Y and 20 mm along Z.",
         cube(50, 30, 20), {"shape": "box", "xyz": True}),
        ("Set the Y size to 45 mm.", cube(50, 45, 20), {"shape": "box", "xyz": True}),
        ("and make it 10 mm taller", cube(50, 45, 30), {"shape": "box", "xyz": True}),
    ]),
    ("servo-plate-bigger-holes", [
        ("A servo mounting plate: 60 x 30 x 3 mm with two 2.5 mm holes, 5 mm in from each short "
         "end, centred across the width.", plate(60, 30, 3, [(5, 15, 2.5), (55, 15, 2.5)]),
         {"holes": [(2.5, 2)]}),
        ("The screws don't fit, make both holes 3.2 mm.", plate(60, 30, 3, [(5, 15, 3.2), (55, 15, 3.2)]),
         {"holes": [(3.2, 2)]}),
        ("Add a 20 mm round hole in the middle for the horn.",
         plate(60, 30, 3, [(5, 15, 3.2), (55, 15, 3.2), (30, 15, 20)]),
         {"holes": [(3.2, 2), (20, 1)], "keep": True}),
    ]),
    ("cube-hollow-box-no-top", [
        ("a cube with 50 mm sides", cube(50, 50, 50), {"shape": "cube"}),
        ("turn it into an open-topped box with 4 mm walls and a 4 mm floor",
         open_box(50, 50, 50, 4), {"wall": 4}),
    ]),
]
