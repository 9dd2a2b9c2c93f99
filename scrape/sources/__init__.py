"""Sources of OpenSCAD programs, one module each, behind scrape.sources.base.Source.

SOURCE arguments:
    github:QUERY        repository search (language:OpenSCAD added), then each repo's files
    thingiverse:TERM    thing search; customizer things first
    examples[:PATH]     the example programs installed with OpenSCAD (CC0-1.0)
    gallery:URL         OpenSCAD snippets of an HTML page (CC0 on openscad.org)
    local:PATH          a folder, an archive or one .scad file
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrape.sources.base import FetchContext, Source, SourceError
from scrape.sources.github import GitHubConfig
from scrape.sources.thingiverse import ThingiverseConfig

__all__ = ["FetchContext", "Source", "SourceError", "SourceSettings", "make_source"]


@dataclass
class SourceSettings:
    github: GitHubConfig = field(default_factory=GitHubConfig)
    thingiverse: ThingiverseConfig = field(default_factory=ThingiverseConfig)
    local_license: str | None = None  # for local: sources (else LICENSE files / Debian)
    page_license: str | None = None  # for gallery: pages outside openscad.org


def make_source(spec: str, settings: SourceSettings | None = None) -> Source:
    """SOURCE argument -> source object (imports only the module it needs)."""
    settings = settings or SourceSettings()
    kind, _, arg = spec.partition(":")
    if kind == "github":
        from scrape.sources.github import GitHubSource

        return GitHubSource(arg, settings.github)
    if kind == "thingiverse":
        if not arg.strip():
            raise SourceError("thingiverse needs a search term: thingiverse:TERM")
        from scrape.sources.thingiverse import ThingiverseSource

        return ThingiverseSource(arg, settings.thingiverse)
    if kind == "examples":
        from scrape.sources.local import ExamplesSource

        return ExamplesSource(arg or None)
    if kind == "gallery":
        from scrape.sources.gallery import GallerySource

        if not arg.startswith(("http://", "https://")):
            raise SourceError("gallery needs a page address: gallery:https://...")
        return GallerySource(arg, settings.page_license)
    if kind == "local":
        from scrape.sources.local import LocalSource

        if not arg:
            raise SourceError("local needs a path: local:PATH")
        return LocalSource(arg, settings.local_license)
    raise SourceError(f"unknown source {spec!r}: use github:QUERY, thingiverse:TERM, "
                      "examples, gallery:URL or local:PATH")
