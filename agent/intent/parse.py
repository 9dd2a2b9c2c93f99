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

import difflib
import re
from dataclasses import dataclass, field

from agent.intent.words import ORDINALS, Sentence, Token, count_word, quote, sentences
from tools.kinds import KINDS

HOLE_NOUNS = frozenset({"hole", "holes", "throughhole", "throughholes", "bore", "bores",
                        "borehole", "boreholes"})
CUT_NOUNS = frozenset({
    "slot", "slots", "pocket", "pockets", "recess", "recesses", "groove", "grooves", "notch",
    "notches", "cutout", "cutouts", "window", "windows", "keyway", "keyways", "flute",
    "flutes", "chamfer", "chamfers", "fillet", "fillets", "countersink", "counterbore",
    "counterbores", "socket", "sockets", "cavity", "vent", "vents", "perforation",
    "perforations", "engraving", "compartment", "compartments", "divider", "dividers",
    "cut", "opening", "openings", "trap",
})
ADD_NOUNS = frozenset({
    "boss", "bosses", "hub", "hubs", "flange", "flanges", "lip", "lips", "rim", "tab", "tabs",
    "ear", "ears", "leg", "legs", "foot", "feet", "peg", "pegs", "post", "posts", "spout",
    "handle", "handles", "knob", "rib", "ribs", "fin", "fins", "gusset", "gussets", "cheek",
    "cheeks", "arm", "arms", "stem", "spigot", "journal", "shoulder", "riser",
    "strap", "text", "lettering", "letters", "logo", "knuckle", "knuckles", "spoke", "spokes",
    "collar", "skirt", "leaf", "leaves", "section", "sections", "core", "strip", "strips",
    "standoff", "standoffs", "pin", "pins", "hook", "lid", "ring", "shaft", "cone",
    "teeth", "tooth", "thread", "threads", "lever", "plate", "disc", "disk", "bar", "ridges",
    "ridge",
    "cylinder", "block", "tube", "pipe", "sleeve", "clip",
})
# feature nouns that can also be the whole part when a request opens with them
HEAD_FEATURES = frozenset({"hub", "boss", "foot", "feet", "leg", "arm", "lever", "shaft",
                           "handle", "knob", "peg", "post", "pin", "bar"})
# surfaces and parts of a shell: they name where things are, not something that sticks out
SURFACES = frozenset({"face", "faces", "top", "bottom", "wall", "walls", "floor", "side",
                      "sides", "edge", "edges", "end", "ends",
                      "underside", "corner", "corners", "centre", "center", "middle"})
# a noun after these is something the part fits, not a piece of it ("for a 6 mm shaft")
MATE_WORDS = frozenset({"for", "fits", "fit", "fitting", "takes", "holds", "hold", "clears",
                        "accepts", "carries", "carry", "receives", "grips", "clamps", "onto",
                        "over", "on", "pack", "mount", "mounts", "mounting", "attach",
                        "attaches", "support", "supports", "raise", "raises", "fix", "fixes",
                        "fasten", "fastens", "clamp", "seal", "seals", "guide", "guides",
                        "locate", "locates", "drive", "drives", "closes", "close", "cover",
                        "covers", "protect", "protects", "hang", "hangs", "organize",
                        "organise", "store", "stores", "tidy", "route", "routes", "into",
                        "around", "holding", "against", "inside"})
# after a singular hole noun these make it a measure, not a hole ("a 96 mm hole spacing")
HOLE_MODIFIERS = frozenset({"spacing", "pattern", "pitch", "centers", "centres", "distance",
                            "positions", "position", "circle", "strip", "size", "sizes",
                            "diameter", "diameters", "depth", "radius"})
REF_NOUNS = frozenset({"part", "piece", "body", "object", "thing", "item", "model", "it",
                       "base"})
DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "each", "both", "every",
                      "all", "either"})
