"""Openings seen in cross-sections: holes, bores, slots and cavities, with their sizes.

The genus says how many through-holes a part has, not how big they are. Slicing the mesh with
planes across each axis shows every opening that runs along that axis as an inner loop of
the section (a loop inside the part's outline). For OpenSCAD's round holes the loop's
corners lie on the circle, so twice the largest corner distance from the loop's centroid is
the diameter the program asked for, whatever its $fn. Blind holes and a box's or cup's
cavity show up the same way (in the slices they reach), which lets a check read a bore's
diameter or a wall's thickness from the mesh.

The same slices show the part's round outlines (profiles): a hub, a flange, a shaft's
sections or a sleeve is a round outer loop in the slices across its axis, so a stated
diameter of such a feature can be read from the mesh too.

Only axis-aligned openings are found; a hole drilled at an angle is simply not seen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import shapely
import trimesh

AXIS_NAMES = ("x", "y", "z")
# Slice positions as fractions of the extent, off round numbers so no plane lies exactly on
# a face of a part modelled in whole millimetres.
FRACTIONS = (0.0637, 0.2137, 0.3637, 0.5137, 0.6637, 0.8137, 0.9437)
# and at these distances in from each face, so a thin wall (an L bracket's upright, a
# lid's top) is cut however long the part is
OFFSETS_MM = (0.6137, 1.5137, 2.9137)
MAX_FACES = 200_000  # slicing a huge mesh costs more than it tells
MAX_OPENINGS = 400
MIN_SIZE_MM = 0.2  # smaller loops are slivers of coincident faces, not openings


@dataclass
class Opening:
    axis: str  # the axis it runs along: "x", "y" or "z"
    d: float  # circumscribed diameter about the loop's centroid
    size: tuple[float, float]  # extents of the loop along the two other axes, in order
    at: tuple[float, float]  # its centroid on the two other axes, in order
    round: bool  # corners equidistant from the centroid, 5 or more of them
    seen: tuple[float, float]  # the lowest and highest slice (fraction of the extent)
    slices: int  # how many of the slices across the part cut it
    outer: tuple[float, float]  # extents of the loop around it, in the same slice

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("size", "at", "seen", "outer"):
            data[key] = list(data[key])
        return data


@dataclass
class Profile:
    """A round outline of material in a slice, whole or an arc of it: a hub, flange, shaft
    section or sleeve."""

    axis: str  # the axis the slice runs across
    d: float  # circumscribed diameter of the outline
    at: tuple[float, float]  # its centre on the two other axes, in order
    seen: tuple[float, float]  # the lowest and highest slice (fraction of the extent)
    slices: int

    def to_dict(self) -> dict:
        data = asdict(self)
        data["at"], data["seen"] = list(self.at), list(self.seen)
        return data


def _corners(ring: object) -> np.ndarray:
    """A ring's real corners, (n, 2): points in the middle of straight edges dropped."""
    polygon = shapely.Polygon(ring)
    simple = polygon.simplify(1e-4, preserve_topology=False)
    return np.asarray((simple if simple.area > 0 else polygon).exterior.coords)[:-1]


def _loops(segments: np.ndarray) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[np.ndarray]]:
    """The inner loops of one section (holes in the material), each with the outline of
    the material around it, and the outlines of the material faces themselves, as (n, 2)
    arrays in plane coordinates. The section's segments are joined into faces by shapely;
    a face inside an odd number of others is empty space."""
    if len(segments) == 0:
        return [], []
    try:
        faces = [p for p in shapely.polygonize(shapely.linestrings(np.round(segments, 6))).geoms
                 if p.is_valid and p.area > 0]
    except Exception:  # degenerate linework (coincident faces): no usable loops
        return [], []
    points = [f.representative_point() for f in faces]
    inner = []
    outlines = []
    for i, face in enumerate(faces):
        depth = sum(1 for j, other in enumerate(faces)
                    if j != i and other.area > face.area and other.contains(points[i]))
        if depth % 2:
            continue  # empty space, not material
        outline = np.asarray(face.exterior.coords)[:-1]
        # a face filling another's hole has no material around it: it is the hole itself
        if not any(j != i and other.area > face.area and shapely.Polygon(
                other.exterior).contains(points[i]) for j, other in enumerate(faces)):
            outlines.append(_corners(face.exterior))
        for ring in face.interiors:
            inner.append((_corners(ring), outline))
    return inner, outlines


