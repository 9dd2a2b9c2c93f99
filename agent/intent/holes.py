"""Holes of a new part: how many go through (genus), their diameters, a bore of an
annular part, slots and windows cut through."""

from __future__ import annotations

import re

from agent.intent.body import body_kind, inner_diameter
from agent.intent.draft import (
    Draft,
    HoleSet,
    hole_range,
    screw_range,
    sizes_of,
    standoff_range,
    tap_range,
)
from agent.intent.fits import check_fits, held_profiles
from agent.intent.mentions import singular
from agent.intent.reading import Mention, Reading
from agent.intent.vocab import (
    ANNULAR,
    CROSS,
    FASTENERS,
    HELD_ROUND,
    MAYBE_ANNULAR,
    OPEN_NOUNS,
    ROUND,
    SIMPLE,
    STORED,
    TAP_DRILLED,
    TAPPED,
    THROUGH_WORDS,
)
from agent.intent.words import normalize

FAN_SCREW_HOLES = [2.4, 5.3]


def _clause(reading: Reading, mention: Mention) -> str:
    """The words after the mention up to the end of its clause."""
    toks = reading.sentences[mention.sentence].tokens
    words = []
    for t in toks[mention.pos + 1 :]:
        if t.text in (",", ";", ":") or t.text == "plus":
            break
        words.append(t.text)
    return " ".join(words)


def _corners_or_ends(reading: Reading, mention: Mention) -> tuple[int, str] | None:
    """The multiplier of "in each corner", "at both ends", "on each leg", and which."""
    text = _clause(reading, mention) + " " + " ".join(
        t.text for t in reading.sentences[mention.sentence].tokens[: mention.pos])
    if re.search(r"\b(each|every|all four|the four|four|all) (\w+ )?corners?\b|\bcorners each\b",
                 text):
        return 4, "corner"
    if re.search(r"\b(each|both|either) (\w+ )?ends?\b", text):
        return 2, "end"
    if re.search(r"\b(either side|both sides|each side of the \w+|either end)\b", text):
        return 2, "side"
    if re.search(r"\b(each|both|per|either) (\w+ )?(leg|legs|arm|arms)\b", text):
        return 2, "leg"
    return None


def _plus_one(reading: Reading, mention: Mention) -> int:
    """"... in each arm plus one in the corner": one more of the same."""
    toks = reading.sentences[mention.sentence].tokens
    text = " ".join(t.text for t in toks[mention.pos + 1 :])
    m = re.search(r"\b(plus|and|with) (one|two|three|1|2|3)( more)? (in|at|near|through) ", text)
    if m is None:
        return 0
    return {"one": 1, "two": 2, "three": 3}.get(m.group(2)) or int(m.group(2))


def count_from_context(reading: Reading, m: Mention) -> int | None:
    """How many of a plural feature whose count is not written next to it:
    "a rack for 5 screwdrivers - 10 mm holes", "two ears with screw holes",
    "4x M3 mounting plate ... holes on the usual pattern", "four screws pass through slots"."""
    before = [p for p in reading.mentions if p.sentence == m.sentence and p.pos < m.pos and
              p.count is not None and p.count >= 2 and p.refers is None]
    held = [p for p in before if p.role == "mate" and p.noun not in FASTENERS]
    if held:
        return held[-1].count
    carriers = [p for p in before if p.role == "add" and p.noun in (
        "ears", "tabs", "lugs", "flanges", "legs", "arms", "feet", "bosses")]
    if carriers and {"with", "each", "for"} & m.words:
        return carriers[-1].count
    screws = [p for p in before if p.role in ("mate", "add") and p.noun in FASTENERS]
    if screws and m.role == "cut":
        return screws[-1].count
    base = reading.base
    if base is not None and (base.screw_count or 0) >= 2 and m.role == "hole":
        return base.screw_count  # "4x M3 mounting plate"
    return None


