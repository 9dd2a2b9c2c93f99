"""A request read as a part: its main body, its features, and the quantities of each.

    "This is a mounting plate. 1. The plate is 72 mm long (X) and 6 mm thick. 2. Two 5 mm
     through holes, 9 mm from the short edges. 3. The holes are countersunk."
    -> base: plate (mentions 'mounting plate', 'the plate')
             sizes: length 72 (x), thick 6
       hole x2: size 5 ; position '9 mm from the short edges'
       ('the holes' in step 3 is the same two holes: no new count)

Every number the text states becomes a Quantity with a role (length, width, height,
thick, depth, diameter, radius, od, id, wall, flats, corners, side, size, position, angle)
and is attached to the mention it describes: the noun right after it ("a 5 mm hole"), or
else the nearest mention before it in the sentence that can have that role ("a hole 5 mm in
diameter", "the plate is 72 mm long"), or else the main body. Mentions are nouns of a part
kind (tools.kinds), hole nouns, cut features (slot, pocket, chamfer) and added features
(boss, rib, flange). A definite mention ("the holes", "the counterbored hole") refers back
to an earlier one instead of adding to the count. Nothing here decides what to check:
agent.intent.create turns this reading into checks and "not checked" notes.
"""

from __future__ import annotations

import re

from agent.intent.lexicon import (
    ACCEPTS,
    HEAD_FEATURES,
    MATE_WORDS,
    MODIFIERS,
    ORDER_WORDS,
    PLACE_WORDS,
    PREPOSITIONS,
    ROLE_AFTER,
    ROLE_BEFORE,
    SHAPE_KINDS,
)
from agent.intent.mentions import (
    count_after,
    count_before,
    find_mentions,
    first_word_of,
    kind_at,
    mark_mates,
    singular,
)
from agent.intent.quantities import find_quantities
from agent.intent.reading import Mention, Quantity, Reading
from agent.intent.words import Sentence, Token, quote, sentences


