"""Metric hardware the families size their holes for.

One table, used everywhere: the clearance hole for each screw is the ISO 273 "medium" series
(M3 -> 3.4 mm), which prints as a free fit on FDM printers. Descriptions may name the screw
("M3 holes") or the hole ("3.4 mm holes"); both mean the same diameter in the program.
"""

from __future__ import annotations

# screw name -> clearance hole diameter in mm (ISO 273 medium)
CLEARANCE: dict[str, float] = {
    "M2": 2.4,
    "M2.5": 2.9,
    "M3": 3.4,
    "M4": 4.5,
    "M5": 5.5,
    "M6": 6.6,
    "M8": 9.0,
}

# screw name -> nominal thread diameter in mm
NOMINAL: dict[str, float] = {name: float(name[1:]) for name in CLEARANCE}

# screw name -> (width across flats, thickness) of the standard hex nut (ISO 4032)
HEX_NUT: dict[str, tuple[float, float]] = {
    "M2": (4.0, 1.6),
    "M2.5": (5.0, 2.0),
    "M3": (5.5, 2.4),
    "M4": (7.0, 3.2),
    "M5": (8.0, 4.7),
    "M6": (10.0, 5.2),
    "M8": (13.0, 6.8),
}

SCREWS: tuple[str, ...] = tuple(CLEARANCE)


def bigger_screw(name: str) -> str | None:
    """The next size up, or None for the largest."""
    i = SCREWS.index(name)
    return SCREWS[i + 1] if i + 1 < len(SCREWS) else None


def smaller_screw(name: str) -> str | None:
    """The next size down, or None for the smallest."""
    i = SCREWS.index(name)
    return SCREWS[i - 1] if i > 0 else None
