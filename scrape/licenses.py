"""Licenses: names -> SPDX expressions, license texts and headers -> SPDX, Debian machine-
readable copyright files, and the allow-list that decides what may enter the corpus.

A record's license is an SPDX expression ("MIT", "CC-BY-SA-3.0 OR LGPL-2.1-only") or None
when unknown. Unknown parts of an expression become `LicenseRef-<name>`; a record is allowed
when any OR-alternative has every AND-part in the allow-list.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Lower-cased names people (and Thingiverse, GitHub, Debian) write -> SPDX id.
_ALIASES: dict[str, str] = {
    "cc0": "CC0-1.0", "cc0-1.0": "CC0-1.0", "cc0 1.0": "CC0-1.0",
    "creative commons - public domain dedication": "CC0-1.0",
    "public domain": "LicenseRef-PublicDomain", "public-domain": "LicenseRef-PublicDomain",
    "pd": "LicenseRef-PublicDomain",
    "unlicense": "Unlicense", "the unlicense": "Unlicense",
    "mit": "MIT", "mit license": "MIT", "expat": "MIT",
    "bsd": "BSD-3-Clause", "bsd license": "BSD-3-Clause", "new bsd license": "BSD-3-Clause",
    "bsd-2-clause": "BSD-2-Clause", "2-clause bsd": "BSD-2-Clause",
    "3-clause bsd": "BSD-3-Clause", "bsd-3-clause": "BSD-3-Clause", "0bsd": "0BSD",
    "isc": "ISC", "zlib": "Zlib", "apache-2.0": "Apache-2.0", "apache 2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0", "mpl-2.0": "MPL-2.0",
    "gpl": "GPL-2.0-or-later", "gnu - gpl": "GPL-2.0-or-later",
    "gpl-2": "GPL-2.0-only", "gpl-2.0": "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later",
    "gpl-2.0+": "GPL-2.0-or-later", "gpl-2.0-only": "GPL-2.0-only",
    "gpl-2.0-or-later": "GPL-2.0-or-later",
    "gpl-3": "GPL-3.0-only", "gpl-3.0": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later",
    "gpl-3.0+": "GPL-3.0-or-later", "gpl-3.0-only": "GPL-3.0-only",
    "gpl-3.0-or-later": "GPL-3.0-or-later", "agpl-3.0": "AGPL-3.0-only",
    "agpl-3.0-only": "AGPL-3.0-only", "agpl-3.0-or-later": "AGPL-3.0-or-later",
    "lgpl": "LGPL-2.1-or-later", "gnu - lgpl": "LGPL-2.1-or-later",
    "lgpl-2": "LGPL-2.0-only", "lgpl-2.0": "LGPL-2.0-only", "lgpl-2+": "LGPL-2.0-or-later",
    "lgpl-2.1": "LGPL-2.1-only", "lgpl 2.1": "LGPL-2.1-only", "lgpl-2.1+": "LGPL-2.1-or-later",
    "lgpl-2.1-only": "LGPL-2.1-only", "lgpl-2.1-or-later": "LGPL-2.1-or-later",
    "lgpl-3": "LGPL-3.0-only", "lgpl-3.0": "LGPL-3.0-only", "lgpl-3+": "LGPL-3.0-or-later",
    "lgpl-3.0-only": "LGPL-3.0-only", "lgpl-3.0-or-later": "LGPL-3.0-or-later",
    "cc-by-3.0": "CC-BY-3.0", "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-3.0": "CC-BY-SA-3.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc-by-nc-3.0": "CC-BY-NC-3.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0", "cc-by-nc-sa-3.0": "CC-BY-NC-SA-3.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0", "cc-by-nd-4.0": "CC-BY-ND-4.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    # Thingiverse's license names carry no version; its license pages point at 4.0.
    "creative commons - attribution": "CC-BY-4.0",
    "creative commons - attribution - share alike": "CC-BY-SA-4.0",
    "creative commons - attribution - no derivatives": "CC-BY-ND-4.0",
    "creative commons - attribution - non-commercial": "CC-BY-NC-4.0",
    "creative commons - attribution - non-commercial - share alike": "CC-BY-NC-SA-4.0",
    "creative commons - attribution - non-commercial - no derivatives": "CC-BY-NC-ND-4.0",
    "all rights reserved": "LicenseRef-AllRightsReserved",
}

# Allow-list presets for --licenses. Non-commercial and no-derivatives terms are left out
# of "open" on purpose: a model trained on them could not be used freely.
PERMISSIVE = frozenset({
    "CC0-1.0", "LicenseRef-PublicDomain", "Unlicense", "MIT", "BSD-2-Clause", "BSD-3-Clause",
    "0BSD", "ISC", "Zlib", "Apache-2.0", "CC-BY-3.0", "CC-BY-4.0",
})
COPYLEFT = frozenset({
    "CC-BY-SA-3.0", "CC-BY-SA-4.0", "MPL-2.0", "GPL-2.0-only", "GPL-2.0-or-later",
    "GPL-3.0-only", "GPL-3.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later", "LGPL-2.0-only",
    "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
    "LGPL-3.0-or-later",
})
NON_COMMERCIAL = frozenset({
    "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
})
PRESETS: dict[str, frozenset[str]] = {
    "permissive": PERMISSIVE,
    "open": PERMISSIVE | COPYLEFT,
    "any-known": PERMISSIVE | COPYLEFT | NON_COMMERCIAL,
}
DEFAULT_ALLOW = "open"


def _ref(name: str) -> str:
    return "LicenseRef-" + (re.sub(r"[^A-Za-z0-9.\-]+", "-", name.strip()).strip("-") or "x")


_GNU = re.compile(r"^(a|l)?gpl\s*-?\s*v?(\d)(?:\.(\d))?(\+|-only|-or-later)?$")


def _gnu(name: str) -> str | None:
    """'LGPL 2.1', 'gplv3', 'LGPL2+', 'GPL-3.0-or-later' -> SPDX id."""
    match = _GNU.match(name.lower().replace(" or later", "+"))
    if not match:
        return None
    prefix, major, minor, suffix = match.groups()
    family = {"a": "AGPL", "l": "LGPL", None: "GPL"}[prefix]
    version = f"{major}.{minor or 0}"
    if family == "LGPL" and major == "2" and minor is None:
        version = "2.0"
    later = suffix in ("+", "-or-later")
    spdx = f"{family}-{version}-{'or-later' if later else 'only'}"
    return spdx if spdx in ALL_IDS else None


def _one(name: str) -> str | None:
    name = name.strip(" .;,*\t")
    for candidate in (name, re.sub(r"\s+licen[cs]e$", "", name, flags=re.I)):
        spdx = _ALIASES.get(candidate.lower()) or _gnu(candidate)
        if spdx is None and candidate in ALL_IDS:
            spdx = candidate
        if spdx is None and candidate.lower().startswith(("pd-", "public-domain-")):
            spdx = "LicenseRef-PublicDomain"  # Debian's per-file public domain notes
        if spdx is not None:
            return spdx
    return None


def normalize_license(raw: str | None) -> str | None:
    """A license name or expression -> SPDX expression; None if nothing in it is known."""
    if raw is None or not raw.strip():
        return None
    text = re.sub(r"\([^)]*https?://[^)]*\)|https?://\S+|<[^>]*>", " ", raw).strip()
    text = re.sub(r"\s+or\s+(?:\(at your option\)\s+)?(?:any\s+)?later(?:\s+version)?", "+",
                  text, flags=re.I)
    if text.upper() in ("NOASSERTION", "NONE", "OTHER", "UNKNOWN"):
        return None
    known = False
    out = []
    for alt in re.split(r"\s+(?:or|OR)\s+", text.strip("() ")):
        parts = []
        for part in re.split(r"\s+(?:and|AND)\s+", alt.strip("() ")):
            spdx = _one(part)
            known = known or spdx is not None
            parts.append(spdx or _ref(part))
        out.append(" AND ".join(parts))
    return " OR ".join(out) if known else None


ALL_IDS = frozenset(_ALIASES.values()) | PERMISSIVE | COPYLEFT | NON_COMMERCIAL


@dataclass(frozen=True)
class LicensePolicy:
    """Which SPDX ids may enter the corpus (expressions are checked part by part)."""

    allowed: frozenset[str] = field(default_factory=lambda: PRESETS[DEFAULT_ALLOW])

    @classmethod
    def parse(cls, spec: str | None) -> LicensePolicy:
        """'open' / 'permissive' / 'any-known' / comma-separated SPDX ids, mixed freely."""
        allowed: set[str] = set()
        for item in (spec or DEFAULT_ALLOW).split(","):
            item = item.strip()
            if not item:
                continue
            if item in PRESETS:
                allowed |= PRESETS[item]
            else:
                allowed.add(normalize_license(item) or item)
        return cls(frozenset(allowed))

    def allows(self, expression: str | None) -> bool:
        if not expression:
            return False
        for alt in expression.split(" OR "):
            if all(part.strip("() ") in self.allowed for part in alt.split(" AND ")):
                return True
        return False


# ---------------------------------------------------------------- detection in files

_SPDX_HEADER = re.compile(r"SPDX-License-Identifier:\s*([^\n*]+?)\s*(?:\*/)?\s*$", re.M)
_LICENSE_LINE = re.compile(r"^\W*licen[cs]e[d]?\s*(?:under)?\s*[:\-]?\s*(.+?)\s*$", re.I | re.M)

# (pattern, SPDX id): first match wins, so the more specific texts come first.
_LICENSE_TEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I | re.S), spdx) for p, spdx in [
        (r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3", "LGPL-3.0-only"),
        (r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1", "LGPL-2.1-only"),
        (r"GNU AFFERO GENERAL PUBLIC LICENSE\s+Version 3", "AGPL-3.0-only"),
        (r"GNU GENERAL PUBLIC LICENSE\s+Version 3", "GPL-3.0-only"),
        (r"GNU GENERAL PUBLIC LICENSE\s+Version 2", "GPL-2.0-only"),
        (r"Apache License,?\s+Version 2\.0", "Apache-2.0"),
        (r"Mozilla Public License,?\s+(?:Version|v\.?)\s*2\.0", "MPL-2.0"),
        (r"CC0 1\.0 Universal|creativecommons\.org/publicdomain/zero", "CC0-1.0"),
        (r"This is free and unencumbered software released into the public domain",
         "Unlicense"),
        (r"Attribution-NonCommercial-ShareAlike 4\.0", "CC-BY-NC-SA-4.0"),
        (r"Attribution-NonCommercial 4\.0", "CC-BY-NC-4.0"),
        (r"Attribution-ShareAlike 4\.0", "CC-BY-SA-4.0"),
        (r"Attribution-ShareAlike 3\.0", "CC-BY-SA-3.0"),
        (r"Attribution 4\.0 International", "CC-BY-4.0"),
        (r"Permission is hereby granted, free of charge", "MIT"),
        (r"Redistribution and use in source and binary forms.*?Neither the name", "BSD-3-Clause"),
        (r"Redistribution and use in source and binary forms", "BSD-2-Clause"),
        (r"Permission to use, copy, modify, and/or distribute this software", "ISC"),
    ]
]
LICENSE_FILE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING",
                      "COPYING.txt", "UNLICENSE")


def detect_license_text(text: str) -> str | None:
    """The SPDX id of a license file's text (the first few kB decide)."""
    head = text[:6000]
    for pattern, spdx in _LICENSE_TEXTS:
        if pattern.search(head):
            return spdx
    return None