def _attach(reading_mentions: list[Mention], q: Quantity, sentence: Sentence,
            base: Mention | None) -> None:
    toks = sentence.tokens
    in_sentence = [m for m in reading_mentions if m.sentence == sentence.index]
    last = q.pos
    while last + 2 < len(toks) and toks[last + 1].text in ("x", "by") and \
            toks[last + 2].kind in ("len", "num"):
        last += 2
    # before the noun: "a 5 mm hole", "a 60 x 40 mm plate", "two 10 mm thick fins"
    for m in in_sentence:
        if m.noun in ("it", "them") or (m.role == "surface" and m.pos > 0 and
                                        toks[m.pos - 1].text == "across"):
            continue  # "12 mm dia through it", "30 mm across corners": not sized in front
        if m.role == "surface" and (m.pos + 1 < len(toks) and kind_at(toks, m.pos + 1)):
            continue  # "a 3 mm thick corner plate": corner names the plate
        if m.role == "surface" and not (
                all(t.text in ROLE_AFTER for t in toks[last + 1 : first_word_of(m, toks)])
                and first_word_of(m, toks) <= last + 2 and not (
                    m.pos + 1 < len(toks) and toks[m.pos + 1].text in ROLE_BEFORE)):
            continue  # "a 3 mm floor", "2 mm thick walls" -- not "54 mm bottom diameter"
        between = toks[last + 1 : first_word_of(m, toks)]
        unknown = [t for t in between if not (
            t.text in MODIFIERS or t.text in ("(", ")", "mm", "in", "x", "y", "z", "-", "od",
                                              "id", "wide", "long", "tall", "high", "deep",
                                              "thick", "diameter", "across", "radius",
                                              "square", "outer", "inner", "outside", "inside",
                                              "flats", "corners", "sided", "side", "dia")
            or t.kind in ("len", "num", "screw"))]
        # one free word is an adjective before a thing the part fits: "a 6 mm potentiometer
        # shaft", "an 8 mm linear rod"
        allowed = 1 if m.role == "mate" and all(
            t.kind == "word" and t.text not in MATE_WORDS for t in unknown) else 0
        if last < first_word_of(m, toks) <= last + 4 and len(unknown) <= allowed:
            m.root().sizes.append(_band(m, q))
            return
    # after the noun: the nearest mention before it that can have this role, preferring the
    # subject over a noun in a prepositional phrase ("fins stand on the base, each 1.5 mm
    # thick": the fins are 1.5 mm thick)
    before = sorted((m for m in in_sentence if m.pos < q.pos and m.role != "surface"),
                    key=lambda m: -m.pos)
    if not before and base is not None and q.role in (
            "pair", "triple", "length", "width", "height", "thick", "diameter", "od", "flats",
            "corners", "across", "side", "radius", "id", "wall", "rise"):
        base.sizes.append(q)  # "Key tag. 50 x 25 x 3 mm, rounded corners, ..."
        return
    for prepositions in (False, True):
        for m in before:
            if not prepositions and _after_preposition(m, toks) and \
                    not _close_after(toks, m.pos, q.pos):
                continue
            if m.role == "mate" and not _close_after(toks, m.pos, q.pos):
                continue
            if m.role == "surface":
                continue
            accepts = ACCEPTS.get(m.role)
            if accepts is not None and q.role not in accepts and \
                    q.role not in ("pair", "triple"):
                continue
            if accepts is not None and q.role in ("pair", "triple") and m.role == "hole":
                continue
            if m.role in ("cut", "hole") and base is not None and q.role != "depth" and "," in [
                    t.text for t in toks[m.pos : q.pos]] and ((m.root().screw and not any(
                    t.kind == "screw" for t in toks[q.pos :]) and not (
                    # "M5 holes, Ø5.5 mm": the screw's clearance, said again
                    m.root().screw < q.values[0] <= 1.6 * m.root().screw)) or any(
                    s.role in ("size", "diameter", "hole_size", "bore")
                    for s in m.root().sizes)):
                continue  # "a 6 mm bore, 68 mm dia.": the second size is the part's
            if m.role in ("cut", "hole") and base is not None and \
                    q.role in ("pair", "triple", "length", "width", "height", "thick") and \
                    "," in [t.text for t in toks[m.pos : q.pos]] and \
                    "each" not in [t.text for t in toks[m.pos : q.pos]]:
                continue  # "a tray with 3 compartments, 12 x 6 cm, 2.5 cm tall": the tray's
            target = m.root()
            if target.role == "ref":
                if base is None:
                    continue
                target = base
            target.sizes.append(q)
            return
    if base is not None and q.role not in ("position", "angle", "size", "hole_size") and \
            not any(m.role not in ("ref", "surface") and m.root() is not base
                    for m in in_sentence):
        base.sizes.append(q)


def _after_preposition(m: Mention, toks: tuple[Token, ...]) -> bool:
    j = first_word_of(m, toks) - 1
    while j >= 0 and (toks[j].text in ("the", "a", "an", "its", "each", "both", "this") or
                      toks[j].text in MODIFIERS):
        j -= 1
    return j >= 0 and toks[j].text in PREPOSITIONS


def _close_after(toks: tuple[Token, ...], noun: int, k: int) -> bool:
    """Is the number at k part of the noun's own phrase: right after it, or inside the
    parentheses that follow it ("a 608 bearing (22 mm OD, 7 mm wide)")?"""
    between = [t.text for t in toks[noun + 1 : k]]
    if between[:1] == ["("]:
        return ")" not in between
    return len(between) <= 3 and set(between) <= {"of", "with", "is", "a", "an", "having"}


def _band(m: Mention, q: Quantity) -> Quantity:
    """"a 4 mm band" on a ring: the band's thickness, not the ring's diameter."""
    if m.noun in ("band", "bands") and q.role in ("size",):
        q.role = "thick"
    return q


def _told_apart(e: Mention, m: Mention, sentence: Sentence) -> bool:
    """"the bottom section" and "the middle section" are two sections, not one."""
    before = {t.text for t in sentence.tokens[max(0, m.pos - 2) : m.pos]}
    return bool(before & ORDER_WORDS)


