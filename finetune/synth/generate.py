"""Generate a synthetic data set: records.jsonl (or shards) + stats.json.

Record i is drawn from its own Random seeded with (seed, i), so the output does not depend
on the number of workers or on the order in which they finish. A share of the records
(`compose`) are compositions (finetune/synth/compose): records come in blocks of three
indices, and a block drawn as a composition holds one part described in the three styles
(sentence, dimension list, numbered steps), so that one compile measures three records.
Verification compiles the final program with the real OpenSCAD (0.1-1 s each): all
records for small runs, a fixed fraction (chosen per record from its own seed) for large
ones; records that fail verification are dropped and counted.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from finetune.synth.families import FAMILIES, get_family
from finetune.synth.patches import is_patch
from finetune.synth.records import create_record, edit_record
from finetune.synth.repair import repair_record
from finetune.synth.verify import verify_record
from tools.errors import ScadAgentError

KINDS = ("create", "edit", "repair")
DEFAULT_MIX = {"create": 0.8, "edit": 0.15, "repair": 0.05}
# above this many records, "auto" verification checks a sample instead of every record
AUTO_VERIFY_ALL_MAX = 1000
AUTO_VERIFY_FRACTION = 0.05
# share of records that are compositions (each costs a third of a compile to measure)
DEFAULT_COMPOSE = 0.1
COMPOSE = "compose"  # --families name for compositions only


@dataclass
class SynthConfig:
    n: int
    out: Path
    seed: int = 0
    families: Sequence[str] = ()  # empty = all
    kinds: Sequence[str] = KINDS
    mix: Sequence[float] = ()  # empty = DEFAULT_MIX restricted to `kinds`
    verify: str = "auto"  # "all" | "none" | "auto" | a fraction like "0.1"
    workers: int = 2
    shard_size: int = 0  # 0 = one records.jsonl; else records-00000.jsonl, ...
    # the agent sends agent.prompts.SYSTEM_PROMPT first (AgentConfig.system_prompt): train
    # with it too, unless the model will be run without one
    system: bool = True
    # share of records that are compositions when no --families are named; naming
    # "compose" among the families makes its share 1 / (number of names)
    compose: float = DEFAULT_COMPOSE

    def family_names(self) -> list[str]:
        """The families records are drawn from (without the "compose" pseudo-family)."""
        names = [n for n in self.families if n != COMPOSE] or (
            [] if self.families else list(FAMILIES))
        for name in names:
            get_family(name)  # raises a clear error for unknown names
        return names

    def compose_share(self) -> float:
        if not self.families:
            share = self.compose
        elif COMPOSE in self.families:
            share = 1 / len(self.families)
        else:
            share = 0.0
        if not 0 <= share <= 1:
            raise ScadAgentError(f"the compose share must be within 0..1; got {share}")
        return share

    def weights(self) -> list[float]:
        for kind in self.kinds:
            if kind not in KINDS:
                raise ScadAgentError(f"unknown record kind {kind!r}; known: {', '.join(KINDS)}")
        mix = list(self.mix) or [DEFAULT_MIX[k] for k in self.kinds]
        if len(mix) != len(self.kinds) or any(m < 0 for m in mix) or sum(mix) <= 0:
            raise ScadAgentError(f"--mix needs {len(self.kinds)} non-negative weights, one per "
                                 f"kind ({','.join(self.kinds)}); got {mix}")
        total = sum(mix)
        return [m / total for m in mix]

    def verify_fraction(self) -> float:
        v = self.verify.strip().lower()
        if v == "all":
            return 1.0
        if v == "none":
            return 0.0
        if v == "auto":
            return 1.0 if self.n <= AUTO_VERIFY_ALL_MAX else AUTO_VERIFY_FRACTION
        try:
            f = float(v)
        except ValueError:
            raise ScadAgentError(
                f"--verify takes all, none, auto or a fraction; got {v!r}") from None
        if not 0 <= f <= 1:
            raise ScadAgentError(f"--verify fraction must be within 0..1; got {f}")
        return f


@dataclass
class Outcome:
    index: int
    record: dict[str, Any] | None
    family: str
    kind: str
    verified: bool | None = None  # None = not checked
    reason: str = ""
    seconds: float = 0.0


@dataclass
class Stats:
    requested: int = 0
    written: int = 0
    seconds: float = 0.0
    verify_fraction: float = 0.0
    by_family: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_kind: Counter = field(default_factory=Counter)
    verified: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[dict[str, str]] = field(default_factory=list)
    breakages: Counter = field(default_factory=Counter)
    distinct_prompts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    program_chars: list[int] = field(default_factory=list)
    # follow-up replies of edit records: "patch" (changed assignments only) or "program"
    edit_replies: Counter = field(default_factory=Counter)

    def add(self, o: Outcome) -> None:
        if o.verified is not None:
            self.verified[o.family]["passed" if o.verified else "failed"] += 1
            if not o.verified and len(self.failures) < 50:
                self.failures.append({"id": str(o.record and o.record["id"]), "family": o.family,
                                      "kind": o.kind, "reason": o.reason[:300]})
        if o.record is None or o.verified is False:
            self.by_family[o.family]["dropped"] += 1
            return
        self.written += 1
        self.by_family[o.family][o.kind] += 1
        self.by_kind[o.kind] += 1
        if "breakage" in o.record:
            self.breakages[o.record["breakage"]] += 1
        first_user = next(m["content"] for m in o.record["messages"] if m["role"] == "user")
        self.distinct_prompts[o.family].add(first_user)
        final = o.record.get("program") or o.record["messages"][-1]["content"]
        self.program_chars.append(len(final))
        if o.kind == "edit":
            replies = [m["content"] for m in o.record["messages"] if m["role"] == "assistant"]
            self.edit_replies.update("patch" if is_patch(r) else "program" for r in replies[1:])
            self.edit_replies["records with a patch"] += any(map(is_patch, replies[1:]))

    def to_dict(self) -> dict[str, Any]:
        checked = sum(sum(c.values()) for c in self.verified.values())
        passed = sum(c["passed"] for c in self.verified.values())
        chars = sorted(self.program_chars) or [0]
        return {
            "requested": self.requested,
            "written": self.written,
            "seconds": round(self.seconds, 1),
            "by_kind": dict(self.by_kind),
            "by_family": {f: dict(c) for f, c in sorted(self.by_family.items())},
            "verification": {
                "fraction": self.verify_fraction,
                "checked": checked,
                "passed": passed,
                "pass_rate": round(passed / checked, 4) if checked else None,
                "by_family": {f: {**dict(c), "pass_rate": round(c["passed"] / sum(c.values()), 4)}
                              for f, c in sorted(self.verified.items())},
                "failures": self.failures,
            },
            "breakages": dict(self.breakages),
            "distinct_prompts": {f: len(s) for f, s in sorted(self.distinct_prompts.items())},
            "program_chars": {"median": chars[len(chars) // 2], "max": chars[-1]},
            "edit_replies": dict(self.edit_replies),
        }


def composed(index: int, config: SynthConfig) -> bool:
    """Is record `index` a composition? Decided per block of three indices."""
    share = config.compose_share()
    return share >= 1 or (share > 0 and Random(
        f"compose:{config.seed}:{index // 3}").random() < share)


def make_record(index: int, config: SynthConfig, names: Sequence[str],
                weights: Sequence[float]) -> tuple[dict[str, Any] | None, str, str]:
    """(record or None, family, kind) for record `index`; deterministic in (seed, index).
    ValueError when a composition does not compile (the outcome counts it)."""
    rng = Random(f"synth:{config.seed}:{index}")
    if composed(index, config) or not names:
        from finetune.synth.compose import STYLES, compose_record

        rec = compose_record(Random(f"compose-part:{config.seed}:{index // 3}"), rng,
                             STYLES[index % 3], f"compose-create-{config.seed}-{index:06d}")
        if config.system:
            from agent.prompts import system_message

            rec["messages"].insert(0, system_message())
        return rec, rec["family"], "create"
    name = names[index % len(names)] if len(names) > 1 else names[0]
    kind = rng.choices(list(config.kinds), weights=weights)[0]
    family = FAMILIES[name]
    rec_id = f"{name}-{kind}-{config.seed}-{index:06d}"
    rec: dict[str, Any] | None = None
    if kind == "edit":
        rec = edit_record(family, rng, rec_id)
    elif kind == "repair":
        rec = repair_record(family, rng, rec_id)
    if rec is None:  # no follow-up applies / no breakage was detectable: a plain part instead
        kind = "create"
        rec = create_record(family, rng, f"{name}-create-{config.seed}-{index:06d}")
    if config.system:
        from agent.prompts import system_message

        rec["messages"].insert(0, system_message())
    return rec, name, kind


def _one(args: tuple[int, SynthConfig, list[str], list[float], float]) -> Outcome:
    index, config, names, weights, fraction = args
    started = time.monotonic()
    try:
        rec, name, kind = make_record(index, config, names, weights)
    except Exception as exc:  # a sampler bug must show up in the stats, not kill the run
        name = COMPOSE if composed(index, config) or not names else names[index % len(names)]
        return Outcome(index, None, name, "?", False, f"generator error: {exc!r}")
    outcome = Outcome(index, rec, name, kind)
    if fraction >= 1 or (fraction > 0 and Random(f"verify:{config.seed}:{index}").random()
                         < fraction):
        outcome.verified, outcome.reason = verify_record(rec)
    outcome.seconds = time.monotonic() - started
    return outcome


def outcomes(config: SynthConfig) -> Iterator[Outcome]:
    """Every record's outcome, in index order."""
    names = config.family_names()
    weights = config.weights()
    fraction = config.verify_fraction()
    config.compose_share()
    jobs = ((i, config, names, weights, fraction) for i in range(config.n))
    if config.workers <= 1:
        yield from map(_one, jobs)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=config.workers) as pool:
        # chunks of whole three-record blocks: a composition is compiled once per block
        yield from pool.map(_one, jobs, chunksize=24)


