"""What a part holds or lets through: "holes for 4 mm screws", "a knob for a 6 mm
shaft" (the hole is that size plus a fit), "a tray with 3 compartments" (that many openings)."""

from __future__ import annotations

from agent.intent.draft import Draft, HoleSet, fit_range, screw_range
from agent.intent.reading import Mention, Reading
from agent.intent.vocab import (
    FASTENERS,
    HELD_ROUND,
    HUBS,
    NOMINAL_SIZED,
    OPENING_NOUNS,
    SCREW_CARRIERS,
    SHAFTS,
    TAPPED,
)


def check_fits(reading: Reading, holes: list[HoleSet], annular: bool, draft: Draft) -> None:
    """"holes for 4 mm screws", "a knob for a 6 mm shaft", "a washer for a 1/4 inch bolt":
    the hole or bore is at least that size and not much more."""
    base = reading.base
    keyed = {"keyway", "keyways", "keyed", "spline", "splined", "d"} & reading.words()
    for m in reading.features("mate"):
        if keyed and m.noun not in FASTENERS:
            continue  # a keyed bore is not round
        if _screw_carrier(reading, m, draft):
            continue
        sizes = [q for q in m.sizes if q.role in ("size", "diameter", "od")]
        noun = m.noun
        if m.screw and not sizes and noun in FASTENERS:
            carried = [p for p in reading.mentions if p.sentence == m.sentence and
                       p.pos < m.pos and m.pos - p.pos <= 4 and p.role in ("add", "hole")]
            if not (carried or annular) or not ({"for"} & {
                    t.text for t in reading.sentences[m.sentence].tokens[m.pos - 3 : m.pos]}):
                continue  # "M4 screws go in from the back": they may thread into plastic
            if any(c.words & TAPPED or c.words & {"blind"} for c in carried):
                continue  # "a pilot hole for an M4 screw": smaller than the screw, on purpose
            if not any(f.get("what") == m.phrase for f in draft.spec.get("holes", [])):
                entry: dict = {"d": screw_range(m.screw), "what": f"hole for the M{m.screw:g} "
                                                                  f"{noun}"}
                carriers = [p for p in reading.mentions if p.sentence == m.sentence and
                            p.pos < m.pos and p.role == "add" and p.count and p.noun in (
                                "ears", "tabs", "lugs", "feet", "flanges") and
                            m.pos - p.pos <= 4]
                if carriers and not reading.features("hole"):
                    entry["count"] = carriers[-1].count  # "2 ears for M5 screws"
                draft.spec.setdefault("holes", []).append(entry)
            continue
        toks = reading.sentences[m.sentence].tokens
        before = {t.text for t in toks[max(0, m.pos - 3) : m.pos]}
        if not sizes or len({q.values[0] for q in sizes}) != 1 or \
                {"hex", "hexagonal", "square", "flat", "snap"} & before:
            continue
        q = sizes[0]
        hole_features = reading.features("hole")
        near_holes = [h for h in hole_features
                      if (h.sentence == m.sentence and abs(h.pos - m.pos) <= 8) or
                      (m.count is not None and m.count >= 2 and h.count == m.count) or (
                          len(hole_features) == 1 and noun in FASTENERS)]
        kind = base.kind if base else None
        base_noun = base.noun if base else ""
        if noun in FASTENERS and near_holes and all(
                h.words & {"blind", "pilot"} or "back" in h.words for h in near_holes):
            continue  # "a blind hole for an M4 screw": a pilot, smaller than the screw
        if noun in FASTENERS and (near_holes or annular):
            pass
        elif noun in SHAFTS and (near_holes or annular or kind in HUBS or base_noun in HUBS):
            pass
        else:
            continue
        if any(f.get("what") == m.phrase for f in draft.spec.get("holes", [])):
            continue
        q.used = True
        draft.spec.setdefault("holes", []).append(
            {"d": fit_range(q.values[0], about=q.about), "what": f"hole for the {m.phrase}"})


def _screw_carrier(reading: Reading, m: Mention, draft: Draft) -> bool:
    """"a screw tab (M3)", "two bolt ears": a screw named as the carrier's kind goes
    through it, so each carrier has one hole of that screw's size."""
    base = reading.base
    size = m.screw or (base.screw if base is not None else None)
    carrier = next((c for c in reading.mentions if c.sentence == m.sentence and
                    c.pos == m.pos + 1 and c.role == "add" and c.noun in SCREW_CARRIERS), None)
    if m.noun not in FASTENERS or carrier is None or size is None or reading.features("hole"):
        return False
    draft.spec.setdefault("holes", []).append(
        {"d": screw_range(size), "what": f"hole in the {carrier.noun}",
         "count": carrier.count or 1})
    return True


def held_profiles(reading: Reading, draft: Draft) -> None:
    """"a cable clip for an 8 mm cable", "a saddle clamp for 3/4 inch pipe (26.7 mm OD)":
    the clip wraps what it holds, so some cross-section shows a round outline (an arc) that
    size plus a fit. With several sizes and no OD (a nominal pipe size) none is guessed."""
    base = reading.base
    if base is None or base.kind != "clip":
        return
    for m in reading.features("mate"):
        sizes = [q for q in m.sizes if q.role in ("size", "diameter", "od")]
        bored = any(h.get("what") == f"hole for the {m.phrase}"
                    for h in draft.spec.get("holes", []))
        if m.noun not in HELD_ROUND or not sizes or bored:
            continue
        od = [q for q in sizes if q.role == "od"]
        chosen = od or ([] if m.noun in NOMINAL_SIZED else sizes)
        if len({q.values[0] for q in chosen}) != 1:
            continue  # several sizes, or a nominal pipe size: not guessed (noted)
        for q in sizes:
            q.used = True
        q = chosen[0]
        draft.spec.setdefault("profiles", []).append(
            {"d": fit_range(q.values[0], about=q.about), "what": f"the {m.noun} it holds"})


def counted_openings(reading: Reading, draft: Draft) -> None:
    """"a tray with 3 compartments", "8 slots", "2 rows of 6 pockets": with no holes named,
    every opening the slices find is one of these, and there are that many."""
    if reading.features("hole") or "holes" in draft.spec:
        return
    base = reading.base
    holder = base is not None and (base.kind in ("stand", "box", "block") or base.noun in (
        "holder", "rack", "organizer", "organiser", "block", "stand", "caddy"))
    for m in reading.features("mate"):
        if holder and m.plural and m.count is not None and m.count >= 2 and not m.unclear:
            sizes = [q.values[0] for q in m.sizes if q.role in ("size", "diameter", "width")]
            least = 0.9 * min(sizes) if sizes else 1.0
            draft.spec.setdefault("openings", []).append(
                {"count": m.count, "min": round(least, 3), "what": f"places for {m.noun}"})
            return
    for m in reading.features("cut"):
        if m.noun not in OPENING_NOUNS or m.count is None or m.count < 2 or m.unclear:
            continue
        widths = [q.values[0] for q in m.sizes if q.role in ("width", "diameter", "size")]
        least = 0.5 * min(widths) if widths else 1.0
        draft.spec.setdefault("openings", []).append(
            {"count": m.count, "min": round(least, 3), "what": m.noun})
