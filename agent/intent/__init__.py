"""What a request asks for, as checks: every stated quantity becomes a check or a named
"not checked" note, and "part OK" means every check passed.

    read_request("a 60 x 40 x 5 mm plate with four M3 holes 6 mm from the edges")
    -> spec      {"watertight": true, "bodies": 1, "size": [[58.5, 61.5], ...],
                  "genus": 4, "holes": [{"d": [2.85, 3.85], "what": "M3 holes"}],
                  "kind": {"asked": "plate", "kind": "plate"}}
       unchecked ["'6 mm from' (position of the holes)"]

The text is read as a part, then turned into checks for a new part (create) or for an edit
of the current one (edit). Conservative on purpose: a wrong expectation makes the agent
"repair" a correct part, so anything ambiguous ("60 mm across" on a hexagon, holes "on each
side") is reported as not checked, never guessed.

    reading    words (tokens, numbers, units) -> mentions, quantities -> parse (links them:
               which feature each size belongs to, coreference); lexicon holds the word lists
    new part   create (the whole draft) <- size, body, bracket (extents), holes, fits
               (holes and openings), profiles (round features); draft holds the ranges,
               vocab the word lists
    follow-up  edit <- edit_axes (which axes change and how), edit_holes (hole edits),
               edit_features (sizes of a named feature: "make the post 50 mm tall")
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.intent import create, edit
from agent.intent.draft import BIG
from agent.intent.parse import read
from agent.intent.words import normalize
from tools.mesh import MeshReport

# Function words of languages people may type in; an English request has few of these.
_FOREIGN: dict[str, frozenset[str]] = {
    "German": frozenset({"ein", "eine", "einen", "einem", "mit", "und", "der", "die", "das",
                         "zwei", "drei", "vier", "löchern", "loch", "löcher", "breit", "hoch",
                         "dick", "lang", "würfel", "platte", "kantenlänge", "durchmesser",
                         "bitte", "mache", "erstelle", "für", "ist", "von", "mir"}),
    "French": frozenset({"un", "une", "avec", "et", "de", "des", "le", "la", "les", "trous",
                         "trou", "cube", "plaque", "épaisseur", "diamètre", "pour", "fais",
                         "moi", "deux", "quatre", "côté", "largeur", "hauteur"}),
    "Spanish": frozenset({"un", "una", "con", "y", "de", "los", "las", "el", "agujeros",
                          "agujero", "placa", "cubo", "diámetro", "para", "hazme", "dos",
                          "cuatro", "lado", "ancho", "alto", "grosor"}),
}
_ENGLISH = frozenset({"a", "an", "the", "with", "and", "of", "for", "make", "me", "it",
                      "holes", "hole", "plate", "cube", "box", "mm", "thick", "wide", "long",
                      "tall", "in", "on", "to", "please", "two", "four", "diameter", "is",
                      "that", "this", "each", "by", "x"})


@dataclass
class Expectations:
    spec: dict[str, Any]  # check keys (tools.spec)
    unchecked: list[str] = field(default_factory=list)  # what was stated but is not checked
    language: str = "English"  # the language the request seems to be written in
    kind: str | None = None  # the kind of part asked for (tools.kinds), when known
    # a follow-up's checks that only keep the part before ("genus", "x", "y", "z")
    kept: frozenset[str] = frozenset()
    shift: dict[str, int] = field(default_factory=dict)  # a count it moves ("two more holes")

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec, "unchecked": list(self.unchecked),
                "language": self.language, "kind": self.kind}


def language_of(text: str) -> str:
    """"English", or the name of another language when its function words clearly win."""
    words = re.findall(r"[a-zäöüßéèêàçñíóú]+", text.lower())
    if len(words) < 2:
        return "English"
    english = sum(w in _ENGLISH for w in words)
    best, hits = "English", 0
    for name, vocabulary in _FOREIGN.items():
        score = sum(w in vocabulary and w not in _ENGLISH for w in words)
        if score > hits:
            best, hits = name, score
    return best if hits >= 2 and hits > english else "English"


def read_request(text: str, previous: MeshReport | None = None, *, follow_up: bool = False,
                 previous_program: str | None = None) -> Expectations:
    """The checks for `text`: a new part, or (follow_up) an edit of the part whose mesh
    report is `previous` and whose program is `previous_program`."""
    reading = read(text, unnamed=not follow_up)
    language = language_of(text)
    if follow_up:
        draft = edit.expectations(reading, text, previous, previous_program)
    else:
        draft = create.expectations(reading, text)
    kind = (draft.spec.get("kind") or {}).get("kind")
    if language != "English":
        draft.skip("what the request says", f"it looks like {language}; only English is read")
    return Expectations(draft.spec, draft.unchecked, language, kind, frozenset(draft.kept),
                        dict(draft.shift))


def infer_spec(text: str, previous: MeshReport | None = None, *, follow_up: bool = False,
               previous_program: str | None = None) -> dict:
    """Only the checks of read_request (the eval-format spec, extended by tools.spec)."""
    return read_request(text, previous, follow_up=follow_up,
                        previous_program=previous_program).spec


SIZE_KEYS = ("size", "size_xyz", "dims")


def merge_specs(inferred: dict, explicit: dict | None) -> dict:
    """An explicit spec (from an eval or the user) wins over the inferred one: key by key,
    and an explicit size or hole count also replaces what the inferred keys say of them."""
    explicit = explicit or {}
    merged = dict(inferred)
    if set(SIZE_KEYS) & set(explicit):
        for key in SIZE_KEYS:
            merged.pop(key, None)
    if "genus" in explicit and "holes" in merged:
        merged["holes"] = [{k: v for k, v in h.items() if k != "count"}
                           for h in merged["holes"]]
    merged.update(explicit)
    return merged


__all__ = ["BIG", "Expectations", "infer_spec", "language_of", "merge_specs", "normalize",
           "read_request"]
