"""Words and numbers of a request: sentences, tokens, lengths in millimetres.

    "A 2-1/2" x 60x40mm plate. 2) Four M3 holes."  ->
    sentence 0: a | 2.5 inch | x | 60 mm | x | 40 mm | plate
    sentence 1: four | m3 | holes

Numbers become floats (fractions, mixed numbers and unicode vulgar fractions included); a
unit right after a number is folded into it as millimetres; numbered-list markers
("2)", "Step 3:") end a sentence and are dropped. Unit conversion is a table of the few
length units people use for parts: pint would give the same factors at the cost of ~1.5 s
of import on every command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

# length units -> millimetres ("in" only counts right after a number)
UNITS: dict[str, float] = {
    "mm": 1.0, "millimeter": 1.0, "millimeters": 1.0, "millimetre": 1.0, "millimetres": 1.0,
    "cm": 10.0, "centimeter": 10.0, "centimeters": 10.0, "centimetre": 10.0,
    "centimetres": 10.0, "m": 1000.0, "meter": 1000.0, "meters": 1000.0, "metre": 1000.0,
    "metres": 1000.0, "in": 25.4, "inch": 25.4, "inches": 25.4, "ft": 304.8, "foot": 304.8,
    "feet": 304.8, "thou": 0.0254, "mil": 0.0254, "mils": 0.0254,
}
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20,
    "twentyfour": 24, "thirty": 30, "dozen": 12,
}
ORDINALS: dict[str, int] = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
_VULGAR = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅛": "1/8",
           "⅜": "3/8", "⅝": "5/8", "⅞": "7/8"}


@dataclass(frozen=True)
class Token:
    text: str  # the word, or the number as written ("2.5"), or "m3" for a screw size
    kind: str  # "word" | "num" | "len" (a number with a length unit) | "screw" | "punct"
    value: float | None = None  # num: the number; len: millimetres; screw: nominal mm
    unit: str | None = None  # len: the unit as written
    start: int = 0  # character offset in the sentence text (for quoting)
    end: int = 0

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text in words


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str  # normalized text
    tokens: tuple[Token, ...]


def _fraction(match: re.Match[str]) -> str:
    whole, numerator, denominator = match.group(1), match.group(2), match.group(3)
    if int(denominator) == 0:
        return match.group(0)
    value = Fraction(int(numerator), int(denominator)) + (int(whole) if whole else 0)
    return f"{float(value):.4g}"


def normalize(text: str) -> str:
    """Lower case with the notations people use folded into words and plain numbers."""
    # "Thickness is 3/16 in. Edges are ...": the abbreviation's period also ends the sentence
    t = re.sub(r"(\d)\s*in\.(?=\s+[A-Z])", r"\1 inch.", text).lower()
    for glyph, fraction in _VULGAR.items():
        t = re.sub(rf"(\d)\s*{glyph}", rf"\1 {fraction}", t).replace(glyph, fraction)
    # "centre bore Ø22.5 mm": a hole noun's size after it ("bore diameter" is a measure word)
    t = re.sub(r"\b(bores?|holes?)\s*[⌀ø]\s*(\d*\.?\d+\b(?:\s*(?:mm|cm|in|inch|inches)\b)?)",
               r"\1 \2 diameter", t)
    t = (t.replace("×", " x ").replace("⌀", " diameter ").replace("ø", " diameter ")
         .replace("°", " degrees ").replace("”", '"').replace("″", '"').replace("’", "'")
         .replace("–", "-").replace("—", " - "))
    t = re.sub(r"(\d)in\b", r"\1 inch", t)  # "1/16in walls": glued to the number, inches
    # mixed numbers and fractions: 1-1/2, 1 1/2, 3/8
    t = re.sub(r"\b(?:(\d+)[\s-]+)?(\d+)/(\d+)(?![\d/])", _fraction, t)
    t = re.sub(r"(\d)\s*(?:\"|'')", r"\1 inch ", t)
    t = re.sub(r"(\d)\s*in\.(?=\s|$|,)", r"\1 inch ", t)
    # "3x 5mm holes": three holes, not a 3 x 5 size
    t = re.sub(r"\b(\d{1,2})\s*x\s+(?=\d*\.?\d+\s*mm\s+(?:\w+\s+)?(?:holes|bores)\b)", r"\1 ", t)
    t = re.sub(r"(\d)\s*x\s*(?=\d|\.\d|m\d)", r"\1 x ", t)  # 60x40, 4xM3
    t = re.sub(r"(\d)x\b", r"\1 x", t)
    t = re.sub(r"\bx\s*(\d)", r"x \1", t)
    t = re.sub(r"(\d)(mm|cm|m|in|inch|inches|ft|millimet\w*|centimet\w*)\b", r"\1 \2", t)
    t = re.sub(r"\bthru\b", "through", t)
    t = re.sub(r"\bthk\b\.?", "thick", t)
    t = re.sub(r"\bbackplate\b", "back plate", t)
    t = re.sub(r"#\d+\b", "", t)  # "#10 holes": a US screw gauge, not a count
    # "4x Ø3.4 on a 31 mm square": a count and a diameter are holes even unnamed
    t = re.sub(r"\b(\d+)\s*x\s*diameter\s*(\d*\.?\d+)(?!\s*(?:mm\s*)?(?:holes?|bores?|x\b))",
               r"\1 x diameter \2 holes", t)
    # "(22 total)": the whole part's size
    t = re.sub(r"\((\d*\.?\d+)\s*(mm)?\s*(total|overall)\)", r", \1 \2 overall", t)
    t = re.sub(r"\ba couple of\b", "two", t)  # "a couple of M3 holes"
    t = re.sub(r"\ba couple (?=\w+ (?:holes?|bores?|slots?)\b)", "two ", t)
    # "half a mm", "a quarter inch", "half an inch": numbers in words
    t = re.sub(r"\b(?:a )?half (?:a |an )?(?=mm|millimet|inch|cm)", "0.5 ", t)
    t = re.sub(r"\b(?:a )?quarter (?:of )?(?:a |an )?(?=mm|millimet|inch|cm)", "0.25 ", t)
    t = re.sub(r"\b(?:an|one) (?=inch|mm\b|millimet|cm\b|centimet)", "1 ", t)  # "an inch"
    # "shorten the arm to 40": the same as "make the arm 40 long" (a feature, or the part)
    t = re.sub(r"\b(?:shorten|lengthen|extend|trim|cut) the (\w+) (?:down |back |out )?to "
               r"(\d*\.?\d+(?: ?(?:mm|cm|inch(?:es)?)\b)?)",
               lambda m: m.group(0) if m.group(1) in ("width", "height", "thickness", "depth",
                                                      "length", "size") else
               f"make the {m.group(1)} {m.group(2)} long", t)
    t = re.sub(r"\bthrough[\s-]?holes?\b", lambda m: "throughhole" + (
        "s" if m.group(0).endswith("s") else ""), t)
    # "screw-down clip", "snap-on lid": how it attaches, not a screw or a snap
    t = re.sub(r"\b(screw|snap|clip|press|push|slide|twist|pop)-(down|on|in|fit|over)\b",
               r"\1\2", t)
    t = re.sub(r"(?<=[a-z])-(?=[a-z\d])|(?<=\d)-(?=[a-z])", " ", t)  # four-hole, 10-mm
    t = re.sub(r"\bcounter[ -]?bored\b", "counterbored", t)
    t = re.sub(r"\bcounter[ -]bore", "counterbore", t)
    t = re.sub(r"\bcounter[ -]?sunk\b", "countersunk", t)
    t = re.sub(r"\bcounter[ -]sink", "countersink", t)
    t = re.sub(r"\bdia\b\.?", "diameter", t)
    t = re.sub(r"\bbore ?holes?\b", "bore", t)  # one hole, two nouns
    # "OpenSCAD code for a box": the box is the part, not something it fits
    t = re.sub(r"^\s*(?:please\s+)?(?:(?:write|generate|create|make|give me|produce|"
               r"need|want|i want|i need)\s+)?(?:me\s+)?(?:some\s+|the\s+)?(?:openscad\s+|scad\s+)?"
               r"(?:code|program|script|model|file)s?\s+(?:for|of)\s+", "", t)
    t = re.sub(r"\s+in (?:openscad|scad)\b", "", t)
    t = re.sub(r"\ba/f\b", "af", t)
    t = re.sub(r"\b([dhr])\s*=\s*(?=\d)", lambda m: {"d": "diameter ", "h": "height ",
                                                       "r": "radius "}[m.group(1)], t)
    return t


_LIST_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}[.):]|step\s*\d{1,2}\s*[.):]?|[-*•])\s+")
_SENTENCE_END = re.compile(r"(?<!\d)\.(?=\s|$)|(?<=\d)\.(?=\s+[a-z(])|[;\n!?]+|\s\(?\d{1,2}\)\s"
                           r"|\s(?=step\s*\d{1,2}\s*[.):])")
_TOKEN = re.compile(r"m\d+(?:\.\d+)?(?![a-z])|\d*\.\d+|\d+|[a-z]+|[^\sa-z\d]")


def sentences(text: str) -> list[Sentence]:
    """The request as sentences of tokens (list markers removed)."""
    out: list[Sentence] = []
    for part in _SENTENCE_END.split(normalize(text)):
        part = _LIST_MARKER.sub("", part or "").strip(" ,")
        if not part or re.fullmatch(r"\(?\d{1,2}[).:]?|step\s*\d{1,2}", part):
            continue
        toks = tokenize(part)
        if toks:
            out.append(Sentence(len(out), part, tuple(toks)))
    return out


def tokenize(text: str) -> list[Token]:
    """Tokens of one normalized sentence; a number followed by a length unit becomes one
    "len" token in millimetres."""
    raw = list(_TOKEN.finditer(text))
    out: list[Token] = []
    k = 0
    while k < len(raw):
        word = raw[k].group()
        start, end = raw[k].start(), raw[k].end()
        if re.fullmatch(r"m\d+(?:\.\d+)?", word):
            out.append(Token(word, "screw", float(word[1:]), None, start, end))
        elif re.fullmatch(r"\d*\.?\d+", word):
            value = float(word)
            unit = raw[k + 1].group() if k + 1 < len(raw) else ""
            if unit in UNITS and not (unit == "in" and _in_is_a_word(raw, k)):
                out.append(Token(word, "len", value * UNITS[unit], unit, start, raw[k + 1].end()))
                k += 1
            else:
                out.append(Token(word, "num", value, None, start, end))
        elif re.fullmatch(r"[a-z]+", word):
            out.append(Token(word, "word", None, None, start, end))
        else:
            out.append(Token(word, "punct", None, None, start, end))
        k += 1
    return out


INCH_FOLLOWERS = frozenset({"x", "by", "long", "wide", "tall", "high", "thick", "deep",
                            "diameter", "dia", "od", "id", "radius", "across", "square", "cube",
                            "and", "or", "to", "with", "plate", "bar", "rod", "tube", "pipe",
                            "block", "sphere", "ball", "cylinder", "disc", "disk", "hole",
                            "holes", "bolt", "bolts", "screw", "screws", "thread",
                            "length", "width", "height", "thickness", "each"})


def _in_is_a_word(raw: list[re.Match[str]], k: int) -> bool:
    """"in" after the number raw[k] is inches when what follows is a number, punctuation, the
    end, or a size word ("2 in x 3 in", "1.5 in long", "a 1.5 in radius"); a phrase that goes
    on ("10 in diameter", "5 in each", "15 x 15 x 15 in OpenSCAD") makes it the word "in"."""
    following = raw[k + 2].group() if k + 2 < len(raw) else ""
    article = k > 0 and raw[k - 1].group() in ("a", "an")
    if article and following in ("radius", "diameter", "thick", "wide", "long", "tall"):
        return False
    if not following or not following.isalpha():
        return False
    if following in ("x", "by"):
        after = raw[k + 3].group() if k + 3 < len(raw) else ""
        return not re.fullmatch(r"\d*\.?\d+", after)  # "3 in x 4 in" vs "50 in x"
    if following not in INCH_FOLLOWERS:
        return True
    return following in {"diameter", "length", "height", "width", "thickness", "each", "from",
                          "the", "a", "an", "total", "size", "depth", "radius", "x", "y", "z",
                          "both", "all", "every", "one", "two", "three", "four", "line", "row",
                          "rows", "its", "it", "which", "that", "and", "dia", "overall"}


def count_word(token: Token) -> int | None:
    """A count written as a number or a word ("4", "four", "a dozen")."""
    if token.kind == "num" and token.value is not None and token.value == int(token.value) \
            and "." not in token.text:
        return int(token.value)
    if token.kind == "word":
        return NUMBER_WORDS.get(token.text)
    return None


def quote(sentence: Sentence, first: int, last: int) -> str:
    """The normalized words of tokens first..last (inclusive), for a report line."""
    toks = sentence.tokens
    first, last = max(0, first), min(len(toks) - 1, last)
    return sentence.text[toks[first].start:toks[last].end].strip()
