"""Checks for a new part, from a Reading (agent.intent.parse): what the user stated becomes a
spec key (tools.spec) or a named "not checked" note, never a guess.

    overall size   the main body's stated sizes -> size / dims (exact when nothing sticks
                   out of it; lower bounds when a boss, flange or rib does, unless the text
                   gives the overall size)
    holes          counts of through-holes -> genus; their diameters -> holes
    walls          a tube's, cup's or open box's wall -> wall
    bodies         one body unless separate pieces are asked for
    kind           what the part is -> kind (the program must not say it made something else)
    plain solids   a bare cube / sphere / cylinder / cone -> shape and volume
Positions, angles, depths of pockets, chamfers and fillets are reported as not checked.
"""

from __future__ import annotations

import math
import re

from agent.intent.body import body_kind, inner_diameter
from agent.intent.draft import Dim, Draft, sizes_of, wall_range
from agent.intent.fits import counted_openings
from agent.intent.holes import genus_and_holes
from agent.intent.profiles import adapter_ends, round_body, round_features, torus_cord
from agent.intent.reading import Mention, Reading
from agent.intent.size import overall_size
from agent.intent.vocab import ANNULAR, FASTENERS, MAYBE_ANNULAR, PLAIN, ROUND, ROUNDING, SHAFTS
from agent.intent.words import normalize


# ------------------------------------------------------------------ bodies
def infer_bodies(text: str) -> int | None:
    norm = normalize(text)
    m = re.search(r"\b(two|three|four|five|six|2|3|4|5|6) (separate |loose |individual )?"
                  r"(parts|pieces|objects|bodies)\b|\b(2|3|4|two|three|four) piece\b", norm)
    if m:
        word = m.group(1) or m.group(4)
        return {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}.get(word) or int(word)
    if re.search(r"\bprint\w*(\s\S+){0,3}\s(lid|cap|cover)\b(\s\S+){0,2}\s(separately|later|"
                 r"on its own)\b|\b(lid|cap|cover)\b(\s\S+){0,3}\sprinted separately\b", norm):
        return None  # "printing the lid separately": in this part or not is not said
    if re.search(r"\b(separate|separately|removable|loose|detachable|lift off)\b(\s\S+){0,4}"
                 r"\s(lid|cap|cover|part|piece|leaves|leaf)\b|\b(lid|cap|cover|leaves|leaf)\b"
                 r"(\s\S+){0,5}\s(separate|separately|as a second part|its own part)\b", norm):
        return 2
    m = re.search(r"\bset of (two|three|four|five|six|eight|\d+)\b", norm)
    if m:
        word = m.group(1)
        return {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8}.get(
            word) or int(word)
    container = r"(box|case|enclosure|jar|container|bottle|tin|can)"
    fitted = re.search(r"\b(for|fits|fit|onto|on|over) (a |an |the )?(\w+ ){0,2}" + container,
                       norm)
    if re.search(r"\b(lid|cap|cover)\b", norm) and re.search(rf"\b{container}\b", norm) \
            and not fitted:
        return None  # may be printed as one part or two
    if re.search(r"\b(kit|pair of \w+s|pieces)\b|\bparts\b(?! (tray|bin|box|organi[sz]er|"
                 r"holder|drawer|rack))", norm):
        return None
    return 1


# ------------------------------------------------------------------ everything
def expectations(reading: Reading, text: str) -> Draft:
    """The checks and the not-checked notes for a new part."""
    draft = Draft()
    base = reading.base
    bodies = infer_bodies(text)
    if bodies is not None:
        draft.spec["bodies"] = bodies
    else:
        draft.skip("number of separate pieces", "the text does not make it clear")
    dims = overall_size(reading, draft, bodies)
    genus_and_holes(reading, draft)
    counted_openings(reading, draft)
    round_features(reading, draft)
    adapter_ends(reading, draft)
    torus_cord(reading, draft)
    round_body(reading, draft, dims)
    _walls(reading, draft)
    if base is not None and base.kind is not None and _is_head(reading, base):
        from tools.kinds import kinds_named

        named = kinds_named(base.phrase)
        draft.spec["kind"] = {"asked": base.phrase.strip(), "kind": base.kind}
        if len(set(named)) > 1:
            draft.spec["kind"]["also"] = sorted(set(named) - {base.kind})
    _plain_solid(reading, draft, dims)
    _notes(reading, draft)
    return draft