# words that may sit between a count (or a size) and its noun
MODIFIERS = frozenset({
    "small", "large", "big", "round", "square", "rectangular", "hex", "hexagonal", "circular",
    "through", "blind", "mounting", "mount", "screw", "bolt", "fixing", "clearance",
    "countersunk", "counterbored", "tapped", "threaded", "pilot", "dowel", "drain", "vent",
    "ventilation", "cable", "shaft", "center", "centre", "central", "corner", "side", "radial",
    "axial", "cross", "locating", "evenly", "equally", "spaced", "identical", "more", "extra",
    "additional", "new", "diameter", "wide", "long", "deep", "tall", "high", "thick",
    "cylindrical", "triangular", "straight", "flat", "solid", "hollow", "open", "plain",
    "simple", "thin", "raised", "sealing", "grip", "half", "semicircular", "hold", "down",
    "pivot", "key", "ring", "base", "top", "bottom", "inner", "outer", "main", "little",
    "tiny", "mm", "x", "nut", "m", "insert", "keyhole", "spur", "fan", "wall", "back",
    "front", "cover", "end", "pipe", "bearing", "rubber", "steel", "aluminium", "aluminum",
    "wooden", "metal", "plastic", "printed", "l", "u", "c", "t", "rounded", "chamfered",
    "tapered", "stepped", "slotted", "elongated", "oval", "snap", "angled", "vertical",
    "horizontal", "upright", "support", "parallel", "outside", "inside", "separate", "keyed",
    "drainage", "core", "band", "v", "d", "y",
})
STOP = frozenset({"with", "and", "or", "of", "in", "on", "at", "for", "to", "from", "by",
                  "is", "are", "has", "have", "that", "which", "a", "an", ",", ".", ":", ";",
                  "(", ")", "-", "plus", "then", "into", "through", "per", "each", "along"})

# role words right after a number ("5 mm thick") and right before it ("thickness 5 mm")
ROLE_AFTER: dict[str, str] = {
    "long": "length", "length": "length", "wide": "width", "width": "width", "broad": "width",
    "tall": "height", "high": "height", "height": "height", "thick": "thick",
    "thickness": "thick", "deep": "depth", "depth": "depth", "diameter": "diameter",
    "across": "across", "radius": "radius", "od": "od", "id": "id", "wall": "wall",
    "walls": "wall", "square": "side", "cube": "cube_side", "proud": "position",
    "af": "flats", "apart": "position", "from": "position", "away": "position",
    "above": "position",
    "below": "position", "off": "position", "pitch": "position", "spacing": "position",
    "centres": "position", "centers": "position", "centre": "position",
    "center": "position", "offset": "position", "inset": "position", "up": "position",
    "in": "position", "degrees": "angle", "degree": "angle", "deg": "angle",
    "pcd": "position", "circle": "position", "outside": "od", "inside": "id", "outer": "od",
    "inner": "id", "bore": "bore", "hole": "hole_size", "holes": "hole_size",
}
ROLE_BEFORE: dict[str, str] = {
    "length": "length", "long": "length", "width": "width", "wide": "width",
    "height": "height", "tall": "height", "thickness": "thick", "thick": "thick",
    "depth": "depth", "deep": "depth", "diameter": "diameter", "radius": "radius",
    "od": "od", "id": "id", "wall": "wall", "walls": "wall", "side": "side", "sides": "side",
    "edge": "side", "edges": "side", "across": "across", "bore": "bore", "hole": "hole_size",
    "pitch": "position", "spacing": "position", "offset": "position", "inset": "position",
    "circle": "position", "pcd": "position", "by": "position", "at": "position",
    "apart": "position", "bored": "bore", "core": "core",
}
FILLERS = frozenset({"of", "is", "=", ":", "about", "approximately", "approx", "around",
                     "roughly", "exactly", "be", "should", "must", "to", "measures", "measuring",
                     "~", "total", "overall", "a", "an", "with", "it", "its", "the", "outer",
                     "outside", "inner", "inside", "max", "maximum", "minimum",
                     "min", "mm", "only", "just", "set", "has", "have", "measure", "comes",
                     "come", "therefore", "thus", "so", "equals", "equal", "works", "out",
                     "gives", "giving", "making", "makes", "becomes", "are", "was"})
RISE_WORDS = frozenset({"projects", "protrudes", "protruding", "sticks", "sticking", "extends",
                        "extending", "rises", "rising", "hangs", "hanging", "stands", "standing",
                        "drops", "reaches"})
