"""Checks for a follow-up that edits the current part: what it names must change, the way it
says; everything it does not name must stay.

    "make it taller"              Z grows; X, Y, holes and bodies stay
    "twice as wide"               the width axis doubles; the others stay
    "make it 8 mm thick"          the thickness axis is 8 mm; the others stay
    "10 mm longer" / "2 cm wider" the axis grows by that much
    "shorter" (a part lying flat) its length, not its height
    "add two more holes"          genus + 2, size stays
    "make the hole bigger"        the largest hole grows, genus and size stay
    "make the walls thicker"      the wall grows (measured, or the wall parameter), size stays
    "round the edges"             volume shrinks a little, size and holes stay
    "make it a sphere instead"    the old part's checks go; the new kind's come
    "a square one instead"        the new outline (square, round, hexagon), same thickness
    "set the Y size to 45 mm"     that axis is 45 mm (also "X dimension 100", "18 mm in Z")
    "make the post 50 mm tall"    the post's parameter, or a note; Z free, footprint stays
    "take out both holes"         genus 0 (edit_holes)
Axes are named from the previous part's extents: height is Z, length the longer side of its
footprint, width the shorter, thickness the smallest extent; a round footprint's width is its
diameter (both X and Y).
"""

from __future__ import annotations

import re

from agent.intent.draft import BIG, Draft, length_range, screw_range, wall_range
from agent.intent.edit_axes import Change, axes_for, grow_check, kept_range, range_for, read_changes
from agent.intent.edit_features import check_features, feature_sizes, is_whole_part
from agent.intent.edit_holes import read_hole_edit
from agent.intent.reading import Reading
from agent.intent.vocab import SHAFTS
from agent.intent.words import normalize
from tools.kinds import compatible, declared_kind, kinds_named
from tools.mesh import MeshReport
from tools.params import top_level_values
from tools.spec import wall_thickness


def _kind_change(reading: Reading, norm: str, prev: MeshReport, draft: Draft,
                 previous_program: str | None) -> bool:
    m = re.search(r"\b(instead|into|rather than|change it to|turn it into|make it an? )", norm)
    # "stand it up on its edge", "clip it on": verbs, not kinds of part
    kinds = kinds_named(re.sub(r"\b(stand|hook|clip|clamp|cap|plate|ring)\s+(it|them|this|"
                               r"that|up|upright)\b", " ", norm))
    shape = _new_outline(norm)
    # "make the post square instead": the post's outline, not the part's
    features = [x for x in reading.mentions if x.role in ("base", "add", "cut", "hole") and
                not is_whole_part(x.noun, previous_program)]
    if shape is not None and not features:
        draft.spec["shape"] = shape
        ranges = _same_size_ranges(prev, norm, round_=shape == "round")
        if shape != "round" and not re.search(r"\d", norm):
            ranges[2] = kept_range(prev.extents[2])  # a new outline, the same thickness
            draft.kept.add("z")
        stated = re.search(r"(\d*\.?\d+)\s*(mm|cm)?\s*(?:in )?(?:diameter|across|wide)\b|"
                           r"\b(?:diameter|across)\s*(?:of\s*)?(\d*\.?\d+)\s*(mm|cm)?", norm)
        if stated:
            value = float(stated.group(1) or stated.group(3)) * (
                10.0 if "cm" in (stated.group(2), stated.group(4)) else 1.0)
            ranges[0] = ranges[1] = length_range(value, round_=True)
        if shape == "hexagon":  # one way across the corners, 2/sqrt(3) of the flats
            ranges[0] = ranges[1] = [ranges[0][0], round(ranges[0][1] * 1.16, 3)]
        draft.spec["size_xyz"] = ranges
        if prev.genus is not None:
            draft.spec["genus"] = prev.genus
            draft.kept.add("genus")
        return True
    if not m or not kinds or not re.search(r"\binstead\b|\binto\b|\brather\b|\bmake it an?\b",
                                          norm):
        return False
    new = kinds[0]
    declared = declared_kind(previous_program or "")
    if declared is not None and any(compatible(new, k) for k in declared[0]):
        return False  # "make the spacer 12 mm long instead": the same kind of part
    if new not in ("sphere", "cube", "cylinder", "cone", "hemisphere", "torus", "ring",
                   "tube", "block", "plate"):
        draft.spec["kind"] = {"asked": new, "kind": new}
        return True
    draft.spec["kind"] = {"asked": new, "kind": new}
    shapes = {"sphere": "sphere", "cube": "cube", "cylinder": "cylinder", "cone": "cone",
              "hemisphere": "hemisphere"}
    if new in shapes and not re.search(r"\bhole|bore|hollow\b", norm):
        draft.spec["shape"] = shapes[new]
    if re.search(r"\bsame (width|size|diameter|footprint|height)\b|\bsame (overall )?size\b",
                 norm):
        ranges = _same_size_ranges(prev, norm)
        if new in ("sphere", "cube"):
            ranges[2] = ranges[0]
        draft.spec["size_xyz"] = ranges
    _new_part_sizes(reading, norm, prev, draft)
    return True


