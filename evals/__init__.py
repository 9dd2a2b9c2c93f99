"""Eval suites through the real agent.

    scad-agent eval run [SUITE] --backend hf --model PATH --workers 2 --out runs/a
    scad-agent eval run --backend scripted --model evals/examples/public-oracle.jsonl \\
        --max-repairs 0          # the public suite with known-good programs: 22/22 pass
    scad-agent eval compare runs/a runs/b --fail-on-regression

suite.py (load and validate), harness.py (cases -> CaseResults through agent Sessions),
report.py (numbers, results.jsonl, report.md with previews), reference.py (shape scores
against a reference mesh), compare.py (two runs, case by case), cli.py (the commands).
"""