def _link(mentions: list[Mention], base: Mention | None,
          sentence_of: dict[int, Sentence]) -> None:
    seen: list[Mention] = []
    for m in mentions:
        if m is base:
            seen.append(m)
            continue
        if m.role == "ref":
            if base is not None:
                m.refers = base
            seen.append(m)
            continue
        repeated = [e for e in seen if (e.role in ("add", "cut", "mate") or e is base) and
                    singular(e.noun) == singular(m.noun) and
                    not _told_apart(e, m, sentence_of[m.sentence])]
        if repeated and (m.definite or m.count is None) and m.role in ("base", "add", "cut"):
            m.role = repeated[-1].role  # "the flange" again: the flange named before
            m.refers = repeated[-1].root()
            if m.refers is base:
                m.role = "base"
            seen.append(m)
            continue
        if m.role == "base" and base is not None and m.kind is not None:
            from tools.kinds import compatible

            copula = _is_a(m, mentions, base)
            if m.kind == base.kind or copula or (
                    m.definite and compatible(base.kind or "", m.kind) and
                    m.kind in (base.shape, base.kind)):
                m.refers = base
                if copula and base.shape is None and m.kind in SHAPE_KINDS:
                    base.shape = m.kind
                seen.append(m)
                continue
            # another part kind named later: a component of the part; a screw or bolt is
            # something that goes through it
            m.role = "mate" if m.kind == "bolt" and base.kind != "bolt" else "add"
        named_again = m.role == "hole" and m.count in (None, 1) and not m.plural and \
            not m.relative and not m.ordinal and not m.words & {"another", "second", "more"} \
            and any(_restates(m, e, mentions) for e in seen)
        if m.role == "hole" and (m.definite or named_again or (
                m.count in (None, 1) and not m.plural and _follows_colon(m, seen))):
            earlier = [e for e in seen if e.role == "hole"]
            match = _antecedent(m, earlier)
            if match is not None:
                m.refers = match
        elif m.role in ("add", "cut") and m.definite:
            earlier = [e for e in seen if e.role == m.role and
                       singular(e.noun) == singular(m.noun) and
                       not _told_apart(e, m, sentence_of[m.sentence])]
            if earlier:
                m.refers = earlier[-1]
        seen.append(m)


def _sized_here(m: Mention, mentions: list[Mention]) -> bool:
    """A size or screw size written in the noun phrase itself ("a 5 mm hole", "an M3 hole")."""
    return bool(m.screw) or m.phrase_has_size


def _restates(m: Mention, e: Mention, mentions: list[Mention]) -> bool:
    """Is hole mention m the earlier hole e named again with more detail? ("a hex prism with
    a hole. ... an M2.5 hole through it"): e said nothing of its size, m does, and they are
    not placed apart."""
    if e.role != "hole" or e.plural or e.count not in (None, 1) or e.phrase_has_size:
        return False
    if not (e.sentence < m.sentence or m.phrase_has_size or "for" in m.words):
        return False
    places = (e.words & PLACE_WORDS, m.words & PLACE_WORDS)
    return not (places[0] and places[1] and places[0] != places[1])


def _is_a(m: Mention, mentions: list[Mention], base: Mention) -> bool:
    """"The lid top is a disc ...", "The base is a bar ...": a copula names the main body;
    so does a later sentence that opens with one ("Just a flat 3 mm plate with 6 holes")."""
    first_in_sentence = not [e for e in mentions if e.sentence == m.sentence and e.pos < m.pos
                             and e.role not in ("surface",)]
    if m.sentence > base.sentence and first_in_sentence and m.count == 1 and m.pos <= 5 and \
            m.words & {"just", "simply", "basically", "essentially"}:
        return True
    if "is" not in m.words and "consists" not in m.words:
        return False
    before = [e for e in mentions if e.sentence == m.sentence and e.pos < m.pos
              and e.role != "surface"]
    subject = before[-1] if before else None
    return subject is not None and (subject.root() is base or subject.role == "ref")


def _follows_colon(m: Mention, seen: list[Mention]) -> bool:
    """"a counterbored hole: a 6.5 mm through hole with ...": the second names the first."""
    return any(e.role == "hole" and e.sentence == m.sentence and e.pos < m.pos and
               ":" in e.words | m.words for e in seen)


