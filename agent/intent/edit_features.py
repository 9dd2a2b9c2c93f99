"""Sizes a follow-up gives a named feature of the part: "make the post 50 mm tall", "the
tab should be 20 mm wide", "raise the lip to 10 mm".

Such a size is the feature's, not the whole part's: the post stands on a plate, so the part
is taller than the post. When the feature IS the whole part ("make the pillar 65 mm tall" on
a program that says it is a pillar), the size stays a size of the part (edit_axes reads it).
Otherwise a height leaves the part's Z free and a width or length only the extents it may
now outgrow; the other extents stay (edit.py keeps them). The size itself is checked on the
program's own parameter for that feature (`post_h = 50;`) when the previous program has one,
else named as not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.intent.draft import Draft, length_range
from agent.intent.edit_axes import DOWN_WORDS, UP_WORDS
from agent.intent.mentions import singular
from agent.intent.reading import Mention, Quantity, Reading
from agent.intent.words import Token
from tools.kinds import compatible, declared_kind, kinds_named
from tools.mesh import MeshReport
from tools.params import top_level_values
from tools.spec_compare import param_words

# the words a program's parameter names use for a size of a feature (post_h, lip_height)
PARAM_WORDS: dict[str, tuple[str, ...]] = {
    "height": ("h", "height", "tall", "high", "hgt", "len", "length"),
    "width": ("w", "width", "wide"),
    "length": ("l", "len", "length", "long"),
    "thick": ("t", "th", "thick", "thickness", "d", "dia", "diameter"),  # a post's: its d
    "depth": ("depth", "deep"),
    "diameter": ("d", "dia", "diameter", "od"),
    "od": ("d", "dia", "diameter", "od"),
    "radius": ("r", "radius"),
}
# verbs that say which size a bare "to 10 mm" is
_HEIGHT_VERBS = frozenset({"raise", "raised", "lower", "lowered", "higher", "taller"})
_POINTERS = frozenset({"the", "its", "that", "this", "those", "these", "both", "each",
                       "every", "all"})
_OBJECTS = frozenset({"it", "them", "this", "that", "down", "off", "out", "back", "up"})
# nouns that mean the whole part, whatever the program calls it
_WHOLE = frozenset({"part", "piece", "thing", "model", "object", "whole"})


@dataclass
class FeatureSize:
    """One size change the follow-up asks of a feature that is not the whole part."""

    mention: Mention
    role: str  # a PARAM_WORDS key, or "size" when the text does not say which size
    change: str  # "set" (50 mm tall), "delta" (10 mm taller), "grow" / "shrink" (taller)
    value: float = 0.0  # set: the size; delta: the signed change
    quantity: Quantity | None = None  # the stated number, if any
    word: str = ""  # the comparative said ("taller"), for the caller to read no further

    @property
    def text(self) -> str:
        said = self.quantity.text.strip(" ,") if self.quantity else ""
        return f"{said} {self.word}".strip()


def is_whole_part(noun: str, program: str | None) -> bool:
    """Does `noun` name the whole part the program makes? Not when the program sizes it as
    a feature (`post_h`); yes when it is the kind the program says it makes first (or, with
    no such comment, any kind of part)."""
    if noun in _WHOLE:
        return True
    words = {w for name in top_level_values(program) for w in param_words(name)}
    if singular(noun) in words or noun in words:
        return False  # `post_h = 30;`: the program sizes the post as a feature
    kinds = kinds_named(noun)
    declared = declared_kind(program or "")
    if declared is not None:
        return bool(kinds) and compatible(kinds[0], declared[0][0])
    return bool(kinds)


def _named(m: Mention, reading: Reading) -> bool:
    """"the post", "its lip", "both tabs": a feature pointed at, not a verb ("cut it to
    25 mm") or a thing the follow-up brings in."""
    toks = reading.sentences[m.sentence].tokens
    if m.pos == 0:  # "post height 50", not "cut it to 25 mm"
        return m.pos + 1 < len(toks) and toks[m.pos + 1].text not in _OBJECTS
    j = m.pos - 1
    while j >= 0 and toks[j].kind == "word" and toks[j].text not in _POINTERS and m.pos - j < 3:
        j -= 1  # "the front lip", "the mounting tab"
    return j >= 0 and toks[j].text in _POINTERS


def _comparative(toks: tuple[Token, ...], k: int) -> tuple[str, str, int] | None:
    """(word, size, +1/-1) of a comparative within a few words after token k, before the
    next clause: "the post ... taller", "10 mm thicker"."""
    for t in toks[k + 1 : k + 6]:
        if t.text in (",", ";", "and", "but"):
            return None
        if t.text in UP_WORDS:
            return t.text, UP_WORDS[t.text], 1
        if t.text in DOWN_WORDS:
            return t.text, {"short": "length"}.get(DOWN_WORDS[t.text], DOWN_WORDS[t.text]), -1
    return None


def feature_sizes(reading: Reading, program: str | None) -> list[FeatureSize]:
    """The size changes the follow-up asks of named features other than the whole part."""
    found = []
    words = reading.words()
    for m in reading.mentions:
        if m.role not in ("base", "add", "cut") or m.refers is not None or \
                not _named(m, reading) or is_whole_part(m.noun, program):
            continue
        toks = reading.sentences[m.sentence].tokens
        sized = [q for q in m.sizes if len(q.values) == 1 and q.axes[0] is None and
                 q.role not in ("position", "angle")]
        for q in sized:
            more = _comparative(toks, q.pos)
            if more is not None:  # "make the post 10 mm taller"
                found.append(FeatureSize(m, more[1], "delta", more[2] * q.values[0], q,
                                         more[0]))
                continue
            role = q.role
            if role == "size" and words & _HEIGHT_VERBS:
                role = "height"  # "raise the lip to 10 mm"
            found.append(FeatureSize(m, role, "set", q.values[0], q))
        more = _comparative(toks, m.pos) if not sized else None
        if more is not None:  # "make the post thicker"
            found.append(FeatureSize(m, more[1], "grow" if more[2] > 0 else "shrink",
                                     word=more[0]))
    return found


def _param_check(f: FeatureSize, names: dict[str, float]) -> dict | None:
    """The check of the feature's own parameter (post_h), or None when the previous
    program has none to compare (or, for "10 mm taller", not exactly one)."""
    noun = singular(f.mention.noun)
    words = PARAM_WORDS.get(f.role, ())
    sized = [n for n in names if noun in param_words(n) and set(param_words(n)) & set(words)]
    check: dict = {"names": [noun], "also": list(words)}
    if not sized:
        return None
    if f.change in ("grow", "shrink"):
        return check | {"change": f.change}
    value = f.value
    if f.change == "delta":
        if len(sized) != 1:
            return None
        value = names[sized[0]] + f.value
    about = f.quantity is not None and f.quantity.about
    return check | {"change": "set", "value": length_range(value, about=about)}


def check_features(found: list[FeatureSize], prev: MeshReport, program: str | None,
                   draft: Draft) -> set[int]:
    """A param check (or a "not checked" note) per feature size; returns the axes of the
    part those sizes may change, which the caller leaves free."""
    freed: set[int] = set()
    names = top_level_values(program)
    for f in found:
        if f.quantity is not None:
            f.quantity.used = True
        check = _param_check(f, names)
        if check is not None and "param" not in draft.spec:
            draft.spec["param"] = check
        else:
            draft.skip(f"'{f.text}' ({f.role} of the {f.mention.noun})",
                       "a size of a feature, not of the whole part")
        if f.role == "height":
            freed.add(2)  # a post or lip standing up sets how tall the part is
        elif f.role in ("length", "depth", "rise"):
            freed.update(range(3))  # an arm's or leg's length sets the reach along its axis
        elif f.change == "set":
            # a feature's width stays inside the part's extents unless it now outgrows one
            freed.update(k for k in range(3) if prev.extents[k] < f.value * 1.05 + 0.3)
    return freed
