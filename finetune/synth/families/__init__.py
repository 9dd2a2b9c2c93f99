"""The registry of part families, by name (the order is the order of reports)."""

from __future__ import annotations

from finetune.synth.families.basic import Block, Cylinder, Sphere
from finetune.synth.families.boxes import Enclosure, OpenBox
from finetune.synth.families.brackets import LBracket, ShelfBracket
from finetune.synth.families.desk import PartsTray, PencilCup, SpoolHolder
from finetune.synth.families.fittings import EndCap, Handle, HingeLeaf, PipeAdapter, Spool
from finetune.synth.families.flat import Bar, Plate
from finetune.synth.families.flat_makers import CornerBrace, Sign, Tag, TBracket
from finetune.synth.families.makers import CableComb, Clip, PhoneStand, WallHook
from finetune.synth.families.mech import Flange, Gear, Knob, Pulley
from finetune.synth.families.mounts import CableClip, FanGrill, StandoffGrid
from finetune.synth.families.round import HexNut, Ring, Spacer, Standoff, Tube, Washer
from finetune.synth.families.shapes import (
    Cone,
    Cup,
    Dome,
    Funnel,
    HexPrism,
    Prism,
    Pyramid,
    Torus,
    Wedge,
)
from finetune.synth.family import Family

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Block(), Cylinder(), Sphere(), Plate(), Bar(), LBracket(), ShelfBracket(), Spacer(),
        Standoff(), Washer(), HexNut(), Tube(), Ring(), OpenBox(), Enclosure(),
        Prism(), Wedge(), Cone(), Funnel(), Dome(), Cup(), Torus(), Pyramid(), HexPrism(),
        Gear(), Pulley(), Flange(), Knob(), PipeAdapter(), HingeLeaf(), Spool(),
        WallHook(), Clip(), CableComb(), PhoneStand(), Sign(), Tag(), TBracket(), CornerBrace(),
        Handle(), EndCap(), FanGrill(), StandoffGrid(), CableClip(), PencilCup(), PartsTray(),
        SpoolHolder(),
    )
}


def get_family(name: str) -> Family:
    from tools.errors import ScadAgentError

    try:
        return FAMILIES[name]
    except KeyError:
        known = ", ".join(FAMILIES)
        raise ScadAgentError(f"unknown part family {name!r}; known: {known}") from None
