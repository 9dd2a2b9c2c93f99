"""The hand-written verifier suite (evals/verifier/*.yaml): every correct part passes the
checks read from its prompt, and wrong parts (a size a quarter off, a hole too few, the
wrong axis or kind, an edit on the wrong side) fail them. Real OpenSCAD, real meshes.

Each file is held to what it measured when its figures went into benchmarks/RESULTS.md, so
a change to the checks that loses ground fails here. dev files were written while the checks
were built; heldout-* served as a validation set; test-final, test-final-2 and test-final-3
were written blind and first measured untouched (benchmarks/RESULTS.md has those first
figures). To keep the suite within its CI budget every second case of each file runs here
(the limits are for that half); benchmarks/verifier.py runs them all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.verifier import SUITE_DIR, load_cases, score_case, summarize

# file -> (most false alarms, most misses) allowed
LIMITS: dict[str, tuple[int, int]] = {
    "oneliners.yaml": (0, 0),  # of 45 wrong parts
    "maker.yaml": (0, 7),  # of 56
    "engineering.yaml": (0, 5),  # of 52
    "edits.yaml": (0, 0),  # of 66
    "heldout-a.yaml": (0, 0),  # of 30
    "heldout-b.yaml": (0, 5),  # of 30
    "test-final.yaml": (3, 24),  # of 72
    "test-final-2.yaml": (1, 28),  # of 78
    # written blind before the round-feature (profiles) checks; measured once, after them
    # (all cases: 3 false alarms of 46, 35 misses of 126; see benchmarks/RESULTS.md)
    "test-final-3.yaml": (2, 9),  # of 63
    # written blind on 2026-12-03; first measurement (all 48): 10 false alarms, 34 misses of
    # 144; its false alarms were then read to find defects (these halves: 5/16 -> 0/21)
    "test-final-4.yaml": (0, 21),  # of 72
    # written on 2026-12-03 in fresh wording and read at once to find defects (development)
    "dev-2.yaml": (0, 9),  # of 36
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("verifier-cache")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LIMITS))
def test_suite_file(name: str, cache: Path) -> None:
    cases = load_cases([SUITE_DIR / name])
    assert len(cases) >= 20
    cases = cases[::2]
    scores = [score_case(case, cache) for case in cases]
    summary = summarize(scores)
    false_alarms = [s.case.id for s in scores if s.false_alarm]
    misses = [(s.case.id, m.why) for s in scores for m in s.misses]
    most_alarms, most_misses = LIMITS[name]
    assert len(false_alarms) <= most_alarms, false_alarms
    assert len(misses) <= most_misses, misses
    # the checks cover what was stated: several per prompt, not just watertightness
    assert summary["checked_per_prompt"] >= 3.0


def test_every_suite_file_is_held_to_a_limit() -> None:
    files = {p.name for p in SUITE_DIR.glob("*.yaml")}
    assert files <= set(LIMITS), files - set(LIMITS)


def test_suite_format_errors_are_clear(tmp_path: Path) -> None:
    from evals.verifier import VerifierSuiteError

    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  style: one-liner\n  prompt: a cube\n  correct: cube(1);\n"
                   "  wrong:\n    - why: too big\n      set: {size: 2}\n    - why: b\n"
                   "      program: cube(2);\n")
    with pytest.raises(VerifierSuiteError, match="no top-level assignment 'size'"):
        load_cases([bad])


def test_the_command_line_says_what_is_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    from evals.verifier import main

    assert main(["run", "--help"]) == 0
    assert "usage:" in capsys.readouterr().out
    assert main(["run", "no-such-suite.yaml"]) == 2
    assert "not a suite file: no-such-suite.yaml" in capsys.readouterr().err
    assert main(["grade"]) == 2