def _world(loop: np.ndarray, to_3d: np.ndarray, others: list[int]) -> np.ndarray:
    homogeneous = np.column_stack([loop, np.zeros(len(loop)), np.ones(len(loop))])
    return (to_3d @ homogeneous.T).T[:, others]


def _circle(world: np.ndarray) -> tuple[float, float, float, bool] | None:
    """(centre x, centre y, circumscribed diameter, regular) of a loop of corners, or None
    for a sliver. Regular: 5 or more corners equidistant from the centre (a faceted circle)."""
    corners = np.unique(np.round(world, 4), axis=0)
    if len(corners) < 3:
        return None
    # the area centroid (shoelace) is the circle's centre for a regular polygon
    x, y = world[:, 0], world[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-9:
        return None
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
    radii = np.hypot(corners[:, 0] - cx, corners[:, 1] - cy)
    regular = len(corners) >= 5 and radii.min() >= 0.97 * radii.max()
    return float(cx), float(cy), float(2 * radii.max()), bool(regular)


def _opening(loop: np.ndarray, parent: np.ndarray, to_3d: np.ndarray, axis: int,
             fraction: float) -> Opening | None:
    others = [k for k in range(3) if k != axis]
    world = _world(loop, to_3d, others)
    outer = np.ptp(_world(parent, to_3d, others), axis=0)
    circle = _circle(world)
    size = np.ptp(world, axis=0)
    if circle is None or size.max() < MIN_SIZE_MM:
        return None
    cx, cy, d, regular = circle
    return Opening(AXIS_NAMES[axis], round(d, 3),
                   (round(float(size[0]), 3), round(float(size[1]), 3)),
                   (round(cx, 3), round(cy, 3)), regular,
                   (fraction, fraction), 1, (round(float(outer[0]), 3), round(float(outer[1]), 3)))


MIN_ARC_EDGES = 4  # a run of this many equal facets turning equally is a circle's arc


def _arcs(world: np.ndarray) -> list[tuple[float, float, float]]:
    """(centre x, centre y, diameter) of each circular arc of a closed outline: a run of
    facets of one length turning by one angle, as OpenSCAD draws a circle. A whole circle is
    one arc; a boss merged into a block shows its free part as an arc."""
    n = len(world)
    if n < MIN_ARC_EDGES + 1:
        return []
    edges = np.roll(world, -1, axis=0) - world
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    headings = np.arctan2(edges[:, 1], edges[:, 0])
    turns = (np.roll(headings, -1) - headings + np.pi) % (2 * np.pi) - np.pi  # at edge k's end

    def same(a: int, b: int) -> bool:
        return (abs(lengths[a] - lengths[b]) <= 0.02 * max(lengths[a], lengths[b]) and
                abs(turns[a] - turns[b]) <= 0.02 * max(abs(turns[a]), abs(turns[b])) + 1e-9
                and abs(turns[a]) > 1e-6)

    breaks = [k for k in range(n) if not same(k, (k + 1) % n)]
    if not breaks:
        runs = [list(range(n))]
    else:
        runs = []
        for a, b in zip(breaks, breaks[1:] + [breaks[0] + n], strict=True):
            runs.append([(k % n) for k in range(a + 1, b + 1)])
    out = []
    for run in runs:
        if len(run) < MIN_ARC_EDGES:
            continue
        k = run[len(run) // 2]
        radius = lengths[k] / (2 * abs(np.sin(turns[k] / 2)))
        # the centre: from edge k's midpoint, perpendicular to it, on the side it turns to
        mid = world[k] + edges[k] / 2
        normal = np.array([-edges[k][1], edges[k][0]]) / max(lengths[k], 1e-12)
        apothem = radius * np.cos(turns[k] / 2)
        centre = mid + np.sign(turns[k]) * normal * apothem
        out.append((float(centre[0]), float(centre[1]), float(2 * radius)))
    return out


def _profiles(outline: np.ndarray, to_3d: np.ndarray, axis: int, fraction: float
              ) -> list[Profile]:
    others = [k for k in range(3) if k != axis]
    return [Profile(AXIS_NAMES[axis], round(d, 3), (round(cx, 3), round(cy, 3)),
                    (fraction, fraction), 1)
            for cx, cy, d in _arcs(_world(outline, to_3d, others)) if d >= MIN_SIZE_MM]


def _same(a: Opening, b: Opening) -> bool:
    return (a.axis == b.axis and abs(a.at[0] - b.at[0]) <= 0.25 and abs(a.at[1] - b.at[1]) <= 0.25
            and abs(a.d - b.d) <= max(0.05, 0.01 * a.d))


def find_openings(mesh: trimesh.Trimesh) -> list[Opening]:
    """Every distinct opening seen in slices across X, Y and Z (largest first)."""
    return find_sections(mesh)[0]


def find_sections(mesh: trimesh.Trimesh) -> tuple[list[Opening], list[Profile]]:
    """Every distinct opening and every distinct round outline seen in slices across X, Y
    and Z (largest first)."""
    if len(mesh.faces) > MAX_FACES:
        return [], []
    found: list[Opening] = []
    profiles: list[Profile] = []
    lo, hi = mesh.bounds
    for axis in range(3):
        if hi[axis] - lo[axis] < 2 * MIN_SIZE_MM:
            continue
        normal = np.zeros(3)
        normal[axis] = 1.0
        extent = hi[axis] - lo[axis]
        fractions = sorted(set(FRACTIONS) | {
            round(f, 4) for d in OFFSETS_MM if d < extent / 2 for f in (d / extent,
                                                                        1 - d / extent)})
        heights = [lo[axis] + extent * f for f in fractions]
        try:
            lines, transforms, _ = trimesh.intersections.mesh_multiplane(
                mesh, plane_origin=np.zeros(3), plane_normal=normal, heights=heights)
        except Exception:  # trimesh on a broken mesh: no openings rather than no report
            continue
        for fraction, segments, to_3d in zip(fractions, lines, transforms, strict=True):
            loops, outlines = _loops(np.asarray(segments))
            for outline in outlines:
                for profile in _profiles(outline, to_3d, axis, fraction):
                    _add_profile(profiles, profile)
            for loop, parent in loops:
                opening = _opening(loop, parent, to_3d, axis, fraction)
                if opening is None:
                    continue
                twin = next((o for o in found if _same(o, opening)), None)
                if twin is None:
                    found.append(opening)
                else:
                    twin.seen = (min(twin.seen[0], fraction), max(twin.seen[1], fraction))
                    twin.slices += 1
                    # the thinnest wall around it: where a slice cuts a floor or a boss the
                    # loop around it is wider, never narrower
                    if min(np.subtract(opening.outer, opening.size)) < \
                            min(np.subtract(twin.outer, twin.size)):
                        twin.outer = opening.outer
    found.sort(key=lambda o: -o.d)
    profiles.sort(key=lambda p: -p.d)
    return found[:MAX_OPENINGS], profiles[:MAX_OPENINGS]


def _add_profile(profiles: list[Profile], new: Profile) -> None:
    twin = next((p for p in profiles if p.axis == new.axis and abs(p.d - new.d) <= max(
        0.05, 0.01 * new.d) and abs(p.at[0] - new.at[0]) <= 0.25 and
        abs(p.at[1] - new.at[1]) <= 0.25), None)
    if twin is None:
        profiles.append(new)
    else:
        twin.seen = (min(twin.seen[0], new.seen[0]), max(twin.seen[1], new.seen[1]))
        twin.slices += 1