def _is_head(reading: Reading, base: Mention) -> bool:
    """Does the request open by naming this kind ("a fan grill ...", "This is a bracket")?
    A kind named later ("Base for a post. The foot is a plate") is not what it asks for."""
    first = [m for m in reading.mentions if m.sentence == base.sentence and
             m.role not in ("ref", "surface")]
    return base.sentence == 0 and bool(first) and first[0] is base


def _walls(reading: Reading, draft: Draft) -> None:
    base = reading.base
    if base is None:
        return
    everywhere = [q for q in base.sizes if q.role == "thick" and re.search(
        r"\b(everywhere|all over|all round|all around|throughout)\b",
        reading.sentences[q.sentence].text)]
    walls = [q for q in base.sizes if q.role == "wall"] + everywhere + [
        q for m in reading.mentions if m.noun in ("wall", "walls") and m.root() is m
        for q in m.sizes if q.role in ("thick", "size", "wall")]
    mates = [m for m in reading.features("mate") if m.kind in ("box", "cup")]
    for q in list(walls):
        sentence = reading.sentences[q.sentence]
        owner = [m for m in reading.mentions if m.sentence == q.sentence and m.pos < q.pos and
                 m.role in ("base", "mate")]
        if owner and any(owner[-1] is m for m in mates) and re.search(
                r"\b(that'?s|that is|which is|with)\b", sentence.text):
            walls.remove(q)  # "a lid for a box that's 100x70 with 2mm walls": the box's walls
            draft.skip(f"'{q.text}'", f"the walls of the {owner[-1].noun} it fits")
            q.used = True
    if not walls or all(q.used for q in walls):
        return
    words = reading.words()
    dividers = {"compartment", "compartments", "divider", "dividers", "slots", "grid"} & words
    values = {q.values[0] for q in walls}
    if len(values) != 1 or dividers or base.kind in ("bracket", "channel"):
        return
    w = walls[0].values[0]
    for q in walls:
        q.used = True
    draft.spec["wall"] = wall_range(w)


def _plain_solid(reading: Reading, draft: Draft, dims: list[Dim] | None) -> None:
    """A bare body (nothing cut or added but its own bore): its form and, with every size
    known, its volume, which tells a cone from a frustum, a torus from a washer, a tube
    from a rod, and a part a quarter too big from the right one."""
    base = reading.base
    if base is None:
        return
    kind = body_kind(reading)
    others = [m for m in reading.mentions if m.root() is not base and m.role not in (
        "ref", "surface", "mate")]
    words = reading.words()
    annular = kind in ANNULAR | MAYBE_ANNULAR and "genus" in draft.spec and \
        draft.spec["genus"] == 1
    bores = [m for m in others if m.role == "hole"]
    if annular and len(bores) <= 1:
        others = [m for m in others if m.role != "hole"]
    passes = [m for m in reading.features("mate") if m.noun in FASTENERS | SHAFTS]
    if not annular and any(q.role in ("id", "bore", "wall", "inner_radius") for q in base.sizes):
        return  # "an end cap, 1.25 in OD, 1 in ID": there is a cavity
    if others or passes or (base.screw and not annular) or words & ROUNDING or words & {
            "hollow", "open", "half", "wall", "walls", "bored", "bore"} - (
            {"wall", "hollow", "bored", "bore"} if annular else set()):
        return
    if kind in PLAIN and not annular and not words & {"hex", "hexagonal", "truncated",
                                                      "frustum", "triangular", "octagonal"}:
        draft.spec["shape"] = PLAIN[kind]
        draft.spec.setdefault("genus", 0)
    nominal = _nominal_volume(reading, kind, dims, annular)
    if nominal is None:
        return
    value, straight = nominal
    lo, hi = (0.97, 1.03) if straight else (0.80, 1.04)
    draft.spec["volume"] = [round(value * lo, 1), round(value * hi, 1)]