# outline words of a change of form ("a square one instead") -> tools.spec shape
OUTLINES = {"round": "round", "circular": "round", "cylindrical": "round", "circle": "round",
            "square": "square", "hexagonal": "hexagon", "hexagon": "hexagon", "hex": "hexagon"}
_OUTLINE_AFTER = frozenset({"instead", "one", "shape", "shaped", "version", "please",
                            "outline", "footprint", ""})
_OUTLINE_BEFORE = frozenset({"it", "one", "instead"})


def _new_outline(norm: str) -> str | None:
    """The outline a follow-up gives the whole part: "make it round", "a square one
    instead", "hexagonal instead, please", "turn it into a hexagon" (not "square holes
    instead", not "round the edges"). The first outline word said of the part wins ("square
    please, not round")."""
    words = re.findall(r"[a-z]+", norm)
    for k, word in enumerate(words):
        if word not in OUTLINES:
            continue
        after = words[k + 1] if k + 1 < len(words) else ""
        if kinds_named(after):
            return None  # "a round disc instead": a new kind of part (_kind_change)
        if after in _OUTLINE_AFTER or _OUTLINE_BEFORE & set(words[max(0, k - 4) : k]):
            if re.search(r"\b(holes?|slots?|bores?|cutouts?|openings?|pockets?|edges?|"
                         r"corners?)\b", " ".join(words[: k + 3])):
                return None  # the holes' or the edges' form, not the part's
            return OUTLINES[word]
    return None


def _new_part_sizes(reading: Reading, norm: str, prev: MeshReport, draft: Draft) -> None:
    """A new kind of part with its own sizes ("a round disc instead, 100 across"): read them
    as a new part's; the rest of the old part's size stays; "same holes" keeps the holes."""
    from agent.intent.create import expectations as create_expectations

    fresh = create_expectations(reading, norm)
    stated = {k: fresh.spec[k] for k in ("size", "size_xyz", "dims") if k in fresh.spec}
    if "dims" in stated and "size_xyz" not in stated and "size_xyz" not in draft.spec:
        # what the text does not restate keeps its size: the thickness of a plate made round
        free = stated["dims"]
        kept = [k for k in range(3) if not any(
            lo <= prev.extents[k] <= hi for lo, hi in free)]
        if len(free) == 2 and len(kept) == 1:
            ranges = [[0.0, BIG]] * 3
            ranges[kept[0]] = kept_range(prev.extents[kept[0]])
            draft.spec["size_xyz"] = ranges
    draft.spec.update(stated)
    if re.search(r"\bsame holes?\b|\bkeep (?:the )?holes?\b", norm):
        if prev.genus is not None:
            draft.spec["genus"] = prev.genus
            draft.kept.add("genus")
        draft.spec["keep_holes"] = {"except": []}


