"""Openings seen in cross-sections: holes, bores, slots and cavities, with their sizes.

The genus says how many through-holes a part has, not how big they are. Slicing the mesh with
planes across each axis shows every opening that runs along that axis as an inner loop of
the section (a loop inside the part's outline). For OpenSCAD's round holes the loop's
corners lie on the circle, so twice the largest corner distance from the loop's centroid is
the diameter the program asked for, whatever its $fn. Blind holes and a box's or cup's
cavity show up the same way (in the slices they reach), which lets a check read a bore's
diameter or a wall's thickness from the mesh.

Only axis-aligned openings are found; a hole drilled at an angle is simply not seen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import trimesh

AXIS_NAMES = ("x", "y", "z")
# Slice positions as fractions of the extent, off round numbers so no plane lies exactly on
# a face of a part modelled in whole millimetres.
FRACTIONS = (0.0637, 0.2137, 0.3637, 0.5137, 0.6637, 0.8137, 0.9437)
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


def _loops(section: trimesh.path.Path2D) -> list[tuple[np.ndarray, np.ndarray]]:
    """The section's inner loops (odd nesting depth), each with the loop right around it,
    as (n, 2) arrays in plane coordinates."""
    try:
        polygons = [p for p in section.polygons_closed if p is not None and p.is_valid]
    except Exception:  # a degenerate section (coincident faces) has no usable loops
        return []
    points = [p.representative_point() for p in polygons]
    inner = []
    for i, polygon in enumerate(polygons):
        around = [other for j, other in enumerate(polygons)
                  if j != i and other.area > polygon.area and other.contains(points[i])]
        if len(around) % 2:
            # drop points in the middle of straight edges: only real corners are kept
            corners = polygon.simplify(1e-4, preserve_topology=False)
            ring = corners if corners.area > 0 else polygon
            parent = min(around, key=lambda p: p.area)
            inner.append((np.asarray(ring.exterior.coords)[:-1],
                          np.asarray(parent.exterior.coords)[:-1]))
    return inner


def _world(loop: np.ndarray, to_3d: np.ndarray, others: list[int]) -> np.ndarray:
    homogeneous = np.column_stack([loop, np.zeros(len(loop)), np.ones(len(loop))])
    return (to_3d @ homogeneous.T).T[:, others]


def _opening(loop: np.ndarray, parent: np.ndarray, to_3d: np.ndarray, axis: int,
             fraction: float) -> Opening | None:
    others = [k for k in range(3) if k != axis]
    world = _world(loop, to_3d, others)
    outer = np.ptp(_world(parent, to_3d, others), axis=0)
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
    size = np.ptp(world, axis=0)
    if size.max() < MIN_SIZE_MM:
        return None
    regular = len(corners) >= 5 and radii.min() >= 0.97 * radii.max()
    return Opening(AXIS_NAMES[axis], round(float(2 * radii.max()), 3),
                   (round(float(size[0]), 3), round(float(size[1]), 3)),
                   (round(float(cx), 3), round(float(cy), 3)), bool(regular),
                   (fraction, fraction), 1, (round(float(outer[0]), 3), round(float(outer[1]), 3)))


def _same(a: Opening, b: Opening) -> bool:
    return (a.axis == b.axis and abs(a.at[0] - b.at[0]) <= 0.25 and abs(a.at[1] - b.at[1]) <= 0.25
            and abs(a.d - b.d) <= max(0.05, 0.01 * a.d))


def find_openings(mesh: trimesh.Trimesh) -> list[Opening]:
    """Every distinct opening seen in slices across X, Y and Z (largest first)."""
    if len(mesh.faces) > MAX_FACES:
        return []
    found: list[Opening] = []
    lo, hi = mesh.bounds
    for axis in range(3):
        if hi[axis] - lo[axis] < 2 * MIN_SIZE_MM:
            continue
        normal = np.zeros(3)
        normal[axis] = 1.0
        heights = [lo[axis] + (hi[axis] - lo[axis]) * f for f in FRACTIONS]
        try:
            sections = mesh.section_multiplane(plane_origin=np.zeros(3), plane_normal=normal,
                                               heights=heights)
        except Exception:  # trimesh on a broken mesh: no openings rather than no report
            continue
        for fraction, section in zip(FRACTIONS, sections, strict=True):
            if section is None:
                continue
            to_3d = section.metadata.get("to_3D", np.eye(4))
            for loop, parent in _loops(section):
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
    return found[:MAX_OPENINGS]