ABOUT = frozenset({"about", "approximately", "approx", "around", "roughly", "~", "ish",
                   "maybe", "ca"})
AXIS_WORDS = {"x": "x", "y": "y", "z": "z"}
PLACES = {"top": "top", "upper": "top", "above": "top", "bottom": "bottom", "underside":
          "bottom", "below": "bottom", "under": "bottom", "end": "end", "ends": "end",
          "side": "side", "sides": "side", "corner": "corner", "corners": "corner",
          "centre": "center", "center": "center", "middle": "center"}


@dataclass
class Quantity:
    role: str  # see module docstring; "pair"/"triple" for A x B (x C)
    values: tuple[float, ...]  # millimetres (degrees for angle)
    axes: tuple[str | None, ...]  # an axis hint per value ("72 mm long (X)")
    text: str  # the words, for reports
    sentence: int
    pos: int  # token index of the (first) number
    about: bool = False  # "about 90 mm": a looser tolerance
    overall: bool = False  # "overall", "total": the whole part, whatever its features
    bare: bool = False  # a number without a unit
    used: bool = False  # turned into a check (create/edit mark it)


@dataclass
class Mention:
    noun: str
    role: str  # "base" | "hole" | "cut" | "add" | "ref"
    kind: str | None  # tools.kinds kind for part nouns
    sentence: int
    pos: int
    phrase: str  # the noun phrase, for reports ("two 5 mm throughholes")
    count: int | None = None  # stated count; None: not stated
    unclear: str | None = None  # why the count cannot be read (a "not checked" note)
    definite: bool = False
    negated: bool = False
    relative: bool = False  # "another", "two more", "add ..."
    words: set[str] = field(default_factory=set)  # modifiers and clause words around it
    sizes: list[Quantity] = field(default_factory=list)
    refers: Mention | None = None  # an earlier mention this one is (coreference)
    screw: float | None = None  # "M3" -> 3.0
    ordinal: int | None = None  # "a third hole"
    axis: str | None = None  # "a bore runs through the boss along Y"
    shape: str | None = None  # the main body's form when another noun names it ("a disc")
    phrase_has_size: bool = False  # "a 5 mm hole", "an M3 hole": sized in its own phrase

    @property
    def plural(self) -> bool:
        return self.noun.endswith("s") and self.noun not in ("boss", "chamfers")

    def root(self) -> Mention:
        mention = self
        while mention.refers is not None:
            mention = mention.refers
        return mention


@dataclass
class Reading:
    sentences: list[Sentence]
    mentions: list[Mention]
    quantities: list[Quantity]
    base: Mention | None

    def features(self, role: str) -> list[Mention]:
        """Distinct features of a role (mentions that do not refer back to another)."""
        return [m for m in self.mentions if m.role == role and m.refers is None]

    def words(self) -> set[str]:
        return {t.text for s in self.sentences for t in s.tokens if t.kind == "word"}


_KIND_NAMES: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(name.split()), kind) for kind, names in KINDS.items() for name in names),
    key=lambda pair: -len(pair[0]),
)


_SINGLE_KIND: dict[str, str] = {name: kind for kind, names in KINDS.items() for name in names
                                if " " not in name}
_SINGLE_NAMES = sorted(_SINGLE_KIND)
# English words a kind name could be mistaken for by a typo-tolerant match
_KNOWN_WORDS = frozenset({"holes", "thick", "threads", "center", "centre", "corner", "corners",
                          "sides", "slots", "round", "block", "plates", "places", "spaced",
                          "screws", "rounded", "wider", "length", "height", "please", "inside",
                          "outside", "across", "shelf", "print", "printed", "stands", "standing",
                          "handles", "holder", "holders", "hooks", "rings", "boxes", "bolts",
                          "tubes", "pipes", "plate", "cubes", "cones", "clips", "pulls",
                          "cable", "cables", "panels", "other", "lower", "upper", "steps",
                          "tapered", "taper", "hexagon", "sphere", "spheres", "point",
                          "points", "legs", "table", "wheels", "posts", "sheet", "sheets",
                          "about", "total", "those", "these", "there", "their", "where",
                          "which", "under", "above", "below", "along", "ridges", "grips"})


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _kind_at(tokens: tuple[Token, ...], k: int) -> tuple[str, int] | None:
    """(kind, first token of its name) when a part-kind name ends at token k."""
    for words, kind in _KIND_NAMES:
        n = len(words)
        if k - n + 1 < 0:
            continue
        span = tokens[k - n + 1 : k + 1]
        texts = [t.text for t in span]
        if all(t.kind == "word" for t in span) and (
            texts[:-1] == list(words[:-1]) and _singular(texts[-1]) == words[-1]
        ):
            return kind, k - n + 1
    return None


