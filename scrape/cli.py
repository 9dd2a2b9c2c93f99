"""`scad-agent scrape ...`: gather OpenSCAD programs into a licensed, deduplicated corpus.

    scad-agent scrape run SOURCE... --out DIR [--limit N] [--licenses open]
    scad-agent scrape stats DIR
    scad-agent scrape export DIR --out train.jsonl     (training records for finetune)

SOURCE: github:QUERY, thingiverse:TERM, examples, gallery:URL, local:PATH (folder,
archive or file). Tokens come from GITHUB_TOKEN / THINGIVERSE_TOKEN. Rerunning the same
`run` resumes: nothing already fetched or compiled is fetched or compiled again.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from tools.errors import ScadAgentError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Gather OpenSCAD programs from the web into a corpus.")


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(2)


@app.command("run")
def run_cmd(
    sources: list[str] = typer.Argument(..., help="github:QUERY, thingiverse:TERM, examples, "
                                        "gallery:URL, local:PATH"),
    out: Path = typer.Option(..., "--out", "-o", help="Corpus folder (state kept inside)."),
    limit: int | None = typer.Option(None, help="At most N files per source."),
    licenses: str = typer.Option("open", help="Allow-list: presets open, permissive, "
                                 "any-known and/or SPDX ids, comma-separated."),
    local_license: str | None = typer.Option(None, help="SPDX license of local: sources "
                                             "(else LICENSE files, Debian copyright)."),
    page_license: str | None = typer.Option(None, help="SPDX license of gallery: pages "
                                            "outside openscad.org."),
    compile_: bool = typer.Option(True, "--compile/--no-compile",
                                  help="Compile every candidate with OpenSCAD."),
    compile_timeout: float = typer.Option(60.0, help="Seconds per compile."),
    jobs: int = typer.Option(min(4, os.cpu_count() or 1), "--jobs", "-j",
                             help="Parallel compiles."),
    keep_libraries: bool = typer.Option(False, help="Keep module-only library files."),
    lenient_warnings: bool = typer.Option(False, help="Keep programs whose compile warns "
                                          "(unknown variable ...); default drops them."),
    threshold: float = typer.Option(0.7, help="Near-duplicate Jaccard threshold."),
    shard_size: int = typer.Option(5000, help="Records per JSONL shard."),
    refresh: bool = typer.Option(False, help="Ask the network again (conditional requests) "
                                 "for search pages and listings fetched in earlier runs."),
    rate: float | None = typer.Option(None, help="Requests/second for every host "
                                      "(default: per-host polite limits)."),
    github_api: str = typer.Option("https://api.github.com", envvar="SCAD_SCRAPE_GITHUB_API"),
    github_raw: str = typer.Option("https://raw.githubusercontent.com",
                                   envvar="SCAD_SCRAPE_GITHUB_RAW"),
    thingiverse_api: str = typer.Option("https://api.thingiverse.com",
                                        envvar="SCAD_SCRAPE_THINGIVERSE_API"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Fetch, extract, filter (license, compile), deduplicate and write a corpus."""
    from scrape.dedup import DedupConfig
    from scrape.filter import FilterConfig
    from scrape.http import HostLimit, HttpConfig
    from scrape.licenses import LicensePolicy
    from scrape.pipeline import PipelineConfig, default_host_limits, run_pipeline
    from scrape.sources import SourceSettings
    from scrape.sources.github import GitHubConfig
    from scrape.sources.thingiverse import ThingiverseConfig

    settings = SourceSettings(
        github=GitHubConfig(api=github_api.rstrip("/"), raw=github_raw.rstrip("/")),
        thingiverse=ThingiverseConfig(api=thingiverse_api.rstrip("/")),
        local_license=local_license, page_license=page_license)
    http = HttpConfig()
    if rate is not None:
        http.default_limit = HostLimit(rate=rate, burst=max(1, int(rate)))
        http.host_limits = dict.fromkeys(default_host_limits(settings), http.default_limit)
    config = PipelineConfig(
        out_dir=out, limit=limit,
        filter=FilterConfig(policy=LicensePolicy.parse(licenses), compile=compile_,
                            compile_timeout_s=compile_timeout, keep_libraries=keep_libraries,
                            hardwarnings=not lenient_warnings),
        dedup=DedupConfig(threshold=threshold), http=http, sources=settings, jobs=jobs,
        shard_size=shard_size, refresh=refresh, progress=progress)
    try:
        stats = run_pipeline(sources, config, log=lambda m: typer.echo(m, err=True))
    except ScadAgentError as exc:
        raise _fail(exc) from exc
    typer.echo(stats.render())
    typer.echo(f"corpus: {out}")


@app.command("stats")
def stats_cmd(corpus: Path = typer.Argument(..., help="A corpus folder.")) -> None:
    """Print the stats report of a corpus."""
    from scrape.stats import Stats

    path = corpus / "stats.json"
    if not path.is_file():
        raise _fail(ScadAgentError(f"{path} not found: is {corpus} a corpus folder?"))
    typer.echo(Stats.load(path).render())


@app.command("export")
def export_cmd(
    corpus: Path = typer.Argument(..., help="A corpus folder."),
    out: Path = typer.Option(..., "--out", "-o", help="Training records file (JSONL)."),
) -> None:
    """Write training records (user: description, assistant: program) for finetune."""
    from scrape.convert import convert, read_corpus

    if not any(corpus.glob("corpus-*.jsonl")):
        raise _fail(ScadAgentError(f"no corpus-*.jsonl shards in {corpus}"))
    written, skipped = convert(read_corpus(corpus), out)
    typer.echo(f"{written} training records written to {out} "
               f"({skipped} skipped: too little description)")


if __name__ == "__main__":
    app()
