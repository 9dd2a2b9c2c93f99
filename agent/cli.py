"""The `scad-agent` command: the main verb (make a part from a sentence) and one sub-command
per other verb. Each room owns its sub-commands in ROOM/cli.py (a typer app named `app`);
this module only wires them together, and only the verb on the command line is imported
(all of them for the top-level --help), so `scad-agent "PROMPT"` says its first line soon."""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="scad-agent",
    help="A CAD copilot: describe a part, get checked OpenSCAD, STL and a preview.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _group() -> None:
    # Keeps the app a group of verbs when only one verb is wired: typer runs a lone command
    # as the whole app, which would read `run` in `scad-agent run PROMPT` as the prompt.
    pass


# verb -> (module holding a typer app named `app`, one-line help), in --help's order. Each
# keeps its heavy imports inside its functions.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "tools": ("tools.cli", "Compile OpenSCAD and check meshes."),
    "data": ("finetune.data_cli", "Build training data: synthetic parts and datasets."),
    "finetune": ("finetune.cli", "Fine-tune a model with LoRA / QLoRA and merge adapters."),
    "scrape": ("scrape.cli", "Gather OpenSCAD programs from the web into a corpus."),
    "eval": ("evals.cli", "Run eval suites and compare runs."),
    "tui": ("tui.cli", "The terminal interface."),
    "web": ("web.cli", "The Gradio web demo."),
}
# verbs exposed at top level rather than as a group (scad-agent compile FILE)
TOP_LEVEL_FROM: dict[str, str] = {"compile": "tools.cli", "check": "agent.check_cli"}
# groups whose most common verb may be left out: `scad-agent scrape examples --out DIR`
# means `scad-agent scrape run examples --out DIR`.
DEFAULT_VERB: dict[str, str] = {"scrape": "run", "eval": "run"}


def _register(verbs: set[str] | None = None) -> None:
    """Wire `verbs` (every verb when None) into `app`, in the same order each time."""
    app.registered_commands.clear()  # main() may run twice in one process (tests)
    app.registered_groups.clear()
    for verb, module in TOP_LEVEL_FROM.items():
        if verbs is None or verb in verbs:
            app.command(verb)(getattr(importlib.import_module(module), f"{verb}_cmd"))
    if verbs is None or "run" in verbs:
        app.command("run")(importlib.import_module("agent.run_cli").run_cmd)
    for verb, (module, help_text) in SUBCOMMANDS.items():
        if verbs is None or verb in verbs:
            app.add_typer(importlib.import_module(module).app, name=verb, help=help_text)


def main(argv: list[str] | None = None) -> None:
    """Entry point. `scad-agent "a 20 mm cube"` is shorthand for `scad-agent run "..."`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    verbs = set(SUBCOMMANDS) | set(TOP_LEVEL_FROM) | {"run"}
    if argv and argv[0] not in verbs | {"--help", "-h"}:
        argv.insert(0, "run")
    # the verb in use alone; every verb for the top-level --help (or no verb at all)
    _register({argv[0]} if argv and argv[0] in verbs else None)
    if len(argv) > 1 and argv[0] in DEFAULT_VERB and not argv[1].startswith("-"):
        group_verbs = {c.name or c.callback.__name__ for g in app.registered_groups
                       if g.name == argv[0] for c in g.typer_instance.registered_commands}
        if argv[1] not in group_verbs:
            argv.insert(1, DEFAULT_VERB[argv[0]])
    app(args=argv, prog_name="scad-agent")


if __name__ == "__main__":
    main()