def _mention_role(noun: str, kind: str | None) -> str:
    if noun in HOLE_NOUNS:
        return "hole"
    if noun in SURFACES and kind is None:
        return "surface"
    if noun in CUT_NOUNS:
        return "cut"
    if noun in REF_NOUNS:
        return "ref"
    if kind is not None:
        return "base"
    if noun in ADD_NOUNS:
        return "add"
    return ""


def _find_mentions(sentence: Sentence) -> list[Mention]:
    toks = sentence.tokens
    found: list[Mention] = []
    k = 0
    while k < len(toks):
        tok = toks[k]
        if tok.kind != "word":
            k += 1
            continue
        # a part-kind name may span words ("fan grill"); the longest one ending at the last
        # noun wins, so look ahead for multi-word names first
        best: tuple[str, int, int] | None = None
        for end in range(min(len(toks) - 1, k + 2), k - 1, -1):
            hit = _kind_at(toks, end)
            if hit is not None and hit[1] == k:
                best = (hit[0], k, end)
                break
        if best is None and len(tok.text) >= 5 and tok.text not in _KNOWN_WORDS:
            close = difflib.get_close_matches(tok.text, _SINGLE_NAMES, n=1, cutoff=0.86)
            if close:
                best = (_SINGLE_KIND[close[0]], k, k)
        if best is not None and k > 0 and toks[k - 1].text in ("that", "which", "to", "it",
                                                                "who", "and"):
            if toks[k - 1].text != "and" or toks[best[2]].text.endswith("s"):
                best = None  # a verb: "a retainer that clamps the race"
                k += 1
                continue
        while best is not None and best[2] + 1 < len(toks):
            # a compound's last noun is its head: "adapter plate", "pipe saddle clamp"
            nxt = None
            for end in range(min(len(toks) - 1, best[2] + 3), best[2], -1):
                hit = _kind_at(toks, end)
                if hit is not None and hit[1] == best[2] + 1:
                    nxt = (hit[0], best[1], end)
                    break
            if nxt is None:
                break
            best = nxt
        after_plural = k > 0 and toks[k - 1].kind == "word" and toks[k - 1].text.endswith("s") \
            and toks[k - 1].text in ADD_NOUNS | CUT_NOUNS | HOLE_NOUNS
        if best is not None and (toks[best[2]].text.endswith("s") or after_plural) and \
                best[2] + 1 < len(toks) and \
                toks[best[2] + 1].text in ("on", "onto", "over", "into", "around", "up", "down",
                                           "out", "in", "to", "from", "at", "the", "a", "an"):
            k = best[2] + 1
            continue  # "stands on top", "clamps onto the desk", "hooks over": a verb
        if best is not None and best[2] + 1 < len(toks) and (
                toks[best[2] + 1].text in HOLE_NOUNS | CUT_NOUNS):
            k = best[2] + 1
            continue  # "a 5 mm ring hole", "dowel holes": the hole is the thing
        if best is not None:
            kind, first, last = best
            noun = toks[last].text
            role = "cut" if noun in ("trap", "traps") else _mention_role(noun, kind)
            found.append(Mention(noun, role, kind if role in ("base", "add") else kind,
                                 sentence.index, last, quote(sentence, first, last)))
            k = last + 1
            continue
        role = _mention_role(tok.text, None)
        nxt = toks[k + 1].text if k + 1 < len(toks) else ""
        if tok.text in ("section", "sections", "length", "piece") and k > 0 and \
                _kind_at(toks, k - 1) is not None:
            k += 1
            continue  # "a pipe section": the pipe itself
        verb_next = k + 2 < len(toks) and toks[k + 2].text in ("on", "onto", "over", "into",
                                                               "around", "up", "down", "out",
                                                               "from", "at")
        if role in ("add", "cut") and k + 1 < len(toks) and not verb_next and (
                _kind_at(toks, k + 1) is not None or nxt in HOLE_NOUNS):
            k += 1
            continue  # "foot plate", "tab hole": the next noun is the thing
        if role == "hole" and not tok.text.endswith("s") and nxt in HOLE_MODIFIERS:
            role = ""  # "hole spacing", "hole pattern": a measure of holes named elsewhere
        if tok.text in ("face", "faces") and k > 0 and toks[k - 1].text in ("raised", "sealing"):
            role = "add"
        if role and not (tok.text == "it" and k + 1 < len(toks) and toks[k + 1].text == "s"):
            found.append(Mention(tok.text, role, None, sentence.index, k,
                                 quote(sentence, k, k)))
        k += 1
    return found


