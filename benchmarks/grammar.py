"""What grammar-constrained decoding buys and costs, with and without it in the same run.

    python benchmarks/grammar.py [--model models/scad-tiny] [--synthetic FILE.jsonl]
                                 [--limit N] [--max-repairs K] [--markdown]
    python benchmarks/grammar.py --tiny      # smoke run on a random tiny LLaMA

Quality, through the real agent loop (evals.harness.run_suite, HF backend), on the public
suite (../shared/evals/public.jsonl) and optionally a held-out synthetic set (training
records, finetune/synth's JSONL: first user message = prompt, later user messages = turns,
`spec` = the checks; records without a spec are skipped):

    first compiled   every turn's first attempt compiled (the grammar's direct effect)
    compiled         the case ended with a part, after repairs/resampling
    spec pass        the part passes its spec

Speed: HFBackend.generate on the suites' prompts, with the grammar and without, greedy
(n=1) and sampled (n=4), alternating runs, median tokens/s; the slowdown ratio
(without / with) must stay under 1.5x.

    python benchmarks/grammar.py --masks     # no model needed

Mask cost alone: xgrammar's next-token mask, in ms per token, while OpenSCAD's bundled
examples are fed through the matcher token by token, for byte-level BPE vocabularies of
1k and 8k tokens trained on /usr/share/openscad (tests/tiny_llama.train_tokenizer) and for
--model's tokenizer when it exists. Bigger vocabularies cost more.

    python benchmarks/grammar.py --llamacpp FILE.gguf [--speed-prompts 2] [--max-tokens 64]
                                 [--bare] [--llama-before OLD.llama.ebnf] [--sampler-cost]

Per-token cost in llama.cpp (llama-cpp-python in this process) and xgrammar on one GGUF
model, same prompts, same run: see benchmarks/grammar_llamacpp.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

DEFAULT_MODEL = ROOT / "models" / "scad-tiny"
PUBLIC_SUITE = ROOT.parent / "shared" / "evals" / "public.jsonl"
MAX_SLOWDOWN = 1.5


@dataclass
class Quality:
    cases: int
    first_compiled: int
    compiled: int
    spec_pass: int
    seconds: float

    def row(self, label: str) -> str:
        n = max(self.cases, 1)
        return (f"| {label} | {self.cases} | {self.first_compiled / n:.0%} | "
                f"{self.compiled / n:.0%} | {self.spec_pass / n:.0%} | {self.seconds:.0f} |")


def synthetic_cases(path: Path, limit: int | None, kinds: set[str]) -> list[Any]:
    """Training records of the given kinds -> eval cases (records without a spec cannot be
    scored; repair records start from a broken program, not from a request)."""
    from evals.suite import Case

    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        users = [m["content"] for m in rec.get("messages", []) if m.get("role") == "user"]
        if not rec.get("spec") or not users or rec.get("kind", "create") not in kinds:
            continue
        cases.append(Case(id=str(rec["id"]), prompt=users[0], turns=users[1:],
                          spec=rec["spec"]))
        if limit is not None and len(cases) >= limit:
            break
    return cases


def run_quality(cases: list[Any], model: str, grammar: bool, args: argparse.Namespace,
                workdir: Path) -> Quality:
    from agent.backends import get_backend
    from agent.config import AgentConfig
    from evals.harness import EvalConfig, run_suite

    config = AgentConfig(backend="hf", backend_config={"model": model}, grammar=grammar,
                         max_repairs=args.max_repairs, samples=args.samples,
                         reply_max_tokens=args.max_tokens, render=False)
    backend = get_backend("hf", model=model)  # one instance: the model loads once
    start = time.perf_counter()
    results = run_suite(cases, lambda: backend, config, workdir,
                        EvalConfig(workers=1, case_timeout_s=600))
    return Quality(
        cases=len(results),
        first_compiled=sum(r.compiled_first for r in results),
        compiled=sum(r.compiled for r in results),
        spec_pass=sum(r.spec_passed for r in results),
        seconds=time.perf_counter() - start,
    )


def alternate(runs: dict[str, Callable[[], int]], repeats: int) -> dict[str, float]:
    """Median tokens/s of each run (returns tokens made), runs alternating after a warm-up
    each, so that load from other processes on a shared machine hits every side alike."""
    for run in runs.values():
        run()
    rates: dict[str, list[float]] = {key: [] for key in runs}
    for _ in range(repeats):
        for key, run in runs.items():
            start = time.perf_counter()
            tokens = run()
            rates[key].append(tokens / (time.perf_counter() - start))
    return {key: statistics.median(values) for key, values in rates.items()}


def run_speed(prompts: list[str], model: str, max_tokens: int,
              repeats: int) -> list[tuple[str, float, float]]:
    """(label, tokens/s without grammar, tokens/s with grammar) for greedy and sampled."""
    from agent.backends import get_backend
    from agent.prompts import system_message
    from tools.grammar import load_grammar

    backend = get_backend("hf", model=model)
    ebnf = load_grammar()
    rows = []
    for n, temperature in ((1, 0.0), (4, 1.0)):
        def make(grammar: str | None, n: int = n, temperature: float = temperature
                 ) -> Callable[[], int]:
            def run() -> int:
                tokens = 0
                for prompt in prompts:
                    messages = [system_message(), {"role": "user", "content": prompt}]
                    backend.generate(messages, n=n, temperature=temperature, grammar=grammar,
                                     max_tokens=max_tokens)
                    tokens += backend.last_usage["completion_tokens"]
                return tokens
            return run

        rates = alternate({"free": make(None), "grammar": make(ebnf)}, repeats)
        if not backend.constrains:
            raise SystemExit("the HF backend did not apply the grammar (is xgrammar installed?)")
        rows.append((f"n={n}, T={temperature:g}", rates["free"], rates["grammar"]))
    return rows


def mask_speed(ebnf: str, model: str | None, max_tokens: int = 3000
               ) -> list[tuple[str, float]]:
    """(tokenizer, ms per next-token mask) with grammar `ebnf`: BPE tokenizers of 1k and 8k
    tokens trained on /usr/share/openscad, plus `model`'s tokenizer if it exists."""
    import xgrammar as xgr
    from tiny_llama import openscad_corpus, train_tokenizer

    def read(folder: str) -> list[str]:
        files = sorted(Path(folder).rglob("*.scad"))
        return [p.read_text(encoding="utf-8", errors="replace") for p in files
                if p.stat().st_size < 100_000]

    texts = read("/usr/share/openscad/examples")  # fed through the matcher
    training = openscad_corpus(4000) + texts + read("/usr/share/openscad")
    tokenizers = [(f"BPE {size}", train_tokenizer(training, vocab_size=size))
                  for size in (1024, 8000)]
    if model and Path(model).is_dir():
        from transformers import AutoTokenizer

        tokenizers.append((Path(model).name, AutoTokenizer.from_pretrained(model)))
    rows = []
    for label, tokenizer in tokenizers:
        info = xgr.TokenizerInfo.from_huggingface(tokenizer)
        compiled = xgr.GrammarCompiler(info, max_threads=2).compile_grammar(ebnf)
        bitmask = xgr.allocate_token_bitmask(1, info.vocab_size)
        spent, count = 0.0, 0
        for text in texts:
            matcher = xgr.GrammarMatcher(compiled)
            for token in tokenizer(text, add_special_tokens=False)["input_ids"]:
                start = time.perf_counter()
                matcher.fill_next_token_bitmask(bitmask, 0)
                spent += time.perf_counter() - start
                count += 1
                if not matcher.accept_token(token):
                    raise SystemExit(f"the grammar rejected a token of {text[:40]!r}")
            if count >= max_tokens:
                break
        rows.append((f"{label} ({len(tokenizer)} tokens)", 1000 * spent / count))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--tiny", action="store_true",
                        help="use a random tiny LLaMA (tests/tiny_llama.py): checks the script")
    parser.add_argument("--suite", type=Path, default=PUBLIC_SUITE)
    parser.add_argument("--synthetic", type=Path, help="held-out synthetic records (JSONL), "
                        "e.g. the finetune run's data/validation_records.jsonl")
    parser.add_argument("--kinds", default="create,edit", help="record kinds to use")
    parser.add_argument("--limit", type=int, help="at most this many cases per suite")
    parser.add_argument("--max-repairs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=4, help="candidates per attempt")
    parser.add_argument("--speed-prompts", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=512, help="per reply")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="print a RESULTS.md section")
    parser.add_argument("--masks", action="store_true", help="only the mask cost (no model)")
    parser.add_argument("--grammar", type=Path, help="with --masks: another grammar file")
    parser.add_argument("--llamacpp", metavar="GGUF", help="only the llama.cpp / xgrammar "
                        "per-token cost, on this GGUF model (needs llama-cpp-python)")
    parser.add_argument("--threads", type=int, default=1, help="with --llamacpp: CPU threads")
    parser.add_argument("--bare", action="store_true", help="with --llamacpp: the model "
                        "replies with a bare program, not a ```openscad fence")
    parser.add_argument("--llama-before", type=Path, metavar="EBNF", help="with --llamacpp: "
                        "also time this llama-shaped grammar (e.g. an earlier "
                        "openscad.llama.ebnf)")
    parser.add_argument("--sampler-cost", action="store_true", help="with --llamacpp: only "
                        "llama.cpp's grammar sampler, on --speed-prompts bundled examples "
                        "fed token by token (no decoding)")
    args = parser.parse_args()
    if args.llamacpp:
        llama_cpp_rows(args)
        return
    if args.masks:
        from tools.grammar import load_grammar

        ebnf = args.grammar.read_text(encoding="utf-8") if args.grammar else load_grammar()
        print("| tokenizer | mask ms/token |\n|---|---|")
        for label, ms in mask_speed(ebnf, args.model):
            print(f"| {label} | {ms:.3f} |")
        return

    from evals.suite import load_suite

    with tempfile.TemporaryDirectory(prefix="bench-grammar-") as tmp:
        model = args.model
        if args.tiny:
            from tiny_llama import make_tiny_llama

            model = str(make_tiny_llama(Path(tmp) / "tiny"))
        elif not Path(model).is_dir():
            raise SystemExit(f"no model at {model} (train one, pass --model, or use --tiny)")

        suites: dict[str, list[Any]] = {"public": load_suite(args.suite)[: args.limit]}
        if args.synthetic:
            kinds = set(args.kinds.split(","))
            suites["synthetic"] = synthetic_cases(args.synthetic, args.limit, kinds)
        prompts = [c.prompt for cases in suites.values() for c in cases][: args.speed_prompts]

        quality: list[tuple[str, Quality]] = []
        if not args.skip_quality:
            for name, cases in suites.items():
                for grammar in (False, True):
                    label = f"{name}, {'grammar' if grammar else 'free'}"
                    workdir = Path(tmp) / label.replace(", ", "-")
                    quality.append((label, run_quality(cases, model, grammar, args, workdir)))
                    print(quality[-1][1].row(label), flush=True)
        speed = run_speed(prompts, model, args.max_tokens, args.repeats)

    report(args, model, quality, speed)
    worst = max(free / constrained for _, free, constrained in speed)
    if worst >= MAX_SLOWDOWN:
        raise SystemExit(f"grammar slowdown {worst:.2f}x is over the {MAX_SLOWDOWN}x budget")


