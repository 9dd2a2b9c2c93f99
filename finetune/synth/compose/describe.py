"""A composed part described three ways, as people write them:

- "sentence": one request ("A 60 x 40 x 5 mm mounting plate with four M3 clearance holes,
  one in each corner, ...");
- "list": a name and a list of dimensions, one feature a line;
- "steps": what the part is for, then numbered instructions with axis hints ("60 mm
  long (X)") and positions ("6 mm from the short side", "at 12 o'clock").

Every style states every number of the part (Composition.facts), each in a unit its
author might use.
"""

from __future__ import annotations

from finetune.synth.compose.part import Composition
from finetune.synth.words import Words, join_list, with_article

STYLES = ("sentence", "list", "steps")


def sentence(c: Composition, w: Words) -> str:
    f = c.base.frame()
    phrases = c.base.extras(w) + [op.phrase(w, f) for op in c.ops]
    text = c.base.head(w)
    if c.purpose and w.chance(0.5):
        text += f", {c.purpose},"
    if phrases:
        text += " with " + join_list(w, phrases)
    return w.frame(text.rstrip(","))


def listing(c: Composition, w: Words) -> str:
    f = c.base.frame()
    name = c.noun[0].upper() + c.noun[1:]
    header = w.pick([f"{name}", f"Part: {name.lower()}", f"{with_article(c.noun)}, to these "
                     "dimensions:", f"Please model {with_article(c.noun)}."])
    if c.purpose:
        header = w.pick([f"{header} ({c.purpose})", f"{header}\nPurpose: {c.purpose}."])
    bullet = w.pick(["- ", "* ", "• "])
    items = c.base.items(w) + [op.item(w, f) for op in c.ops]
    return "\n".join([header] + [bullet + item for item in items])


def steps(c: Composition, w: Words) -> str:
    f = c.base.frame()
    intro = w.pick([f"This is {with_article(c.noun)}", f"Model {with_article(c.noun)}",
                    f"I need {with_article(c.noun)}"])
    intro += f" {c.purpose}." if c.purpose else "."
    lines = c.base.steps(w) + [op.step(w, f) for op in c.ops]
    numbered = w.pick(["{n}. {s}", "Step {n}: {s}", "{n}) {s}"])
    sep = w.pick(["\n", " ", "\n"])
    body = sep.join(numbered.format(n=k + 1, s=s) for k, s in enumerate(lines))
    return f"{intro}{sep}{body}"


def describe(c: Composition, w: Words, style: str) -> str:
    return {"sentence": sentence, "list": listing, "steps": steps}[style](c, w)
