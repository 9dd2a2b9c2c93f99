"""Geometric scoring of a part against a reference mesh named by a case ("reference").

Specs say whether a part has the right counts and box; a reference says how close its shape
is. Both meshes are first aligned: centroids on the origin, then, when it fits clearly
better, the part is turned by one of the 24 axis-to-axis rotations or onto the reference's
principal axes (a part modelled lying down still matches one standing up). Then:

- chamfer_mm: symmetric mean nearest-neighbour distance between surface samples (mm);
  chamfer_rel: the same divided by the reference's bounding-box diagonal. Identical files
  give 0 (same seeded samples); the same shape placed differently gives a floor of about a
  third of the sample spacing (0.2 mm on a 60 x 40 x 5 plate).
- iou: intersection over union of voxel occupancy on a shared grid; occupancy comes from
  ray parity along Z (a voxel is inside when an odd number of surfaces lie below it),
  computed with the preview renderer's vectorised triangle coverage.
- volume_error, bbox_error: relative differences of volume and of sorted extents.

Fixed seeds and grids make the score deterministic.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import trimesh

from tools.errors import ScadAgentError
from tools.mesh import load_mesh
from tools.render import triangle_fragments

SAMPLES = 10_000  # final Chamfer distance
SEARCH_SAMPLES = 2000  # choosing the rotation
GRID = 64  # voxels along the largest extent
SEED = 7
# Grid offset in voxels: keeps rays off the round-number edges OpenSCAD parts are made of
# (two triangles sharing an edge would both count a crossing) and voxel centres off
# round-number faces (where float noise would decide inside or out).
JITTER = np.array([0.0137, 0.0291, 0.0419])


@dataclass
class ReferenceScore:
    chamfer_mm: float
    chamfer_rel: float
    iou: float
    volume_error: float
    bbox_error: float
    aligned: str  # "centroid", "axes" (turned 90-degree-wise) or "principal"

    def to_dict(self) -> dict:
        return asdict(self)


def _centred(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    mesh = mesh.copy()
    # volume centroid for solids; surface centroid for open meshes (no volume to weigh)
    centre = mesh.center_mass if mesh.is_watertight and mesh.volume > 0 else mesh.centroid
    mesh.apply_translation(-np.asarray(centre))
    return mesh


def _principal_frame(points: np.ndarray) -> np.ndarray:
    """Rows: principal axes of a centred point cloud, largest spread first, right-handed."""
    _, vectors = np.linalg.eigh(np.cov(points.T))
    axes = vectors[:, ::-1].T
    if np.linalg.det(axes) < 0:
        axes[2] = -axes[2]
    return axes


def _samples(mesh: trimesh.Trimesh, count: int = SAMPLES) -> np.ndarray:
    points, _ = trimesh.sample.sample_surface(mesh, count, seed=SEED)
    return np.asarray(points)


def chamfer(a: np.ndarray, b: np.ndarray) -> float:
    """Symmetric mean nearest-neighbour distance between two point sets."""
    from scipy.spatial import cKDTree

    d_ab, _ = cKDTree(b).query(a)
    d_ba, _ = cKDTree(a).query(b)
    return float((d_ab.mean() + d_ba.mean()) / 2)


def _axis_rotations() -> list[np.ndarray]:
    """The 24 rotations that map axes onto axes (a part modelled lying down vs standing)."""
    found = []
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1.0, -1.0), repeat=3):
            m = np.zeros((3, 3))
            m[range(3), perm] = signs
            if np.linalg.det(m) > 0:
                found.append(m)
    return found


AXIS_ROTATIONS = _axis_rotations()


def _best_rotation(part: trimesh.Trimesh, ref: trimesh.Trimesh) -> np.ndarray:
    """The rotation that puts the part onto the reference best: no turn, one of the 24
    axis-to-axis rotations, or one of the four proper ways to map principal axes. Chamfer
    distances between samples carry sampling noise, so the earliest candidate within 5 % of
    the best wins: an exact axis turn beats a principal-axes turn a hair off."""
    part_points = _samples(part, SEARCH_SAMPLES)
    ref_points = _samples(ref, SEARCH_SAMPLES)
    ref_frame = _principal_frame(ref_points)
    part_frame = _principal_frame(part_points)
    candidates = list(AXIS_ROTATIONS)  # identity first
    for signs in itertools.product((1.0, -1.0), repeat=2):
        flip = np.diag([signs[0], signs[1], signs[0] * signs[1]])  # det +1: no mirroring
        candidates.append(ref_frame.T @ flip @ part_frame)
    dists = [chamfer(part_points @ r.T, ref_points) for r in candidates]
    # 5 % plus a micron-scale floor: equal samples of equal meshes give near-zero distances
    # that differ only by rounding
    slack = 1e-5 * float(np.linalg.norm(ref.extents))
    best = min(dists)
    return next(r for r, d in zip(candidates, dists, strict=True) if d <= best * 1.05 + slack)


def occupancy(mesh: trimesh.Trimesh, origin: np.ndarray, pitch: float,
              shape: tuple[int, int, int]) -> np.ndarray:
    """Boolean voxels (x, y, z) of a closed mesh by ray parity along +Z through each
    voxel column's centre; voxel (i, j, k) is centred at origin + (i, j, k) + 0.5 pitches."""
    nx, ny, nz = shape
    tris = (np.asarray(mesh.triangles) - origin) / pitch
    inside = np.zeros(nx * ny * nz, dtype=np.int8)
    centres = np.arange(nz) + 0.5
    for _, column, z in triangle_fragments(tris, nx, ny):
        # a crossing at height z flips every voxel above it; pixels index y * nx + x
        first_above = np.searchsorted(centres, z)
        ok = first_above < nz
        col, k = column[ok], first_above[ok]
        x, y = col % nx, col // nx
        flips = np.zeros(nx * ny * (nz + 1), dtype=np.int32)
        np.add.at(flips, (x * ny + y) * (nz + 1) + k, 1)
        inside ^= (np.cumsum(flips.reshape(nx * ny, nz + 1), axis=1)[:, :nz].ravel() % 2
                   ).astype(np.int8)
    return inside.reshape(nx, ny, nz).astype(bool)


