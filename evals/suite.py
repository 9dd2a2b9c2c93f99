"""Eval suites: JSONL of cases in the shared format (../shared/evals/README.md).

Validation is strict where a mistake would silently change a score (duplicate ids, unknown
spec keys, a reference file that is not there) and lenient about extra fields (kept in
`extra`), so suites can carry notes and tags.

Two ways to score a conversation:
  spec    one spec for the part after the last message (the shared format); its `grow`
          compares with the part the first prompt made.
  specs   one spec per message (the prompt, then each follow-up), so every turn is scored.
          Each turn's relative keys (grow, keep_holes, param) compare with the part that
          turn started from: the current part just before it, which is what the user saw
          when they asked for the edit. `spec` is then the last entry of `specs`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import ScadAgentError
from tools.spec import CHECKERS

REPO_ROOT = Path(__file__).resolve().parents[1]
KNOWN_FIELDS = {"id", "prompt", "turns", "spec", "specs", "reference", "timeout_s"}
# keys that compare with an earlier part or program: meaningless on the first message
RELATIVE_KEYS = ("grow", "keep_holes", "param")


class SuiteError(ScadAgentError):
    """A suite file that cannot be used as it is."""


@dataclass
class Case:
    id: str
    prompt: str
    turns: list[str] = field(default_factory=list)
    spec: dict = field(default_factory=dict)
    reference: Path | None = None  # mesh to compare with (evals.reference), resolved
    extra: dict = field(default_factory=dict)
    timeout_s: float | None = None  # this case's time limit, over the run's default
    specs: list[dict] | None = None  # one spec per message; None: `spec` scores the last

    def __post_init__(self) -> None:
        if self.specs is not None:
            self.spec = self.specs[-1]

    @property
    def messages(self) -> list[str]:
        """Everything the user sends, in order: the prompt, then each follow-up turn."""
        return [self.prompt, *self.turns]

    @property
    def per_turn(self) -> bool:
        return self.specs is not None

    def turn_specs(self) -> list[dict | None]:
        """The spec each message's part is scored against; None: that turn is not scored
        (the shared format scores only the last part)."""
        if self.specs is not None:
            return list(self.specs)
        return [None] * len(self.turns) + [self.spec]

    def to_dict(self) -> dict:
        data = {"id": self.id, "prompt": self.prompt, "turns": self.turns}
        if self.specs is not None:
            data["specs"] = self.specs
        else:
            data["spec"] = self.spec
        if self.reference is not None:
            data["reference"] = str(self.reference)
        if self.timeout_s is not None:
            data["timeout_s"] = self.timeout_s
        return {**data, **self.extra}


def parse_case(data: object, where: str, base: Path) -> Case:
    """One JSON object -> Case; `base` is the folder relative references are resolved from."""
    if not isinstance(data, dict):
        raise SuiteError(f"{where}: a case must be a JSON object")
    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise SuiteError(f"{where}: 'id' must be a non-empty string")
    prompt = data.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise SuiteError(f"{where} ({case_id}): 'prompt' must be a non-empty string")
    turns = data.get("turns", [])
    if not isinstance(turns, list) or not all(isinstance(t, str) and t.strip() for t in turns):
        raise SuiteError(f"{where} ({case_id}): 'turns' must be a list of non-empty strings")
    spec = data.get("spec", {})
    if not isinstance(spec, dict):
        raise SuiteError(f"{where} ({case_id}): 'spec' must be an object")
    _check_keys(spec, f"{where} ({case_id})")
    if "grow" in spec and not turns:
        raise SuiteError(f"{where} ({case_id}): 'grow' needs at least one follow-up turn")
    specs = _parse_specs(data, len(turns) + 1, f"{where} ({case_id})")
    reference = None
    if data.get("reference") is not None:
        if not isinstance(data["reference"], str):
            raise SuiteError(f"{where} ({case_id}): 'reference' must be a path string")
        reference = Path(data["reference"])
        if not reference.is_absolute():
            reference = base / reference
        if not reference.is_file():
            raise SuiteError(f"{where} ({case_id}): reference mesh {reference} not found")
    timeout_s = data.get("timeout_s")
    if timeout_s is not None and (isinstance(timeout_s, bool)
                                  or not isinstance(timeout_s, int | float) or timeout_s <= 0):
        raise SuiteError(f"{where} ({case_id}): 'timeout_s' must be a positive number")
    extra = {k: v for k, v in data.items() if k not in KNOWN_FIELDS}
    return Case(case_id, prompt, list(turns), dict(spec), reference, extra,
                float(timeout_s) if timeout_s is not None else None, specs)


def _check_keys(spec: dict, where: str) -> None:
    unknown = sorted(set(spec) - set(CHECKERS))
    if unknown:
        raise SuiteError(f"{where}: unknown spec key(s) {unknown}; known: {', '.join(CHECKERS)}")


def _parse_specs(data: dict, messages: int, where: str) -> list[dict] | None:
    """The per-message specs of a case, or None when it uses the single `spec`."""
    if "specs" not in data:
        return None
    if "spec" in data:
        raise SuiteError(f"{where}: give 'spec' or 'specs', not both")
    specs = data["specs"]
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise SuiteError(f"{where}: 'specs' must be a list of objects")
    if len(specs) != messages:
        raise SuiteError(f"{where}: 'specs' has {len(specs)} entries for {messages} messages "
                         "(one per message: the prompt, then each follow-up)")
    for number, spec in enumerate(specs, 1):
        _check_keys(spec, f"{where} specs[{number - 1}]")
    relative = sorted(set(specs[0]) & set(RELATIVE_KEYS))
    if relative:
        raise SuiteError(f"{where}: the first message has no earlier part to compare with "
                         f"({', '.join(relative)} in specs[0])")
    return [dict(s) for s in specs]


def load_suite(path: Path | str) -> list[Case]:
    """Every case of a JSONL suite, validated; blank lines and `//` comment lines skipped."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SuiteError(f"cannot read suite {path}: {exc}") from exc
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{where}: not JSON: {exc.msg}") from exc
        case = parse_case(data, where, path.parent)
        if case.id in seen:
            raise SuiteError(f"{where}: duplicate case id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise SuiteError(f"suite {path} has no cases")
    return cases


def default_suite_path() -> Path:
    """The shared public suite: ../shared/evals/public.jsonl beside the repository, found
    from this file (not the working directory), with SCAD_AGENT_SUITE as an override."""
    override = os.environ.get("SCAD_AGENT_SUITE")
    if override:
        return Path(override)
    # REPO/shared (a checkout carrying it) first, then ../shared, and so on upward
    for folder in (REPO_ROOT, *REPO_ROOT.parents):
        candidate = folder / "shared" / "evals" / "public.jsonl"
        if candidate.is_file():
            return candidate
    raise SuiteError(
        "cannot find the public suite (../shared/evals/public.jsonl); pass a suite path"
    )


def select(cases: list[Case], ids: list[str] | None = None, limit: int | None = None) -> list[Case]:
    """The cases named by `ids` (globs allowed), then the first `limit` of them."""
    if ids:
        from fnmatch import fnmatchcase

        picked = [c for c in cases if any(fnmatchcase(c.id, pattern) for pattern in ids)]
        if not picked:
            raise SuiteError(f"no case matches {', '.join(ids)}")
        cases = picked
    return cases[:limit] if limit is not None else cases
