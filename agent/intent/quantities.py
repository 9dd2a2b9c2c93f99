"""Quantities in a sentence: the numbers with units, each with its role (length,
diameter, wall, position, ...), axis hint ("(X)") and whether it is approximate or overall."""

from __future__ import annotations

import re

from agent.intent.lexicon import (
    ABOUT,
    AXIS_WORDS,
    FILLERS,
    HOLE_MODIFIERS,
    RISE_WORDS,
    ROLE_AFTER,
    ROLE_BEFORE,
)
from agent.intent.reading import Quantity
from agent.intent.words import Sentence, Token, quote
from tools.kinds import kinds_named


def quote_range(toks: tuple[Token, ...], first: int, last: int) -> str:
    return " ".join(t.text for t in toks[max(0, first) : last + 1])


# ------------------------------------------------------------------ quantities
def _axis_hint(toks: tuple[Token, ...], k: int) -> tuple[str | None, int]:
    """An axis hint right after token k: "(x)", "in x", "along x", "in the x direction"."""
    window = [t.text for t in toks[k + 1 : k + 6]]
    joined = " ".join(window)
    m = re.match(r"(?:\( (x|y|z) \)|(?:in|along|on) (?:the )?(x|y|z)\b(?: (?:direction|axis))?"
                 r"|(x|y|z) (?:direction|axis))", joined)
    if not m:
        return None, k
    axis = m.group(1) or m.group(2) or m.group(3)
    return axis, k + len(m.group(0).split())


# "the Y size", "X dimension", "Z height": an axis named as the label of a size
AXIS_SIZE_NOUNS = frozenset({"size", "dimension", "dimensions", "extent", "length", "width",
                             "height", "depth", "thickness", "span"})


def _axis_label(toks: tuple[Token, ...], k: int) -> str | None:
    """The axis a size label right before the number at k names: "set the Y size to 45",
    "X dimension 100 mm", "Z height 12", "the size in Y is 45"."""
    j = k - 1
    while j >= 0 and toks[j].text in FILLERS and k - j <= 4:
        j -= 1
    if j >= 1 and toks[j].text in AXIS_WORDS and toks[j - 1].text in ("in", "along") and \
            j >= 2 and toks[j - 2].text in AXIS_SIZE_NOUNS:
        return toks[j].text  # "the size in Y is 45"
    if j >= 1 and toks[j].text in AXIS_SIZE_NOUNS and toks[j - 1].text in AXIS_WORDS and \
            not (j >= 2 and toks[j - 2].kind in ("len", "num")):
        return toks[j - 1].text  # "Y size", not "60 x width"
    if j >= 0 and toks[j].text in AXIS_WORDS and "=" not in [t.text for t in toks[j:k]] and \
            (j == 0 or toks[j - 1].text in (",", "and", "set", "change", "make", "the")):
        return toks[j].text  # "Y: 45 mm", "change Y to 45", "X 70, Y 45"; "x = 20" is a place
    return None