def license_in_header(text: str) -> str | None:
    """`SPDX-License-Identifier: X` or a `License: X` line in the program's first lines."""
    head = "\n".join(text.split("\n")[:40])
    match = _SPDX_HEADER.search(head)
    if match:
        return normalize_license(match.group(1))
    for line in _LICENSE_LINE.finditer(head):
        found = normalize_license(re.sub(r"\*/.*$", "", line.group(1)).rstrip(".; "))
        if found:
            return found
    return None


def license_file_for(path: Path, root: Path) -> str | None:
    """License of the nearest LICENSE/COPYING file in path's folder or above, up to root."""
    folder = path.parent
    root = root.resolve()
    while True:
        for name in LICENSE_FILE_NAMES:
            candidate = folder / name
            if candidate.is_file():
                found = detect_license_text(candidate.read_text(errors="replace"))
                if found:
                    return found
        if folder.resolve() == root or folder.parent == folder:
            return None
        folder = folder.parent


# ---------------------------------------------------------------- Debian copyright (DEP-5)


@dataclass(frozen=True)
class CopyrightStanza:
    patterns: tuple[str, ...]
    license: str  # the short name as written ("CC-BY-3.0 or LGPL-2.1")


def parse_dep5(text: str) -> list[CopyrightStanza]:
    """The `Files:` stanzas of a machine-readable debian/copyright file, in order."""
    stanzas = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = None
        for line in block.split("\n"):
            if line[:1] in (" ", "\t") and key:
                if key == "Files":
                    fields[key] += " " + line.strip()
                continue
            if ":" in line:
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
        if "Files" in fields and "License" in fields:
            stanzas.append(CopyrightStanza(tuple(fields["Files"].split()), fields["License"]))
    return stanzas


def dep5_license(stanzas: list[CopyrightStanza], path: Path) -> str | None:
    """License of an installed file: the last stanza whose pattern matches a tail of its
    path (installed paths differ from the upstream tree the patterns describe)."""
    parts = path.parts
    tails = ["/".join(parts[i:]) for i in range(len(parts) - 1, 0, -1)]
    found = None
    fallback = None
    for stanza in stanzas:
        for pattern in stanza.patterns:
            if pattern == "*":
                fallback = stanza.license
            elif any(fnmatch.fnmatchcase(tail, pattern) for tail in tails):
                found = stanza.license
    return normalize_license(found or fallback)


def debian_copyright_for(path: Path) -> Path | None:
    """The copyright file of the Debian package that installed `path` (dpkg -S), if any."""
    try:
        out = subprocess.run(["dpkg-query", "-S", str(path)], capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0 or ":" not in out.stdout:
        return None
    package = out.stdout.split(":", 1)[0].split(",")[0].strip()
    copyright_file = Path("/usr/share/doc") / package / "copyright"
    return copyright_file if copyright_file.is_file() else None