def llama_cpp_rows(args: argparse.Namespace) -> None:
    from grammar_llamacpp import measure, sampler_cost, sampler_report
    from grammar_llamacpp import report as llama_report

    from evals.suite import load_suite

    if args.sampler_cost:
        print(sampler_report(sampler_cost(args.llamacpp, args.speed_prompts, args.repeats,
                                          fenced=not args.bare, before=args.llama_before)))
        return
    prompts = [c.prompt for c in load_suite(args.suite)][: args.speed_prompts]
    print(llama_report(measure(args.llamacpp, prompts, args.max_tokens, args.repeats,
                               args.threads, fenced=not args.bare, before=args.llama_before)))


def report(args: argparse.Namespace, model: str, quality: list[tuple[str, Quality]],
           speed: list[tuple[str, float, float]]) -> None:
    import platform

    import torch

    device = "CUDA " + torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"
    lines = []
    if args.markdown:
        lines += ["## grammar", "",
                  f"`python benchmarks/grammar.py {' '.join(sys.argv[1:])}` "
                  f"({time.strftime('%Y-%m-%d')}, {device}, {os.cpu_count()} cores, "
                  f"{platform.machine()}; model {Path(model).name}, "
                  f"max repairs {args.max_repairs}, {args.samples} samples, "
                  f"{args.max_tokens} tokens per reply).", ""]
    if quality:
        lines += ["| suite, decoding | cases | first compiled | compiled | spec pass | s |",
                  "|---|---|---|---|---|---|"]
        lines += [q.row(label) for label, q in quality]
        lines.append("")
    lines += ["| generation | free tok/s | grammar tok/s | slowdown (free / grammar) |",
              "|---|---|---|---|"]
    lines += [f"| {label} | {free:.1f} | {constrained:.1f} | {free / constrained:.2f}x |"
              for label, free, constrained in speed]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