class _Writer:
    """records.jsonl, or shards of shard_size records."""

    def __init__(self, out: Path, shard_size: int) -> None:
        self.out, self.shard_size = out, shard_size
        self.count = 0
        self.handle = None
        self.paths: list[Path] = []

    def write(self, rec: dict[str, Any]) -> None:
        if self.handle is None or (self.shard_size and self.count % self.shard_size == 0):
            if self.handle:
                self.handle.close()
            name = (f"records-{self.count // self.shard_size:05d}.jsonl" if self.shard_size
                    else "records.jsonl")
            path = self.out / name
            self.paths.append(path)
            self.handle = path.open("w", encoding="utf-8")
        self.handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self.handle:
            self.handle.close()


def run(config: SynthConfig, progress: Any = None) -> Stats:
    """Generate, verify and write; returns the stats (also written to stats.json)."""
    config.out.mkdir(parents=True, exist_ok=True)
    for old in [*config.out.glob("records-*.jsonl"), config.out / "records.jsonl"]:
        old.unlink(missing_ok=True)  # a rerun must not leave stale shards behind
    stats = Stats(requested=config.n, verify_fraction=config.verify_fraction())
    started = time.monotonic()
    writer = _Writer(config.out, config.shard_size)
    try:
        for outcome in outcomes(config):
            stats.add(outcome)
            if outcome.record is not None and outcome.verified is not False:
                writer.write(outcome.record)
            if progress:
                progress(outcome)
    finally:
        writer.close()
    stats.seconds = time.monotonic() - started
    summary = stats.to_dict()
    summary["config"] = {k: (str(v) if isinstance(v, Path) else v)
                         for k, v in asdict(config).items()}
    summary["files"] = [p.name for p in writer.paths]
    (config.out / "stats.json").write_text(json.dumps(summary, indent=2) + "\n",
                                           encoding="utf-8")
    return stats
