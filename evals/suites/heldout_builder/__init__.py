"""Builder of the hand-written held-out suites (single-heldout.jsonl, engineering-heldout.jsonl).

See README.md in this folder: how the prompts were written, how each spec is derived from a
reference program compiled by the real OpenSCAD, and how the prompts were checked against
the training prompts."""