MATE_NOUNS = frozenset({
    "shaft", "rod", "axle", "bearing", "cable", "cables", "wire", "screw", "screws", "bolt",
    "bolts", "pipe", "tube", "hose", "dowel", "magnet", "magnets", "pen", "pencil", "phone",
    "board", "pcb", "desktop", "desk", "bit", "bits", "card", "cards", "nut", "insert",
    "spool", "bottle", "jar", "fan", "motor", "finger", "pin", "ring", "key", "keys", "shelf",
    "wall", "stud", "rail", "battery", "batteries", "led", "sensor", "post", "tap",
    "wheel", "frame", "chassis", "housing", "conveyor", "door", "cabinet", "drawer", "mouth",
    "shafts", "rods", "dowels", "pipes", "tubes", "hoses", "pins", "stepper", "screwdrivers",
    "headphones", "spools", "filament", "table", "bed", "gearbox", "race",
})


def _mark_mates(sentence: Sentence, found: list[Mention]) -> list[Mention]:
    """Nouns the part fits or holds ("for a 6 mm shaft", "fits a 22 mm bearing") become
    "mate" mentions: their sizes describe a bore or an opening, not a piece of the part."""
    toks = sentence.tokens
    positions = {m.pos for m in found}
    head = found[0] if sentence.index == 0 and found else None
    for k, tok in enumerate(toks):
        if tok.kind == "word" and tok.text in MATE_NOUNS and k not in positions:
            found.append(Mention(tok.text, "", None, sentence.index, k, quote(sentence, k, k)))
    found.sort(key=lambda m: m.pos)
    kept = []
    for m in found:
        j = _first_word_of(m, toks) - 1
        steps = 0
        free = 0
        while j >= 0 and steps < 6:
            t = toks[j]
            if t.kind in ("len", "num", "screw") or t.text in (
                    "a", "an", "the", "(", ")", "standard", "m", "its", "their", "out", "up",
                    "off", "down") or \
                    t.text in MODIFIERS:
                pass
            elif t.kind == "word" and free < 1 and (m.noun in MATE_NOUNS or m.kind or
                                                    m.role in ("hole", "cut")) and \
                    t.text not in MATE_WORDS and t.text not in STOP:
                free += 1
            else:
                break
            j -= 1
            steps += 1
        hole_fit = m.role in ("hole", "cut") and toks[j].text in ("for", "fits", "fit") \
            if j >= 0 else False
        if j >= 0 and toks[j].text in MATE_WORDS and (m.role not in ("hole", "ref", "surface")
                                                    or hole_fit) and m is not head:
            m.role = "mate"
        owner = _first_word_of(m, toks) - 1
        while owner >= 0 and toks[owner].text in MODIFIERS:
            owner -= 1
        if owner >= 2 and toks[owner].text == "s" and toks[owner - 1].text == "'" and \
                toks[owner - 2].text in MATE_NOUNS and m.role in ("add", "base", "cut"):
            m.role = "mate"  # "the motor's pilot boss": the motor's, not the part's
        if m.role:
            kept.append(m)
    return kept


