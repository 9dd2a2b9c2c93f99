"""From a Part and its compiled reference to the case's spec, and the checks that the
reference really is what the prompt says.

Tolerances (the policy, in one place):
  sizes    the stated value +-2.5 % (at least 0.3 mm); +-5 % for "about" sizes
  holes    stated d, -max(0.25, 4 %) .. +max(0.5, 10 %): a printer-friendly clearance passes,
           the next size down or up does not
  wall     stated wall, -max(0.25, 8 %) .. +max(0.4, 20 %)
  volume   the reference's volume +-5 %, only for parts whose pockets or grooves the outside
           does not show
"""

from __future__ import annotations

from tools.mesh import MeshReport

from .part import Hole, Part


class ReferenceMismatch(AssertionError):
    """The reference program does not make what its prompt states: fix the case."""


def size_range(v: float, loose: bool = False) -> list[float]:
    tol = max(0.3, (0.05 if loose else 0.025) * v)
    return [round(v - tol, 2), round(v + tol, 2)]


def hole_range(h: Hole) -> list[float]:
    if isinstance(h.d, tuple):
        return [round(h.d[0], 2), round(h.d[1], 2)]
    return [round(h.d - max(0.25, 0.04 * h.d), 2), round(h.d + max(0.5, 0.10 * h.d), 2)]


def wall_range(w: float) -> list[float]:
    return [round(w - max(0.25, 0.08 * w), 2), round(w + max(0.4, 0.2 * w), 2)]


def _hole_item(h: Hole) -> dict:
    item: dict = {"d": hole_range(h)}
    if h.count is not None:
        item["count"] = h.count
    if h.axis is not None:
        item["axis"] = h.axis
    if h.what:
        item["what"] = h.what
    return item


def _stated_sizes(part: Part, report: MeshReport) -> None:
    """Each stated size is one of the reference's extents (a typo in a table shows here)."""
    if part.size is None or part.size == "mesh":
        stated: tuple[float, ...] = part.dims
        actual = sorted(report.extents, reverse=True)
        pool = list(actual)
        for v in sorted(stated, reverse=True):
            lo, hi = size_range(v, part.loose)
            match = next((a for a in pool if lo <= a <= hi), None)
            if match is None:
                raise ReferenceMismatch(f"{part.id}: stated {v} mm is none of {actual}")
            pool.remove(match)
        return
    want = list(part.size) if part.xyz else sorted(part.size, reverse=True)
    actual = list(report.extents) if part.xyz else sorted(report.extents, reverse=True)
    for v, a in zip(want, actual, strict=True):
        lo, hi = size_range(v, part.loose)
        if not lo <= a <= hi:
            raise ReferenceMismatch(f"{part.id}: stated size {want}, reference {actual}")


def derive_spec(part: Part, report: MeshReport) -> dict:
    """The spec of a case: what its prompt states, in the scorer's keys."""
    if report.empty or not report.watertight or report.bodies != 1:
        raise ReferenceMismatch(f"{part.id}: the reference is not one closed body "
                                f"({report.summary()})")
    if part.genus is not None and report.genus != part.genus:
        raise ReferenceMismatch(f"{part.id}: stated {part.genus} through-holes, reference "
                                f"has genus {report.genus}")
    _stated_sizes(part, report)
    spec: dict = {"watertight": True, "bodies": 1}
    if part.genus is not None:
        spec["genus"] = part.genus
    if part.size == "mesh":
        spec["size"] = [size_range(v, True) for v in sorted(report.extents, reverse=True)]
    elif part.size is not None:
        values = list(part.size) if part.xyz else sorted(part.size, reverse=True)
        spec["size_xyz" if part.xyz else "size"] = [size_range(v, part.loose) for v in values]
    if part.dims and part.size in (None, "mesh"):
        if part.size is None:
            spec["dims"] = [size_range(v, part.loose) for v in part.dims]
    if part.holes:
        spec["holes"] = [_hole_item(h) for h in part.holes]
    if part.wall is not None:
        spec["wall"] = wall_range(part.wall)
    if part.shape is not None:
        spec["shape"] = part.shape
    if part.openings is not None:
        spec["openings"] = [{"count": part.openings[0], "min": part.openings[1]}]
    if part.volume:
        spec["volume"] = [round(report.volume * 0.95, 1), round(report.volume * 1.05, 1)]
    if part.kind is not None:
        spec["kind"] = {"asked": part.kind[0], "kind": part.kind[1]}
    return spec