def _role_after(toks: tuple[Token, ...], k: int) -> tuple[str | None, int]:
    """The role word after a number at k (skipping "in", axis hints), and its index."""
    j = k + 1
    while j < len(toks) and (toks[j].text in ("in", "mm", "(", ")", "of") or (
            toks[j].text in ("base", "bottom", "top", "outer", "shaft", "bore", "hole", "pipe",
                             "rod", "pin") and j + 1 < len(toks) and
            toks[j + 1].text in ("diameter", "dia", "radius", "od", "id"))
                             and not (toks[j].text == "in" and j + 1 < len(toks)
                                      and toks[j + 1].text == "from")):
        if toks[j].text == "(" and j + 2 < len(toks) and toks[j + 1].text in AXIS_WORDS:
            j += 3
            continue
        j += 1
    if j < len(toks) and toks[j].text in ("outer", "outside", "inner", "inside"):
        outer = toks[j].text in ("outer", "outside")
        if j + 1 < len(toks) and toks[j + 1].text in ("diameter", "dia", "width", "size"):
            return ("od" if outer else "id"), j + 1
        if j + 1 < len(toks) and toks[j + 1].text in ("radius",):
            return ("outer_radius" if outer else "inner_radius"), j + 1
        return ("od" if outer else "id"), j
    if j >= len(toks):
        return None, k
    word = toks[j].text
    if word == "across":
        nxt = [t.text for t in toks[j + 1 : j + 3]]
        for names, role in ((("flats", "flat"), "flats"), (("corners", "points"), "corners")):
            hit = next((n for n in nxt if n in names), None)
            if hit is not None:
                return role, j + nxt.index(hit) + 1
        return "across", j
    if word in ("on", "per", "each") and j + 1 < len(toks) and (
            toks[j + 1].text == "side" or (j + 2 < len(toks) and toks[j + 1].text in (
                "a", "each") and toks[j + 2].text == "side")):
        return "side", j + (1 if toks[j + 1].text == "side" else 2)
    if word == "in" and j + 1 < len(toks) and toks[j + 1].text == "from":
        return "position", j + 1
    if word in ("x", "y", "z") and j + 1 < len(toks) and toks[j + 1].text in (")",):
        return None, k
    if word == "on" and j + 2 < len(toks) and toks[j + 1].text == "the" and \
            toks[j + 2].text in ("inside", "outside"):
        return ("id" if toks[j + 2].text == "inside" else "od"), j + 2
    if word in ("hole", "holes", "bolt", "screw", "mounting", "pitch") and j + 1 < len(toks) and \
            toks[j + 1].text in HOLE_MODIFIERS:
        return "position", j + 1
    if word in ("width", "wide") and [t.text for t in toks[j + 1 : j + 3]] in (
            ["across", "flats"], ["across", "the"]):
        return "flats", j + 2  # "11 mm width across flats"
    role = ROLE_AFTER.get(word)
    return role, j


def _role_before(toks: tuple[Token, ...], k: int, adjacent: bool = False) -> str | None:
    """The role word before the number at k ("thickness of 3 mm"); adjacent: only a label
    written right before it ("OD 25", "dia: 8")."""
    j = k - 1
    steps = 0
    fillers = {"=", ":", "of", "is"} if adjacent else FILLERS | {"(", ")"}
    while j >= 0 and steps < (2 if adjacent else 5) and toks[j].text in fillers:
        j -= 1
        steps += 1
    if adjacent and (j < 0 or toks[j].text not in ("od", "id", "diameter", "radius", "length",
                                                  "width", "height", "thickness", "depth",
                                                  "wall")):
        return None
    if adjacent and j >= 1 and toks[j - 1].kind in ("len", "num"):
        return None  # "8 mm diameter 120 long": the label is the 8's
    if j < 0:
        return None
    word = toks[j].text
    if word in ("thickness",) and j >= 1 and toks[j - 1].text in ("wall", "walls"):
        return "wall"
    shell = ("wall", "walls", "floor", "base", "bottom", "sides")
    if word in shell and j >= 2 and toks[j - 1].text in ("and", "&") and \
            toks[j - 2].text in shell and "wall" in (word[:4], toks[j - 2].text[:4]):
        return "wall"  # "walls and floor 2.5 mm": the shell's thickness
    if word in ("diameter", "radius") and j >= 1 and toks[j - 1].text in ("outside", "outer",
                                                                        "inside", "inner"):
        outer = toks[j - 1].text in ("outside", "outer")
        if word == "radius":
            return "outer_radius" if outer else "inner_radius"
        return "od" if outer else "id"
    if word in ("flats", "flat") and j >= 1 and toks[j - 1].text == "across":
        return "flats"
    if word == "corners" and j >= 1 and toks[j - 1].text == "across":
        return "corners"
    return ROLE_BEFORE.get(word)


def _role_of_subject(toks: tuple[Token, ...], k: int) -> str | None:
    """"The overall length, flange included, is 20 mm": the sentence's subject names it."""
    words = [t.text for t in toks[:k]]
    if not words or words[-1] not in ("is", "are", ":", "=", "be", "of", "to"):
        return None
    if any(t.kind in ("num", "len") for t in toks[:k]):
        return None  # "... bore through, centre at z = 25": not the subject's size
    head = [w for w in words[:4] if w not in ("the", "its", "overall", "total", "whole")]
    if head and head[0] in ROLE_BEFORE and ROLE_BEFORE[head[0]] not in ("position",
                                                                        "hole_size"):
        return ROLE_BEFORE[head[0]]
    return None


