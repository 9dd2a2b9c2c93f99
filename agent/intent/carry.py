"""What an earlier request still asks of a follow-up: the checks the current part failed.

A follow-up's checks are read against the current part ("make it taller" keeps its width and
its holes). When that part already failed a check, say its two holes never appeared, the
follow-up's "keep the holes" would keep none and the taller part would pass as OK although
the person's first request still stands. So the checks the current part failed come along:

    turn 1  "a 60 x 30 x 5 plate with two 4 mm holes"   genus 2 failed (the part has none)
    turn 2  "make it 8 mm thick"   genus 0 (kept) -> genus 2 (still asked); size Z 8 mm

A follow-up that restates something replaces it: a new hole count, a new height or a new
shape wins over the earlier one. What the follow-up only keeps ("the rest stays") is
replaced by what was asked before, axis by axis for sizes; a count it moves ("two more
holes") moves from what was asked before. Checks relative to an earlier part (keep_holes,
param, changed) do not come along: their earlier part is gone; a failed growth of a size
("twice as thick") comes along as the size it asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agent.intent.draft import BIG
from agent.intent.edit_axes import kept_range
from tools.mesh import MeshReport

# checks of the part itself (watertight is asked of every part anyway), and the checks a
# follow-up's own keys replace
_GROUPS: tuple[tuple[str, ...], ...] = (
    ("size", "size_xyz", "dims"), ("genus", "holes", "openings"), ("bodies",), ("volume",),
    ("wall",), ("shape",), ("kind",), ("profiles",))
_GROUP = {key: group for group in _GROUPS for key in group}


def still_standing(failed: dict[str, Any], spec: dict[str, Any], kept: Iterable[str],
                   previous: MeshReport | None,
                   shift: dict[str, int] | None = None) -> dict[str, Any]:
    """The checks of `failed` (key -> what the current part `previous` failed to meet) that
    a follow-up leaves standing. `spec` is the follow-up's checks and `kept` names those of
    them that only keep the part ("genus", "bodies", "x", "y", "z"): there the earlier value
    goes back; `shift` the counts it moves ("two more holes": genus +2), moved from the
    earlier value instead. Merge the result into `spec` with with_standing."""
    kept = set(kept)
    counts = {"genus": previous.genus, "bodies": previous.bodies} if previous else {}
    only_kept = {k for k, had in counts.items() if k in kept and spec.get(k) == had}
    stated = set(spec) - only_kept
    if "size_xyz" in spec and kept >= {"x", "y", "z"}:
        stated.discard("size_xyz")  # "add a hole": every size stays as it is
    standing: dict[str, Any] = {}
    for key, expected in failed.items():
        group = _GROUP.get(key)
        if group is None:
            continue
        if not set(group) & stated:
            standing[key] = expected
        elif key == "genus" and (moved := _moved_count(expected, spec.get("genus"), previous,
                                                      shift or {})) is not None:
            standing[key] = moved
        elif key == "size_xyz" and previous is not None and "size_xyz" in spec:
            axes = _kept_axes(spec["size_xyz"], previous.extents, expected, kept)
            if axes is not None:
                standing[key] = axes
    return standing


def failed_checks(checks: list[dict[str, Any]], before: MeshReport | None) -> dict[str, Any]:
    """A turn's failed checks as key -> what was asked, with a failed growth of a size
    ("twice as thick") turned into the size it asked for, measured on `before` (the part
    that turn changed): relative to a part that is gone, it would mean nothing later."""
    failed = {c["key"]: c.get("expected") for c in checks if not c.get("passed")}
    grow = failed.pop("grow", None)
    sizes = _grown_sizes(grow, before) if before is not None and not before.empty else None
    if sizes is not None:
        had = failed.get("size_xyz")
        if isinstance(had, list) and len(had) == 3:
            sizes = [[max(a[0], b[0]), min(a[1], b[1])] for a, b in zip(sizes, had, strict=True)]
        failed["size_xyz"] = sizes
    return failed


def _grown_sizes(grow: object, before: MeshReport) -> list[list[float]] | None:
    entries = grow if isinstance(grow, list) else [grow]
    sizes = [[0.0, BIG] for _ in range(3)]
    for entry in entries:
        axis = entry.get("axis") if isinstance(entry, dict) else None
        if axis not in ("x", "y", "z"):
            continue
        k = "xyz".index(axis)
        lo, hi = entry.get("min_ratio"), entry.get("max_ratio")
        was = before.extents[k]
        sizes[k] = [round(was * lo, 3) if lo else 0.0, round(was * hi, 3) if hi else BIG]
    return sizes if sizes != [[0.0, BIG]] * 3 else None


def _moved_count(wanted: object, asked: object, previous: MeshReport | None,
                 shift: dict[str, int]) -> int | None:
    """"Add two more holes" to a part that has 3 of the 4 asked: 6, not 5."""
    by = shift.get("genus")
    if by is None or previous is None or previous.genus is None or not isinstance(wanted, int):
        return None
    if asked != previous.genus + by or wanted == previous.genus:
        return None
    return max(0, wanted + by)


def with_standing(spec: dict[str, Any], standing: dict[str, Any]) -> dict[str, Any]:
    """`spec` with the standing checks in place. Keeping every hole of a part whose hole
    count was wrong would keep the wrong holes: keep_holes goes when a hole check stands."""
    merged = {**spec, **standing}
    if {"genus", "holes"} & set(standing):
        merged.pop("keep_holes", None)
    return merged


def _kept_axes(asked: list, had: list[float], wanted: object, kept: set[str]) -> list | None:
    """The follow-up's sizes with each axis it only keeps set back to the earlier request's
    range where the part missed it; None when no axis needs it."""
    if not (isinstance(wanted, list) and len(wanted) == len(asked) == len(had) == 3):
        return None
    asked = [list(r) for r in asked]
    axes = [list(r) for r in asked]
    for k, name in enumerate("xyz"):
        lo, hi = wanted[k]
        # a later key may have replaced a kept axis: only an untouched one is still a keep
        if name in kept and asked[k] == kept_range(had[k]) and not lo <= had[k] <= hi:
            axes[k] = [lo, hi]
    return axes if axes != asked else None