# ------------------------------------------------------------------ counts
def _count_before(toks: tuple[Token, ...], k: int, mention: Mention) -> None:
    """Read the count and the article in front of the noun at k (skipping modifiers)."""
    j = k - 1
    sizes_between = False
    while j >= 0 and k - j <= 8:
        tok = toks[j]
        word = tok.text
        if tok.kind == "len" or (tok.kind == "num" and _in_size_group(toks, j)):
            sizes_between = True
            j -= 1
            continue
        if tok.kind == "screw":
            mention.screw = tok.value
            j -= 1
            continue
        if word in ("x", "by") and j > 0 and toks[j - 1].kind == "num" and not sizes_between:
            # "4 x M3 holes" / "2 x 3 grid of holes"
            j -= 1
            continue
        if word in ("any", "all", "the") and j >= 1 and toks[j - 1].text in (
                "without", "no", "remove", "delete"):
            mention.negated = True  # "without any holes", "remove all the holes"
            return
        if word in ("no", "without", "zero") or (word == "remove" and mention.count is None) or \
                (word == "than" and j >= 1 and toks[j - 1].text == "rather") or \
                (word == "of" and j >= 1 and toks[j - 1].text == "instead"):
            mention.negated = True
            return
        if word in ("another",):
            mention.count, mention.relative = 1, True
            return
        if word in ("more", "extra", "additional"):
            mention.relative = True
            j -= 1
            continue
        if word in ORDINALS:
            mention.ordinal = ORDINALS[word]
            j -= 1
            continue
        count = count_word(tok)
        if count is not None and tok.kind == "num" and (
                (j >= 1 and toks[j - 1].text in ("diameter", "radius", "dia")) or
                (count > 1 and not mention.noun.endswith("s") and mention.noun not in (
                    "boss",))):
            # "Ø10 bore" (diameter 10), "8 bore": a size written without its unit
            sizes_between = True
            j -= 1
            continue
        if count is not None and tok.kind in ("num", "word"):
            # "2 x 3 holes" / "3 by 2 grid of holes"
            if j >= 2 and toks[j - 1].text in ("x", "by") and count_word(toks[j - 2]):
                count *= count_word(toks[j - 2]) or 1
            # "two rows of three holes", "3 sets of 2 holes"
            if j >= 3 and toks[j - 1].text == "of" and toks[j - 2].text in (
                    "rows", "row", "columns", "lines", "sets", "groups", "pairs") and \
                    count_word(toks[j - 3]):
                count *= count_word(toks[j - 3]) or 1
            mention.count = count
            if j >= 1 and toks[j - 1].text in DEFINITE:
                mention.definite = True
            return
        if word == "pair" and k > j:
            mention.count = 2
            return
        if word in ("a", "an", "single", "one"):
            mention.count = 1
            return
        if word in DEFINITE:
            mention.definite = True
            if word in ("both",):
                mention.count = 2
            return
        if word in ("ring", "circle", "row", "rows", "series", "set", "array", "pattern",
                    "grid") and toks[j + 1].text != "of":
            j -= 1
            continue  # "a 5 mm ring hole": a modifier, not "a ring of holes"
        if word in ("some", "several", "many", "few", "multiple", "couple", "various",
                    "bunch", "lots", "lot", "number", "array", "pattern", "grid", "row",
                    "rows", "ring", "circle", "series", "set"):
            if word in ("rows", "row", "grid", "array", "pattern", "ring", "circle", "set",
                        "series") and _grid_count(toks, j) is not None:
                mention.count = _grid_count(toks, j)
                return
            mention.unclear = f"'{word} {mention.noun}'"
            return
        if word == "of" and j >= 1 and toks[j - 1].text in ("pair",):
            mention.count = 2
            return
        if word == "of":
            j -= 1
            continue
        if tok.kind == "word" and (word in MODIFIERS or word in ("m",)):
            j -= 1
            continue
        if tok.kind == "num" and not sizes_between:
            # a bare number right before the noun: a count ("6 holes")
            count = count_word(tok)
            if count is not None:
                mention.count = count
                return
        if tok.kind == "punct" and word in ("(", ")", "-", "/"):
            j -= 1
            continue
        return