def find_quantities(sentence: Sentence) -> list[Quantity]:
    toks = sentence.tokens
    found: list[Quantity] = []
    k = 0
    while k < len(toks):
        tok = toks[k]
        if tok.kind not in ("len", "num"):
            k += 1
            continue
        # A x B (x C), with the unit on any of them ("60 x 40 x 5 mm", "2 x 3 in")
        group = [k]
        j = k
        while len(group) < 3:
            nxt = j + 1
            if toks[nxt : nxt + 3] and [t.text for t in toks[nxt : nxt + 3]][:1] == ["("] and \
                    nxt + 2 < len(toks) and toks[nxt + 1].text in AXIS_WORDS and \
                    toks[nxt + 2].text == ")":
                nxt += 3  # "90 mm (x) by 60 mm (y)"
            elif nxt + 1 < len(toks) and toks[nxt].text in ("in", "along") and \
                    toks[nxt + 1].text in AXIS_WORDS and nxt + 2 < len(toks) and \
                    toks[nxt + 2].text == "by":
                nxt += 2  # "120 mm in x by 80 mm in y"
            if nxt + 1 < len(toks) and toks[nxt].text in ("x", "by") and \
                    toks[nxt + 1].kind in ("len", "num"):
                group.append(nxt + 1)
                j = nxt + 1
            else:
                break
        if len(group) == 2 and k >= 1 and toks[k - 1].text in ("diameter", "dia", "radius"):
            d, length = toks[group[0]], toks[group[1]]
            scale = ((length.value or 0) / float(length.text) if length.kind == "len" and
                     float(length.text) else 1.0)
            role = "radius" if toks[k - 1].text == "radius" else "diameter"
            found.append(Quantity(role, ((d.value or 0) * (scale if d.kind == "num" else 1),),
                                  (None,), quote(sentence, k - 1, k), sentence.index, k))
            found.append(Quantity("length", ((length.value or 0) * (
                1 if length.kind == "len" else scale),), (None,),
                quote(sentence, group[1], group[1] + 1), sentence.index, group[1]))
            k = group[1] + 1
            continue  # "ø20 x 40 long section"
        if len(group) >= 2:
            units = [toks[g].unit for g in group if toks[g].kind == "len"]
            factor = (toks[group[-1]].value / float(toks[group[-1]].text)
                      if toks[group[-1]].kind == "len" and float(toks[group[-1]].text) else
                      (toks[group[0]].value / float(toks[group[0]].text)
                       if toks[group[0]].kind == "len" and float(toks[group[0]].text) else 1.0))
            bare = not units
            values = []
            axes = []
            for g in group:
                t = toks[g]
                values.append(t.value if t.kind == "len" else (t.value or 0) * factor)
                axis, _ = _axis_hint(toks, g)
                axes.append(axis)
            after = toks[j + 1].text if j + 1 < len(toks) else ""
            counted = after in ("grid", "array", "pattern", "matrix") or (
                bare and all("." not in toks[g].text for g in group) and after in (
                    "holes", "hole", "rows", "columns"))
            before = [t.text for t in toks[max(0, k - 2) : k]]
            if (before in (["on", "the"], ["on", "a"], ["on", "an"]) and not kinds_named(after)) \
                    or before[-1:] == ["at"]:  # "on a 31 x 31 square", not "on a 40 x 20 plate"
                counted = False
                found.append(Quantity("position", tuple(values), tuple(axes),
                                      quote(sentence, k, j + 1), sentence.index, k))
                k = j + 1
                continue
            if not counted:
                role, _ = _role_after(toks, j)
                found.append(Quantity(
                    "triple" if len(group) == 3 else "pair", tuple(values), tuple(axes),
                    quote(sentence, k, j + (1 if role else 0)), sentence.index, k,
                    about=_about(toks, k), overall=_overall(toks, k, j), bare=bare))
                if role in ("position",):
                    found[-1].role = "position"
            k = j + 1
            continue
        if tok.kind == "num" and k + 2 < len(toks) and toks[k + 1].text in ("and", "to") and \
                toks[k + 2].kind == "len" and float(toks[k + 2].text):
            # "legs of 60 and 25 mm", "20 to 15 mm": the unit is written once
            scale = (toks[k + 2].value or 0) / float(toks[k + 2].text)
            role, _ = _role_after(toks, k + 2)
            role = role or _role_before(toks, k) or "size"
            found.append(Quantity(role, ((tok.value or 0) * scale,), (None,),
                                  quote(sentence, k, k), sentence.index, k))
            k += 1
            continue
        label = _role_before(toks, k, adjacent=True)
        role, end = (label, k) if label else _role_after(toks, k)
        axis, end_axis = _axis_hint(toks, k if role is None or label else end)
        named_axis = _axis_label(toks, k)
        if axis is None and named_axis is not None:
            axis, role = named_axis, role or _role_before(toks, k) or "size"
        if role is None:
            role = _role_before(toks, k) or _role_of_subject(toks, k)
            end = k
        if tok.kind == "num" and role is None and found and k - found[-1].pos <= 7 and \
                found[-1].role not in ("position", "angle", "pair", "triple") and any(
                    t.text in ("and", "to", ",") for t in toks[found[-1].pos + 1 : k]) and \
                (k + 1 >= len(toks) or toks[k + 1].text in (",", ".", ";", ")", "at", "on",
                                                              "for", "in")):
            # "20 mm dia at the bottom and 8 at the top": the same kind of size again
            prev = found[-1]
            scale = prev.values[0] / float(toks[prev.pos].text) if toks[prev.pos].kind == \
                "len" and float(toks[prev.pos].text) else 1.0
            found.append(Quantity(prev.role, ((tok.value or 0) * scale,), (None,),
                                  quote(sentence, k, k), sentence.index, k))
            k += 1
            continue
        if tok.kind == "num" and named_axis is None and (role is None or (
                role in ("hole_size", "size") and "." not in tok.text)):
            k += 1
            continue  # a bare number without a role: a count, not a length
        if tok.kind == "num" and role in ("position",) and \
                toks[k + 1 : k + 2] and toks[k + 1].text in ("in",):
            k += 1
            continue
        if role in ("diameter", "size") and [t.text for t in toks[end + 1 : end + 3]] in (
                ["pitch", "circle"], ["bolt", "circle"], ["hole", "circle"]) or (
                role == "diameter" and toks[end + 1 : end + 2] and toks[end + 1].text == "pcd"):
            role = "position"  # "on a Ø19 mm pitch circle": where holes sit, not a size
        if role is None:
            role = "size"  # "a 5 mm hole", "a 20 mm cube": the noun says what it is
        if role in ("position", "size") and _after_rise_word(toks, k):
            role = "rise"  # "hangs 8 mm below the disc", "sticks out 24 mm": how far it reaches
        elif _position_context(toks, k, end) and role in ("size", "hole_size", None):
            role = "position" if role not in ("angle",) else role
            if _after_rise_word(toks, k):
                role = "rise"  # "projects 6 mm from the top face": how far it sticks out
        elif end + 1 < len(toks) and toks[end + 1].text == "each" and role != "size":
            role = "each_" + role  # "~25 mm long each": every one of several features
        value = tok.value or 0.0
        overall = _overall(toks, k, end)
        if overall and role == "size":
            role = "length"  # "so the pin is 45 mm overall": its length, not a diameter
        found.append(Quantity(role, (value,), (axis,), quote(sentence, k, max(end, end_axis)),
                              sentence.index, k, about=_about(toks, k),
                              overall=_overall(toks, k, end), bare=tok.kind == "num"))
        k += 1
    _overall_lists(toks, found)
    previous: Quantity | None = None
    for q in found:
        clause = []
        for t in reversed(toks[max(0, q.pos - 10) : q.pos]):
            if t.text in (",", ";", ":", ".") or t.kind in ("num", "len"):
                break  # ("15 mm inside diameter and 10 mm wide": the 15 is inside)
            clause.append(t.text)
        listed = previous is not None and previous.inside and set(clause) <= {
            "and", "by", "x", "mm", "wide", "long", "deep", "tall", "high"}
        if q.role in ("length", "width", "height", "depth", "pair", "triple") and (listed or {
                "inside", "inner", "internal", "interior", "cavity"} & set(clause)) and not {
                "diameter", "id"} & set(clause):  # (an "inside diameter" is a number's before)
            q.inside = True  # "inside has to be 70 x 55 and 25 deep"
        previous = q
    return found


