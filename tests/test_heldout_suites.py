"""The hand-written held-out suites (evals/suites/single-heldout.jsonl and
engineering-heldout.jsonl): they parse, use only keys the scorer knows, match the builder's
tables, and a sample of reference programs, compiled by the real OpenSCAD, passes its own
spec while another case's part does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.suite import Case, load_suite
from evals.suites.heldout_builder.build import SUITES, SUITES_DIR, all_parts, compile_reference
from evals.suites.heldout_builder.dedup import nearest, shingles
from tools.mesh import MeshReport
from tools.spec import CHECKERS, check_spec

SUBSETS = {"single-heldout.jsonl": {"oneliner": 20, "maker": 20},
           "engineering-heldout.jsonl": {"engineering": 30}}
PREFIX = {"oneliner": "line-", "maker": "maker-", "engineering": "eng-"}
SAMPLE = 8


def _cases(name: str) -> list[Case]:
    return load_suite(SUITES_DIR / name)


@pytest.mark.parametrize("name", sorted(SUITES))
def test_suite_parses_with_known_keys_and_enough_cases(name: str) -> None:
    cases = _cases(name)
    for subset, least in SUBSETS[name].items():
        members = [c for c in cases if c.extra.get("subset") == subset]
        assert len(members) >= least, subset
        assert all(c.id.startswith(PREFIX[subset]) for c in members)
    assert {c.extra.get("subset") for c in cases} == set(SUBSETS[name])
    for case in cases:
        assert not case.turns and case.spec, case.id
        assert set(case.spec) <= set(CHECKERS), case.id
        assert case.spec["watertight"] is True and case.spec["bodies"] == 1, case.id
        # every case checks something about the part's form, not just that it is closed
        assert set(case.spec) & {"size", "size_xyz", "dims", "holes", "genus", "kind"}, case.id


def test_engineering_prompts_are_multi_sentence_and_one_liners_are_short() -> None:
    for case in _cases("engineering-heldout.jsonl"):
        assert case.prompt.count(". ") >= 3 and "1." in case.prompt and "2." in case.prompt
    for case in _cases("single-heldout.jsonl"):
        if case.extra["subset"] == "oneliner":
            assert len(case.prompt.split()) <= 20, case.id


def test_suites_are_what_the_builder_writes() -> None:
    """A hand edit of a JSONL without rebuilding (or a table edit without writing) fails."""
    for name, parts in SUITES.items():
        written = [(c.id, c.prompt, c.extra["subset"]) for c in _cases(name)]
        assert written == [(p.id, p.prompt, p.subset) for p in parts]
    prompts = [p.prompt.lower() for p in all_parts()]
    assert len(set(prompts)) == len(prompts)


def _sample() -> list[Case]:
    cases = _cases("single-heldout.jsonl") + _cases("engineering-heldout.jsonl")
    step = len(cases) // SAMPLE
    return [cases[i * step] for i in range(SAMPLE)]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Case, MeshReport, str]]:
    parts = {p.id: p for p in all_parts()}
    out = tmp_path_factory.mktemp("heldout-refs")
    return [(case, compile_reference(parts[case.id], Path(out / case.id)), parts[case.id].scad)
            for case in _sample()]


def test_sampled_references_pass_their_own_spec(compiled) -> None:
    assert {c.extra["subset"] for c, _, _ in compiled} == {"oneliner", "maker", "engineering"}
    for case, report, program in compiled:
        result = check_spec(case.spec, report, program=program)
        assert result.passed, (case.id, result.summary())


def test_a_different_part_fails_the_spec(compiled) -> None:
    for (case, _, _), (other, report, program) in zip(compiled, compiled[1:] + compiled[:1],
                                                      strict=True):
        result = check_spec(case.spec, report, program=program)
        assert not result.passed, (case.id, "passed by the part of", other.id)


def test_dedup_folds_numbers_and_scores_copies_high() -> None:
    prompts = {"mine": "a round spacer 12 mm across with a 5 mm bore, 8 mm tall"}
    corpus = [("r-copy", "A round spacer 20 mm across with a 6.5 mm bore, 10 mm tall!"),
              ("r-other", "make the lid of the box two millimetres thinner please")]
    [best] = nearest(prompts, corpus)
    assert best.record == "r-copy" and best.score == 1.0
    [as_written] = nearest(prompts, corpus, fold_numbers=False)
    assert as_written.record == "r-copy" and 0.1 < as_written.score < 0.6
    assert nearest(prompts, corpus[1:])[0].score == 0.0
    assert shingles("1/2 inch") == shingles("3/4 inch")