def _antecedent(m: Mention, earlier: list[Mention]) -> Mention | None:
    if not earlier:
        return None
    qualifiers = m.words & {"counterbored", "countersunk", "blind", "pilot", "center",
                            "centre", "central", "mounting", "fixing", "dowel", "pivot",
                            "drain", "cable", "bolt", "screw"}
    for e in reversed(earlier):
        if qualifiers and not (qualifiers & e.words):
            continue
        if m.count is not None and e.count is not None and m.count != e.count and \
                m.words.isdisjoint({"each"}):
            continue
        return e.root()
    if not qualifiers:
        return earlier[-1].root()
    return None


def _context_words(sentence: Sentence, m: Mention) -> set[str]:
    """Words of the clause around a mention: what kind of hole or feature it is."""
    toks = sentence.tokens
    lo = m.pos - 1
    while lo >= 0 and toks[lo].text not in (",", ";", ":", ".") and m.pos - lo < 11:
        lo -= 1
    hi = m.pos + 1
    while hi < len(toks) and toks[hi].text not in (",", ";", ":", ".") and hi - m.pos < 12:
        hi += 1
    words = {t.text for t in toks[lo + 1 : hi] if t.kind == "word"}
    if (lo >= 0 and toks[lo].text == ":") or (hi < len(toks) and toks[hi].text == ":"):
        words.add(":")
    return words


def size_follows(toks: tuple[Token, ...], k: int) -> bool:
    """"a hole 5 mm in diameter", "a hole (4 mm)": a size right after the noun."""
    after = toks[k + 1 : k + 4]
    return any(t.kind == "len" for t in after[:2]) or (
        bool(after) and after[0].text == "(" and any(t.kind == "len" for t in after))


def _claim_screws(sents: list[Sentence], mentions: list[Mention], base: Mention | None) -> None:
    """An M-size not written next to a hole ("a washer for M6", "spacer, M4 clearance") is
    the size of the main body's bore, or of the hole mentioned nearest before it."""
    claimed = {(m.sentence, m.pos) for m in mentions if m.screw}
    for sentence in sents:
        for k, tok in enumerate(sentence.tokens):
            if tok.kind != "screw":
                continue
            near = [m for m in mentions if m.sentence == sentence.index and
                    abs(m.pos - k) <= 6 and m.screw == tok.value]
            if near or (sentence.index, k) in claimed:
                continue
            holes = [m for m in mentions if m.role == "hole" and m.sentence == sentence.index]
            target = holes[-1].root() if holes else base
            if target is not None and target.screw is None:
                target.screw = tok.value
        screws = [t.value for t in sentence.tokens if t.kind == "screw"]
        if len(set(screws)) == 1:
            for m in mentions:
                if m.sentence == sentence.index and m.role == "hole" and m.screw is None and \
                        not m.sizes and m.refers is None:
                    m.screw = screws[0]  # "an M3 nut trap ... and the bolt hole"


def _carrier(base: Mention | None, mentions: list[Mention],
             sents: list[Sentence]) -> Mention | None:
    """"four 6 mm standoffs on a plate": several things named first stand on the part,
    which is the main body; they are features of it."""
    if base is None or not (base.count or 0) > 1:
        return base
    toks = sents[base.sentence].tokens
    for m in mentions:
        j = first_word_of(m, toks) - 1 if m.sentence == base.sentence else -1
        while j > base.pos and (toks[j].text in ("a", "an", "the", "one", "single", "x", "by")
                                or toks[j].kind in ("num", "len")):
            j -= 1
        if m.pos > base.pos and m.kind not in (None, "bolt") and j > base.pos and \
                toks[j].text in ("on", "onto", "atop"):
            base.role, m.role = "add", "base"
            return m
    return base


# a word that ends the opening noun phrase
STOP_AFTER_HEAD = frozenset({"with", "for", "that", "which", "to", "of", "in", "on", "at",
                             "from", "by", "and", "or", "is", "are", "has", "x"})
# words that open a request or describe a part without naming it: never its head noun
_NOT_HEADS = frozenset({
    "make", "me", "need", "want", "print", "design", "create", "give", "model", "please",
    "i", "we", "my", "our", "some", "simple", "small", "little", "big", "large", "new",
    "thick", "thin", "long", "wide", "tall", "high", "deep", "round", "square", "flat",
    "rectangular", "solid", "hollow", "just", "quick", "basic", "custom", "printable"})