_SIZE_LIST = frozenset({",", "and", "(", ")", "x", "y", "z", "long", "wide", "tall", "high",
                        "deep", "thick", "in", "along"})


def _overall_lists(toks: tuple[Token, ...], found: list[Quantity]) -> None:
    """"Overall it measures 12 cm long (X), 3 cm wide (Y) and 2 cm tall (Z)": every size of
    a list that opens as the overall size is overall."""
    for a, b in zip(found, found[1:], strict=False):
        if a.overall and not b.overall and b.role in ("length", "width", "height", "thick") \
                and all(t.text in _SIZE_LIST for t in toks[a.pos + 1 : b.pos]):
            b.overall = True


def _after_rise_word(toks: tuple[Token, ...], k: int) -> bool:
    """"sticks out 24", "projects 6": the number at k says how far something reaches."""
    return k > 0 and (toks[k - 1].text in RISE_WORDS or (
        k > 1 and toks[k - 1].text == "out" and toks[k - 2].text in RISE_WORDS))


def _about(toks: tuple[Token, ...], k: int) -> bool:
    before = {t.text for t in toks[max(0, k - 3) : k]}
    after = {t.text for t in toks[k + 1 : k + 3]}
    return bool(before & ABOUT or "ish" in after)


def _overall(toks: tuple[Token, ...], k: int, end: int) -> bool:
    """"the overall length ... is 20 mm", "stands 22 mm tall overall", "total thickness 14"."""
    before = {t.text for t in toks[max(0, k - 5) : k]}
    after = {t.text for t in toks[end + 1 : end + 3]}
    words = {"overall", "total", "altogether", "included", "entire", "whole"}
    summary = [t.text for t in toks[max(0, k - 5) : k]]
    if "so" in summary and ("is" in summary or "stands" in summary):
        return True  # "..., so the cover is 11 mm tall"
    return bool(before & words or after & words)


