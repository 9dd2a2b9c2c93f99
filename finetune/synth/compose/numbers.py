"""Numbers as people write them in a part description, and the values behind them.

A length is sampled together with the unit its author thinks in (`Num`): most in whole or
half millimetres, some in centimetres, some in inches (3/4" is 19.05 mm, and the program
keeps all of it: "25.4 mm rounded to 25" is a misreading the data must not teach). A round
feature may be given by its diameter or its radius, a screw hole by the screw it clears
("M3 clearance" is a 3.4 mm hole). `renderings` lists every way a value may appear in a
text, so a test can check that a description states each number.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from finetune.synth.hardware import CLEARANCE
from finetune.synth.words import Words, fmt

MM_PER_INCH = 25.4
# inch sizes whose millimetre value has at most two decimals (the program writes it whole)
INCHES: dict[float, str] = {0.25: "1/4", 0.5: "1/2", 0.75: "3/4", 1.0: "1", 1.25: "1 1/4",
                            1.5: "1 1/2", 2.0: "2", 2.5: "2 1/2", 3.0: "3", 4.0: "4"}


@dataclass(frozen=True)
class Num:
    """A length in mm and the unit its author states it in ("mm", "cm" or "in")."""

    mm: float
    unit: str = "mm"

    def __float__(self) -> float:
        return self.mm


@dataclass(frozen=True)
class Bore:
    """A hole size: a plain diameter, or the clearance for a metric screw."""

    d: Num
    screw: str | None = None


def length(rng: Random, lo: float, hi: float, *, fine: bool = True) -> Num:
    """A length in lo..hi: whole mm mostly; halves, tenths, cm and inches sometimes."""
    roll = rng.random()
    inch = [i for i in INCHES if lo <= i * MM_PER_INCH <= hi]
    cm = [c for c in range(int(lo // 10) + 1, int(hi // 10) + 1) if lo <= c * 10 <= hi]
    if roll < 0.1 and inch:
        return Num(round(rng.choice(inch) * MM_PER_INCH, 2), "in")
    if roll < 0.18 and cm:
        return Num(float(rng.choice(cm) * 10), "cm")
    if roll < 0.3 and fine:
        by = rng.choice([0.5, 0.5, 0.2]) if hi <= 60 else 0.5
        return Num(round(lo + by * rng.randint(0, int((hi - lo) / by)), 2))
    return Num(float(rng.randint(int(-(-lo // 1)), int(hi))))


def bore(rng: Random, screws: tuple[str, ...] = ("M3", "M3", "M4", "M5", "M6"),
         lo: float = 2.0, hi: float = 8.0) -> Bore:
    """A screw clearance hole (60%) or a plain diameter."""
    if rng.random() < 0.6:
        screw = rng.choice(screws)
        return Bore(Num(CLEARANCE[screw]), screw)
    return Bore(length(rng, lo, hi))


def say(w: Words, n: Num) -> str:
    """'40 mm', '40mm', '4 cm', '3/4 inch', '0.75"', '1 1/2 in' ..."""
    if n.unit == "in":
        inches = n.mm / MM_PER_INCH
        name = INCHES.get(round(inches, 2), fmt(inches))
        plural = "inch" if inches <= 1 else "inches"
        forms = [f"{name} {plural}", f'{name}"', f"{name} in", f"{fmt(inches)} in"]
        return w.pick(forms)
    if n.unit == "cm":
        return f"{fmt(n.mm / 10)}{w.pick([' cm', 'cm', ' cm', ' centimetres'])}"
    return w.mm(n.mm, cm=False)


def say_round(w: Words, d: Num, *, pre: bool = True) -> str:
    """A round feature's size by its diameter or its radius: before a noun ('a Ø12 mm hole',
    'a 6 mm radius arc') or after it ('12 mm in diameter', 'radius 6 mm')."""
    if d.unit == "mm" and w.chance(0.3):
        r = w.mm(d.mm / 2, cm=False)
        return w.pick([f"{r} radius", f"R{fmt(d.mm / 2)}"] if pre else
                      [f"radius {r}", f"with a {r} radius", f"of radius {r}"])
    text = say(w, d)
    if pre:
        return w.pick([f"Ø{text}", f"{text} diameter", f"{text} dia.", text])
    return w.pick([f"{text} in diameter", f"diameter {text}", f"{text} across", f"Ø{text}"])


def say_bore(w: Words, b: Bore) -> str:
    """A hole size: 'M3 clearance', 'M4 clearance (4.5 mm)', 'Ø5 mm', 'radius 2.5 mm'."""
    if b.screw:
        return w.pick([f"{b.screw} clearance", f"{b.screw} clearance",
                       f"{b.screw} clearance ({fmt(b.d.mm)} mm)",
                       f"{fmt(b.d.mm)} mm ({b.screw} clearance)"])
    return say_round(w, b.d)


def renderings(value: float) -> set[str]:
    """The strings that state a value in some unit, as a diameter or as a radius."""
    out: set[str] = set()
    for v in (value, value / 2):
        out |= {fmt(v), fmt(v / 10)}
        inches = round(v / MM_PER_INCH, 2)
        out.add(fmt(inches))
        if inches in INCHES:
            out.add(INCHES[inches])
    out |= {screw for screw, d in CLEARANCE.items() if abs(d - value) < 1e-9}
    return out