def _count_after(toks: tuple[Token, ...], k: int) -> int | None:
    """"holes, 5 columns by 3 rows", "bits, 2 rows of 6", "3 across and 2 down"."""
    words = [t.text for t in toks[k + 1 : k + 12]]
    text = " ".join(words)
    number = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
    m = re.search(number + r" (?:columns?|rows?|across)\b(?: \w+){0,3}? (?:by|and|x) " + number
                  + r" (?:rows?|columns?|down)\b", text) or re.search(
        number + r" rows? of " + number + r"\b", text)
    if not m:
        return None
    values = [count_word(Token(g, "num" if g.isdigit() else "word", float(g) if g.isdigit()
                               else None)) for g in m.groups()]
    return values[0] * values[1] if all(values) else None


def _in_size_group(toks: tuple[Token, ...], j: int) -> bool:
    """Is the number at j one side of "A x B" with a length on the other side (not the
    count of "4 x M3 holes")?"""
    nxt = toks[j + 2] if j + 2 < len(toks) and toks[j + 1].text in ("x", "by") else None
    prev = toks[j - 2] if j >= 2 and toks[j - 1].text in ("x", "by") else None
    return any(t is not None and t.kind in ("len", "num") for t in (nxt, prev))


def _grid_count(toks: tuple[Token, ...], j: int) -> int | None:
    """"a 5 x 3 grid of", "3 by 2 pattern of", "grid of 8 columns by 3 rows"."""
    window = [t for t in toks[max(0, j - 4) : j + 8]]
    numbers = [count_word(t) for t in window if count_word(t)]
    texts = [t.text for t in window]
    if ("x" in texts or "by" in texts) and len(numbers) >= 2:
        return numbers[0] * numbers[1]
    return None


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


def _find_quantities(sentence: Sentence) -> list[Quantity]:
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
            if before in (["on", "the"], ["on", "a"], ["on", "an"]) or before[-1:] == ["at"]:
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
        if tok.kind == "num" and (role is None or (role in ("hole_size", "size") and
                                                   "." not in tok.text)):
            k += 1
            continue  # a bare number without a role: a count, not a length
        if tok.kind == "num" and role in ("position",) and \
                toks[k + 1 : k + 2] and toks[k + 1].text in ("in",):
            k += 1
            continue
        if role is None:
            role = "size"  # "a 5 mm hole", "a 20 mm cube": the noun says what it is
        if role == "position" and k > 0 and (toks[k - 1].text in RISE_WORDS or (
                k > 1 and toks[k - 1].text == "out" and toks[k - 2].text in RISE_WORDS)):
            role = "rise"  # "hangs 8 mm below the disc": how far it reaches
        elif _position_context(toks, k, end) and role in ("size", "hole_size", None):
            role = "position" if role not in ("angle",) else role
            if k > 0 and toks[k - 1].text in RISE_WORDS or (
                    k > 1 and toks[k - 1].text == "out" and toks[k - 2].text in RISE_WORDS):
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
    return found


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


