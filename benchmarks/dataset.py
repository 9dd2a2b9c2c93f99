"""Dataset build throughput: records -> chat-rendered, loss-masked token examples.

The baseline, measured in the same run on the same records, is plain batched tokenization
of the conversation text (no template, no masks): the floor any build must pay. The ratio
says what rendering the chat template and locating the assistant spans cost on top.
Also times the trainer's training step rate for the scad-tiny shape (tokens/s), since
dataset speed only matters relative to how fast training consumes it.

    python benchmarks/dataset.py                         # synth records generated in-process
    python benchmarks/dataset.py --records data/synth/records.jsonl --n 20000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from benchmarks.timing import best_of  # noqa: E402
from finetune.data import read_records, tokenize_records  # noqa: E402
from finetune.tokenizer import record_texts, train_tokenizer  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "finetune_records.jsonl"


def load(records_path: Path | None, n: int) -> list[dict]:
    if records_path is None:
        try:
            from finetune.synth.generate import SynthConfig, run

            out = Path(tempfile.mkdtemp()) / "synth"
            run(SynthConfig(n=n, out=out, verify="none", workers=1))
            records_path = out / "records.jsonl"
        except Exception as exc:  # synth unavailable: the committed fixture, repeated
            print(f"(synth unavailable: {exc}; using {FIXTURE.name})")
            records_path = FIXTURE
    records = list(read_records([records_path]))
    return (records * (n // len(records) + 1))[:n]


def train_tokens_per_s(records_path: Path, steps: int) -> float:
    """Median tokens/s of a short scad-tiny run (1 thread) on these records."""
    import json
    import statistics

    from finetune.config import load_recipe
    from finetune.train import train

    out = Path(tempfile.mkdtemp()) / "run"
    recipe = load_recipe("scad-tiny", [
        f"data.train=[{records_path}]", f"output_dir={out}", f"train.max_steps={steps}",
        "train.eval_every=0", "train.log_every=5", "train.compile_eval_prompts=0",
        "train.max_minutes=0", "train.threads=1",
    ])
    train(recipe, log=lambda _: None)
    rates = [json.loads(line)["tokens_per_s"] for line in (out / "metrics.jsonl").open()
             if '"tokens_per_s"' in line][1:]   # step 1 includes warm-up
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, default=None)
    parser.add_argument("--n", type=int, default=3000, help="examples to build")
    parser.add_argument("--train-steps", type=int, default=30,
                        help="scad-tiny steps to time (0 = skip)")
    args = parser.parse_args()

    records = load(args.records, args.n)
    tokenizer = train_tokenizer(record_texts(records[:2000]), vocab_size=1024)
    texts = ["\n".join(m["content"] for m in r["messages"]) for r in records]

    base_s = best_of(lambda: tokenizer(texts, add_special_tokens=False))
    build_s = best_of(lambda: tokenize_records(tokenizer, records, max_length=4096))
    examples, _ = tokenize_records(tokenizer, records, max_length=4096)
    tokens = sum(len(ids) for ids, _ in examples)
    print(f"records: {len(records)}, tokens: {tokens} ({tokens / len(records):.0f}/example)")
    print(f"plain tokenization (baseline): {len(records) / base_s:10.0f} examples/s")
    print(f"build (template + masks):      {len(records) / build_s:10.0f} examples/s")
    print(f"ratio build / baseline time:   {build_s / base_s:10.1f}x")
    if args.train_steps:
        path = Path(tempfile.mkdtemp()) / "records.jsonl"
        import json

        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        rate = train_tokens_per_s(path, args.train_steps)
        print(f"scad-tiny training (1 thread): {rate:10.0f} tokens/s -> the build is "
              f"{(len(records) / build_s) * (tokens / len(records)) / rate:.0f}x faster "
              "than training consumes tokens")


if __name__ == "__main__":
    main()
