"""`scad-agent finetune ...`: train a recipe, merge a LoRA adapter.

    scad-agent finetune train scad-tiny                   # bundled recipe by name
    scad-agent finetune train my.yaml --resume --set train.max_steps=200
    scad-agent finetune my.yaml                           # shorthand for `train my.yaml`
    scad-agent finetune merge out/run/final/adapter out/run/merged
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import typer

from tools.errors import ScadAgentError


class _RecipeDefaultGroup(typer.core.TyperGroup):
    """`scad-agent finetune RECIPE.yaml` means `scad-agent finetune train RECIPE.yaml`."""

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["train", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(no_args_is_help=True, add_completion=False, cls=_RecipeDefaultGroup,
                  help="Fine-tune a model with LoRA / QLoRA, train from scratch, merge adapters.")


def _fail(exc: ScadAgentError) -> None:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command("train")
def train_cmd(
    recipe: str = typer.Argument(..., help="Recipe YAML path or bundled name (scad-tiny)."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the last checkpoint."),
    set_: list[str] = typer.Option([], "--set", help="Override: section.key=value (repeat)."),
) -> None:
    """Train a recipe: from scratch or LoRA, as the recipe says."""
    from finetune.config import load_recipe
    from finetune.train import train

    try:
        final = train(load_recipe(recipe, set_), resume=resume)
    except ScadAgentError as exc:
        _fail(exc)
    if os.environ.get("RANK", "0") == "0":   # one line, also under accelerate/torchrun
        typer.echo(f"model: {final}")


@app.command("validate")
def validate_cmd(recipes: list[str] = typer.Argument(..., help="Recipe files or names.")) -> None:
    """Parse recipes and report problems without training."""
    from finetune.config import load_recipe

    for name in recipes:
        try:
            recipe = load_recipe(name)
        except ScadAgentError as exc:
            _fail(exc)
        typer.echo(f"ok: {name} ({recipe.name})")


@app.command("merge")
def merge_cmd(
    adapter: Path = typer.Argument(..., help="LoRA adapter directory."),
    out: Path = typer.Argument(..., help="Where the merged HF model goes."),
    base: str = typer.Option("", help="Base model (default: the adapter's base_model_name)."),
    dtype: str = typer.Option("bfloat16", help="dtype of the merged weights."),
) -> None:
    """Merge a LoRA adapter into its base model; print how to serve either with vLLM."""
    from finetune.merge import merge_adapter, vllm_commands

    try:
        merged = merge_adapter(adapter, out, base=base or None, dtype=dtype)
    except ScadAgentError as exc:
        _fail(exc)
    typer.echo(f"merged model: {merged}")
    for line in vllm_commands(adapter, merged, base=base or None):
        typer.echo(line)