def iou(a: trimesh.Trimesh, b: trimesh.Trimesh, grid: int = GRID) -> float:
    lo = np.minimum(a.bounds[0], b.bounds[0])
    hi = np.maximum(a.bounds[1], b.bounds[1])
    pitch = float((hi - lo).max()) / grid
    if pitch <= 0:
        return 0.0
    shape = tuple(int(v) for v in np.ceil((hi - lo) / pitch).astype(int) + 1)
    origin = lo - pitch * (0.5 + JITTER)
    va = occupancy(a, origin, pitch, shape)
    vb = occupancy(b, origin, pitch, shape)
    union = np.count_nonzero(va | vb)
    return float(np.count_nonzero(va & vb) / union) if union else 0.0


def compare_meshes(part_path: Path, reference_path: Path) -> ReferenceScore:
    """Score a part against its reference. Raises ScadAgentError when either has no mesh."""
    part = load_mesh(part_path)
    ref = load_mesh(reference_path)
    if ref is None:
        raise ScadAgentError(f"reference mesh {reference_path} is missing or empty")
    if part is None:
        raise ScadAgentError(f"part mesh {part_path} is missing or empty")
    ref_ext = np.sort(ref.extents)[::-1]
    part_ext = np.sort(part.extents)[::-1]  # before any turn: sorted extents ignore pose
    bbox_error = float(np.max(np.abs(part_ext - ref_ext) / np.maximum(ref_ext, 1e-9)))
    part, ref = _centred(part), _centred(ref)
    rotation = _best_rotation(part, ref)
    aligned = "centroid"
    if not np.allclose(rotation, np.eye(3)):
        transform = np.eye(4)
        transform[:3, :3] = rotation
        part.apply_transform(transform)
        is_axis_turn = any(np.allclose(rotation, r) for r in AXIS_ROTATIONS)
        aligned = "axes" if is_axis_turn else "principal"
    distance = chamfer(_samples(part), _samples(ref))
    diagonal = float(np.linalg.norm(ref.extents)) or 1.0
    ref_volume = abs(float(ref.volume))
    volume_error = (
        abs(abs(float(part.volume)) - ref_volume) / ref_volume if ref_volume > 0 else float("nan")
    )
    return ReferenceScore(
        chamfer_mm=distance,
        chamfer_rel=distance / diagonal,
        iou=iou(part, ref),
        volume_error=float(volume_error),
        bbox_error=bbox_error,
        aligned=aligned,
    )
