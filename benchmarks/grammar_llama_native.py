"""Grammar cost per token in llama.cpp's own sampler: the one llama-server and llama-cli use.

    python benchmarks/grammar_llama_native.py --bin BUILD/bin/llama-completion --gguf FILE
        [--bare --template models/scad-tiny] [--prompts 2] [--max-tokens 128] [--repeats 2]

llama-cpp-python samples with the grammar over the whole vocabulary at every token
(benchmarks/grammar_llamacpp.py measures that). llama.cpp's C++ programs go through
common_sampler instead, which samples first and runs the grammar over the vocabulary only
when it refuses the pick; llama-server is one of them. This script runs a llama.cpp binary
built from source (llama-completion: the same common_sampler as llama-server, whose sources
llama-cpp-python's sdist leaves out) once per prompt and row, greedy, rows alternating round
by round, and reads llama.cpp's own perf print: cost per token = (sampling + eval ms) / eval
runs; ratio = a row's cost / the free row's cost, in the same run.

Rows: free, then the sampler rows of benchmarks/grammar_llamacpp.py: the grammar as loaded
(the xgrammar shape), the llama shape (tools.grammar.for_llama_cpp: what the openai and
llamacpp backends send), and a trivial grammar (the floor).
Prompts are the first public-suite prompts (speed only: replies are not scored) with the
agent's system message: SmolLM2 through the GGUF's chat template (-cnv -st), a bare-program
model like scad-tiny through its own template (--template DIR, applied here) as raw text.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grammar import PUBLIC_SUITE  # noqa: E402  (benchmarks/grammar.py: the suite's path)

_SAMPLING = re.compile(r"sampling time =\s*([\d.]+) ms")
_EVAL = re.compile(r":\s+eval time =\s*([\d.]+) ms /\s*(\d+) runs")


def grammars(fenced: bool) -> dict[str, str | None]:
    """The rows: no grammar, then the GBNF texts benchmarks/grammar_llamacpp.py compares."""
    from grammar_llamacpp import sampler_grammars

    return {"free": None, **sampler_grammars(fenced, None)}


def per_token_ms(stderr: str) -> tuple[float, int]:
    """(ms per generated token, tokens) from llama.cpp's perf print."""
    sampling = _SAMPLING.findall(stderr)
    evaluated = _EVAL.findall(stderr)
    if not sampling or not evaluated:
        raise SystemExit("no perf print from the binary; its stderr ends:\n" + stderr[-2000:])
    eval_ms, runs = float(evaluated[-1][0]), int(evaluated[-1][1])
    return (float(sampling[-1]) + eval_ms) / max(runs, 1), runs


def command(args: argparse.Namespace, prompt: str, grammar: Path | None) -> list[str]:
    from agent.prompts import system_message

    cmd = [str(args.bin), "-m", str(args.gguf), "-n", str(args.max_tokens), "--temp", "0",
           "-t", str(args.threads), "-c", "2048", "--no-warmup", "--perf", "-s", "1"]
    if args.template:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(args.template)
        text = tok.apply_chat_template([system_message(), {"role": "user", "content": prompt}],
                                       tokenize=False, add_generation_prompt=True)
        cmd += ["-no-cnv", "-p", text]
    else:
        cmd += ["-cnv", "-st", "-sys", system_message()["content"], "-p", prompt]
    return cmd + (["--grammar-file", str(grammar)] if grammar else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", type=Path, required=True, help="llama-completion (or llama-cli)")
    parser.add_argument("--gguf", type=Path, required=True)
    parser.add_argument("--bare", action="store_true", help="the reply is a bare program")
    parser.add_argument("--template", help="HF dir whose chat template formats the prompt")
    parser.add_argument("--prompts", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from evals.suite import load_suite

    prompts = [c.prompt for c in load_suite(PUBLIC_SUITE)][: args.prompts]
    with tempfile.TemporaryDirectory(prefix="llama-native-") as tmp:
        files: dict[str, Path | None] = {}
        for i, (row, gbnf) in enumerate(grammars(fenced=not args.bare).items()):
            files[row] = None
            if gbnf is not None:
                files[row] = Path(tmp) / f"g{i}.gbnf"
                files[row].write_text(gbnf, encoding="utf-8")
        costs: dict[str, list[float]] = {row: [] for row in files}
        tokens: dict[str, int] = {}
        for _ in range(args.repeats):
            for row, grammar in files.items():
                spent, made = 0.0, 0
                for prompt in prompts:
                    done = subprocess.run(command(args, prompt, grammar), capture_output=True,
                                          text=True, stdin=subprocess.DEVNULL, timeout=900)
                    ms, n = per_token_ms(done.stderr)
                    spent, made = spent + ms * n, made + n
                costs[row].append(spent / max(made, 1))
                tokens[row] = made
    free = statistics.median(costs["free"])
    print(f"| decoding ({args.gguf.name}, {args.threads} thread(s)) | ms/token | tokens | "
          f"cost (this / free) |\n|---|---|---|---|")
    for row, values in costs.items():
        ms = statistics.median(values)
        print(f"| {row} | {ms:.2f} | {tokens[row]} | {ms / free:.2f}x |")


if __name__ == "__main__":
    main()