def read_holes(reading: Reading, draft: Draft) -> list[HoleSet]:
    holes: list[HoleSet] = []
    base = reading.base
    thickness = None
    if base is not None:
        thick = [q for q in base.sizes if q.role in ("thick", "height")]
        thickness = thick[0].values[0] if len(thick) == 1 else None
    text = " ".join(sentence.text for sentence in reading.sentences)
    keyed = bool({"keyway", "keyways", "keyed", "spline", "splined"} & reading.words()) or \
        bool(re.search(r"\b(d shaped|d shape|flat on the (bore|shaft|hole))\b", text))
    for m in reading.features("hole"):
        count = m.count
        note = None
        if count is None and m.plural and not m.unclear and not m.negated:
            count = count_from_context(reading, m)
        if m.negated:
            holes.append(HoleSet(0, True, None, m.phrase))
            continue
        if m.unclear:
            note = f"how many holes: {m.unclear}"
            count = None
        found = _corners_or_ends(reading, m)
        multiplier = found[0] if found else None
        multiplied = False
        if multiplier:
            corners = found[1] == "corner"
            spread = re.search(r"\bone (in|at|on|near|per) (each|every|both|either)\b",
                               _clause(reading, m))
            if count in (None, 1):
                count, multiplied = multiplier, True  # "a hole in each corner"
            elif spread or (corners and count == multiplier) or m.count is None:
                pass  # "four holes, one in each corner"; "2 tabs either side with holes"
            else:
                count, multiplied = count * multiplier, True  # "each leg carries two holes"
        if count is not None and multiplied:
            count += _plus_one(reading, m)  # "... in each arm plus one in the corner"
        elif count is None and not m.plural:
            count = 1
        elif count is None:
            note = note or f"how many holes: '{m.phrase}'"
        if m.ordinal and count is None:
            count = 1

        if m.words & {"each", "every", "per"} and not multiplier and not (
                "one" in m.words and m.count not in (None, 1)):
            note = note or f"how many holes: '{m.phrase} ... each'"
            count = None
        through = _through(m, thickness)
        annular_base = base is not None and (base.kind in ANNULAR | MAYBE_ANNULAR)
        if m.words & CROSS and (m.words & {"radial", "cross", "cheeks", "transverse"} or
                                "both" in m.words or m.noun.startswith("side") or (
                                    annular_base and m.words & {"side", "sides", "wall"})):
            note = note or f"through-hole count: '{m.phrase}' crosses another opening"
            through = None
        # what a later sentence says of the same holes counts: "... M4 pilot holes in the feet"
        restated = set().union(*(r.words for r in reading.mentions if r.refers is m or (
            r.role == "hole" and m.screw is not None and r.screw == m.screw)))
        diameter = _hole_diameter(m, draft, restated)
        if diameter is not None and keyed:
            draft.skip(f"diameter of '{m.phrase}'", "a keyway or flat makes it not round")
            diameter = None
        holes.append(HoleSet(count, through, diameter, m.phrase, note, m.axis))
    return holes


def _through(m: Mention, thickness: float | None) -> bool | None:
    words = m.words
    depth = [q for q in m.sizes if q.role == "depth"]
    if words & {"blind", "socket", "recess", "recessed", "dimple"} or "not" in words and \
            ({"break", "through"} & words):
        return False
    if depth:
        d = depth[0].values[0]
        if thickness is not None:
            return d >= thickness - 0.01
        return None
    toks = reading_words_before(m)
    if "pilot" in toks or "insert" in words or (words & STORED and not words & THROUGH_WORDS):
        return None  # "9 holes for pens": a holder's holes are as often blind as through
    return True


def reading_words_before(m: Mention) -> set[str]:
    """The words of the mention's own phrase ("a 2.5 mm pilot hole" -> pilot)."""
    return set(m.phrase.split()) | {w for w in m.words if w in ("pilot", "tapped")} & set(
        m.phrase.split())


def _hole_diameter(m: Mention, draft: Draft, restated: set[str] = frozenset()
                   ) -> list[float] | None:
    sizes = [q for q in m.sizes if q.role in ("diameter", "size", "hole_size", "bore", "id")]
    radii = [q for q in m.sizes if q.role == "radius"]
    if sizes:
        values = {q.values[0] for q in sizes}
        if len(values) == 1:
            for q in sizes:
                q.used = True
            return hole_range(sizes[0].values[0])
        draft.skip(f"hole diameter of '{m.phrase}'", "several sizes given")
        return None
    if radii:
        radii[0].used = True
        return hole_range(2 * radii[0].values[0])
    if m.screw:
        words = m.words | restated
        if words & TAP_DRILLED and not words & (TAPPED - TAP_DRILLED) and \
                not m.words & {"blind", "back"}:
            return tap_range(m.screw)
        if words & TAPPED or m.words & {"blind", "back"}:
            draft.skip(f"hole size for M{m.screw:g}", "tapped, blind or for an insert")
            return None
        return screw_range(m.screw)
    return None


