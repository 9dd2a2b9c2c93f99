"""Mesh facts a printer and a spec care about: closed, bodies, through-holes, size, volume,
and the openings (holes, bores, cavities) seen in axis-aligned cross-sections.

OpenSCAD's STL repeats every vertex once per triangle, so the mesh is loaded with
`process=True` (vertices merged): without the merge every triangle would be its own body and
the Euler number would be meaningless. Bad input (missing, empty, truncated or garbage file)
never raises: it gives an empty report, because "the program produced nothing usable" is
an answer the agent and the evals must be able to act on.

A closed shell that lies inside another and faces inward (a hollow part's inner void) is a
void, not a body, and its genus is not added: a hollow torus is one body with one hole.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import trimesh

from tools.sections import find_sections

log = logging.getLogger(__name__)

# A triangle with less area than this (mm^2) prints as nothing and confuses slicers.
DEGENERATE_AREA_MM2 = 1e-10

Vec3 = tuple[float, float, float]


@dataclass
class MeshReport:
    empty: bool
    watertight: bool
    winding_consistent: bool
    bodies: int
    genus: int | None  # summed over closed bodies; None if not computable
    euler_number: int
    volume: float  # signed: negative means the closed mesh is inside out
    extents: Vec3  # x, y, z
    bounds: tuple[Vec3, Vec3]
    faces: int
    vertices: int
    degenerate_faces: int
    voids: int = 0  # closed inner shells (hollow parts), not counted as bodies
    # tools.sections.Opening dicts: holes, bores and cavities seen in cross-sections
    openings: list[dict[str, Any]] = field(default_factory=list)
    # tools.sections.Profile dicts: round outlines (hubs, flanges, shaft sections)
    profiles: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["extents"] = list(self.extents)
        data["bounds"] = [list(self.bounds[0]), list(self.bounds[1])]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> MeshReport:
        """Inverse of to_dict (results files are read back by evals and the faces)."""
        fields = dict(data)
        fields["extents"] = tuple(float(v) for v in fields["extents"])
        lo, hi = fields["bounds"]
        fields["bounds"] = (tuple(float(v) for v in lo), tuple(float(v) for v in hi))
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in fields.items() if k in known})

    def problems(self) -> list[str]:
        """Basic printability failures, in words a person (or the model) can act on."""
        if self.empty:
            return ["the part is empty: the program produced no 3D geometry"]
        found: list[str] = []
        if not self.watertight:
            found.append(
                "the mesh is not watertight: it has holes, open edges or non-manifold edges "
                "(e.g. solids touching only along an edge), so it is not a printable solid"
            )
        if not self.winding_consistent:
            found.append(
                "face winding is inconsistent: neighbouring faces disagree on which side is outside"
            )
        elif self.watertight and self.volume < 0:
            found.append("the mesh is inside out: its faces point inward (negative volume)")
        if self.degenerate_faces:
            found.append(f"{self.degenerate_faces} degenerate (zero-area) faces")
        return found

    def summary(self) -> str:
        """One line for a screen: size, bodies, holes, volume."""
        if self.empty:
            return "empty part (no geometry)"
        x, y, z = self.extents
        genus = "?" if self.genus is None else str(self.genus)
        closed = "watertight" if self.watertight else "NOT watertight"
        voids = f", {self.voids} inner void(s)" if self.voids else ""
        return (
            f"{x:.2f} x {y:.2f} x {z:.2f} mm, {self.bodies} bod{'y' if self.bodies == 1 else 'ies'}"
            f"{voids}, {genus} through-hole(s), volume {self.volume:.1f} mm^3, {closed}, "
            f"{self.faces} faces"
        )


def empty_report() -> MeshReport:
    zero: Vec3 = (0.0, 0.0, 0.0)
    return MeshReport(
        empty=True,
        watertight=False,
        winding_consistent=False,
        bodies=0,
        genus=None,
        euler_number=0,
        volume=0.0,
        extents=zero,
        bounds=(zero, zero),
        faces=0,
        vertices=0,
        degenerate_faces=0,
    )


def load_mesh(path: Path | str) -> trimesh.Trimesh | None:
    """The mesh in an STL (or another format trimesh reads), vertices merged; None when the
    file is missing, unreadable or holds no triangles. Shared by render.py and evals."""
    path = Path(path)
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        suffix = path.suffix.lower().lstrip(".") or "stl"
        with path.open("rb") as fh:
            mesh = trimesh.load(fh, file_type=suffix, force="mesh", process=True)
    except Exception as exc:  # trimesh raises many types on garbage; all mean "no mesh"
        log.debug("could not load %s: %s", path, exc)
        return None
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        return None
    if not np.isfinite(mesh.vertices).all():
        return None
    return mesh


def _shells(mesh: trimesh.Trimesh, components: list[np.ndarray]
            ) -> tuple[int, int, int | None]:
    """(bodies, voids, genus) over the connected shells. A void is a closed shell with
    negative signed volume inside another shell's bounding box; genus sums (2 - Euler) / 2
    over the closed outer shells (None when none is closed or an Euler number is odd)."""
    shells = []
    for face_ids in components:
        body = mesh.submesh([face_ids], append=True, repair=False)
        closed = bool(body.is_watertight)
        volume = _signed_volume(np.asarray(body.vertices)[np.asarray(body.faces)])
        shells.append((body, closed, volume))
    voids = 0
    total = 0
    counted = 0
    odd = False
    for k, (body, closed, volume) in enumerate(shells):
        if closed and volume < 0 and any(
            j != k and other_volume > 0 and _inside(body.bounds, other.bounds)
            for j, (other, _, other_volume) in enumerate(shells)
        ):
            voids += 1
            continue
        if not closed:
            continue
        twice = 2 - int(body.euler_number)
        odd = odd or bool(twice % 2)
        total += twice // 2
        counted += 1
    genus = None if odd or not counted else total
    return len(shells) - voids, voids, genus


def _inside(inner: np.ndarray, outer: np.ndarray) -> bool:
    return bool(np.all(inner[0] >= outer[0] - 1e-6) and np.all(inner[1] <= outer[1] + 1e-6))


def analyze_mesh(path: Path | str) -> MeshReport:
    """Everything in MeshReport for one file; an empty report for bad or missing input."""
    mesh = load_mesh(path)
    if mesh is None:
        return empty_report()
    try:
        with np.errstate(all="ignore"):  # open meshes divide by a zero volume for the centroid
            return _analyze(mesh)
    except Exception as exc:  # a mesh trimesh loaded but cannot analyse is still "no part"
        log.warning("mesh analysis failed for %s: %s", path, exc)
        return empty_report()


def _signed_volume(triangles: np.ndarray) -> float:
    """Divergence theorem over the faces: what trimesh's `volume` gives, without the full
    inertia integrals it computes alongside (a third of the analysis time on big meshes)."""
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    return float(np.einsum("ij,ij->", a, np.cross(b, c)) / 6.0)


def _analyze(mesh: trimesh.Trimesh) -> MeshReport:
    components = trimesh.graph.connected_components(
        mesh.face_adjacency, nodes=np.arange(len(mesh.faces)), min_len=1
    )
    components = [np.asarray(c) for c in components]
    bodies, voids = len(components), 0
    if len(components) == 1:
        # the common case: skip building a submesh copy
        genus = None
        if mesh.is_watertight:
            twice = 2 - int(mesh.euler_number)
            genus = None if twice % 2 else twice // 2
    else:
        bodies, voids, genus = _shells(mesh, components)
    lo, hi = (tuple(float(v) for v in corner) for corner in mesh.bounds)
    openings, profiles = find_sections(mesh)
    volume = _signed_volume(np.asarray(mesh.vertices)[np.asarray(mesh.faces)])
    if not np.isfinite(volume):
        volume = 0.0
    return MeshReport(
        empty=False,
        watertight=bool(mesh.is_watertight),
        winding_consistent=bool(mesh.is_winding_consistent),
        bodies=bodies,
        genus=genus,
        euler_number=int(mesh.euler_number),
        volume=volume,
        extents=tuple(float(v) for v in mesh.extents),
        bounds=(lo, hi),
        faces=int(len(mesh.faces)),
        vertices=int(len(mesh.vertices)),
        degenerate_faces=int(np.count_nonzero(mesh.area_faces < DEGENERATE_AREA_MM2)),
        voids=voids,
        openings=[o.to_dict() for o in openings],
        profiles=[p.to_dict() for p in profiles],
    )