def _same_size_ranges(prev: MeshReport, norm: str, round_: bool = False) -> list[list[float]]:
    """"the same size/width" after a change of form: across, between the old part's
    narrowest and widest side; the height kept unless the text changes it."""
    lo = min(prev.extents[0], prev.extents[1])
    hi = max(prev.extents[0], prev.extents[1])
    span = [round(lo * (0.86 if not round_ else 0.98) - 0.3, 3), round(hi * 1.02 + 0.3, 3)]
    same = re.search(r"\bsame\b", norm)
    return [span, span, kept_range(prev.extents[2]) if same else [0.0, BIG]]


def _wall_edit(norm: str, prev: MeshReport, previous_program: str | None, draft: Draft) -> bool:
    if not re.search(r"\bwalls?\b", norm):
        return False
    value = re.search(r"(\d*\.?\d+)\s*(mm|cm)?\b(?:\s*(?:thick\s*)?walls?|\s*wall thickness)|"
                      r"\bwalls?(?: thickness)?\s*(?:up |down )?(?:to|of|=|:)?\s*(\d*\.?\d+)\s*"
                      r"(mm|cm)?", norm)
    numbers = re.findall(r"(?<![\w.])(\d*\.?\d+)\s*(mm|cm)\b", norm)
    if value is None and len(numbers) == 1:
        # "the walls feel flimsy, go to 3 mm": the sentence's one length is the wall's
        value = re.search(r"(\d*\.?\d+)\s*(mm|cm)\b()()", norm)
    draft.spec["size_xyz"] = [kept_range(e) for e in prev.extents]  # replaced if the size changes
    draft.kept.update("xyz")
    if re.search(r"\bkeep (?:the )?(?:\d+\s*(?:mm)? )?(?:bore|hole|inside|id)\b", norm):
        # thicker walls around the same bore: the outside grows
        round_axes = axes_for("diameter", prev) or (0, 1)
        for k in round_axes:
            draft.spec["size_xyz"][k] = [0.0, BIG]
        draft.spec["keep_holes"] = {"except": []}
    if prev.genus is not None:
        draft.spec["genus"] = prev.genus
        draft.kept.add("genus")
    hollow = re.search(r"\bhollow|\bshell", norm)
    if value:
        number = value.group(1) or value.group(3)
        unit = value.group(2) or value.group(4)
        w = float(number) * (10.0 if unit == "cm" else 1.0)
        draft.spec["wall"] = wall_range(w)
        if hollow:
            draft.spec["grow"] = [{"measure": "volume", "max_ratio": 0.95}]
            if re.search(r"\bopen (at )?both ends\b|\bit'?s a tube\b|\binto a tube\b", norm) \
                    and prev.genus is not None:
                draft.spec["genus"] = prev.genus + 1
        return True
    up = re.search(r"\b(thicker|beefier|stronger|heavier|increase|bump)\b", norm)
    down = re.search(r"\b(thinner|lighter|reduce|decrease)\b", norm)
    if not (up or down):
        return True
    if wall_thickness(prev) is not None:
        draft.spec["grow"] = [{"measure": "wall", "min_ratio": 1.05} if up else
                              {"measure": "wall", "max_ratio": 0.95}]
    elif previous_program is not None:
        draft.spec["param"] = {"names": ["wall", "thick"], "change": "grow" if up else "shrink"}
    else:
        draft.skip("the wall thickness", "the part shows no wall to measure")
    return True


