"""Hole edits of a follow-up: "add two more holes", "a fourth hole", "remove the
holes" (the count), "make the hole bigger", "8 mm holes" (the size)."""

from __future__ import annotations

import re

from agent.intent.draft import Draft, hole_range, screw_range
from agent.intent.reading import Mention, Reading
from tools.mesh import MeshReport

HOLE_WORDS = ("hole", "holes", "bore", "bores", "throughhole", "throughholes")


NUMBERS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}


# what says holes go: "take out both holes", "lose one of the corner holes", "no holes"
REMOVE_WORDS = ("remove", "delete", "drop", "get rid of", "no", "without", "fill", "too many",
                "take out", "take away", "take off", "leave out", "lose", "eliminate", "omit",
                "ditch", "plug", "close up", "don't need", "do not need", "don't want")


_COUNT = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"


def _number(word: str) -> int:
    return NUMBERS.get(word) or int(word)


def _add_hole(draft: Draft, entry: dict) -> None:
    if entry not in draft.spec.setdefault("holes", []):
        draft.spec["holes"].append(entry)


def _removed(first: Mention, norm: str) -> int | None:
    """How many holes a removal takes out (None: all of them): "one of the holes" 1, "the
    two end holes" 2, "the left hole" 1, "the holes" / "no holes" all."""
    some = re.search(r"\b(one|a|two|three|\d+) of (?:the|those|these) (\w+ )?holes\b", norm)
    if some:
        return _number(some.group(1))
    if first.count is not None:
        return first.count
    return None if first.plural else 1