def _position_context(toks: tuple[Token, ...], k: int, end: int) -> bool:
    """Is the number at k where something is, not how big it is?"""
    before = [t.text for t in toks[max(0, k - 3) : k]]
    after = [t.text for t in toks[end + 1 : end + 4]]
    if before[-1:] in (["at"], ["by"]) and not (before[-2:] == ["a", "by"]):
        return True
    if before[-2:] in (["x", "="], ["y", "="], ["z", "="]) or before[-3:-1] in (
            ["x", "="], ["y", "="], ["z", "="]):
        return True  # "centre at z = 25", "x = ±20"
    if before[-2:] in (["on", "a"], ["on", "an"], ["on", "the"]) and (after[:1] in (
                       ["circle"], ["square"],
                       ["bolt"], ["pitch"], ["pcd"], ["radius"])):
        return True
    if after[:1] in (["from"], ["apart"], ["away"], ["above"], ["below"], ["off"], ["up"],
                     ["inboard"], ["outboard"], ["proud"]):
        return True
    if after[:2] in (["in", "from"], ["in", "of"], ["either", "side"], ["each", "side"],
                     ["to", "either"], ["on", "either"], ["from", "each"]):
        return True
    if before[-1:] in (["spaced"], ["pitch"], ["spacing"], ["offset"], ["inset"]):
        return True
    return bool(before[-2:] in (["pitch", "of"], ["spacing", "of"], ["offset", "of"]))
