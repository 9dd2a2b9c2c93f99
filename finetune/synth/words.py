"""Ways of saying things: numbers, lengths, sizes, screws, counts, openers, and the assembler
that turns a noun and a handful of clauses into one request sentence.

The small model generalises only as far as its training prompts vary, so every fact a
description states has several grammatical forms here (Clause), and the assembler mixes
sentence structures, orders, openers, articles, spellings and casing. Everything is drawn
from the caller's Random, so the same seed gives the same sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from random import Random

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()

# sentence openers that precede a noun phrase; questions get a "?" ending more often
OPENERS: tuple[tuple[str, float], ...] = (
    ("", 0.30),
    ("I need ", 0.07),
    ("i need ", 0.02),
    ("I want ", 0.03),
    ("make me ", 0.05),
    ("make ", 0.04),
    ("Create ", 0.03),
    ("design ", 0.04),
    ("can you design ", 0.03),
    ("could you make ", 0.03),
    ("can you make me ", 0.02),
    ("please model ", 0.02),
    ("generate ", 0.02),
    ("give me ", 0.03),
    ("I'd like ", 0.03),
    ("I would like ", 0.02),
    ("build ", 0.02),
    ("model ", 0.02),
    ("write OpenSCAD for ", 0.02),
    ("OpenSCAD code for ", 0.02),
    ("an OpenSCAD model of ", 0.01),
    ("need ", 0.02),
    ("can I get ", 0.02),
    ("please make ", 0.02),
    ("let's make ", 0.01),
    ("I'm looking for ", 0.02),
    ("help me design ", 0.01),
    ("print me ", 0.01),
)

CLOSERS: tuple[tuple[str, float], ...] = (
    ("", 0.55),
    (".", 0.20),
    (" please", 0.04),
    (", please.", 0.03),
    (" for my 3D printer", 0.03),
    (" for 3D printing", 0.03),
    (". Thanks!", 0.03),
    (" thanks", 0.02),
    (", printable", 0.02),
    (" in OpenSCAD", 0.03),
    (" (mm)", 0.02),
)

QUESTION_OPENERS = ("can you", "could you", "can I")

# Letters whose spoken name starts with a vowel sound ("an M3 screw", "an L bracket").
_VOWEL_LETTERS = set("AEFHILMNORSX")


def fmt(value: float) -> str:
    """A number as people write it: 20 not 20.0, 3.4 not 3.40000001."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def article(phrase: str) -> str:
    """'a' or 'an' for the phrase that follows."""
    word = phrase.split(" ", 1)[0].strip("(\"'")
    if not word:
        return "a"
    if word[0].isdigit():
        digits = re.match(r"\d+", word).group(0)  # type: ignore[union-attr]
        # 8, 80.., 800.. and 11, 18 (and 11,000 / 18,000) are said with a vowel sound
        return "an" if digits[0] == "8" or digits in ("11", "18") or (
            len(digits) in (5, 6) and digits[:2] in ("11", "18")) else "a"
    if len(word) == 1 or (word[0].isupper() and (len(word) == 1 or not word[1].islower())):
        return "an" if word[0].upper() in _VOWEL_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(("uni", "use", "u-", "one")):
        return "a"
    if lower.startswith(("hour", "honest")):
        return "an"
    return "an" if lower[0] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


@dataclass
class Clause:
    """One fact about the part, in the grammatical forms it can take.

    lead: before the noun ("75 x 35 x 6 mm" tray); adj: after it ("75 mm long");
    np: after "with" ("four M3 holes"); Each is a list of alternatives; an empty list
    means that form is not available. At least one of adj/np must be given."""

    adj: list[str] = field(default_factory=list)
    np: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)


