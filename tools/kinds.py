"""What parts are called: kinds of part, their names, and which kinds can stand for another.

One table serves both sides of the kind check: agent.intent reads the kind a prompt asks for,
tools.spec reads the kind a program says it makes (its leading comment, its module names)
and fails the candidate when the two contradict ("fan grill" asked, "spur gear" made). Kinds
in one family never contradict each other (a "spacer" may well call itself a "tube"), and a
program that names no kind, or a prompt whose object is not in the table, is not judged.
"""

from __future__ import annotations

import re

# kind -> the names people and programs use for it (lower case; longest match wins)
KINDS: dict[str, tuple[str, ...]] = {
    "gear": ("gear", "spur gear", "helical gear", "cog", "cogwheel", "gear wheel", "sprocket",
             "pinion"),
    "grill": ("grill", "grille", "fan grill", "fan grille", "fan guard", "fan cover",
              "finger guard", "vent cover", "vent grill"),
    "cup": ("cup", "pencil cup", "pen cup", "pen holder", "pencil holder", "mug", "pot",
            "planter", "vase", "tumbler", "beaker"),
    "flange": ("flange", "pipe flange"),
    "plate": ("plate", "mounting plate", "base plate", "baseplate", "panel", "tile", "slab",
              "sheet", "board", "shim", "slat", "strip", "shelf"),
    "box": ("box", "enclosure", "case", "container", "tray", "parts tray", "bin",
            "organizer", "organiser", "drawer"),
    "lid": ("lid", "cover", "cap", "end cap"),
    "bracket": ("bracket", "l bracket", "corner bracket", "angle bracket", "shelf bracket",
                "angle", "brace", "corner brace", "gusset"),
    "hook": ("hook", "wall hook", "coat hook", "hanger", "headphone hanger"),
    "clip": ("clip", "cable clip", "clamp", "pipe clip", "spring clip"),
    "knob": ("knob", "control knob", "dial", "handwheel", "thumb wheel"),
    "handle": ("handle", "drawer handle", "pull", "drawer pull"),
    "spacer": ("spacer", "standoff", "bushing", "sleeve", "collar", "grommet"),
    "washer": ("washer",),
    "ring": ("ring", "finger ring", "band", "o ring"),
    "torus": ("torus", "donut", "doughnut"),
    "tube": ("tube", "pipe", "hose", "conduit"),
    "adapter": ("adapter", "adaptor", "reducer", "hose adapter", "coupler", "coupling"),
    "sphere": ("sphere", "ball", "orb"),
    "hemisphere": ("hemisphere", "half sphere", "half ball", "dome"),
    "cube": ("cube",),
    "block": ("block", "brick", "cuboid", "bar"),
    "cylinder": ("cylinder", "rod", "dowel", "disc", "disk", "puck", "coin", "peg", "pin",
                 "shaft", "post", "column", "pillar", "round bar", "coaster"),
    "cone": ("cone", "frustum"),
    "funnel": ("funnel",),
    "pyramid": ("pyramid",),
    "prism": ("prism", "hex prism", "hexagonal prism", "triangular prism", "hex bar"),
    "stand": ("stand", "phone stand", "tablet stand", "holder", "phone holder", "cradle",
              "dock", "rack"),
    "wedge": ("wedge", "door wedge", "door stop", "doorstop"),
    "tag": ("tag", "key tag", "keychain", "key chain", "key fob", "fob", "nameplate",
            "name plate", "sign", "label"),
    "comb": ("comb", "cable comb"),
    "hinge": ("hinge",),
    "pulley": ("pulley", "wheel", "sheave", "idler"),
    "nut": ("nut", "hex nut", "nut trap"),
    "bolt": ("bolt", "screw", "thumbscrew"),
    "spool holder": ("spool holder", "filament spool holder"),
    "spool": ("spool", "bobbin", "reel", "filament spool"),
    "channel": ("channel", "u channel", "c channel", "rail", "din rail"),
    "star": ("star",),
    "heart": ("heart",),
}

# Kinds that may stand for one another: a part of one is often rightly called the other.
FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"cube", "block", "plate", "box", "lid", "tag", "tray"}),
    frozenset({"cylinder", "spacer", "washer", "tube", "ring", "pulley", "adapter", "knob",
               "flange", "torus", "cup", "bolt", "spool holder", "spool"}),
    frozenset({"nut", "prism", "bolt", "spacer"}),
    frozenset({"sphere", "hemisphere"}),
    frozenset({"cone", "pyramid", "funnel"}),
    frozenset({"bracket", "stand", "hook", "clip", "handle", "channel", "plate", "hinge",
               "comb", "spool holder"}),
    frozenset({"box", "cup", "stand", "lid"}),
    frozenset({"prism", "block", "wedge"}),
    frozenset({"grill", "plate", "lid"}),
)

_NAMES: list[tuple[str, str]] = sorted(
    ((name, kind) for kind, names in KINDS.items() for name in names),
    key=lambda pair: -len(pair[0]),
)


def _words(text: str) -> str:
    """Lower case, underscores and hyphens as spaces, one space between words."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # fanGrill -> fan Grill
    return " " + " ".join(re.findall(r"[a-z]+", text.lower().replace("_", " "))) + " "


def kinds_named(text: str) -> list[str]:
    """The kinds named in `text`, in order of appearance (longest names first at a place)."""
    words = _words(text)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name, kind in _NAMES:
        for match in re.finditer(rf"(?<= ){re.escape(name)}s?(?= )", words):
            span = (match.start(), match.end())
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            found.append((match.start(), kind))
    return [kind for _, kind in sorted(found)]


def compatible(asked: str, made: str) -> bool:
    """Can a part called `made` be the `asked` kind?"""
    return asked == made or any(asked in family and made in family for family in FAMILIES)


def declared_kind(program: str) -> tuple[list[str], str] | None:
    """(kinds, where they are said) a program claims to make: the kinds named in its
    leading comment lines, else in its first module name that names one; None when it
    names none."""
    leading: list[str] = []
    for line in program.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("//"):
            leading.append(stripped.lstrip("/"))
            continue
        if stripped.startswith("/*"):
            leading.append(stripped.strip("/* "))
            continue
        break
    kinds = kinds_named(" ".join(leading))
    if kinds:
        return kinds, f"comment '{' '.join(leading).strip()[:60]}'"
    modules = re.findall(r"\bmodule\s+([A-Za-z_]\w*)", program)
    for module in modules:
        kinds = kinds_named(module)
        if kinds:
            return kinds, f"module {module}()"
    return None