# ------------------------------------------------------------------ attachment
ACCEPTS: dict[str, frozenset[str]] = {
    "hole": frozenset({"diameter", "radius", "size", "depth", "position", "bore", "id",
                       "hole_size", "across", "side"}),
    "cut": frozenset({"length", "width", "depth", "diameter", "radius", "size", "pair",
                      "triple", "position", "angle", "thick", "height", "side", "across"}),
}


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
        if m.role == "surface" and (m.pos + 1 < len(toks) and _kind_at(toks, m.pos + 1)):
            continue  # "a 3 mm thick corner plate": corner names the plate
        if m.role == "surface" and not (
                all(t.text in ROLE_AFTER for t in toks[last + 1 : _first_word_of(m, toks)])
                and _first_word_of(m, toks) <= last + 2 and not (
                    m.pos + 1 < len(toks) and toks[m.pos + 1].text in ROLE_BEFORE)):
            continue  # "a 3 mm floor", "2 mm thick walls" -- not "54 mm bottom diameter"
        between = toks[last + 1 : _first_word_of(m, toks)]
        unknown = [t for t in between if not (
            t.text in MODIFIERS or t.text in ("(", ")", "mm", "in", "x", "y", "z", "-", "od",
                                              "id", "wide", "long", "tall", "high", "deep",
                                              "thick", "diameter", "across", "radius",
                                              "square", "outer", "inner", "outside", "inside",
                                              "flats", "corners", "sided", "side", "dia")
            or t.kind in ("len", "num", "screw"))]
        # one free word is an adjective before a thing the part fits: "a 6 mm potentiometer
        # shaft", "an 8 mm linear rod"
        allowed = 1 if m.role == "mate" and all(t.kind == "word" for t in unknown) else 0
        if last < _first_word_of(m, toks) <= last + 4 and len(unknown) <= allowed:
            m.root().sizes.append(_band(m, q))
            return
    # after the noun: the nearest mention before it that can have this role, preferring the
    # subject over a noun in a prepositional phrase ("fins stand on the base, each 1.5 mm
    # thick": the fins are 1.5 mm thick)
    before = sorted((m for m in in_sentence if m.pos < q.pos and m.role != "surface"),
                    key=lambda m: -m.pos)
    if not before and base is not None and q.role in (
            "pair", "triple", "length", "width", "height", "thick", "diameter", "od", "flats",
            "corners", "across", "side", "radius", "id", "wall"):
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
            if m.role in ("cut", "hole") and base is not None and "," in [
                    t.text for t in toks[m.pos : q.pos]] and (m.root().screw or any(
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


PREPOSITIONS = frozenset({"on", "to", "into", "onto", "from", "of", "under", "above", "below",
                          "near", "at", "in", "through", "over", "around", "inside", "between",
                          "across", "along", "against", "beside", "within", "off"})


def _after_preposition(m: Mention, toks: tuple[Token, ...]) -> bool:
    j = _first_word_of(m, toks) - 1
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


def _first_word_of(m: Mention, toks: tuple[Token, ...]) -> int:
    """Index of the first word of a (possibly multi-word) mention."""
    n = len(m.phrase.split())
    return m.pos - n + 1


# ------------------------------------------------------------------ coreference
ORDER_WORDS = frozenset({"bottom", "middle", "top", "upper", "lower", "left", "right", "first",
                         "second", "third", "next", "last", "outer", "inner", "front", "back",
                         "rear", "horizontal", "vertical", "other", "short", "long", "big",
                         "small", "large"})


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
                    _singular(e.noun) == _singular(m.noun) and
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
                       _singular(e.noun) == _singular(m.noun)]
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


PLACE_WORDS = frozenset({"corner", "corners", "centre", "center", "middle", "end", "ends", "side",
                         "top", "bottom", "edge", "each", "left", "right"})
SHAPE_KINDS = frozenset({"cylinder", "sphere", "hemisphere", "cone", "torus", "block", "cube",
                         "prism", "plate", "ring", "tube"})


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


def _size_follows(toks: tuple[Token, ...], k: int) -> bool:
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


def read(text: str) -> Reading:
    """The part a request describes, as mentions with their counts and quantities."""
    sents = sentences(text)
    mentions: list[Mention] = []
    quantities: list[Quantity] = []
    for sentence in sents:
        found = _mark_mates(sentence, _find_mentions(sentence))
        for m in found:
            _count_before(sentence.tokens, m.pos, m)
            before = sentence.tokens[max(0, m.pos - 4) : m.pos]
            m.phrase_has_size = bool(m.screw) or any(
                t.kind in ("len", "screw") or (t.kind == "num" and k > 0 and before[k - 1].text in (
                    "diameter", "radius")) for k, t in enumerate(before)) or \
                _size_follows(sentence.tokens, m.pos)
            if m.plural and (m.count is None or m.unclear) and not m.negated:
                after = _count_after(sentence.tokens, m.pos)
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
    base = next((m for m in mentions if m.role == "base"), None)
    if base is None:
        base = next((m for m in mentions if m.role == "add" and m.kind is not None), None)
        if base is not None:
            base.role = "base"
    _link(mentions, base, {s.index: s for s in sents})
    _claim_screws(sents, mentions, base)
    for sentence in sents:
        for q in _find_quantities(sentence):
            quantities.append(q)
            _attach(mentions, q, sentence, base)
    return Reading(sents, mentions, quantities, base)