def genus_and_holes(reading: Reading, draft: Draft) -> None:
    base = reading.base
    holes = read_holes(reading, draft)
    kind = base.kind if base else None
    words = reading.words()
    hollow_round = ("hollow" in words or (base is not None and any(
        q.role in ("id", "bore", "inner_radius") for q in base.sizes))) and (body_kind(
            reading) in ROUND | {"cylinder", "tube", "spacer", "cone", "spool"}) and \
        kind not in ("lid", "cup")
    annular = hollow_round or (kind in ANNULAR or (base is not None and base.noun in OPEN_NOUNS)
                               ) and not ({"solid", "closed", "blind"} & words) or (
        kind in MAYBE_ANNULAR and (holes or (base is not None and (
            inner_diameter(base) is not None or base.screw or any(
                q.role in ("wall",) for q in base.sizes)))))
    text = normalize(" ".join(s.text for s in reading.sentences))
    if kind in ("spacer", "adapter") and not holes and base is not None and \
            re.search(r"\bfor (?:an? )?m\d", text):
        annular = True
    simple = (kind in SIMPLE or body_kind(reading) in SIMPLE) and not (
        base is not None and base.noun in ("mug", "mugs"))  # a mug has a handle
    mates = [m for m in reading.features("mate") if m.noun in (
        "screw", "screws", "bolt", "bolts", "shaft", "rod", "axle", "pin", "dowel", "bearing")]
    if not holes and not annular and (not simple or mates or base is None or
                                      base.screw is not None):
        check_fits(reading, holes, annular, draft)
        cut_notes(reading, draft)
        return
    text = " ".join(s.text for s in reading.sentences)
    if not holes and re.search(r"\bopen (at )?both ends\b|\bopen at the (top|bottom) and "
                               r"(the )?(top|bottom)\b", text):
        annular = True  # "a reducer cone, open both ends": a tube of a kind
    genus: int | None = 1 if annular else 0
    notes = []
    if not holes and not annular and "through" in words:
        draft.skip("how many through-holes", "something goes through, but no hole is counted")
        cut_notes(reading, draft)
        return
    inner = inner_diameter(base) if annular and base is not None else None
    if annular and base is not None and inner is None:
        walls = sizes_of(base, "wall")
        od = next((q.values[0] for q in base.sizes if q.role in ("od", "diameter")), None)
        if walls and od is not None:
            inner = od - 2 * walls[0].values[0]
            walls[0].used = True
    if inner is not None and base is not None:
        for q in base.sizes:
            if q.role in ("id", "bore", "inner_radius"):
                q.used = True
        draft.spec.setdefault("holes", []).append({"d": hole_range(inner), "what": "bore",
                                                   "count": 1})
    if annular and holes:
        # the first single hole of an annular part is its bore, not another hole
        first = holes[0]
        if first.count == 1 and first.note is None:
            holes = holes[1:]
            if inner is None:
                _bore_check(first, draft)
    elif annular and base is not None and inner is None and base.screw:
        # a spacer's hole is clearance; a standoff's may be tapped or hold an insert
        fit = standoff_range if singular(base.noun) == "standoff" else screw_range
        draft.spec.setdefault("holes", []).append(
            {"d": fit(base.screw), "what": f"M{base.screw:g} hole"})
    if annular:
        # "a radial hole drilled through to the bore": one more way through
        radial = [h for h in holes if h.note and "crosses" in h.note and h.count == 1 and
                  re.search(r"\bthrough to the bore\b|\binto the bore\b|\bto the bore\b",
                            " ".join(s.text for s in reading.sentences))]
        for h in radial:
            h.note = None
            h.through = True
    for h in holes:
        if h.note or h.count is None:
            notes.append(h.note or f"how many holes: '{h.what}'")
            genus = None
            if h.diameter is not None:
                draft.spec.setdefault("holes", []).append({"d": h.diameter, "what": h.what})
            continue
        if h.through is None:
            genus = None
            notes.append(f"whether '{h.what}' goes through")
        elif h.through and genus is not None:
            genus += h.count
        if h.diameter is not None and h.count != 0:
            entry: dict = {"d": h.diameter, "what": h.what}
            if h.axis:
                entry["axis"] = h.axis
            if h.through:
                entry["count"] = h.count  # through-holes are cut by every slice across them
            draft.spec.setdefault("holes", []).append(entry)
        elif kind == "grill" and h.through and h.count:
            # a fan's screw holes (M2.5 to M5 with clearance), told from the grill's openings
            draft.spec.setdefault("holes", []).append(
                {"d": FAN_SCREW_HOLES, "what": h.what, "count": h.count})
    for m in reading.features("cut"):
        noun = m.noun
        if noun in ("slot", "slots", "window", "windows", "cutout", "cutouts", "opening",
                    "openings", "vent", "vents", "perforation", "perforations"):
            count = m.count if m.count is not None or not m.plural else \
                count_from_context(reading, m)
            if m.words & {"through", "throughhole"} or {"cut", "pierced"} & m.words:
                if count is not None and genus is not None and not m.unclear:
                    genus += count
                else:
                    genus = None
                    notes.append(f"how many openings: '{m.phrase}'")
            elif not m.words & {"blind", "deep"}:
                genus = None
                notes.append(f"whether '{m.phrase}' goes through")
    check_fits(reading, holes, annular, draft)
    _ring_bores(reading, draft)
    if base is not None and not annular and kind in ("lid", "cup"):
        inside = inner_diameter(base)
        if inside is not None:
            draft.spec.setdefault("holes", []).append({"d": hole_range(inside),
                                                       "what": "inside"})
    cut_notes(reading, draft)
    if words & {"spoke", "spokes", "arms", "loop", "loops", "lattice", "mesh", "web"} and \
            genus is not None:
        genus = None
        notes.append("how many through-holes the spokes or loops make")
    if kind in ("grill",) and genus is not None:
        # a grill's own openings are through-holes too, however many it has
        genus = None
        notes.append("how many openings the grill has")
    if genus is not None and any(singular(m.noun) in ("standoff", "spacer")
                                 for m in reading.features("add")):
        genus = None  # standoffs on a plate: their holes may or may not go through it
        notes.append("whether the standoffs' holes go through")
    if genus is not None and kind == "clip" and any(
            m.noun in HELD_ROUND for m in reading.features("mate")):
        genus = None  # a clip may close around the cable it holds: one more way through
        notes.append("whether the clip closes around what it holds")
    if genus is not None:
        draft.spec["genus"] = genus
    else:
        for note in notes:
            draft.skip(note)


