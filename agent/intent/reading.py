"""What the reader finds in a request: quantities ("60 mm long"), mentions of the part
and its features ("four M3 holes"), and the Reading that holds them, sentence by sentence."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.intent.words import Sentence


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
    inside: bool = False  # "inside has to be 70 x 55": a cavity's size, not the part's


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
    screw_count: int | None = None  # "4x M3 mounting plate": how many screws it takes
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