def _nominal_volume(reading: Reading, kind: str, dims: list[Dim] | None, annular: bool
                    ) -> tuple[float, bool] | None:
    """(the volume the stated sizes give, True for straight-sided solids) or None."""
    if not dims or any(d.about for d in dims):
        return None
    base = reading.base
    words = reading.words()
    # (a box or a tray is hollow more often than said: its volume is not its extents')
    if kind in ("cube", "block", "plate") and len(dims) == 3 and \
            all(d.span is None for d in dims) and not annular and not words & {"hex"}:
        return math.prod(d.value for d in dims), True
    round_values = [d.value for d in dims if d.round_]
    axial = [d.value for d in dims if not d.round_ and d.span is None]
    if kind == "sphere" and round_values:
        return math.pi / 6 * max(round_values) ** 3, False
    if kind == "hemisphere" and round_values:
        return math.pi / 12 * max(round_values) ** 3, False
    if kind == "torus" and len(round_values) == 3:
        outer, cord = max(round_values), min(round_values)
        centre = (outer - cord) / 2
        return 2 * math.pi**2 * centre * (cord / 2) ** 2, False
    if {"triangular", "triangle"} & words and len(dims) == 3 and base is not None:
        sides = [d.value for d in dims if d.span is not None]
        axial = [d.value for d in dims if d.span is None]
        if len(sides) == 2 and axial:
            return math.sqrt(3) / 4 * sides[0] ** 2 * axial[0], True
        return None
    if kind == "prism" and len(dims) == 3 and base is not None:
        spans = [d for d in dims if d.span is not None]
        if len(spans) == 2 and axial:
            flats = [q for q in base.sizes if q.role == "flats"]
            corners = [q for q in base.sizes if q.role == "corners"]
            if flats:
                area = math.sqrt(3) / 2 * flats[0].values[0] ** 2
            elif corners:
                area = 3 * math.sqrt(3) / 8 * corners[0].values[0] ** 2
            else:
                return None
            return area * axial[0], True
        return None
    if len(round_values) != 2 or len(axial) != 1:
        return None
    outer = round_values[0]
    if kind == "cone" and base is not None:
        diameters = sorted({q.values[0] * (2 if q.role == "radius" else 1) for q in base.sizes
                            if q.role in ("diameter", "od", "size", "radius", "across")})
        small = diameters[0] if len(diameters) == 2 else 0.0
        if len(diameters) > 2 or (not small and words & {"truncated", "frustum", "flat"}):
            return None
        return math.pi * axial[0] / 12 * (outer**2 + outer * small + small**2), False
    if kind in ("cylinder", "spacer", "washer", "ring", "tube", "nut") or kind in ROUND:
        inner = 0.0
        if annular:
            inner_q = inner_diameter(base) if base is not None else None
            walls = sizes_of(base, "wall") if base is not None else []
            if inner_q is None and walls:
                inner_q = outer - 2 * walls[0].values[0]
            if inner_q is None:
                return None
            inner = inner_q
        return math.pi / 4 * (outer**2 - inner**2) * axial[0], False
    return None


def _notes(reading: Reading, draft: Draft) -> None:
    """Every stated quantity that did not become a check, named."""
    owner: dict[int, Mention] = {}
    for m in reading.mentions:
        for q in m.sizes:
            owner[id(q)] = m
    for q in reading.quantities:
        if q.used:
            continue
        m = owner.get(id(q))
        what = f"'{q.text}'"
        if q.role == "position":
            why = f"position of the {m.noun}" if m and m.role != "base" else "a position"
        elif q.role == "angle":
            why = "an angle"
        elif m is None:
            why = "not tied to a feature"
        elif m.role == "cut":
            why = f"size of the {m.noun}"
        elif m.role == "add":
            why = f"size of the {m.noun}"
        elif m.role == "hole" and q.role == "depth":
            why = "hole depth"
        elif m.role == "mate":
            why = f"the {m.noun} it fits"
        else:
            why = f"{q.role} of the {m.noun}"
        draft.skip(what, why)
