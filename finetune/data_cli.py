"""`scad-agent data ...`: build training data.

Commands live one per function below; each imports what it needs inside, so `scad-agent
--help` stays fast. To add a command, decorate a function with `@app.command("name")`.
"""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Build training data: synthetic parts and datasets.",
                  no_args_is_help=True, add_completion=False)


@app.callback()
def data() -> None:
    """Build training data: synthetic parts and datasets."""
    # a callback keeps `data` a command group even while it holds a single command


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@app.command("synth")
def synth_cmd(
    n: int = typer.Option(1000, "--n", min=1, help="Number of records to generate."),
    out: Path = typer.Option(..., "--out", help="Output directory (records.jsonl, stats.json)."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same records."),
    families: str = typer.Option("", "--families", help="Comma-separated family names "
                                 "(default: all; see --list-families)."),
    kinds: str = typer.Option("create,edit,repair", "--kinds",
                              help="Record kinds: create, edit, repair."),
    mix: str = typer.Option("", "--mix", help="Weights per kind, same order as --kinds "
                            "(default 0.8,0.15,0.05)."),
    verify: str = typer.Option("auto", "--verify", help="Compile and check records: all, none, "
                               "a fraction (0.1), or auto (all up to 1000 records, else 5%)."),
    workers: int = typer.Option(2, "--workers", min=1, help="Worker processes."),
    shard_size: int = typer.Option(0, "--shard-size", min=0,
                                   help="Records per shard file (0 = one records.jsonl)."),
    system: bool = typer.Option(True, "--system/--no-system", help="Start every record with "
                                "the agent's system prompt (as the agent sends it)."),
    list_families: bool = typer.Option(False, "--list-families", help="List families and exit."),
) -> None:
    """Generate synthetic (request, OpenSCAD program) records with specs."""
    from finetune.synth.families import FAMILIES
    from finetune.synth.generate import SynthConfig, run
    from tools.errors import ScadAgentError

    if list_families:
        for name, family in FAMILIES.items():
            typer.echo(f"{name:16s} {family.title}")
        return
    try:
        config = SynthConfig(n=n, out=out, seed=seed, families=_split(families),
                             kinds=_split(kinds), mix=[float(x) for x in _split(mix)],
                             verify=verify, workers=workers, shard_size=shard_size,
                             system=system)
        config.family_names()
        config.weights()
        config.verify_fraction()
    except (ScadAgentError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None

    done = 0

    def progress(_outcome: object) -> None:
        nonlocal done
        done += 1
        if done % 500 == 0:
            typer.echo(f"  {done}/{n}", err=True)

    stats = run(config, progress).to_dict()
    ver = stats["verification"]
    typer.echo(f"wrote {stats['written']} of {n} records to {out} in {stats['seconds']} s "
               f"({', '.join(f'{k} {v}' for k, v in sorted(stats['by_kind'].items()))})")
    if ver["checked"]:
        typer.echo(f"verified {ver['checked']} ({ver['fraction']:.0%} requested): "
                   f"{ver['passed']} passed, pass rate {ver['pass_rate']:.1%}")
        for fam, c in ver["by_family"].items():
            if c.get("failed"):
                total = c.get("failed", 0) + c.get("passed", 0)
                typer.echo(f"  {fam}: {c.get('failed')} failed of {total}")
    else:
        typer.echo("verification: none")
    typer.echo(f"stats: {out / 'stats.json'}")


@app.command("build")
def build_cmd(
    records: list[Path] = typer.Argument(..., help="Records JSONL files or directories "
                                         "(synth, scrape shards, agent session dirs)."),
    tokenizer: Path = typer.Option(..., "--tokenizer", help="Tokenizer (or model) directory."),
    out: Path = typer.Option(..., "--out", help="Output dir: train.npz, validation.npz, "
                             "stats.json."),
    max_length: int = typer.Option(1024, "--max-length", help="Longer examples are dropped."),
    validation_fraction: float = typer.Option(0.02, "--validation-fraction",
                                              help="Share of program groups held out."),
    split_by: str = typer.Option("program", "--split-by",
                                 help="program (normalised hash) or minhash (near-duplicates)."),
    seed: int = typer.Option(0, "--seed", help="Split seed."),
) -> None:
    """Tokenize records with a chat template and loss masks into training shards + stats."""
    # owned by the finetune helper: the logic lives in finetune/data.py
    from finetune.data import build_dataset
    from finetune.tokenizer import load_tokenizer
    from tools.errors import ScadAgentError

    try:
        built = build_dataset(records, load_tokenizer(tokenizer), max_length=max_length,
                              validation_fraction=validation_fraction, split_by=split_by,
                              seed=seed)
    except ScadAgentError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    built.save(out)
    s = built.stats
    typer.echo(f"{s.examples['train']} train / {s.examples['validation']} validation examples, "
               f"{s.tokens['train']} train tokens ({s.trained_tokens['train']} trained), "
               f"{s.dropped_too_long} too long; stats: {out / 'stats.json'}")