def expectations(reading: Reading, text: str, prev: MeshReport | None,
                 previous_program: str | None) -> Draft:
    """The checks for a follow-up on the part `prev` (None: nothing to compare with)."""
    draft = Draft()
    norm = normalize(text)
    if prev is None or prev.empty:
        draft.skip("what the follow-up changes", "there is no previous part to compare with")
        return draft
    draft.spec["bodies"] = prev.bodies
    draft.kept.add("bodies")
    if _kind_change(reading, norm, prev, draft, previous_program):
        draft.spec.pop("bodies", None)
        draft.spec["bodies"] = 1
        draft.kept.discard("bodies")
        _leftover_notes(reading, draft)
        return draft
    walls = _wall_edit(norm, prev, previous_program, draft)
    rest = re.sub(r"\b(?:\S+\s+){0,3}walls?\b(?:\s+(?:are|is|too|thick|thicker|thin|"
                  r"thinner))*", " ", norm) if walls else norm
    features = feature_sizes(reading, previous_program)
    freed = check_features(features, prev, previous_program, draft)
    for f in features:  # the part's own sizes are read from what is left
        if f.quantity is not None:
            rest = rest.replace(f.quantity.text.strip(" ,"), " ")
        if f.word:
            rest = re.sub(rf"\b{f.word}\b", " ", rest, count=1)
    hole_edit = read_hole_edit(reading, norm, prev, draft) if not walls else None
    if hole_edit in ("size", "swap"):
        # "double the thickness and add a 10 mm hole": the clauses not about the holes
        rest = " , ".join(c for c in re.split(r"\s*(?:,|;|\band\b|\bthen\b)\s*", rest)
                          if c and not re.search(r"\b(holes?|bores?|them|those|these|m\d+)\b",
                                                 c))
    unused = [q for q in reading.quantities if not q.used and q.text.strip(" ,") in rest]
    changes = read_changes(rest, prev, draft, previous_program, unused) \
        if hole_edit in (None, "count", "size", "swap") and rest.strip(" ,") else []
    edges = re.search(r"\b(round|fillet|chamfer|bevel|soften|smooth)\w*\b.*\b(edges?|corners?)\b"
                      r"|\b(edges?|corners?)\b.*\b(rounded|filleted|chamfered)\b", norm)
    additive = re.search(r"\b(add|put|attach|glue|emboss|extrude)\b", norm) and not hole_edit
    material = _material_thickness(changes, prev, previous_program, draft)
    refit = re.search(r"\b(?:fit|fits|take|takes|hold|holds|accept|accepts|for)\s+(?:a |an |the )?"
                      r"(\d*\.?\d+)\s*(?:mm|cm|inch)?\s*(?:" + "|".join(sorted(SHAFTS)) +
                      r"|bar|tube|pipe|handlebar|cable|bundle|jar|bottle)s?\b", norm)
    if refit:
        draft.skip(f"'{refit.group(0)}'", "the size of a part made to fit it")
    if material:
        changes = [c for c in changes if c.axes != material]
    ranges = []
    for k in range(3):
        before = prev.extents[k]
        own = [c for c in changes if k in c.axes]
        if own and own[0].kind in ("up", "down", "ratio"):
            # relative: "taller", "twice as wide" -- said as a change from the part before
            ranges.append([0.0, BIG])
            draft.spec.setdefault("grow", []).append(grow_check(own[0], "xyz"[k]))
        elif own:
            ranges.append(range_for(own[0], before))
        elif k in freed or refit:
            # a feature's size may change the part's extent here; so may a new thing to fit
            ranges.append([0.0, BIG])
        elif additive:
            ranges.append([round(before - max(0.3, 0.02 * before), 3), BIG])
        elif material:
            ranges.append([0.0, BIG])  # thicker legs may lengthen a bracket's sides
        else:
            ranges.append(kept_range(before))
            draft.kept.add("xyz"[k])
    for q in reading.quantities:
        if q.role not in ("position", "angle"):
            q.used = True
    if walls and not changes:
        _leftover_notes(reading, draft)
        return draft  # _wall_edit kept the outside as it was
    if changes or hole_edit or edges or additive or material or features or _keeps_size(norm):
        if walls and "size_xyz" in draft.spec:
            # what the walls left free stays free; what the text changes, changes
            ranges = [ranges[k] if any(k in c.axes for c in changes) else
                      draft.spec["size_xyz"][k] for k in range(3)]
            draft.spec["size_xyz"] = ranges
        elif any(r != [0.0, BIG] for r in ranges) and "size_xyz" not in draft.spec:
            draft.spec["size_xyz"] = ranges
        if prev.genus is not None and "genus" not in draft.spec and not additive and \
                hole_edit != "count":  # a count edit sets the genus or says it cannot
            draft.spec["genus"] = prev.genus
            draft.kept.add("genus")
        _keep_the_rest(changes, hole_edit, prev, norm, draft)
    if edges and not changes:
        draft.spec.setdefault("grow", []).append({"measure": "volume", "max_ratio": 0.9995})
        draft.skip("the edge radius or chamfer size", "edge treatment")
    if not (changes or hole_edit or edges or additive or material or walls or features):
        draft.skip(f"'{text.strip()[:60]}'", "no size, hole or kind change the checks can read")
    _leftover_notes(reading, draft)
    return draft