def _hole_count(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> str | None:
    """How many holes the part has after the follow-up: "remove the holes", "drop one of
    the holes", "just 4", "add two more", "a third hole", "use six holes instead"."""
    holes = [m for m in reading.mentions if m.role == "hole"]
    genus = prev.genus
    first = holes[0] if holes else None
    remove = re.search(rf"\b({'|'.join(REMOVE_WORDS)})\b", norm)
    add = re.search(r"\b(add|put|give|drill|punch|another|more|extra|second|third|fourth|"
                    r"fifth)\b", norm)
    absolute = re.search(_COUNT + r" (is|are|will be) (enough|plenty|fine)\b|\b(?:only|just|down "
                         r"to|make it|use) (?:the )?" + _COUNT + r"\b(?! ?mm)", norm)
    if absolute and (holes or remove):
        word = next(g for g in absolute.groups() if g and g not in (
            "is", "are", "will be", "enough", "plenty", "fine"))
        draft.spec["genus"] = _number(word)
        return "count"
    row = re.search(r"\b(second|third|fourth|another|one more|an extra|extra) row\b", norm)
    if row and add and not remove and genus:
        # "add a second row of holes": as many again as a row of the part before has
        ordinal = {"second": 2, "third": 3, "fourth": 4}.get(row.group(1))
        if ordinal is None or genus % (ordinal - 1):
            draft.skip("how many holes the new row has", "the rows of the part before are "
                       "not known")
            return "count"
        per_row = genus // (ordinal - 1)
        draft.spec["genus"] = genus + per_row
        draft.shift["genus"] = per_row
        return "count"
    if first is None:
        return None
    if first.negated or (remove and not add):
        if re.search(r"\b(keep|leave|except|but not)\b(\s\S+){0,3}\s(holes?|bores?)\b", norm):
            # "drop the corner holes but keep the fan hole": fewer, but how many is not said
            draft.skip("how many holes remain", "some are kept, their number is not stated")
            return "count"
        removed = _removed(first, norm)
        if removed is None or (genus is not None and removed >= genus):
            draft.spec["genus"] = 0
            return "remove_all"
        if genus is not None:
            draft.spec["genus"] = genus - removed
            draft.shift["genus"] = -removed
        else:
            draft.skip("how many holes remain", "the previous part's count is unknown")
        return "count"
    # "put a 5 mm hole near each end": one hole said with an article, added
    single = add and first.count is None and re.search(
        r"\b(a|an|one)\s(?:\S+\s){0,4}?(hole|bore)\b", norm)
    if (first.count is not None or first.ordinal or single) and \
            (add or first.relative or first.ordinal):
        count = 1 if first.ordinal and first.count in (None, 1) else (first.count or 1)
        multiplier = 2 if re.search(r"\b(each|both) (leg|arm|end|side)s?\b", norm) else 1
        if re.search(r"\binstead\b", norm) and not first.relative:
            draft.spec["genus"] = count
        elif genus is not None:
            draft.spec["genus"] = genus + count * multiplier
            draft.shift["genus"] = count * multiplier
        else:
            draft.skip("how many holes the part has now", "the previous part's count is unknown")
        for q in first.sizes:
            if q.role in ("diameter", "size", "hole_size"):
                q.used = True
                _add_hole(draft, {"d": hole_range(q.values[0]), "what": first.phrase})
        if first.screw:
            _add_hole(draft, {"d": screw_range(first.screw), "what": first.phrase})
        return "count"
    return None


def _hole_size(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> str | None:
    """What a follow-up does to the holes' size or place: "use M4 instead of M3", "make the
    hole bigger", "bump them up to 6 mm", "move the hole higher"."""
    holes = [m for m in reading.mentions if m.role == "hole"]
    pronoun = re.search(r"\b(them|it) (up|down) to\b|\bbump (them|it)\b", norm)
    swap = re.search(r"\bm\d+(\.\d+)?\b.*\binstead\b|\b(?:swap|switch|change|go|move|upgrade)"
                     r"\w* (?:\w+ ){0,2}to m\d", norm)  # "swap to M4 screws"
    if not holes and not pronoun and not swap:
        return None
    screws = re.findall(r"\bm(\d+(?:\.\d+)?)\b", norm)
    if screws and (swap or re.search(r"\binstead\b|\bswap\b|\buse\b|\bchange\b", norm)):
        # "use M4 holes instead of M3": the first size named is the new one
        draft.spec.setdefault("holes", []).append({"d": screw_range(float(screws[0])),
                                                   "what": f"M{screws[0]} hole"})
        return "swap"
    sizes = [q for m in holes for q in m.sizes if q.role in ("diameter", "size", "hole_size",
                                                            "bore")]
    if not sizes and pronoun and any(o.get("round") for o in prev.openings):
        # "bump them up to 6 mm" on a part with holes; "bring it down to 18 mm in Z" is
        # the part's size
        sizes = [q for q in reading.quantities if q.role in ("size", "diameter") and
                 q.axes[0] is None]
    to = re.search(r"\b(?:holes?|bores?|them|it)\b[^,.;]{0,25}?\bto (\d*\.?\d+)\s*(mm)?\b", norm)
    if not sizes and to and holes:
        d = float(to.group(1))
        draft.spec.setdefault("holes", []).append({"d": hole_range(d), "what": holes[0].phrase})
        return "size"
    size_words = re.search(r"\b(bigger|larger|wider|smaller|narrower|tighter|looser|enlarge|"
                           r"increase|decrease|reduce)\b", norm)
    by = re.search(r"\b(\d*\.?\d+)\s*(?:mm)?\s*(larger|bigger|wider|more|smaller|narrower|"
                   r"tighter|less)\b", norm)
    if sizes and by and float(by.group(1)) == sizes[-1].values[0]:
        # "make the holes 2 mm larger": a change of the diameter the holes had
        for q in sizes:
            q.used = True
        before = [o["d"] for o in prev.openings if o.get("round")]
        delta = float(by.group(1)) * (1 if by.group(2) in ("larger", "bigger", "wider",
                                                            "more") else -1)
        if before and max(before) + delta > 0:
            draft.spec.setdefault("holes", []).append(
                {"d": hole_range(max(before) + delta), "what": holes[0].phrase if holes else
                 "holes"})
        else:
            draft.spec.setdefault("grow", []).append(
                {"measure": "hole", "min_ratio": 1.03} if delta > 0 else
                {"measure": "hole", "max_ratio": 0.97})
        return "size"
    if sizes:
        for q in sizes:
            q.used = True
        draft.spec.setdefault("holes", []).append(
            {"d": hole_range(sizes[-1].values[0]), "what": holes[0].phrase if holes else "holes"})
        return "size"
    if size_words and holes:
        up = size_words.group(1) in ("bigger", "larger", "wider", "looser", "enlarge",
                                     "increase")
        draft.spec.setdefault("grow", []).append(
            {"measure": "hole", "min_ratio": 1.03} if up else
            {"measure": "hole", "max_ratio": 0.97})
        return "size"
    if holes and re.search(r"\b(move|shift|raise|lower|slide)\b[^,.;]*\b(holes?|bores?|them|it)"
                           r"\b|\b(holes?|bores?)\b[^,.;]{0,20}\b(higher|lower|closer|further|"
                           r"farther|apart|up|down|left|right)\b", norm):
        draft.spec.setdefault("grow", []).append(
            {"measure": "hole", "min_ratio": 0.97, "max_ratio": 1.03})
        draft.skip("where the holes are now", "hole positions")
        for q in reading.quantities:
            if q.role == "position" or not q.used:
                q.used = True
        return "move"
    return None


def read_hole_edit(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> str | None:
    """Genus and hole checks of a follow-up about holes; returns what it did: "count",
    "remove_all", "size", "swap", "move", or None (no hole named). Count and size combine
    ("just 4, and bump them up to 6 mm")."""
    counted = _hole_count(reading, norm, prev, draft)
    sized = _hole_size(reading, norm, prev, draft) if counted != "remove_all" else None
    if "genus" not in draft.spec and sized and prev.genus is not None:
        draft.spec["genus"] = prev.genus
        draft.kept.add("genus")
    if counted and sized:
        return "size" if sized in ("size", "swap") else counted
    return counted or sized