def cut_notes(reading: Reading, draft: Draft) -> None:
    """What the part fits that no check took up (a clip's wrap first), named."""
    held_profiles(reading, draft)
    for m in reading.features("mate"):
        for q in m.sizes:
            if not q.used:
                draft.skip(f"'{q.text}'", f"the {m.noun} it fits")
                q.used = True


def _ring_bores(reading: Reading, draft: Draft) -> None:
    """A ring, sleeve or tube that is a piece of the part ("a lip ring 74 mm outside
    diameter with a 2 mm wall") shows its bore in a cross-section."""
    for m in reading.features("add"):
        if m.kind not in ("ring", "tube", "spacer"):
            continue
        od = next((q.values[0] for q in m.sizes if q.role in ("od", "diameter")), None)
        inner = next((q.values[0] for q in m.sizes if q.role in ("id", "bore")), None)
        wall = next((q.values[0] for q in m.sizes if q.role == "wall"), None)
        if inner is None and od is not None and wall is not None:
            inner = od - 2 * wall
        if inner is not None and inner > 0:
            for q in m.sizes:
                if q.role in ("wall", "id", "bore"):
                    q.used = True
            draft.spec.setdefault("holes", []).append(
                {"d": hole_range(inner), "what": f"inside of the {m.noun}"})


def _bore_check(bore: HoleSet, draft: Draft) -> None:
    if bore.diameter is not None:
        entry = {"d": bore.diameter, "what": "bore", "count": 1}
        if bore.axis:
            entry["axis"] = bore.axis
        draft.spec.setdefault("holes", []).append(entry)
