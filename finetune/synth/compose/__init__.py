"""The compositional generator: parts assembled from operations a machinist names.

A base (plate, block, disc, open shell, extruded profile, revolved section, torus or arc,
loft) carries operations (hole patterns through, blind, counterbored or countersunk; slots;
pockets; bosses; ribs; cross holes; fillets and chamfers). sample.py draws one that fits,
part.py writes its program, describe.py says it three ways, measure.py computes its spec
from the compiled mesh. `compose_record` makes one training record of it.

Three records share a part (one per description style), so one compile serves three: see
finetune/synth/generate.py.
"""

from __future__ import annotations

from random import Random
from typing import Any

from finetune.synth.compose.describe import STYLES, describe
from finetune.synth.compose.measure import measure
from finetune.synth.compose.part import Composition
from finetune.synth.compose.sample import sample
from finetune.synth.records import assistant, record, user
from finetune.synth.words import Words

__all__ = ["STYLES", "Composition", "compose_record", "describe", "measure", "sample"]


def compose_record(part_rng: Random, words_rng: Random, style: str,
                   rec_id: str) -> dict[str, Any]:
    """A create record: the part drawn from `part_rng`, described in `style` with words
    drawn from `words_rng`. ValueError when the part does not compile to a closed mesh."""
    part = sample(part_rng)
    program = part.program()
    spec, _ = measure(program, tuple(part.holes()), part.noun)
    prompt = describe(part, Words(words_rng), style)
    rec = record(rec_id, f"compose_{part.base.kind}", "create",
                 [user(prompt), assistant(program)], dict(spec))
    rec["style"] = style
    return rec