class Words:
    """Phrase maker bound to one Random."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    # --- primitive choices -------------------------------------------------------------
    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    def weighted(self, options: Sequence[tuple[str, float]]) -> str:
        texts = [o[0] for o in options]
        weights = [o[1] for o in options]
        return self.rng.choices(texts, weights=weights, k=1)[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # --- numbers and units -------------------------------------------------------------
    def unit(self) -> str:
        """A spelling of millimetres after a number (with its leading space, or none)."""
        return self.weighted(
            [(" mm", 0.58), ("mm", 0.27), (" millimetres", 0.05), (" millimeters", 0.06),
             (" millimeter", 0.01), (" mm.", 0.0)]
        )

    def mm(self, value: float, *, cm: bool = True) -> str:
        """A length with a unit: '20 mm', '20mm', '20 millimetres', or '2 cm' for 20."""
        if cm and value >= 10 and abs(value / 10 - round(value / 10, 1)) < 1e-9 and self.chance(
            0.06
        ):
            return f"{fmt(value / 10)}{self.pick([' cm', 'cm', ' centimetres', ' centimeters'])}"
        return f"{fmt(value)}{self.unit()}"

    def count(self, n: int, singular: str, plural: str | None = None) -> str:
        """'four holes', '4 holes', 'a pair of holes', 'a hole', 'one hole', 'a single hole'."""
        plural = plural or singular + "s"
        if n == 1:
            forms = [f"a {singular}", f"one {singular}", f"a single {singular}"]
            if not singular[0].isdigit():
                forms.append(f"1 {singular}")
            return self.pick(forms)
        if n == 2 and self.chance(0.2):
            return f"{self.pick(['a pair of', 'two', 'a couple of'])} {plural}"
        # "4 3 mm holes" reads as one number: spell the count before a size
        if n < len(NUMBER_WORDS) and (plural[0].isdigit() or self.chance(0.55)):
            return f"{NUMBER_WORDS[n]} {plural}"
        return f"{n} {plural}"

    def number(self, n: int) -> str:
        if n < len(NUMBER_WORDS) and self.chance(0.5):
            return NUMBER_WORDS[n]
        return str(n)

    def dims(self, values: Sequence[float]) -> str:
        """'75 x 35 x 6 mm', '75x35x6mm', '75 by 35 by 6 mm', '75 × 35 × 6', ..."""
        nums = [fmt(v) for v in values]
        style = self.rng.random()
        if style < 0.35:
            return " x ".join(nums) + self.unit()
        if style < 0.55:
            return "x".join(nums) + self.pick(["mm", " mm", ""])
        if style < 0.70:
            return " by ".join(nums) + self.unit()
        if style < 0.78:
            return " × ".join(nums) + self.pick([" mm", "mm"])
        if style < 0.84:
            unit = self.unit()
            return " by ".join(n + unit for n in nums)
        if style < 0.90:
            unit = self.pick([" mm", "mm"])
            return " x ".join(n + unit for n in nums)
        return " x ".join(nums)

    def diameter(self, value: float) -> Clause:
        """A diameter as adjective / noun phrase / lead."""
        v = self.mm(value)
        return Clause(
            adj=[f"{v} in diameter", f"{v} across", f"{v} wide", f"with a diameter of {v}",
                 f"{v} diameter", f"{v} dia"],
            np=[f"a diameter of {v}", f"a {v} diameter", f"a {fmt(value)} mm diameter"],
            lead=[f"{v}", f"{v} diameter", f"{fmt(value)} mm diameter", f"ø{fmt(value)}mm",
                  f"{v} wide", f"d={fmt(value)}"],
        )

    def length_clause(self, value: float, adjectives: Sequence[str], nouns: Sequence[str]) -> (
            Clause):
        """A single dimension: adjectives like 'long'/'tall'; nouns like 'length'/'height'."""
        v = self.mm(value)
        adj = self.pick(adjectives)
        noun = self.pick(nouns)
        return Clause(
            adj=[f"{v} {adj}", f"{v} {adj}", f"{noun} {v}", f"with a {noun} of {v}"],
            np=[f"a {noun} of {v}", f"a {v} {noun}"],
            lead=[f"{v} {adj}"],
        )

    def measure(self, value: float, adjectives: Sequence[str], noun: str, *,
                lead: bool = False) -> Clause:
        """'20 mm tall', '2 cm high' or 'a height of 20 mm' (lead: '20 mm tall' before the
        noun): every phrase words the length afresh, so one prompt may mix '20mm' and
        '20 mm'."""
        return Clause(adj=[f"{self.mm(value)} {a}" for a in adjectives],
                      np=[f"a {noun} of {self.mm(value)}"],
                      lead=[f"{self.mm(value)} {adjectives[0]}"] if lead else [])

    # --- sentence assembly ---------------------------------------------------------------
    def compose(self, noun: str, clauses: Sequence[Clause], *, lead_ok: bool = True,
                keep_order: bool = False) -> str:
        """Noun + clauses -> a request, using one of several sentence structures."""
        clauses = list(clauses)
        if not keep_order and len(clauses) > 1 and self.chance(0.5):
            self.rng.shuffle(clauses)
        lead = ""
        rest = clauses
        lead_options = [c for c in clauses if c.lead] if lead_ok else []
        if lead_options and self.chance(0.45):
            chosen = lead_options[0]
            lead = self.pick(chosen.lead) + " "
            rest = [c for c in clauses if c is not chosen]
        adjs: list[str] = []
        nps: list[str] = []
        for c in rest:
            if c.np and (not c.adj or self.chance(0.5)):
                nps.append(self.pick(c.np))
            else:
                adj = self.pick(c.adj)
                if adj.startswith("with "):  # "with a 7 mm slot" is a noun phrase in disguise
                    nps.append(adj[5:])
                else:
                    adjs.append(adj)
        head = lead + noun
        structure = self.rng.random()
        if not adjs and not nps:
            body = with_article_maybe(self, head)
        elif structure < 0.40:
            body = with_article_maybe(self, head)
            if adjs:
                # "a knob 35 mm across" as often as "a knob, 35 mm across"
                sep = " " if adjs[0][0].isdigit() and self.chance(0.5) else ", "
                body += sep + join_list(self, adjs)
            if nps:
                body += (", with " if adjs else " with ") + join_list(self, nps)
        elif structure < 0.55:
            body = with_article_maybe(self, head)
            if nps:
                body += " with " + join_list(self, nps)
            if adjs:
                body += ", " + join_list(self, adjs)
        elif structure < 0.68:
            parts = adjs + [("with " if self.chance(0.5) else "") + n for n in nps]
            body = with_article_maybe(self, head) + ": " + ", ".join(parts)
        elif structure < 0.82:
            body = with_article_maybe(self, head) + "."
            if adjs:
                verb = self.pick(["It should be", "It's", "Make it", "It is", "Should be",
                                  "Size:"])
                body += f" {verb} {join_list(self, adjs)}."
            if nps:
                verb = self.pick(["It needs", "Give it", "Add", "Include", "It has",
                                  "With", "Put in"])
                body += f" {verb} {join_list(self, nps)}."
            body = body.rstrip(".")
        elif structure < 0.92 and adjs:
            body = with_article_maybe(self, head) + self.pick([" that is ", " which is ",
                                                                " that's "]) + join_list(
                self, adjs)
            if nps:
                body += " and has " + join_list(self, nps)
        else:
            # terse list: "a bushing, 12 mm OD, 5.5 mm bore, 9 mm long"
            if self.chance(0.5):
                nps = [re.sub(r"^an? (?=\d|M\d)", "", n) for n in nps]
            parts = adjs + nps
            body = with_article_maybe(self, head) + ", " + ", ".join(parts)
        return self.frame(body)

    def frame(self, body: str) -> str:
        """Opener, closer and casing around a finished noun phrase."""
        opener = self.weighted(OPENERS)
        closer = self.weighted(CLOSERS)
        if opener.lower().startswith(QUESTION_OPENERS) and self.chance(0.6):
            closer = "?"
        if "openscad" in opener.lower() and "OpenSCAD" in closer:
            closer = ""
        if "." in body and closer in ("", " please", " thanks", ", printable"):
            closer = "."
        text = opener + body + closer
        text = fix_articles(text)
        style = self.rng.random()
        if style < 0.45:
            text = text[0].upper() + text[1:]
        elif style < 0.53:
            text = text.lower()  # people type "m3 holes" too
        if self.chance(0.03):
            text = self.typo(text)
        return text

    def typo(self, text: str) -> str:
        """Drop or double one letter of a longer word (never touches numbers)."""
        words = [m for m in re.finditer(r"[A-Za-z]{6,}", text)]
        if not words:
            return text
        m = self.rng.choice(words)
        i = m.start() + self.rng.randint(1, len(m.group(0)) - 2)
        if self.chance(0.5):
            return text[:i] + text[i + 1:]
        return text[:i] + text[i] + text[i:]


def with_article_maybe(w: Words, phrase: str) -> str:
    """Usually 'a ...', sometimes the bare phrase ('hinge with four M2 holes')."""
    if w.chance(0.18):
        return phrase
    return with_article(phrase)


def join_list(w: Words, items: Sequence[str]) -> str:
    items = list(items)
    if len(items) == 1:
        return items[0]
    conj = w.pick([" and ", ", and ", " and ", " & "]) if len(items) > 2 else w.pick(
        [" and ", " and ", ", ", " & "])
    if conj == ", and " and len(items) == 2:
        conj = " and "
    return ", ".join(items[:-1]) + conj + items[-1]


_ART_RE = re.compile(r"\b([Aa]n?) ([^\s]+)")


def fix_articles(text: str) -> str:
    """Make every 'a'/'an' agree with the word after it (templates can't know it)."""

    def repl(m: re.Match[str]) -> str:
        art, word = m.group(1), m.group(2)
        if art.lower() not in ("a", "an"):
            return m.group(0)
        if word.lower() in ("pair", "couple", "single", "few"):
            return f"{art[0]} {word}"
        proper = article(word)
        if art[0].isupper():
            proper = proper.capitalize()
        return f"{proper} {word}"

    return _ART_RE.sub(repl, text)