def _unnamed_base(sentence: Sentence, mentions: list[Mention]) -> Mention | None:
    """The main body when the request names it with a noun no kind covers ("door wedge 120
    long, 30 wide", "rectangular base 100 (X) by 60 (Y)"): the last word of the words that
    open the request, when sizes follow right after it. Its kind stays unknown, so no kind
    or shape is checked, only the sizes it is given."""
    toks = sentence.tokens
    k = 0
    while k < len(toks) and toks[k].kind == "word" and toks[k].text not in STOP_AFTER_HEAD:
        k += 1
    if k == 0 or k >= len(toks) or not (
            toks[k].kind in ("num", "len") or toks[k].text in (",", ":", "with", "-")):
        return None
    head = toks[k - 1]
    if head.text in _NOT_HEADS or len(head.text) < 3 or any(
            m.sentence == sentence.index and m.pos < k and m.role not in ("ref", "surface")
            for m in mentions):
        return None
    first = next((j for j in range(k) if toks[j].text not in ("a", "an", "the", "one")), k - 1)
    existing = next((m for m in mentions if m.sentence == sentence.index and m.pos == k - 1),
                    None)
    if existing is not None:
        mentions.remove(existing)
    base = Mention(head.text, "base", None, sentence.index, k - 1, quote(sentence, first, k - 1))
    mentions.append(base)
    mentions.sort(key=lambda m: (m.sentence, m.pos))
    return base


def read(text: str, *, unnamed: bool = True) -> Reading:
    """The part a request describes, as mentions with their counts and quantities; with
    `unnamed`, a main body no kind names is taken from the request's opening words (a
    follow-up's opening words are rarely a noun: "hmm, back to 40 mm tall")."""
    sents = sentences(text)
    mentions: list[Mention] = []
    quantities: list[Quantity] = []
    for sentence in sents:
        found = mark_mates(sentence, find_mentions(sentence))
        for m in found:
            count_before(sentence.tokens, m.pos, m)
            before = sentence.tokens[max(0, m.pos - 4) : m.pos]
            m.phrase_has_size = bool(m.screw) or any(
                t.kind in ("len", "screw") or (t.kind == "num" and k > 0 and before[k - 1].text in (
                    "diameter", "radius")) for k, t in enumerate(before)) or \
                size_follows(sentence.tokens, m.pos)
            if m.plural and (m.count is None or m.unclear) and not m.negated:
                after = count_after(sentence.tokens, m.pos)
                if after is not None:
                    m.count, m.unclear = after, None
            m.words = _context_words(sentence, m)
            hint = re.search(r"^(?:\w+ ){0,1}(?:runs|passes|goes|is drilled|is bored|drilled|"
                             r"bored|running|passing)(?: through(?: the| both)? \w+)? "
                             r"(?:along|parallel to) (?:the )?(x|y|z)\b|^along (?:the )?(x|y|z)\b",
                             " ".join(t.text for t in sentence.tokens[m.pos + 1 : m.pos + 9]))
            if hint and m.role == "hole":
                m.axis = hint.group(1) or hint.group(2)
            nearby = sentence.tokens[max(0, m.pos - 6) : m.pos + 1]
            for t in nearby:
                if t.kind == "screw" and m.role == "hole" and m.screw is None:
                    m.screw = t.value
        mentions.extend(found)
    first = next((m for m in mentions if m.sentence == 0 and m.role not in ("surface",)), None)
    if first is not None and first.role == "add" and first.noun in HEAD_FEATURES:
        first.role = "base"  # "Hub for mounting a sprocket ...": the part is a hub
    base = _carrier(next((m for m in mentions if m.role == "base"), None), mentions, sents)
    if base is None:
        base = next((m for m in mentions if m.role == "add" and m.kind is not None), None)
        if base is not None:
            base.role = "base"
    if base is None and sents and unnamed:
        base = _unnamed_base(sents[0], mentions)
    _link(mentions, base, {s.index: s for s in sents})
    _claim_screws(sents, mentions, base)
    for sentence in sents:
        for q in find_quantities(sentence):
            quantities.append(q)
            _attach(mentions, q, sentence, base)
    return Reading(sents, mentions, quantities, base)