def _material_thickness(changes: list[Change], prev: MeshReport,
                        previous_program: str | None, draft: Draft) -> tuple[int, ...] | None:
    """"make it 5 mm thick" on a bracket or a frame: the material, not an outside size. A
    part that fills less than half its box is made of walls or legs, whose thickness only
    the program's parameters show."""
    box = prev.extents[0] * prev.extents[1] * prev.extents[2]
    thick = [c for c in changes if len(c.axes) == 1 and c.name == "thick" and c.axes[0] == min(
        range(3), key=lambda k: prev.extents[k])]
    if not thick or box <= 0 or prev.volume / box >= 0.45 or wall_thickness(prev) is not None:
        return None
    change = thick[0]
    values = top_level_values(previous_program)
    old = next((v for n, v in values.items() if "thick" in n.lower()), None)
    if change.kind == "abs":
        new = change.value
    elif old is not None and change.kind == "delta":
        new = old + change.value
    elif old is not None and change.kind == "ratio":
        new = old * change.value
    else:
        new = None
    grow = change.kind == "up" or (change.kind == "delta" and change.value > 0) or (
        change.kind == "ratio" and change.value > 1) or (
        new is not None and old is not None and new > old)
    if old is not None and new is not None:
        tol = max(0.2, 0.03 * new)
        draft.spec["param"] = {"names": ["thick", "material"], "change": "set",
                               "value": [round(new - tol, 3), round(new + tol, 3)]}
        # the outside grows or shrinks by at most the change of thickness
        delta = abs(new - old)
        draft.spec["size_xyz"] = [[round(e - delta - max(0.3, 0.02 * e), 3),
                                   round(e + delta + max(0.3, 0.02 * e), 3)]
                                  for e in prev.extents]
    elif previous_program is not None:
        draft.spec["param"] = {"names": ["thick", "material"],
                               "change": "grow" if grow else "shrink"}
    else:
        draft.skip("the material thickness", "the part is not a solid block")
    draft.spec["grow"] = [{"measure": "volume", "min_ratio": 1.01} if grow else
                          {"measure": "volume", "max_ratio": 0.99}]
    return change.axes


def _keep_the_rest(changes: list[Change], hole_edit: str | None, prev: MeshReport, norm: str,
                   draft: Draft) -> None:
    """Holes and walls the follow-up does not name stay as they were."""
    scaled = any(len(c.axes) >= 2 for c in changes) and not re.search(
        r"\bkeep (?:the )?(?:\w+ )?holes? (?:the )?same\b|\bsame (?:hole|bore)\b", norm)
    if hole_edit in ("remove_all", "size"):
        return  # the holes themselves change
    if _round_openings(prev) and not scaled and not re.search(r"\bwalls?\b", norm):
        excepted = []
        if hole_edit == "swap":
            old = re.findall(r"\bm(\d+(?:\.\d+)?)\b", norm)
            if len(old) < 2:
                return  # "swap to M4 screws": which holes were the screw holes is not said
            excepted.append(screw_range(float(old[1])))
        draft.spec["keep_holes"] = {"except": excepted}
    if wall_thickness(prev) is not None and not scaled and not re.search(r"\bwalls?\b", norm):
        draft.spec.setdefault("grow", []).append(
            {"measure": "wall", "min_ratio": 0.93, "max_ratio": 1.07})


def _round_openings(prev: MeshReport) -> list[dict]:
    return [o for o in prev.openings if o.get("round")]


def _keeps_size(norm: str) -> bool:
    return bool(re.search(r"\b(keep|same|unchanged|don't change|do not change)\b", norm))


def _leftover_notes(reading: Reading, draft: Draft) -> None:
    for q in reading.quantities:
        if not q.used:
            draft.skip(f"'{q.text}'", "position" if q.role == "position" else q.role)
            q.used = True
