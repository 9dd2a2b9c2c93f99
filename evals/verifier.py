"""The verifier suite: hand-written prompts, each with a correct part and wrong ones.

It measures the checks themselves, not a model: for every case the correct program must pass
the checks read from the prompt (a failure is a false alarm) and every wrong program must
fail them (a pass is a miss). Cases live in YAML files under evals/verifier/:

    - id: plate-4xm3
      style: one-liner            # one-liner | maker | engineering | edit
      prompt: a 70 x 50 x 4 mm plate with four M3 holes in the corners
      previous:                   # edits only: the part before this follow-up
        prompt: ...
        program: |
          ...
      correct: |
        length = 70; ...          # a parametric OpenSCAD program
      wrong:
        - why: 60 mm long instead of 70
          kind: size              # size | count | diameter | axis | kind | edit | bodies
          set: {length: 60}       # top-level assignments of `correct` overridden ...
        - why: a round disc
          kind: kind
          program: |              # ... or a whole other program
            ...

`python -m evals.verifier validate [FILES]` compiles every program and prints its mesh;
`python -m evals.verifier run [FILES]` (benchmarks/verifier.py) scores the checks.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools.params import set_expressions
from tools.scad_text import scad_literal

SUITE_DIR = Path(__file__).resolve().parent / "verifier"
STYLES = ("one-liner", "maker", "engineering", "edit")
WRONG_KINDS = ("size", "count", "diameter", "axis", "kind", "edit", "bodies")


class VerifierSuiteError(ValueError):
    """A malformed case file."""


@dataclass(frozen=True)
class Wrong:
    why: str
    kind: str
    program: str


@dataclass(frozen=True)
class Previous:
    prompt: str
    program: str


@dataclass(frozen=True)
class VerifierCase:
    id: str
    style: str
    prompt: str
    correct: str
    wrong: tuple[Wrong, ...]
    previous: Previous | None = None
    source: str = ""
    notes: dict = field(default_factory=dict)


def override(program: str, values: dict[str, object]) -> str:
    """`program` with the top-level assignments of the given names set to the values, in
    place (tools.params.set_expressions). A string value is an expression written as is
    ("width * 2"); any other value is written as an OpenSCAD literal."""
    try:
        expressions = {name: value if isinstance(value, str) else scad_literal(value)
                       for name, value in values.items()}
        return set_expressions(program, expressions)
    except ValueError as exc:
        raise VerifierSuiteError(f"cannot write a value as OpenSCAD: {exc}") from None
    except KeyError as exc:  # set_expressions names every missing one, comma-separated
        names = ", ".join(repr(name) for name in str(exc.args[0]).split(", "))
        raise VerifierSuiteError(f"no top-level assignment {names} to override") from None


def _case(raw: object, source: str) -> VerifierCase:
    if not isinstance(raw, dict):
        raise VerifierSuiteError(f"{source}: a case must be a mapping, got {raw!r}")
    where = f"{source}:{raw.get('id', '?')}"
    for key in ("id", "style", "prompt", "correct", "wrong"):
        if key not in raw:
            raise VerifierSuiteError(f"{where}: missing {key!r}")
    if raw["style"] not in STYLES:
        raise VerifierSuiteError(f"{where}: style must be one of {STYLES}")
    previous = None
    if raw.get("previous") is not None:
        prev = raw["previous"]
        if not isinstance(prev, dict) or not {"prompt", "program"} <= set(prev):
            raise VerifierSuiteError(f"{where}: previous needs prompt and program")
        previous = Previous(str(prev["prompt"]), str(prev["program"]))
    if raw["style"] == "edit" and previous is None:
        raise VerifierSuiteError(f"{where}: an edit case needs `previous`")
    wrongs = []
    if not isinstance(raw["wrong"], list) or len(raw["wrong"]) < 2:
        raise VerifierSuiteError(f"{where}: at least two wrong programs")
    for item in raw["wrong"]:
        if not isinstance(item, dict) or "why" not in item:
            raise VerifierSuiteError(f"{where}: each wrong needs `why`")
        kind = item.get("kind", "size")
        if kind not in WRONG_KINDS:
            raise VerifierSuiteError(f"{where}: wrong kind {kind!r} not in {WRONG_KINDS}")
        if "program" in item:
            program = str(item["program"])
        elif "set" in item:
            try:
                program = override(str(raw["correct"]), dict(item["set"]))
            except VerifierSuiteError as exc:
                raise VerifierSuiteError(f"{where}: {exc}") from None
        else:
            raise VerifierSuiteError(f"{where}: a wrong needs `set` or `program`")
        wrongs.append(Wrong(str(item["why"]), kind, program))
    notes = {k: v for k, v in raw.items()
             if k not in ("id", "style", "prompt", "correct", "wrong", "previous")}
    return VerifierCase(str(raw["id"]), raw["style"], str(raw["prompt"]), str(raw["correct"]),
                        tuple(wrongs), previous, source, notes)


def load_cases(paths: Iterable[Path] | None = None) -> list[VerifierCase]:
    """Every case in the given YAML files (default: all of evals/verifier/*.yaml)."""
    files = sorted(SUITE_DIR.glob("*.yaml")) if paths is None else [Path(p) for p in paths]
    cases: list[VerifierCase] = []
    seen: set[str] = set()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise VerifierSuiteError(f"{path}: expected a list of cases")
        for raw in data:
            case = _case(raw, path.name)
            if case.id in seen:
                raise VerifierSuiteError(f"{path}: duplicate id {case.id!r}")
            seen.add(case.id)
            cases.append(case)
    return cases


def compiled(program: str, cache: Path) -> Path | None:
    """The STL of `program`, compiled once per distinct text into `cache` (None: no part)."""
    from tools.openscad import compile_scad

    digest = hashlib.sha256(program.encode()).hexdigest()[:20]
    stl = cache / f"{digest}.stl"
    failed = cache / f"{digest}.failed"
    if stl.is_file():
        return stl
    if failed.is_file():
        return None
    cache.mkdir(parents=True, exist_ok=True)
    work = cache / f"{digest}.work"
    result = compile_scad(program, out_dir=work, formats=("stl",))
    if result.ok and result.stl is not None:
        shutil.move(str(result.stl), stl)
        shutil.rmtree(work, ignore_errors=True)
        return stl
    failed.write_text(result.summary(), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return None


@dataclass
class Verdict:
    """One program checked against the case's expectations."""

    label: str  # "correct" or the wrong program's kind
    why: str
    passed: bool  # every check passed
    failed: list[str]  # failed check keys with messages
    compiled: bool


@dataclass
class CaseScore:
    case: VerifierCase
    checked: list[str]  # check keys besides watertight
    unchecked: list[str]
    correct: Verdict
    wrong: list[Verdict]

    @property
    def false_alarm(self) -> bool:
        return not self.correct.passed

    @property
    def misses(self) -> list[Verdict]:
        return [v for v in self.wrong if v.passed]


def score_case(case: VerifierCase, cache: Path) -> CaseScore:
    """Read the prompt (as a follow-up of `previous` for edits), then check the correct and
    every wrong program against what it read."""
    from agent.intent import read_request
    from tools.mesh import analyze_mesh
    from tools.spec import check_spec

    previous_report = None
    previous_program = None
    if case.previous is not None:
        stl = compiled(case.previous.program, cache)
        previous_report = analyze_mesh(stl) if stl is not None else None
        previous_program = case.previous.program
    wanted = read_request(case.prompt, previous_report, follow_up=case.previous is not None,
                          previous_program=previous_program)

    def verdict(label: str, why: str, program: str) -> Verdict:
        stl = compiled(program, cache)
        report = analyze_mesh(stl) if stl is not None else None
        result = check_spec(wanted.spec, report, previous_report, program=program,
                            previous_program=previous_program)
        return Verdict(label, why, result.passed,
                       [f"{c.key}: {c.message}" for c in result.failures()], stl is not None)

    checked = [k for k in wanted.spec if k != "watertight"]
    return CaseScore(case, checked, list(wanted.unchecked),
                     verdict("correct", "", case.correct),
                     [verdict(w.kind, w.why, w.program) for w in case.wrong])


def summarize(scores: list[CaseScore]) -> dict:
    """False alarms, misses and coverage, overall and per style / wrong kind."""
    wrong = [v for s in scores for v in s.wrong]
    out = {
        "cases": len(scores),
        "false_alarms": sum(s.false_alarm for s in scores),
        "wrong_programs": len(wrong),
        "misses": sum(v.passed for v in wrong),
        "checked_per_prompt": round(sum(len(s.checked) for s in scores) / max(1, len(scores)),
                                    2),
        "unchecked_per_prompt": round(
            sum(len(s.unchecked) for s in scores) / max(1, len(scores)), 2),
        "by_style": {},
        "by_wrong_kind": {},
    }
    for style in STYLES:
        part = [s for s in scores if s.case.style == style]
        if part:
            part_wrong = [v for s in part for v in s.wrong]
            out["by_style"][style] = {
                "cases": len(part), "false_alarms": sum(s.false_alarm for s in part),
                "wrong": len(part_wrong), "misses": sum(v.passed for v in part_wrong)}
    for kind in WRONG_KINDS:
        part_wrong = [v for v in wrong if v.label == kind]
        if part_wrong:
            out["by_wrong_kind"][kind] = {"wrong": len(part_wrong),
                                          "misses": sum(v.passed for v in part_wrong)}
    return out


def _validate(paths: list[Path], cache: Path) -> int:
    """Compile every program; print its mesh. Exit 1 when any fails or a wrong program
    makes the very same mesh as the correct one."""
    from tools.mesh import analyze_mesh

    bad = 0
    for case in load_cases(paths or None):
        programs = [("correct", case.correct)] + [(f"wrong[{k}] {w.why}", w.program)
                                                 for k, w in enumerate(case.wrong)]
        if case.previous is not None:
            programs.insert(0, ("previous", case.previous.program))
        print(f"{case.id} ({case.style}): {case.prompt}")
        correct_summary = None
        for label, program in programs:
            stl = compiled(program, cache)
            if stl is None:
                bad += 1
                reason = (cache / (hashlib.sha256(program.encode()).hexdigest()[:20]
                                   + ".failed")).read_text()
                print(f"  FAIL {label}: does not compile\n    "
                      + reason.replace("\n", "\n    "))
                continue
            summary = analyze_mesh(stl).summary()
            if label == "correct":
                correct_summary = summary
            elif label.startswith("wrong") and summary == correct_summary:
                bad += 1
                print(f"  FAIL {label}: same mesh as the correct program")
            print(f"  {label}: {summary}")
    return 1 if bad else 0


def _run(paths: list[Path], cache: Path, verbose: bool) -> int:
    scores = [score_case(case, cache) for case in load_cases(paths or None)]
    for score in scores:
        problems = []
        if score.false_alarm:
            problems.append("  FALSE ALARM (correct part rejected): "
                            + "; ".join(score.correct.failed))
        for miss in score.misses:
            problems.append(f"  MISS ({miss.label}: {miss.why})")
        if problems or verbose:
            print(f"{score.case.id}: {score.case.prompt.strip()[:110]}")
            print(f"  checked: {', '.join(score.checked)}")
            if score.unchecked:
                print(f"  not checked: {'; '.join(score.unchecked)}")
            for line in problems:
                print(line)
    import json

    print(json.dumps(summarize(scores), indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = "usage: python -m evals.verifier validate|run [-v] [FILE.yaml ...]"
    if {"-h", "--help"} & set(argv):
        print(usage)
        return 0
    if not argv or argv[0] not in ("validate", "run"):
        print(usage, file=sys.stderr)
        return 2
    cache = Path("out/verifier-cache")
    verbose = "-v" in argv
    files = [Path(p) for p in argv[1:] if p != "-v"]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        print(f"error: not a suite file: {', '.join(missing)}\n{usage}", file=sys.stderr)
        return 2
    if argv[0] == "run":
        return _run(files, cache, verbose)
    return _validate(files, cache)


if __name__ == "__main__":
    sys.exit(main())
